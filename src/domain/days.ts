/**
 * Calendar rules for Daily Papers lists. Dates are `YYYY-MM-DD` strings in UTC, the list's own calendar.
 *
 * A list keeps growing until about 02:30 UTC the next day (baeksang1124/hf-daily-papers-discord, README), so a day counts as
 * **closed** at 03:00 UTC on the next calendar day.
 */

const DAY_MS = 86_400_000;
/** Hours after the next UTC midnight at which a list is closed. */
export const CLOSE_HOUR_UTC = 3;

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK_RE = /^(\d{4})-W(\d{2})$/i;
const MONTH_RE = /^(\d{4})-(\d{2})$/;

/** True when `text` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(text: string): boolean {
  const m = DATE_RE.exec(text);
  if (!m) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return toIsoDate(new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS));
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The moment list `date` closes: 03:00 UTC the next day. */
export function closesAt(date: string): Date {
  return new Date(Date.parse(`${addDays(date, 1)}T00:00:00Z`) + CLOSE_HOUR_UTC * 3_600_000);
}

export function isClosed(date: string, now: Date): boolean {
  return now.getTime() >= closesAt(date).getTime();
}

/** The newest closed list date at `now`. */
export function latestClosedDay(now: Date): string {
  return addDays(toIsoDate(new Date(now.getTime() - CLOSE_HOUR_UTC * 3_600_000)), -1);
}

/** The ISO week (`YYYY-Www`) containing `date`. */
export function isoWeekOf(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  // The Thursday of this week decides the ISO year.
  const thursday = new Date(d.getTime() + (4 - isoWeekday(date)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const jan1 = Date.UTC(year, 0, 1);
  const week = Math.floor((thursday.getTime() - jan1) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** Monday and Sunday of an ISO week, or undefined when `week` is not a valid `YYYY-Www`. */
export function isoWeekRange(week: string): { from: string; to: string } | undefined {
  const m = WEEK_RE.exec(week);
  if (!m) return undefined;
  const year = Number(m[1]);
  const n = Number(m[2]);
  // Week 1 holds January 4th.
  const jan4 = `${year}-01-04`;
  const monday1 = addDays(jan4, 1 - isoWeekday(jan4));
  const from = addDays(monday1, (n - 1) * 7);
  if (n < 1 || isoWeekOf(from) !== `${year}-W${String(n).padStart(2, '0')}`) return undefined;
  return { from, to: addDays(from, 6) };
}

/** First and last day of a `YYYY-MM` month, or undefined when invalid. */
export function monthRange(month: string): { from: string; to: string } | undefined {
  const m = MONTH_RE.exec(month);
  if (!m) return undefined;
  const year = Number(m[1]);
  const mon = Number(m[2]);
  if (mon < 1 || mon > 12) return undefined;
  const from = `${m[1]}-${m[2]}-01`;
  const to = toIsoDate(new Date(Date.UTC(year, mon, 0)));
  return { from, to };
}

/** Every date from `from` to `to`, inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** "Fri 13 Nov 2026" (built by hand: ICU versions disagree on commas). */
export function formatDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${WEEKDAYS[isoWeekday(date) - 1]} ${d} ${MONTHS[m - 1]} ${y}`;
}

/** "13 Nov" */
export function formatShortDay(date: string): string {
  const [, m, d] = date.split('-').map(Number) as [number, number, number];
  return `${d} ${MONTHS[m - 1]}`;
}

/** "November 2026" for any date or YYYY-MM in it. */
export function formatMonth(date: string): string {
  const [y, m] = date.split('-').map(Number) as [number, number];
  return `${MONTH_NAMES[m - 1]} ${y}`;
}
