import { datesBetween, isClosed, latestClosedDay, toIsoDate } from '../domain/days.js';
import type { Paper } from '../domain/paper.js';
import { describeError } from '../errors.js';
import { isRejected, parseBatch, parseRecord, type RejectedRecord } from '../huggingface/normalize.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports/clock.js';
import { type Metrics, noMetrics } from '../ports/metrics.js';
import { type PaperSource, SourceUnreachable } from '../ports/paper-source.js';
import type { IngestCounts, IngestRunStore, PaperStore } from '../ports/stores.js';

/** What one ingest of one list (or one import batch) did: records received, stored, and set aside as malformed. */
export type IngestOutcome = IngestCounts;

export interface DayOutcome extends IngestOutcome {
  readonly date: string;
  /** The list was closed when fetched: fetching it again would add nothing. */
  readonly closed: boolean;
}

export interface RangeProgress {
  readonly done: number;
  readonly total: number;
  readonly date: string;
  /** 'skipped': already fetched after it closed (resume); 'failed': see `error`. */
  readonly status: 'ingested' | 'skipped' | 'failed';
  readonly outcome?: DayOutcome | undefined;
  readonly error?: string | undefined;
}

export interface RangeOutcome {
  readonly days: DayOutcome[];
  readonly skippedDays: string[];
  readonly failedDays: { date: string; error: string }[];
}

export interface IngestServiceDeps {
  readonly papers: PaperStore;
  readonly runs: IngestRunStore;
  readonly source: PaperSource;
  readonly clock: Clock;
  readonly log: Logger;
  /** Counts ingest runs and papers stored, and keeps the time of the last successful one. */
  readonly metrics?: Metrics | undefined;
}

export const emptyOutcome = (): IngestOutcome => ({
  fetched: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  skipped: 0,
});

/**
 * Brings Daily Papers lists into the store: from Hugging Face (one date, a range, the scheduled refresh) or from
 * records read from a file. Malformed records are logged and skipped; the rest of the batch is stored.
 */
export class IngestService {
  private readonly deps: IngestServiceDeps;
  constructor(deps: IngestServiceDeps) {
    this.deps = deps;
  }

  /** Fetches and stores one day's list. A weekend's `[]` is a normal, empty day. */
  async ingestDate(date: string): Promise<DayOutcome> {
    const { runs, clock } = this.deps;
    const run = await runs.start(date, this.deps.source.baseUrl, clock.now());
    const closed = isClosed(date, clock.now());
    try {
      const records = await this.deps.source.fetchList({ date });
      const outcome = await this.store(records, date, `${date}`);
      await runs.finish(run, { closed, counts: outcome }, clock.now());
      this.deps.log.info({ date, closed, ...outcome }, 'ingested list');
      (this.deps.metrics ?? noMetrics).ingestRun('ok', outcome.inserted + outcome.updated, clock.now());
      return { date, closed, ...outcome };
    } catch (err) {
      (this.deps.metrics ?? noMetrics).ingestRun('failed', 0, clock.now());
      await runs.finish(run, { error: describeError(err) }, clock.now());
      throw err;
    }
  }

  /**
   * Ingests every date from `from` to `to`. With `resume`, dates already fetched after they closed are skipped,
   * so a backfill that stopped picks up where it was. A failed date is reported and the range goes on.
   */
  async ingestRange(
    from: string,
    to: string,
    options: { resume: boolean; onProgress?: ((p: RangeProgress) => void) | undefined },
  ): Promise<RangeOutcome> {
    const dates = datesBetween(from, to);
    const complete = options.resume ? await this.deps.runs.completeDates(from, to) : new Set<string>();
    const result: RangeOutcome = { days: [], skippedDays: [], failedDays: [] };
    let done = 0;
    for (const date of dates) {
      if (complete.has(date)) {
        result.skippedDays.push(date);
        options.onProgress?.({ done: ++done, total: dates.length, date, status: 'skipped' });
        continue;
      }
      try {
        const outcome = await this.ingestDate(date);
        result.days.push(outcome);
        options.onProgress?.({ done: ++done, total: dates.length, date, status: 'ingested', outcome });
      } catch (err) {
        // No network: every other date would fail the same way. Stop here, with the one reason.
        if (err instanceof SourceUnreachable) throw err;
        const error = describeError(err);
        this.deps.log.debug({ date, err }, 'ingest of a date failed');
        result.failedDays.push({ date, error });
        options.onProgress?.({ done: ++done, total: dates.length, date, status: 'failed', error });
      }
    }
    return result;
  }

  /**
   * The scheduled refresh: the open day (its list is still growing) and the latest closed day (final counts).
   * Failures are logged, never thrown: the next run tries again.
   */
  async refresh(options: { nextRun?: (() => Date | null | undefined) | undefined } = {}): Promise<DayOutcome[]> {
    const now = this.deps.clock.now();
    const closedDay = latestClosedDay(now);
    // The closed day once more for its final counts (unless already fetched after it closed), then every day
    // still open: before 03:00 UTC that is yesterday and today.
    const final = await this.deps.runs.completeDates(closedDay, closedDay);
    const dates = datesBetween(closedDay, toIsoDate(now)).filter((d) => !final.has(d));
    const outcomes: DayOutcome[] = [];
    for (const date of dates) {
      try {
        outcomes.push(await this.ingestDate(date));
      } catch (err) {
        const next = options.nextRun?.();
        const retry = next ? `next try at ${next.toISOString().slice(11, 16)} UTC` : 'will retry on the next run';
        if (err instanceof SourceUnreachable) {
          // One line per refresh, not one per date and retry.
          this.deps.log.warn(
            { err: describeError(err), nextTry: next?.toISOString() },
            `Hugging Face unreachable; ${retry}`,
          );
          break;
        }
        this.deps.log.warn({ date, err, nextTry: next?.toISOString() }, `scheduled ingest failed; ${retry}`);
      }
    }
    return outcomes;
  }

  /** Stores records read from a file (`import`); each lands on the list date it names. */
  async importRecords(
    records: readonly unknown[],
    source: string,
    options: { readonly bulk?: boolean | undefined } = {},
  ): Promise<IngestOutcome> {
    return this.store(records, undefined, source, options.bulk);
  }

  /** Records the outcome of a whole import (one ingest_runs row per file), and tidies up after a successful one. */
  async recordImport(source: string, outcome: IngestOutcome, error?: string): Promise<void> {
    // Also after a failed import: what it stored is searchable, and its document frequencies are rebuilt.
    if (outcome.inserted + outcome.updated > 0) await this.deps.papers.afterBulkImport();
    await this.deps.runs.recordImport(source, outcome, error, this.deps.clock.now());
  }

  /**
   * A paper by id: from the archive, else fetched from Hugging Face and stored (without a list entry unless the
   * record names its list date). Undefined when Hugging Face does not know it either.
   */
  async lookupPaper(id: string): Promise<Paper | undefined> {
    const local = await this.deps.papers.findById(id);
    if (local) return local;
    const record = await this.deps.source.fetchPaper(id);
    if (record === undefined) return undefined;
    const parsed = parseRecord(record, 0);
    if (isRejected(parsed)) {
      this.logRejected([parsed], `/api/papers/${id}`);
      return undefined;
    }
    await this.deps.papers.upsertListed([parsed]);
    return this.deps.papers.findById(parsed.paper.id);
  }

  private async store(records: readonly unknown[], listDate: string | undefined, source: string, bulk?: boolean) {
    const batch = parseBatch(records);
    this.logRejected(batch.rejected, source);
    const counts = await this.deps.papers.upsertListed(batch.items, listDate, this.deps.clock.now(), { bulk });
    return { fetched: records.length, skipped: batch.rejected.length, ...counts };
  }

  private logRejected(rejected: readonly RejectedRecord[], source: string): void {
    for (const r of rejected) {
      this.deps.log.warn({ source, index: r.index, id: r.id, reason: r.reason }, 'skipped malformed paper record');
    }
  }
}
