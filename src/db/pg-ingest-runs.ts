import { and, eq, lt, sql } from 'drizzle-orm';
import type { IngestCounts, IngestRunStore } from '../ports/stores.js';
import type { Database } from './client.js';
import { ingestRuns } from './schema.js';

/**
 * A run still `running` after this long belongs to a dead process: one list's fetch gives up after a few attempts
 * of at most HF_TIMEOUT_MS (≤ 120 s) each, and storing a day's list takes seconds.
 */
export const STALE_RUN_MS = 30 * 60_000;

/** Ingest runs (table `ingest_runs`): one row per list fetched, and one per file imported. */
export class PgIngestRunStore implements IngestRunStore {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  async start(listDate: string, source: string, now: Date): Promise<number> {
    await this.interruptStale(now);
    const [run] = await this.database.db
      .insert(ingestRuns)
      .values({ kind: 'date', listDate, source, startedAt: now })
      .returning({ id: ingestRuns.id });
    return run!.id;
  }

  /**
   * Marks `interrupted` the runs still `running` that started more than STALE_RUN_MS before `now`: their process
   * was killed (a backfill stopped with SIGKILL, a container restarted) and will never finish them. Run at the start
   * of every ingest, so a dead run is cleared by the next one. Returns how many were marked.
   */
  async interruptStale(now: Date): Promise<number> {
    const rows = await this.database.db
      .update(ingestRuns)
      .set({ status: 'interrupted', error: 'the process stopped before this run finished', finishedAt: now })
      .where(and(eq(ingestRuns.status, 'running'), lt(ingestRuns.startedAt, new Date(now.getTime() - STALE_RUN_MS))))
      .returning({ id: ingestRuns.id });
    return rows.length;
  }

  async finish(
    id: number,
    outcome: { closed: boolean; counts: IngestCounts } | { error: string },
    now: Date,
  ): Promise<void> {
    const set =
      'error' in outcome
        ? { status: 'failed', error: outcome.error, finishedAt: now }
        : { status: 'ok', listClosed: outcome.closed, ...outcome.counts, finishedAt: now };
    await this.database.db.update(ingestRuns).set(set).where(eq(ingestRuns.id, id));
  }

  async recordImport(source: string, counts: IngestCounts, error: string | undefined, now: Date): Promise<void> {
    await this.database.db.insert(ingestRuns).values({
      kind: 'import',
      source,
      status: error ? 'failed' : 'ok',
      error,
      ...counts,
      startedAt: now,
      finishedAt: now,
    });
  }

  async completeDates(from: string, to: string): Promise<Set<string>> {
    const rows = await this.database.db
      .selectDistinct({ listDate: ingestRuns.listDate })
      .from(ingestRuns)
      .where(
        and(
          eq(ingestRuns.status, 'ok'),
          eq(ingestRuns.listClosed, true),
          sql`${ingestRuns.listDate} between ${from}::date and ${to}::date`,
        ),
      );
    return new Set(rows.flatMap((r) => (r.listDate ? [r.listDate] : [])));
  }
}
