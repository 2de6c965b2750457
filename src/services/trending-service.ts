import {
  formatDay,
  formatMonth,
  formatShortDay,
  isIsoDate,
  isoWeekOf,
  isoWeekRange,
  latestClosedDay,
  monthRange,
  toIsoDate,
} from '../domain/days.js';
import type { Paper } from '../domain/paper.js';
import { UserError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { PaperStore } from '../ports/stores.js';

export type TrendingPeriod = 'day' | 'week' | 'month';

export interface TrendingRequest {
  readonly period?: TrendingPeriod | undefined;
  /** `YYYY-MM-DD` (a day, or any day of the week/month), `YYYY-Www` or `YYYY-MM`. */
  readonly when?: string | undefined;
  readonly limit: number;
}

export interface TrendingView {
  readonly period: TrendingPeriod;
  readonly from: string;
  readonly to: string;
  /** "Fri 13 Nov 2026", "week 2026-W46 (9–15 Nov)", "November 2026". */
  readonly label: string;
  readonly papers: Paper[];
  /** Papers on the list(s) in all, before the limit. */
  readonly total: number;
  /** Set when the view is not exactly what was asked (the latest closed day was empty, the list is still open). */
  readonly note?: string | undefined;
}

/** Trending views: a day's list by upvotes, an ISO week, a month, and by default the latest closed day. */
export class TrendingService {
  private readonly papers: PaperStore;
  private readonly clock: Clock;
  constructor(papers: PaperStore, clock: Clock) {
    this.papers = papers;
    this.clock = clock;
  }

  async trending(request: TrendingRequest): Promise<TrendingView> {
    const range = await this.resolve(request);
    const [papers, total] = await Promise.all([
      this.papers.listedBetween(range.from, range.to, request.limit),
      this.papers.countListedBetween(range.from, range.to),
    ]);
    return { ...range, papers, total };
  }

  /** Turns a request into a date range, validating it. */
  async resolve(request: TrendingRequest): Promise<Omit<TrendingView, 'papers' | 'total'>> {
    const now = this.clock.now();
    const closed = latestClosedDay(now);
    const when = request.when?.trim();
    let period = request.period;
    if (when && !period) period = /W/i.test(when) ? 'week' : /^\d{4}-\d{2}$/.test(when) ? 'month' : 'day';
    period ??= 'day';

    if (period === 'day') {
      if (when) {
        if (!isIsoDate(when)) throw new UserError(`"${when}" is not a date; write it as YYYY-MM-DD, e.g. ${closed}.`);
        checkInRange(when, { from: when, to: when }, now);
        return { period, from: when, to: when, label: formatDay(when), note: openNote(when, closed) };
      }
      // The latest closed day; over a weekend that list is empty, so show the newest closed list with papers.
      const latest = await this.papers.latestListDate(closed);
      const day = latest ?? closed;
      const note =
        latest && latest !== closed
          ? `No papers were listed on ${formatDay(closed)}; showing the latest closed list.`
          : undefined;
      return { period, from: day, to: day, label: formatDay(day), note };
    }

    // Without a date, like the day view: the period of the newest closed list with papers, said so when that is
    // not the current period (a new week that has no list yet).
    const latest = when ? undefined : ((await this.papers.latestListDate(closed)) ?? closed);

    if (period === 'week') {
      const week = !when ? isoWeekOf(latest!) : isIsoDate(when) ? isoWeekOf(when) : when.toUpperCase();
      const range = isoWeekRange(week);
      if (!range)
        throw new UserError(`"${when}" is not a week; write it as YYYY-Www (e.g. ${isoWeekOf(closed)}) or a date.`);
      if (when) checkInRange(when, range, now);
      const label = `week ${week} (${formatShortDay(range.from)} – ${formatShortDay(range.to)})`;
      const note =
        !when && week !== isoWeekOf(closed)
          ? `No papers were listed in week ${isoWeekOf(closed)} yet; showing the latest week with papers.`
          : undefined;
      return { period, ...range, label, note };
    }

    const month = !when ? latest!.slice(0, 7) : isIsoDate(when) ? when.slice(0, 7) : when;
    const range = monthRange(month);
    if (!range)
      throw new UserError(`"${when}" is not a month; write it as YYYY-MM (e.g. ${closed.slice(0, 7)}) or a date.`);
    if (when) checkInRange(when, range, now);
    const note =
      !when && month !== closed.slice(0, 7)
        ? `No papers were listed in ${formatMonth(`${closed.slice(0, 7)}-01`)} yet; showing the latest month with papers.`
        : undefined;
    return { period, ...range, label: formatMonth(range.from), note };
  }
}

/** Before this day there is no Daily Papers list (they began in 2023); earlier dates are refused, not queried. */
const EARLIEST_DAY = '2000-01-01';

/**
 * Refuses a period that starts after today or ends before any list could exist, with a message saying so, before
 * it reaches the database (a date in year 9999 or 0 overflows the date arithmetic there).
 */
function checkInRange(when: string, range: { from: string; to: string }, now: Date): void {
  const today = toIsoDate(now);
  if (range.from > today) throw new UserError(`${when} is in the future; the newest list is ${today}.`);
  if (range.to < EARLIEST_DAY) throw new UserError(`${when} is before any Daily Papers list (they began in 2023).`);
}

function openNote(day: string, closed: string): string | undefined {
  return day > closed
    ? 'This list is still open: Hugging Face keeps adding papers until 03:00 UTC the next day.'
    : undefined;
}
