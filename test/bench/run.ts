/**
 * `npm run bench [-- --scale 10k|100k|1m] [--reps N]`
 *   `[--only cli,ingest,search,command,pglite,feeds,discovery,fanout,memory,taste]`
 *   `[--database NAME]` (default paperpulse_bench_<scale>: the Postgres database it recreates)
 *
 * Measures what users feel at scale and writes bench-results.json:
 * - ingest: papers/s through the import path users use (`importFile`, JSON Lines), Postgres and PGlite;
 * - search: the fixed query mix (queries.ts), p50/p95/p99, on Postgres at the chosen scale and on PGlite at
 *   100k (or less at a smaller scale), with a naive ILIKE scan of the same terms measured in the same run;
 * - command: `/papers search …` through the real dispatcher, end to end;
 * - fanout: 10,000 channels due in the same minute through the real adapters against the local fake APIs
 *   (fanout.ts);
 * - memory: RSS of the bot idle with the archive (a child process), and the peak during fan-out;
 * - feeds: `GET /feeds/trending.*` and `/feeds/search.*?q=` (the query mix) over HTTP through feedRoutes, with the
 *   document cache off so every request builds its feed, on Postgres at the chosen scale and on PGlite at 100k;
 * - cli: `paperpulse --help`, `--version`, a usage error, a search on the embedded database and `npm start` to the
 *   first prompt, as spawned processes (cli.ts; min(reps, 5) runs each; needs no Postgres);
 * - taste: precision@5 of the learned ranking against a simulated channel's hidden rule, after 20, 50 and 100
 *   votes, beside the hf ranking's (taste.ts; in-process, seconds, needs no Postgres).
 * Timings on a shared 2-core machine are noisy: every figure is a median or a percentile over repetitions, and
 * ratios are taken within one run.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase, type Database } from '../../src/db/client.js';
import { feedRoutes } from '../../src/http/feeds.js';
import { createLogger } from '../../src/logger.js';
import { parseSearchQuery } from '../../src/search/query.js';
import { importFile } from '../../src/services/import-file.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { databaseExists, databaseUrl, recreateDatabase } from '../support/databases.js';
import { serveRoutes } from '../support/route-server.js';
import { testCore, typed } from '../support/services.js';
import { cliBench, cliRows } from './cli.js';
import { writeCorpus } from './corpus.js';
import { QUERY_MIX } from './queries.js';
import { tasteBench, tasteRows } from './taste.js';

const SCALES: Record<string, number> = { '10k': 10_000, '100k': 100_000, '1m': 1_000_000 };
const ROOT = new URL('../..', import.meta.url).pathname;
const DATA = join(ROOT, 'bench-data');
const NOW = new Date('2026-11-16T12:00:00Z');
const log = createLogger('warn');

const { values: flags } = parseArgs({
  options: {
    scale: { type: 'string', default: '100k' },
    reps: { type: 'string', default: '15' },
    only: { type: 'string' },
    // Keep a Postgres archive a previous run imported at this scale (no ingest figure): for iterating on search.
    reuse: { type: 'boolean', default: false },
    database: { type: 'string' },
  },
});
const chosen = SCALES[String(flags.scale).toLowerCase()];
if (!chosen) {
  process.stderr.write(`bench: --scale must be one of ${Object.keys(SCALES).join(', ')}\n`);
  process.exit(2);
}
const scale: number = chosen;
const reps = Number(flags.reps);
const only = flags.only ? new Set(String(flags.only).split(',')) : undefined;
const wants = (part: string) => !only || only.has(part);
const adminUrl =
  process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const results: Record<string, unknown> = { scale, reps };

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return round(sorted[rank]!);
}

const round = (n: number) => Math.round(n * 100) / 100;
const say = (line: string) => process.stderr.write(`${line}\n`);

async function corpus(n: number): Promise<string> {
  mkdirSync(DATA, { recursive: true });
  const file = join(DATA, `corpus-${n}-seed42.jsonl`);
  if (!existsSync(file)) {
    const started = performance.now();
    await writeCorpus(file, n, 42);
    say(`generated ${n} papers in ${Math.round(performance.now() - started)} ms → ${file}`);
  }
  return file;
}

/** The bench database at this scale: recreated empty, or kept as a previous run left it (`keep`, when it exists). */
async function benchDatabase(name: string, keep: boolean): Promise<{ url: string; kept: boolean }> {
  if (keep && (await databaseExists(adminUrl, name))) return { url: databaseUrl(adminUrl, name), kept: true };
  return { url: await recreateDatabase(adminUrl, name), kept: false };
}

async function timedImport(
  database: Database,
  file: string,
  n: number,
): Promise<{ services: App; perSecond: number; ms: number }> {
  await database.migrate();
  const services = buildApp(database, { config: loadConfig({}), log, clock: new FixedClock(NOW) });
  const started = performance.now();
  const outcome = await importFile(file, services.services.ingest, log);
  const ms = performance.now() - started;
  if (outcome.inserted !== n) throw new Error(`imported ${outcome.inserted} of ${n}`);
  // Steady state for the searches: the GIN pending list merged and statistics fresh, as autovacuum would.
  await database.rows(sql`select gin_clean_pending_list('papers_search_gin'::regclass)`);
  await database.rows(sql`analyze`);
  return { services, perSecond: Math.round(n / (ms / 1000)), ms: Math.round(ms) };
}

/** The search mix, `reps` times each after a warm-up; plus the ILIKE baseline on the same terms. */
async function searchBench(services: App, database: Database, ilikeReps: number) {
  const latencies: number[] = [];
  const byKind: Record<string, number[]> = {};
  const queries = QUERY_MIX.map((q) => ({ ...q, parsed: parseSearchQuery(q.text) }));
  for (const q of queries) await services.services.search.search(q.parsed, { limit: 5, now: NOW });
  for (let r = 0; r < reps; r++) {
    for (const q of queries) {
      const started = performance.now();
      await services.services.search.search(q.parsed, { limit: 5, now: NOW });
      const ms = performance.now() - started;
      latencies.push(ms);
      byKind[q.kind] = [...(byKind[q.kind] ?? []), ms];
    }
  }
  const ilike: number[] = [];
  for (let r = 0; r < ilikeReps; r++) {
    for (const q of queries) {
      const started = performance.now();
      await database.rows(
        sql`select id, title, upvotes from papers where title ilike ${`%${q.ilike}%`} or abstract ilike ${`%${q.ilike}%`} order by upvotes desc limit 5`,
      );
      ilike.push(performance.now() - started);
    }
  }
  return {
    n: latencies.length,
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
    p99_ms: percentile(latencies, 99),
    ilike_p95_ms: percentile(ilike, 95),
    ilike_n: ilike.length,
    speedup_vs_ilike_p95: round(percentile(ilike, 95) / percentile(latencies, 95)),
    p95_ms_by_kind: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, percentile(v, 95)])),
  };
}

/** `/papers search …` through the real dispatcher, end to end (parse, search, cards, continuation row). */
async function commandBench(services: App) {
  const core = testCore(services, []);
  const latencies: number[] = [];
  const channel = { platform: 'console' as const, address: 'bench' };
  for (let r = 0; r < reps + 1; r++) {
    for (const q of QUERY_MIX) {
      const started = performance.now();
      const result = await core.dispatcher.dispatch(
        typed(channel, `search ${q.text}`, { manager: false, user: 'bench' }),
      );
      if (!result.ok) throw new Error(`search ${q.text} failed: ${result.message.text}`);
      if (r > 0) latencies.push(performance.now() - started);
    }
  }
  return {
    n: latencies.length,
    p50_ms: percentile(latencies, 50),
    p95_ms: percentile(latencies, 95),
    p99_ms: percentile(latencies, 99),
  };
}

/**
 * Feed requests over HTTP, end to end (routing, the chat's command, the database, rendering, ETag): trending and
 * every query of the mix, alternating Atom and JSON, `reps` rounds after a warm-up. The document cache is off
 * (cacheMs 0), so each request builds its feed: what a reader polling a feed nobody else asked for gets.
 */
async function feedBench(app: App) {
  const server = await serveRoutes([feedRoutes({ app, options: { cacheMs: 0, timeoutMs: 60_000 } })]);
  const paths = [
    '/feeds/trending.atom',
    '/feeds/trending.json',
    ...QUERY_MIX.map((q, i) => `/feeds/search.${i % 2 ? 'json' : 'atom'}?q=${encodeURIComponent(q.text)}`),
  ];
  const all: number[] = [];
  const search: number[] = [];
  const trending: number[] = [];
  let bytes = 0;
  try {
    for (let r = 0; r < reps + 1; r++) {
      for (const path of paths) {
        const started = performance.now();
        const res = await fetch(`${server.url}${path}`);
        const body = await res.text();
        const ms = performance.now() - started;
        if (res.status !== 200) throw new Error(`${path}: ${res.status} ${body.slice(0, 200)}`);
        if (r === 0) {
          bytes = Math.max(bytes, body.length);
          continue;
        }
        all.push(ms);
        (path.includes('/search') ? search : trending).push(ms);
      }
    }
  } finally {
    await server.close();
  }
  return {
    n: all.length,
    p50_ms: percentile(all, 50),
    p95_ms: percentile(all, 95),
    p99_ms: percentile(all, 99),
    search_p95_ms: percentile(search, 95),
    trending_p95_ms: percentile(trending, 95),
    largest_body_bytes: bytes,
  };
}

/** RSS of `paperpulse start` (console adapter) on the archive, idle after start-up. */
async function idleRss(databaseUrl: string): Promise<number> {
  const child = spawn(process.execPath, ['adapters/paperpulse.js', 'start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      HF_API_URL: 'http://127.0.0.1:1',
      LOG_LEVEL: 'error',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  try {
    // Let it start, migrate, reconcile once and settle.
    await new Promise((r) => setTimeout(r, 10_000));
    child.stdin.write('/papers search diffusion\n');
    await new Promise((r) => setTimeout(r, 3_000));
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
  } finally {
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  results.machine = {
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const started = performance.now();
  if (wants('cli')) results.cli = await cliBench({ runs: Math.min(reps, 5), log: say });
  if (wants('taste')) results.taste = await tasteBench({ log: say });
  const search: Record<string, unknown> = {};
  const ingest: Record<string, unknown> = {};
  const needsArchive = ['ingest', 'search', 'command', 'memory', 'feeds', 'discovery'].some(wants);
  const feeds: Record<string, unknown> = {};
  const discovery: Record<string, unknown> = {};
  const { discoveryBench } = await import('./discovery.js');

  // --- Postgres at the chosen scale -------------------------------------------------------------------------
  let pg: Database | undefined;
  let pgUrl: string | undefined;
  if (needsArchive) {
    const file = await corpus(scale);
    const target = await benchDatabase(flags.database ?? `paperpulse_bench_${scale}`, Boolean(flags.reuse));
    pgUrl = target.url;
    pg = await createDatabase({ databaseUrl: pgUrl, dataDir: 'unused', log });
    const [version] = await pg.rows<{ v: string }>(sql`select current_setting('server_version') as v`);
    (results.machine as Record<string, unknown>).postgres = version?.v;
    const [held] = target.kept ? await pg.rows<{ n: number }>(sql`select count(*)::int as n from papers`) : [];
    let pgImport: { services: App };
    if (held?.n === scale) {
      say(`postgres: reusing the ${scale}-paper archive (no ingest figure)`);
      await pg.migrate();
      await pg.rows(sql`analyze`);
      pgImport = {
        services: buildApp(pg, { config: loadConfig({}), log, clock: new FixedClock(NOW) }),
      };
    } else {
      if (target.kept) throw new Error(`--reuse: paperpulse_bench_${scale} holds ${held?.n} papers, not ${scale}`);
      say(`postgres: importing ${scale} papers…`);
      const timed = await timedImport(pg, file, scale);
      say(`postgres: ${timed.perSecond} papers/s`);
      ingest.postgres_papers_per_s = timed.perSecond;
      ingest.postgres_ms = timed.ms;
      pgImport = timed;
    }
    if (wants('search')) {
      say('postgres: search mix…');
      // The ILIKE baseline reads the whole table per query (1–2 s at 100k, ~17 s at 1M): a couple of rounds of the
      // mix give its p95 while the default scale stays under 5 minutes.
      search.postgres = { scale, ...(await searchBench(pgImport.services, pg, 2)) };
    }
    if (wants('command')) {
      say('command latency…');
      results.command = await commandBench(pgImport.services);
    }
    if (wants('feeds')) {
      say('postgres: feed requests…');
      feeds.postgres = { scale, ...(await feedBench(pgImport.services)) };
    }
    if (wants('discovery')) {
      say('postgres: similar, author:, rising…');
      discovery.postgres = { scale, ...(await discoveryBench(pgImport.services, pg, reps)) };
    }
  }

  // --- PGlite at 100k (or the chosen scale when smaller) ------------------------------------------------------
  if (wants('pglite') || wants('feeds') || wants('discovery')) {
    const liteScale = Math.min(scale, 100_000);
    const liteFile = await corpus(liteScale);
    const dir = mkdtempSync(join(tmpdir(), 'pp-bench-pglite-'));
    try {
      const lite = await createDatabase({ dataDir: dir, log });
      say(`pglite: importing ${liteScale} papers…`);
      const liteImport = await timedImport(lite, liteFile, liteScale);
      ingest.pglite_papers_per_s = liteImport.perSecond;
      ingest.pglite_scale = liteScale;
      say(`pglite: ${liteImport.perSecond} papers/s`);
      if (wants('pglite')) {
        say('pglite: search mix…');
        search.pglite = { scale: liteScale, ...(await searchBench(liteImport.services, lite, 1)) };
      }
      if (wants('feeds')) {
        say('pglite: feed requests…');
        feeds.pglite = { scale: liteScale, ...(await feedBench(liteImport.services)) };
      }
      if (wants('discovery')) {
        say('pglite: similar, author:, rising…');
        discovery.pglite = { scale: liteScale, ...(await discoveryBench(liteImport.services, lite, reps)) };
      }
      await lite.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  results.search = search;
  results.ingest = ingest;
  results.feeds = feeds;
  results.discovery = discovery;

  // --- Fan-out and memory -------------------------------------------------------------------------------------
  const memory: Record<string, unknown> = {};
  if (wants('fanout')) {
    const { fanoutBench } = await import('./fanout.js');
    const fanout = await fanoutBench({ adminUrl, log: say });
    results.fanout = fanout.results;
    memory.peak_rss_mb = fanout.peakRssMb;
  }
  if (wants('memory') && pgUrl) {
    say('memory: idle bot…');
    memory.idle_rss_mb = await idleRss(pgUrl);
    memory.idle_archive_papers = scale;
  }
  results.memory = memory;
  await pg?.close();
  results.total_seconds = Math.round((performance.now() - started) / 1000);
  results.measured_at = new Date().toISOString();

  writeFileSync(join(ROOT, 'bench-results.json'), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`${table(results)}\nwrote bench-results.json\n`);
}

function table(r: Record<string, unknown>): string {
  const s = r.search as Record<string, Record<string, number>> | undefined;
  const c = r.command as Record<string, number> | undefined;
  const i = r.ingest as Record<string, number> | undefined;
  const m = r.memory as Record<string, number> | undefined;
  const f = r.fanout as Record<string, Record<string, number>> | undefined;
  const rows: [string, string, string][] = [];
  const add = (what: string, value: unknown, target: string) => rows.push([what, String(value ?? '–'), target]);
  for (const db of ['postgres', 'pglite']) {
    const x = s?.[db];
    if (!x) continue;
    add(`search ${db} @${x.scale} p50/p95/p99 ms`, `${x.p50_ms} / ${x.p95_ms} / ${x.p99_ms}`, 'p95 ≤ 50');
    add(`search ${db} ILIKE p95 ms (speed-up)`, `${x.ilike_p95_ms} (${x.speedup_vs_ilike_p95}×)`, '≥ 20×');
  }
  const d = r.discovery as Record<string, Record<string, number | Record<string, number>>> | undefined;
  for (const db of ['postgres', 'pglite']) {
    const x = d?.[db];
    if (!x) continue;
    for (const [part, target] of [
      ['similar', db === 'postgres' ? 'p95 ≤ 50 at 1M' : 'p95 ≤ 100'],
      ['author', 'p95 ≤ 50 at 1M'],
      ['rising', '–'],
    ] as const) {
      const v = x[part] as Record<string, number>;
      add(`${part} ${db} @${x.scale} p50/p95/p99 ms`, `${v.p50_ms} / ${v.p95_ms} / ${v.p99_ms}`, target);
    }
  }
  if (c) add('command /papers search p50/p99 ms', `${c.p50_ms} / ${c.p99_ms}`, 'p99 ≤ 250');
  const fe = r.feeds as Record<string, Record<string, number>> | undefined;
  for (const db of ['postgres', 'pglite']) {
    const x = fe?.[db];
    if (x) add(`feed request ${db} @${x.scale} p50/p95/p99 ms`, `${x.p50_ms} / ${x.p95_ms} / ${x.p99_ms}`, '–');
  }
  if (i)
    add(
      'ingest papers/s postgres / pglite',
      `${i.postgres_papers_per_s} / ${i.pglite_papers_per_s ?? '–'}`,
      'postgres ≥ 5000',
    );
  for (const p of ['discord', 'slack']) {
    const x = f?.[p];
    if (x)
      add(
        `fan-out ${p}: channels, s, ratio, dup, lost`,
        `${x.channels}, ${x.seconds}, ${x.ratio_to_limit}, ${x.duplicates}, ${x.lost}`,
        'ratio ≥ 0.9, 0, 0',
      );
  }
  if (m) add('memory idle / peak RSS MB', `${m.idle_rss_mb ?? '–'} / ${m.peak_rss_mb ?? '–'}`, 'idle ≤ 150');
  rows.push(...cliRows(r.cli as Record<string, unknown> | undefined));
  rows.push(...tasteRows(r.taste as Parameters<typeof tasteRows>[0]));
  const w = [Math.max(...rows.map((x) => x[0].length)), Math.max(...rows.map((x) => x[1].length))];
  return rows.map(([a, b, t]) => `${a.padEnd(w[0]!)}  ${b.padEnd(w[1]!)}  ${t}`).join('\n');
}

await main();
