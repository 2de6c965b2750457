import { addDays, isoWeekOf, toIsoDate } from '../domain/days.js';
import { describeError, UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports/clock.js';
import type { PaperSource } from '../ports/paper-source.js';
import {
  RISING_WINDOWS,
  type RisingHit,
  type RisingMetric,
  type RisingStore,
  type RisingWindow,
} from '../ports/rising.js';
import type { PaperStore } from '../ports/stores.js';

/** Papers listed within this many days can be rising. */
export const RISING_LISTED_DAYS = 14;
/** Snapshots younger than this are all kept; older ones thinned to one a day per paper. */
export const SNAPSHOT_KEEP_ALL_DAYS = 14;

export interface RisingServiceDeps {
  readonly store: RisingStore;
  readonly papers: PaperStore;
  readonly source: PaperSource;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface WeekRefresh {
  readonly week: string;
  readonly fetched: number;
  readonly error?: string | undefined;
}

/** `24h` and `7d`, and a few spellings of them; anything else is a UserError naming the accepted values. */
export function parseRisingWindow(text: string | undefined): RisingWindow {
  if (text === undefined) return '24h';
  const t = text.trim().toLowerCase();
  if (['24h', '1d', 'day', '24'].includes(t)) return '24h';
  if (['7d', '1w', 'week', '168h'].includes(t)) return '7d';
  throw new UserError(`The rising window is ${RISING_WINDOWS.join(' or ')}, not “${text.slice(0, 20)}”.`);
}

/** How the gain reads on a card: "▲ +38 in 24 h", "★ +120 in 7 d". */
export function gainLine(gain: number, window: RisingWindow, metric: RisingMetric): string {
  const icon = metric === 'stars' ? '★' : '▲';
  return `${icon} +${gain.toLocaleString('en-US')} in ${window === '24h' ? '24 h' : '7 d'}`;
}

/**
 * Rising papers and what keeps them computable: the refresh of the current and previous ISO week (so papers older
 * than the open and latest closed day keep getting snapshots) and the snapshot retention.
 */
export class RisingService {
  private readonly deps: RisingServiceDeps;
  constructor(deps: RisingServiceDeps) {
    this.deps = deps;
  }

  /** Papers listed in the last 14 days by gain over the window, largest first. */
  async rising(options: {
    window: RisingWindow;
    metric?: RisingMetric | undefined;
    limit: number;
    exclude?: readonly string[] | undefined;
  }): Promise<RisingHit[]> {
    const now = this.deps.clock.now();
    return this.deps.store.rising({
      window: options.window,
      metric: options.metric ?? 'upvotes',
      limit: options.limit,
      now,
      listedSince: addDays(toIsoDate(now), -RISING_LISTED_DAYS),
      exclude: options.exclude,
    });
  }

  /**
   * Fetches the current and the previous ISO week (`?week=`, a few pages each: far below Hugging Face's 500 requests
   * per 5 minutes) and stores them, which adds a snapshot per paper. Failures are logged and reported, never thrown.
   */
  async refreshWeeks(): Promise<WeekRefresh[]> {
    const now = this.deps.clock.now();
    const today = toIsoDate(now);
    const weeks = [...new Set([isoWeekOf(today), isoWeekOf(addDays(today, -7))])];
    const outcomes: WeekRefresh[] = [];
    // The record parser (zod) is loaded here, not with this module: the chat commands import this module's helpers,
    // and `paperpulse --help` loads the chat commands (for the Discord and Slack command lists).
    const { parseBatch } = await import('../huggingface/normalize.js');
    for (const week of weeks) {
      try {
        const records = await this.deps.source.fetchList({ week });
        const batch = parseBatch(records);
        await this.deps.papers.upsertListed(batch.items, undefined, now);
        outcomes.push({ week, fetched: records.length });
      } catch (err) {
        const error = describeError(err);
        this.deps.log.warn({ week, err }, 'rising refresh of a week failed; will retry on the next run');
        outcomes.push({ week, fetched: 0, error });
      }
    }
    return outcomes;
  }

  /** Keeps every snapshot of the last 14 days and the last one of each day before; returns how many were deleted. */
  async pruneSnapshots(): Promise<number> {
    const keepAllSince = new Date(this.deps.clock.now().getTime() - SNAPSHOT_KEEP_ALL_DAYS * 86_400_000);
    return this.deps.store.pruneSnapshots(keepAllSince);
  }
}
