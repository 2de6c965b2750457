import { and, eq, sql } from 'drizzle-orm';
import type { IngestCounts, IngestRunStore } from '../ports/stores.js';
import type { Database } from './client.js';
import { ingestRuns } from './schema.js';

/** Ingest runs (table `ingest_runs`): one row per list fetched, and one per file imported. */
export class PgIngestRunStore implements IngestRunStore {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  async start(listDate: string, source: string, now: Date): Promise<number> {
    const [run] = await this.database.db
      .insert(ingestRuns)
      .values({ kind: 'date', listDate, source, startedAt: now })
      .returning({ id: ingestRuns.id });
    return run!.id;
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
