/**
 * The discovery part of `npm run bench` (issue 13): "similar papers", `author:` search and rising, timed on an
 * archive the bench already imported (Postgres at the chosen scale, PGlite at 100k).
 */
import { sql } from 'drizzle-orm';
import type { App } from '../../src/app.js';
import type { Database } from '../../src/db/client.js';
import { parseSearchQuery } from '../../src/search/query.js';

const round = (n: number) => Math.round(n * 100) / 100;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round(sorted[rank]!);
}

async function timed(runs: readonly (() => Promise<unknown>)[], reps: number): Promise<number[]> {
  for (const run of runs) await run(); // warm-up
  const ms: number[] = [];
  for (let r = 0; r < reps; r++) {
    for (const run of runs) {
      const started = performance.now();
      await run();
      ms.push(performance.now() - started);
    }
  }
  return ms;
}

const summary = (ms: number[]) => ({
  n: ms.length,
  p50_ms: percentile(ms, 50),
  p95_ms: percentile(ms, 95),
  p99_ms: percentile(ms, 99),
});

/** Similar for 20 papers, `author:` for 10 authors (alone and with a word), rising 24h / 7d / stars. */
export async function discoveryBench(app: App, database: Database, reps: number) {
  const now = app.services.clock.now();
  // A deterministic spread of papers and authors (by md5 of the id, not by insertion order).
  const papers = await database.rows<{ id: string; author: string | null }>(
    sql`select id, authors->>0 as author from papers order by md5(id) limit 20`,
  );
  const similar = await timed(
    papers.map((p) => () => app.services.similar.similar(p.id, 5)),
    Math.max(1, Math.ceil(reps / 3)),
  );
  const authors = papers.flatMap((p) => (p.author ? [p.author] : [])).slice(0, 10);
  const queries = authors.flatMap((a) => [`author:"${a}"`, `learning author:"${a}"`]).map(parseSearchQuery);
  const author = await timed(
    queries.map((q) => () => app.services.search.search(q, { limit: 5, now })),
    Math.max(1, Math.ceil(reps / 3)),
  );
  const rising = await timed(
    [
      () => app.services.rising.rising({ window: '24h', limit: 10 }),
      () => app.services.rising.rising({ window: '7d', limit: 10 }),
      () => app.services.rising.rising({ window: '24h', metric: 'stars', limit: 10 }),
    ],
    reps,
  );
  const [listed] = await database.rows<{ n: number }>(
    sql`select count(distinct paper_id)::int as n from daily_entries where list_date >= ${now.toISOString().slice(0, 10)}::date - 14`,
  );
  return {
    similar: summary(similar),
    author: summary(author),
    rising: { ...summary(rising), listed_last_14_days: listed?.n ?? 0 },
  };
}
