/**
 * Rising papers: growth of upvotes (or GitHub stars) over a window, from the metric snapshots taken at each fetch.
 * Implemented in src/db/pg-rising.ts; the RisingService (src/services/rising-service.ts) and the `rising` command use
 * it, and so can other callers (feeds, an MCP server).
 */
import type { Paper } from '../domain/paper.js';

export type RisingWindow = '24h' | '7d';
export const RISING_WINDOWS: readonly RisingWindow[] = ['24h', '7d'];
export type RisingMetric = 'upvotes' | 'stars';

export interface RisingQuery {
  readonly window: RisingWindow;
  readonly metric: RisingMetric;
  readonly limit: number;
  /** The end of the window. */
  readonly now: Date;
  /** Papers listed on Daily Papers on or after this day (YYYY-MM-DD) are considered. */
  readonly listedSince: string;
  /** Leave these papers out (e.g. those already in a digest). */
  readonly exclude?: readonly string[] | undefined;
}

export interface RisingHit {
  readonly paper: Paper;
  /** Upvotes (or stars) gained over the window: the latest snapshot minus the one at the window's start. */
  readonly gain: number;
}

export interface RisingStore {
  /** Papers by gain over the window, largest first; only papers that gained. */
  rising(query: RisingQuery): Promise<RisingHit[]>;
  /**
   * Snapshot retention: snapshots taken before `keepAllSince` are thinned to the last of each UTC day per paper.
   * Returns how many were deleted.
   */
  pruneSnapshots(keepAllSince: Date): Promise<number>;
}
