import { sql } from 'drizzle-orm';
import { parseAtomFeed } from 'feedsmith';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBot, runBot } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { readiness } from '../../src/http/health.js';
import { createPlatformRegistry } from '../../src/platforms.js';
import type { PaperSource } from '../../src/ports/paper-source.js';
import type { PlatformModule } from '../../src/ports/platform.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { MEMORY_TRAITS, type MemoryConfig, MemoryPlatform } from '../platforms/memory/index.js';
import { drivers, silentLog, type TestDatabase } from '../support/databases.js';
import { listsOn } from '../support/fixtures.js';

/** The memory platform, with a connection that a test can drop. */
class ProbePlatform extends MemoryPlatform {
  up = true;
  connected(): boolean {
    return this.up;
  }
}

let probe: ProbePlatform | undefined;
const probeModule: PlatformModule<MemoryConfig> = {
  name: 'memory',
  traits: MEMORY_TRAITS,
  async configure(env) {
    return env.PROBE === 'on' ? { on: true, config: { managers: ['boss'] } } : { on: false, reason: 'PROBE not on' };
  },
  async create(config) {
    probe = new ProbePlatform(config);
    return probe;
  },
};

/** Hugging Face as the first start sees it: lists on two weekdays, one day that fails, the rest empty. */
const source: PaperSource = {
  baseUrl: 'http://fake-hf.test',
  async fetchList(selector) {
    if (!('date' in selector)) return [];
    if (selector.date === '2026-11-10') throw new Error('connection reset');
    if (selector.date === '2026-11-13' || selector.date === '2026-11-12') return listsOn([selector.date]);
    return [];
  },
  async fetchPaper() {
    return undefined;
  },
};

/** The value of one sample line of a Prometheus exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe.each(drivers)('the bot with HTTP_PORT on $name: /healthz, /readyz, /metrics', (driver) => {
  let database: TestDatabase;
  let bot: RunningBot;
  let base: string;

  beforeAll(async () => {
    database = await driver.open();
    const config = { ...loadConfig({ PAPERPULSE_DATA_DIR: 'unused' }), httpPort: 0, httpHost: '127.0.0.1' };
    const registry = createPlatformRegistry();
    registry.register(probeModule);
    bot = await runBot({
      config,
      log: silentLog,
      clock: new FixedClock('2026-11-16T12:00:00Z'),
      source,
      database,
      env: { PROBE: 'on' },
      io: { stdin: process.stdin, stdout: { write: () => true } },
      platforms: registry,
      schedule: false,
    });
    expect(bot.http).toBeDefined();
    base = `http://127.0.0.1:${bot.http!.port}`;
  });
  afterAll(() => bot?.stop());

  it('/healthz answers ok; /readyz is ready and lists each check', async () => {
    const live = await fetch(`${base}/healthz`);
    expect(live.status).toBe(200);
    expect(await live.text()).toBe('ok\n');
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.text()).toBe(
      'ready\nbot: running\ndatabase: reachable\nmigrations: applied\nmemory: connected\n',
    );
  });

  it('/readyz is 503 with the reason while a platform is disconnected, and ready again after', async () => {
    probe!.up = false;
    const down = await fetch(`${base}/readyz`);
    expect(down.status).toBe(503);
    expect((await down.text()).split('\n')[0]).toBe('not ready: memory not connected');
    probe!.up = true;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('/readyz is 503 naming the migration the database lacks', async () => {
    const [newest] = await database.rows<{ id: number; hash: string; created_at: string }>(
      sql`select id, hash, created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
    );
    await database.rows(sql`delete from drizzle.__drizzle_migrations where id = ${newest!.id}`);
    try {
      const r = await fetch(`${base}/readyz`);
      expect(r.status).toBe(503);
      expect((await r.text()).split('\n')[0]).toMatch(/^not ready: migrations 1 pending \(\d{4}_\w+\)$/);
    } finally {
      await database.rows(
        sql`insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${newest!.id}, ${newest!.hash}, ${newest!.created_at})`,
      );
    }
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  });

  it('serves the feeds on the same port: trending as Atom an independent parser reads, unknown paths 404', async () => {
    const atom = await fetch(`${base}/feeds/trending.atom`);
    expect(atom.status).toBe(200);
    expect(atom.headers.get('content-type')).toMatch(/^application\/atom\+xml/);
    const feed = parseAtomFeed(await atom.text());
    expect(feed.entries?.length).toBeGreaterThan(0);
    expect((await fetch(`${base}/feeds/channel/not-a-token.json`)).status).toBe(404);
    expect((await fetch(`${base}/nothing-here`)).status).toBe(404);
  });

  it('/metrics counts commands by name and outcome, digests, messages, ingests, and process memory', async () => {
    expect(await probe!.type('boss', 'room/c1', 'search diffusion')).toContain('Search');
    await probe!.type('boss', 'room/c1', 'trending 99');
    await probe!.type('boss', 'room/c1', 'frobnicate');
    await probe!.type('boss', 'room/c1', 'digest on');
    const channel = await bot.app.services.channels.find({ platform: 'memory', address: 'room/c1' });
    const outcome = await bot.delivery.deliverOne(channel, 'daily', '2026-11-13');
    expect(outcome.status).toBe('sent');

    const r = await fetch(`${base}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    const text = await r.text();
    expect(sample(text, 'paperpulse_commands_total{command="search",outcome="ok"}')).toBe(1);
    expect(sample(text, 'paperpulse_commands_total{command="trending",outcome="refused"}')).toBe(1);
    // What the user typed is never a label: an unknown command counts as "unknown".
    expect(sample(text, 'paperpulse_commands_total{command="unknown",outcome="refused"}')).toBe(1);
    expect(text).not.toContain('frobnicate');
    expect(sample(text, 'paperpulse_command_duration_seconds_count{command="search"}')).toBe(1);
    expect(sample(text, 'paperpulse_command_duration_seconds_bucket{le="+Inf",command="search"}')).toBe(1);
    expect(sample(text, 'paperpulse_digests_total{platform="memory",outcome="delivered"}')).toBe(1);
    // Each message part the memory platform took was counted.
    expect(sample(text, 'paperpulse_messages_posted_total{platform="memory"}')).toBe(probe!.messages.length);
    expect(probe!.messages.length).toBeGreaterThan(1);
    // The first start fetched 7 days: 6 stored (two with papers), 1 failed.
    expect(sample(text, 'paperpulse_ingest_runs_total{outcome="ok"}')).toBe(6);
    expect(sample(text, 'paperpulse_ingest_runs_total{outcome="failed"}')).toBe(1);
    const listed = listsOn(['2026-11-12', '2026-11-13']).length;
    expect(sample(text, 'paperpulse_papers_ingested_total')).toBe(listed);
    expect(sample(text, 'paperpulse_last_successful_ingest_timestamp_seconds')).toBe(
      Date.parse('2026-11-16T12:00:00Z') / 1000,
    );
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
  });
});

describe('readiness', () => {
  it('reports an unreachable database (and does not check migrations without one) before anything else', async () => {
    const verdict = await readiness({
      phase: () => 'running',
      pingDatabase: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
      },
      pendingMigrations: async () => {
        throw new Error('must not be asked');
      },
      platforms: () => [{ name: 'discord', connected: true }],
    });
    expect(verdict.ready).toBe(false);
    expect(verdict.checks.map((c) => `${c.name}: ${c.detail}`)).toEqual([
      'database: unreachable (Error: connect ECONNREFUSED 127.0.0.1:5432)',
      'migrations: not checked (no database)',
      'bot: running',
      'discord: connected',
    ]);
  });

  it('counts a database that does not answer in time as unreachable, and a bot still starting as not ready', async () => {
    const verdict = await readiness({
      phase: () => 'starting',
      pingDatabase: () => new Promise(() => {}),
      pendingMigrations: async () => [],
      platforms: () => [],
      timeoutMs: 50,
    });
    expect(verdict.ready).toBe(false);
    expect(verdict.checks.map((c) => c.detail)).toEqual([
      'starting',
      'unreachable (Error: no answer within 50 ms)',
      'not checked (no database)',
    ]);
  });
});
