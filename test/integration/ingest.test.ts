import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { CoreServices } from '../../src/commands/definition.js';
import { loadConfig } from '../../src/config.js';
import { HfClient } from '../../src/huggingface/client.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { archiveComplete, checkArchive } from '../support/archive-check.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { FakeHuggingFace } from '../support/fake-huggingface.js';
import { dailyPapers20241025, paper250904664, sampleByDate } from '../support/fixtures.js';
import { captureLogs } from '../support/log-capture.js';
import { testApp } from '../support/services.js';

const count = async (database: TestDatabase, table: string) =>
  (await database.rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;

describe.each(drivers)('ingest on $name', (driver) => {
  let database: TestDatabase;
  let hf: FakeHuggingFace;
  let services: CoreServices;
  let logs: ReturnType<typeof captureLogs>;
  const clock = new FixedClock('2026-11-16T12:00:00Z');
  const lists = sampleByDate();

  beforeAll(async () => {
    hf = await new FakeHuggingFace().start();
  });
  afterAll(() => hf.stop());
  beforeEach(async () => {
    database = await driver.open();
    hf.lists.clear();
    hf.requests.length = 0;
    for (const [date, list] of lists) hf.lists.set(date, list);
    logs = captureLogs();
    services = testApp(database, { clock, hfUrl: hf.url, log: logs.log, pageSize: 10 }).services;
  });
  afterEach(() => database.close());

  it('stores every page of a day with Hugging Face order as rank', async () => {
    const outcome = await services.ingest.ingestDate('2026-11-13');
    expect(outcome).toMatchObject({
      date: '2026-11-13',
      fetched: 21,
      inserted: 21,
      updated: 0,
      skipped: 0,
      closed: true,
    });
    expect(hf.requests.filter((r) => r.includes('date=2026-11-13'))).toHaveLength(3);
    const ranks = await database.rows<{ paper_id: string; rank: number }>(
      sql`select paper_id, rank from daily_entries where list_date = '2026-11-13' order by rank`,
    );
    const expected = lists.get('2026-11-13')!.map((i) => (i.paper as { id: string }).id);
    expect(ranks.map((r) => r.paper_id)).toEqual(expected);
    const run = await database.rows(sql`select status, list_closed, inserted, fetched from ingest_runs`);
    expect(run).toEqual([{ status: 'ok', list_closed: true, inserted: 21, fetched: 21 }]);
  });

  it('re-ingesting the same day changes nothing but adds a metrics snapshot', async () => {
    await services.ingest.ingestDate('2026-11-13');
    const before = await database.rows(sql`select id, updated_at, raw from papers order by id`);
    const entriesBefore = await database.rows(sql`select * from daily_entries order by paper_id`);
    const again = await services.ingest.ingestDate('2026-11-13');
    expect(again).toMatchObject({ inserted: 0, updated: 0, unchanged: 21 });
    expect(await database.rows(sql`select id, updated_at, raw from papers order by id`)).toEqual(before);
    expect(await database.rows(sql`select * from daily_entries order by paper_id`)).toEqual(entriesBefore);
    expect(await count(database, 'paper_metrics')).toBe(42);
  });

  it('updates a paper whose upvotes changed, and snapshots the new count', async () => {
    await services.ingest.ingestDate('2026-11-13');
    const list = structuredClone(lists.get('2026-11-13')!) as any[];
    list[3].paper.upvotes += 40;
    hf.lists.set('2026-11-13', list);
    expect(await services.ingest.ingestDate('2026-11-13')).toMatchObject({ inserted: 0, updated: 1, unchanged: 20 });
    const id = list[3].paper.id as string;
    const snapshots = await database.rows<{ upvotes: number }>(
      sql`select upvotes from paper_metrics where paper_id = ${id} order by id`,
    );
    expect(snapshots.map((s) => s.upvotes)).toEqual([list[3].paper.upvotes - 40, list[3].paper.upvotes]);
    expect((await services.papers.findById(id))!.upvotes).toBe(list[3].paper.upvotes);
  });

  it('keeps a paper that sits on two dates once, with both list entries', async () => {
    const shared = lists.get('2026-11-12')![0]!;
    hf.lists.set('2026-11-13', [...lists.get('2026-11-13')!, shared]);
    await services.ingest.ingestDate('2026-11-12');
    await services.ingest.ingestDate('2026-11-13');
    const id = (shared.paper as { id: string }).id;
    expect(await services.papers.listDatesOf(id)).toEqual(['2026-11-13', '2026-11-12']);
    expect(await count(database, 'papers')).toBe(21 + 21);
  });

  it('treats a weekend [] as a normal empty day', async () => {
    expect(await services.ingest.ingestDate('2026-11-14')).toMatchObject({ fetched: 0, inserted: 0, closed: true });
    expect(await database.rows(sql`select status, fetched from ingest_runs`)).toEqual([{ status: 'ok', fetched: 0 }]);
  });

  it('waits out a 429 and recovers from a 500, then stores the day', async () => {
    hf.script(/date=2026-11-13&limit=10&p=0/, { status: 429, headers: { 'retry-after': '1' } });
    hf.script(/date=2026-11-13&limit=10&p=1/, { status: 500 });
    expect(await services.ingest.ingestDate('2026-11-13')).toMatchObject({ inserted: 21 });
    expect(hf.requests.filter((r) => r.includes('date=2026-11-13'))).toHaveLength(5);
  });

  it('stores nothing from a malformed JSON response and records the failed run', async () => {
    hf.script(/date=2026-11-13&limit=10&p=1/, { body: '[{"paper":' });
    await expect(services.ingest.ingestDate('2026-11-13')).rejects.toThrow(/malformed JSON/);
    expect(await count(database, 'papers')).toBe(0);
    const [run] = await database.rows<{ status: string; error: string }>(sql`select status, error from ingest_runs`);
    expect(run!.status).toBe('failed');
    expect(run!.error).toMatch(/malformed JSON/);
  });

  it('skips a malformed record, logs it with its id, and stores the rest of the batch', async () => {
    const list = structuredClone(lists.get('2026-11-13')!) as any[];
    list[5].paper.upvotes = 'many';
    list[6] = { paper: { id: 2503.0213, title: 'x', summary: 'y', upvotes: 1, authors: [] } };
    hf.lists.set('2026-11-13', list);
    expect(await services.ingest.ingestDate('2026-11-13')).toMatchObject({ fetched: 21, inserted: 19, skipped: 2 });
    const warnings = logs.entries.filter((e) => e.msg === 'skipped malformed paper record');
    expect(warnings.map((w) => [w.id, w.reason])).toEqual([
      [list[5].paper.id, 'paper.upvotes must be number, got string'],
      ['2503.0213', 'paper.id must be a string, got number'],
    ]);
  });

  it('backfills a range, resumes without refetching closed days, and reports a failed day', async () => {
    hf.script(/date=2026-11-10/, { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const first = await services.ingest.ingestRange('2026-11-09', '2026-11-15', { resume: true });
    expect(first.days.map((d) => d.date)).toEqual([
      '2026-11-09',
      '2026-11-11',
      '2026-11-12',
      '2026-11-13',
      '2026-11-14',
      '2026-11-15',
    ]);
    expect(first.failedDays).toEqual([
      { date: '2026-11-10', error: expect.stringMatching(/HTTP 500 after 4 attempts/) },
    ]);
    hf.requests.length = 0;
    const progress: string[] = [];
    const second = await services.ingest.ingestRange('2026-11-09', '2026-11-15', {
      resume: true,
      onProgress: (p) => progress.push(`${p.done}/${p.total} ${p.date} ${p.status}`),
    });
    expect(second.days.map((d) => d.date)).toEqual(['2026-11-10']);
    expect(second.skippedDays).toHaveLength(6);
    expect(hf.requests.every((r) => r.includes('date=2026-11-10'))).toBe(true);
    expect(progress[1]).toBe('2/7 2026-11-10 ingested');
    expect(await count(database, 'daily_entries')).toBe(21 * 4 + 21);
  });

  it('backfills through 5xx, 429 with Retry-After, hung connections and bodies that stall or reset, and the archive ends exactly the lists served', async () => {
    // The soak's ingest path (test/soak/worker.ts), small: a seeded share of the list requests fails in each way;
    // a day that still fails after the client's retries is fetched again by the next run, as the scheduler would.
    const days = ['2026-11-02', '2026-11-03', '2026-11-04'];
    const faulty = await new FakeHuggingFace({
      faults: { seed: 3, serverError: 0.1, rateLimited: 0.1, hang: 0.1, stall: 0.1, reset: 0.1 },
    }).start();
    try {
      for (const day of days) faulty.lists.set(day, lists.get(day)!);
      const waits: number[] = [];
      const source = new HfClient({
        baseUrl: faulty.url,
        log: logs.log,
        timeoutMs: 300,
        pageSize: 10,
        sleep: async (ms) => void waits.push(ms),
      });
      const { ingest } = buildApp(database, { config: loadConfig({}), log: logs.log, clock, source }).services;
      for (let run = 0; run < 5; run++) {
        const outcome = await ingest.ingestRange(days[0]!, days.at(-1)!, { resume: true });
        if (outcome.failedDays.length === 0) break;
      }
      const { considered, passed, ...faults } = faulty.faultCounters;
      for (const kind of ['serverError', 'rateLimited', 'hang', 'stall', 'reset'] as const)
        expect(faults[kind], kind).toBeGreaterThan(0);
      expect(waits).toContain(1_000); // the Retry-After, in seconds
      const check = await checkArchive(database, new Map(days.map((d) => [d, lists.get(d)!])));
      expect(check).toMatchObject({ expected: 66, stored: 66, missing: [], extra: [], wrong: [] });
      expect(archiveComplete(check)).toBe(true);
      const runs = await database.rows<{ status: string; n: number }>(
        sql`select status, count(*)::int as n from ingest_runs group by status order by status`,
      );
      expect(runs.find((r) => r.status === 'ok')?.n).toBe(3);
      // A day given up on was given up only after every retry, whatever broke: never on the first broken body.
      const failed = await database.rows<{ error: string }>(sql`select error from ingest_runs where status = 'failed'`);
      for (const { error } of failed) expect(error).toMatch(/after \d+ attempts$/);
    } finally {
      await faulty.stop();
    }
  });

  it('refreshes the open day and the latest closed day on schedule, skipping a closed day already final', async () => {
    clock.set('2026-11-13T01:00:00Z'); // 11-12 is still open until 03:00; 11-11 is the latest closed day
    await services.ingest.refresh();
    expect(hf.requests.map((r) => /date=([\d-]+)/.exec(r)![1])).toEqual(
      expect.arrayContaining(['2026-11-11', '2026-11-12', '2026-11-13']),
    );
    hf.requests.length = 0;
    clock.set('2026-11-13T01:30:00Z');
    await services.ingest.refresh();
    expect(new Set(hf.requests.map((r) => /date=([\d-]+)/.exec(r)![1]))).toEqual(new Set(['2026-11-12', '2026-11-13']));
    clock.set('2026-11-16T12:00:00Z');
  });

  it('looks up an unknown paper on Hugging Face once and keeps it', async () => {
    hf.papers.set('2509.04664', paper250904664());
    const paper = await services.ingest.lookupPaper('2509.04664');
    expect(paper).toMatchObject({ id: '2509.04664', title: 'Why Language Models Hallucinate' });
    expect(await services.papers.listDatesOf('2509.04664')).toEqual(['2025-09-08']);
    hf.requests.length = 0;
    await services.ingest.lookupPaper('2509.04664');
    expect(hf.requests).toEqual([]);
    expect(await services.ingest.lookupPaper('2509.99999')).toBeUndefined();
  });

  it('runs two imports at once whose titles share words in opposite orders, without a deadlock', async () => {
    // Batch A's first 500 titles hold the words batch B's last 500 hold, and the other way round: written chunk
    // by chunk, each transaction held the words the other needed next, and Postgres aborted one (40P01).
    const word = (i: number) => `vocab${String(i).padStart(4, '0')}`;
    const record = (id: string, i: number) => ({
      paper: { id, title: `${word(i)} study`, summary: 'An abstract.', upvotes: 1, authors: [{ name: 'A. Author' }] },
    });
    const a = Array.from({ length: 2000 }, (_, i) => record(`2601.${String(i).padStart(5, '0')}`, i));
    const b = Array.from({ length: 2000 }, (_, i) => record(`2602.${String(i).padStart(5, '0')}`, 1999 - i));
    const [first, second] = await Promise.all([
      services.ingest.importRecords(a, 'a'),
      services.ingest.importRecords(b, 'b'),
    ]);
    expect([first.inserted, second.inserted]).toEqual([2000, 2000]);
    expect(await count(database, "title_words where word like 'vocab%'")).toBe(2000);
  });

  it('imports the 2024 recorded response onto its own date', async () => {
    const outcome = await services.ingest.importRecords(dailyPapers20241025(), 'fixture');
    expect(outcome).toMatchObject({ inserted: 3, skipped: 0 });
    expect(await services.papers.latestListDate()).toBe('2024-10-25');
  });
});
