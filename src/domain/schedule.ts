/**
 * When a channel's digest is due, in its own time zone. Pure functions over IANA zones through `Intl`.
 *
 * DST, following Temporal's "compatible" rule: a posting time that does not exist on the spring-forward day
 * (02:30 in New York) posts one hour later; a time that occurs twice on the fall-back day posts at the first.
 */
import { distance } from '../text.js';
import { addDays, isoWeekday } from './days.js';

export type DaysSetting = 'weekdays' | 'daily';

/** What the schedule needs of a channel's settings. */
export interface ScheduleSettings {
  readonly postTime: string;
  readonly timezone: string;
  readonly days: DaysSetting;
}

/** One posting time of one channel: the local day it belongs to and the instant it falls on. */
export interface Slot {
  /** Local date, YYYY-MM-DD. */
  readonly localDate: string;
  readonly at: Date;
}

const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock reading in `timeZone` at `instant`. */
export function wallClock(instant: Date, timeZone: string): { date: string; time: string; ms: number } {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}:${parts.minute}`;
  const ms = Date.parse(`${date}T${time}:${parts.second}Z`);
  return { date, time, ms };
}

/** UTC offset of `timeZone` at `instant`, in ms (New York in winter: −5 h). */
function offsetAt(instant: number, timeZone: string): number {
  const wall = wallClock(new Date(instant), timeZone).ms;
  return wall - Math.floor(instant / 1000) * 1000;
}

/** The instant at which the wall clock in `timeZone` reads `date` `time` (see the DST rule above). */
export function zonedTime(date: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T${time}:00Z`);
  const before = wall - offsetAt(wall - 24 * HOUR_MS, timeZone);
  const after = wall - offsetAt(wall + 24 * HOUR_MS, timeZone);
  const valid = [before, after].filter((t) => wallClock(new Date(t), timeZone).ms === wall);
  if (valid.length > 0) return new Date(Math.min(...valid));
  // In a spring-forward gap: the pre-transition offset lands after the gap, one gap-length later.
  return new Date(Math.max(before, after));
}

/**
 * Why these stored settings cannot be scheduled (a time zone this runtime does not know, a time that is not HH:MM
 * on a 24-hour clock, an unknown days setting), or undefined when they can. The commands never store such values;
 * a row edited by hand or by an older version may hold them, and one such row must not stop the others.
 */
export function scheduleProblem(settings: ScheduleSettings): string | undefined {
  if (typeof settings.timezone !== 'string' || canonicalTimeZone(settings.timezone) === undefined)
    return `the stored time zone "${String(settings.timezone).slice(0, 64)}" is not a known IANA time zone`;
  if (typeof settings.postTime !== 'string' || parsePostTime(settings.postTime) !== settings.postTime)
    return `the stored posting time "${String(settings.postTime).slice(0, 16)}" is not a 24-hour time like 09:00`;
  if (settings.days !== 'weekdays' && settings.days !== 'daily')
    return `the stored days setting "${String(settings.days).slice(0, 16)}" is neither weekdays nor daily`;
  return undefined;
}

/** Whether a digest posts on this local date. */
export function postsOn(localDate: string, days: DaysSetting): boolean {
  return days === 'daily' || isoWeekday(localDate) <= 5;
}

/**
 * Slots whose time has come by `now`, newest last: today's and yesterday's (local), so a post missed just before
 * midnight is still found after it. The caller decides what is too late.
 */
export function passedSlots(settings: ScheduleSettings, now: Date): Slot[] {
  const today = wallClock(now, settings.timezone).date;
  const slots: Slot[] = [];
  for (const localDate of [addDays(today, -1), today]) {
    if (!postsOn(localDate, settings.days)) continue;
    const at = zonedTime(localDate, settings.postTime, settings.timezone);
    if (at.getTime() <= now.getTime()) slots.push({ localDate, at });
  }
  return slots;
}

/** The next slot strictly after `now`. */
export function nextSlot(settings: ScheduleSettings, now: Date): Slot {
  const today = wallClock(now, settings.timezone).date;
  for (let i = 0; i < 8; i++) {
    const localDate = addDays(today, i);
    if (!postsOn(localDate, settings.days)) continue;
    const at = zonedTime(localDate, settings.postTime, settings.timezone);
    if (at.getTime() > now.getTime()) return { localDate, at };
  }
  throw new Error('unreachable: a week always has a posting day');
}

/** Parses a posting time: `9:00`, `09:00`, `21:30` → `HH:MM`; undefined when it is not a 24-hour time. */
export function parsePostTime(text: string): string | undefined {
  const m = /^(\d{1,2}):(\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  if (h > 23 || min > 59) return undefined;
  return `${String(h).padStart(2, '0')}:${m[2]}`;
}

let zones: string[] | undefined;

/** Every IANA zone this runtime knows, plus UTC. */
export function knownTimeZones(): readonly string[] {
  zones ??= [...new Set(['UTC', ...Intl.supportedValuesOf('timeZone')])];
  return zones;
}

/** The canonical spelling of an IANA zone (`europe/paris` → `Europe/Paris`), or undefined when unknown. */
export function canonicalTimeZone(text: string): string | undefined {
  const wanted = text.trim();
  if (!wanted || wanted.length > 64) return undefined;
  const exact = knownTimeZones().find((z) => z.toLowerCase() === wanted.toLowerCase());
  if (exact) return exact;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: wanted }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** Zones whose name contains the text (case- and separator-insensitive), best first, at most `limit`. */
export function suggestTimeZones(text: string, limit = 25): string[] {
  const norm = (s: string) => s.toLowerCase().replace(/[\s_/-]+/g, '');
  const wanted = norm(text);
  const all = knownTimeZones();
  if (!wanted) return all.slice(0, limit);
  const starts = all.filter((z) => norm(z.split('/').pop() ?? z).startsWith(wanted) || norm(z).startsWith(wanted));
  const contains = all.filter((z) => !starts.includes(z) && norm(z).includes(wanted));
  const found = [...starts, ...contains];
  if (found.length > 0 || wanted.length < 4) return found.slice(0, limit);
  // Nothing contains it: the nearest names by edit distance (a typo like "Europe/Pariss").
  return all
    .map((z) => ({ z, d: Math.min(distance(wanted, norm(z)), distance(wanted, norm(z.split('/').pop() ?? z))) }))
    .filter(({ d }) => d <= Math.max(2, Math.floor(wanted.length / 4)))
    .sort((a, b) => a.d - b.d || a.z.localeCompare(b.z))
    .slice(0, limit)
    .map(({ z }) => z);
}
