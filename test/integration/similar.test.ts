import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreServices } from '../../src/commands/definition.js';
import { PgSimilarPapers } from '../../src/db/pg-similar-papers.js';
import type { CommandDispatcher } from '../../src/ports/commands.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { sample } from '../support/fixtures.js';
import { testApp, typed } from '../support/services.js';

/**
 * "More like this" on the bundled sample, with a judged set: pairs of papers on the same work or method, each of
 * which must find the other first.
 */
const JUDGED: readonly (readonly [string, string, string])[] = [
  ['Trained Rank Pruning', '9901.00066', '9901.00070'],
  ['singular-vector adaptation (PiSSA / SORSA)', '9901.00158', '9901.00171'],
  ['grokking', '9901.00087', '9901.00122'],
];

/** A copy of sample paper `id` with some of its paper fields replaced: a new id makes another paper, the same id a changed one. */
function copyOf(id: string, fields: { id: string; title?: string; summary?: string }) {
  const r = structuredClone(sample().find((x) => (x.paper as { id: string }).id === id)!);
  Object.assign(r.paper as object, fields);
  return r;
}

/** A sample record (9901.00001's shape) with its own id, title and summary, and no AI summary or keywords. */
function record(id: string, title: string, summary: string) {
  const r = copyOf('9901.00001', { id, title, summary });
  Object.assign(r.paper as object, { ai_summary: undefined, ai_keywords: undefined });
  Object.assign(r as object, { title, summary });
  return r;
}

describe.each(drivers)('similar papers on $name', (driver) => {
  let database: TestDatabase;
  let services: CoreServices;
  let dispatcher: CommandDispatcher;
  const now = new Date('2026-11-16T12:00:00Z');
  const channel = { platform: 'console', address: 'local' };

  beforeAll(async () => {
    database = await driver.open();
    const app = testApp(database, { clock: new FixedClock(now) });
    services = app.services;
    dispatcher = app.dispatcher([]);
    await services.ingest.importRecords(sample(), 'sample');
  });
  afterAll(() => database.close());

  const run = async (text: string) => (await dispatcher.dispatch(typed(channel, text))).message.text;

  it.each(JUDGED)('%s: each finds the other first', async (_name, a, b) => {
    expect((await services.similar.similar(a, 5))!.hits[0]!.paper.id).toBe(b);
    expect((await services.similar.similar(b, 5))!.hits[0]!.paper.id).toBe(a);
  });

  it('an optimal-transport paper finds optimal-transport papers (Monge gap, Sinkhorn, Schrödinger bridge, SP²OT)', async () => {
    const ids = (await services.similar.similar('9901.00073', 5))!.hits.map((h) => h.paper.id);
    const transport = ['9901.00139', '9901.00137', '9901.00180', '9901.00166'];
    expect(transport).toContain(ids[0]);
    expect(ids.filter((id) => transport.includes(id)).length).toBeGreaterThanOrEqual(3);
  });

  it('shows the shared terms as words of the paper, scores in 0–1, best first, never the paper itself', async () => {
    const result = (await services.similar.similar('9901.00087', 10))!;
    expect(result.source.id).toBe('9901.00087');
    expect(result.hits.map((h) => h.paper.id)).not.toContain('9901.00087');
    expect(result.hits[0]!.sharedTerms).toContain('grokking');
    const scores = result.hits.map((h) => h.score);
    expect([...scores].sort((x, y) => y - x)).toEqual(scores);
    for (const s of scores) expect(s > 0 && s <= 1).toBe(true);
    expect(result.hits.length).toBeLessThanOrEqual(10);
    expect(await services.similar.similar('2601.99999', 5)).toBeUndefined();
  });

  it('leaves out a paper with exactly the same title (a re-listing)', async () => {
    const copy = copyOf('9901.00087', { id: '2601.00087' });
    await services.ingest.importRecords([copy], 'copy');
    const ids = (await services.similar.similar('9901.00087', 10))!.hits.map((h) => h.paper.id);
    expect(ids).not.toContain('2601.00087');
    expect(ids[0]).toBe('9901.00122');
  });

  it('keeps document frequencies up to date at import, insert and update alike', async () => {
    const df = async (term: string) => {
      const [row] = await database.rows<{ df: number }>(
        sql`select coalesce((select df from term_df where term = ${term}), 0)::int as df`,
      );
      return Number(row!.df);
    };
    const docs = await df('');
    expect(docs).toBe(await services.papers.countPapers());
    const before = await df('grokk');
    const record = structuredClone(sample().find((r) => (r.paper as { id: string }).id === '9901.00001')!);
    (record.paper as { id: string }).id = '2601.00001';
    (record.paper as { title: string }).title = 'Grokking zebras';
    await services.ingest.importRecords([record], 'one');
    expect(await df('grokk')).toBe(before + 1);
    expect(await df('zebra')).toBe(1);
    expect(await df('')).toBe(docs + 1);
    (record.paper as { title: string }).title = 'Plain zebras';
    await services.ingest.importRecords([record], 'again');
    expect(await df('grokk')).toBe(before);
    expect(await df('zebra')).toBe(1);
    expect(await df('')).toBe(docs + 1);
    // A bulk import (paperpulse import) skips the triggers and rebuilds term_df once at its end.
    (record.paper as { id: string }).id = '2601.00002';
    (record.paper as { title: string }).title = 'Grokking zebras again';
    await services.ingest.importRecords([record], 'bulk', { bulk: true });
    expect(await df('zebra')).toBe(1);
    await services.ingest.recordImport('bulk', { fetched: 1, skipped: 0, inserted: 1, updated: 0, unchanged: 0 });
    expect(await df('zebra')).toBe(2);
    expect(await df('grokk')).toBe(before + 1);
    expect(await df('')).toBe(docs + 2);
  });

  it('/papers similar answers with cards and shared terms, and explains bad input', async () => {
    const text = await run('similar 9901.00066 3');
    expect(text).toContain('Similar to TRP: Trained Rank Pruning for Efficient Deep Neural Networks');
    expect(text).toContain('1. Trained Rank Pruning for Efficient Deep Neural Networks');
    expect(text).toMatch(/Shared: [a-z-]+(, [a-z-]+)*/);
    expect(text.match(/^\d+\. /gm)).toHaveLength(3);
    expect(await run('similar https://huggingface.co/papers/9901.00122')).toContain(
      '1. Grokking as the Transition from Lazy to Rich Training Dynamics',
    );
    expect(await run('similar banana')).toContain('“banana” is not an arXiv id');
    expect(await run('similar 2601.99999')).toContain('2601.99999 is not in the archive yet');
    expect(await run('similar 9901.00066 26')).toContain('Usage: /papers similar');
  });

  it('the Similar button on a card answers the presser only', async () => {
    const search = await dispatcher.dispatch(typed(channel, 'search grokking'));
    const card = search.message.blocks.find((b) => b.type === 'paper')!;
    const button = card.type === 'paper' ? card.actions!.find((a) => a.label === 'Similar')! : undefined;
    expect(button!.command).toMatch(/^\/papers similar 9901\.00(087|122)$/);
    const pressed = await dispatcher.dispatchAction({
      actionId: button!.id,
      user: { id: 'someone', displayName: 'someone' },
      channel,
      isManager: async () => false,
    });
    expect(pressed.ephemeral).toBe(true);
    expect(pressed.message.text).toMatch(/1\. Grokking/);
    const forged = await dispatcher.dispatchAction({
      actionId: 'similar:not-an-id',
      user: { id: 'someone', displayName: 'someone' },
      channel,
      isManager: async () => false,
    });
    expect(forged.message.text).toContain('That button is not one of mine any more');
  });
  it('a paper imported later is found, even by a word no paper had before (its signature is refreshed)', async () => {
    await services.ingest.importRecords(
      [
        record(
          '2601.00301',
          'Quokkafication of sparse transformers',
          'We study quokkafication: quokkafication makes transformers sparse.',
        ),
      ],
      'first',
    );
    // "quokkafic" was in one paper only, so the first paper's signature left it out; the second brings it.
    await services.ingest.importRecords(
      [record('2601.00302', 'Quokkafication at scale', 'Quokkafication for large models: quokkafication scales well.')],
      'later',
    );
    const first = (await services.similar.similar('2601.00301', 5))!;
    expect(first.hits[0]!.paper.id).toBe('2601.00302');
    expect(first.hits[0]!.sharedTerms).toContain('quokkafication');
    expect((await services.similar.similar('2601.00302', 5))!.hits[0]!.paper.id).toBe('2601.00301');
  });

  it('signs again the signatures computed on a much smaller archive, at the next ingest', async () => {
    await database.rows(sql`update paper_signatures set docs = 1`);
    const stale = async () => {
      const [row] = await database.rows<{ n: number }>(
        sql`select count(*)::int as n from paper_signatures where docs < (select df from term_df where term = '') * 0.9`,
      );
      return Number(row!.n);
    };
    expect(await stale()).toBe(await services.papers.countPapers());
    const copy = structuredClone(sample().find((r) => (r.paper as { id: string }).id === '9901.00002')!);
    (copy.paper as { id: string }).id = '2601.00303';
    await services.ingest.importRecords([copy], 'refresh');
    expect(await stale()).toBe(0);
  });

  it('a paper of a bulk import not yet finished is signed on demand, and the import end signs the rest', async () => {
    const copy = copyOf('9901.00122', { id: '2601.00304', title: 'Grokking, lazy and rich, again' });
    const other = copyOf('9901.00122', { id: '2601.00305', title: 'Grokking, lazy and rich, once more' });
    await services.ingest.importRecords([copy, other], 'bulk2', { bulk: true });
    const signed = async (id: string) =>
      (await database.rows(sql`select 1 from paper_signatures where paper_id = ${id}`)).length;
    expect(await signed('2601.00305')).toBe(0);
    const ids = (await services.similar.similar('2601.00304', 5))!.hits.map((h) => h.paper.id);
    expect(ids).toContain('9901.00087');
    await services.ingest.recordImport('bulk2', { fetched: 2, skipped: 0, inserted: 2, updated: 0, unchanged: 0 });
    expect(await signed('2601.00305')).toBe(1);
  });

  it('a paper whose signature cannot be made answers "nothing similar" once, without asking again', async () => {
    const [saved] = await database.rows<{ def: string }>(
      sql`select pg_get_functiondef('pp_similar_sign(text[])'::regprocedure) as def`,
    );
    const copy = copyOf('9901.00122', { id: '2601.00306', title: 'Grokking, lazy and rich, unsigned' });
    await services.ingest.importRecords([copy], 'bulk3', { bulk: true });
    await database.rows(
      sql`create or replace function pp_similar_sign(ids text[]) returns void language sql as 'select'`,
    );
    try {
      const result = await services.similar.similar('2601.00306', 5);
      expect(result!.source.id).toBe('2601.00306');
      expect(result!.hits).toEqual([]);
    } finally {
      await database.rows(sql.raw(saved!.def));
    }
    await services.ingest.recordImport('bulk3', { fetched: 1, skipped: 0, inserted: 1, updated: 0, unchanged: 0 });
    expect((await services.similar.similar('2601.00306', 5))!.hits.map((h) => h.paper.id)).toContain('9901.00087');
  });

  /** Every signature term of weight > 0 as a posting with that weight, and no other posting (migration 0016). */
  const postingsMatchSignatures = async () => {
    const [row] = await database.rows<{ missing: number; extra: number; total: number }>(sql`
      with expected as (
        select x.t as term, x.w as weight, s.paper_id from paper_signatures s, unnest(s.terms, s.weights) as x(t, w)
        where x.w > 0
      )
      select (select count(*) from (select * from expected except select term, weight, paper_id from signature_postings) m)::int as missing,
        (select count(*) from (select term, weight, paper_id from signature_postings except select * from expected) e)::int as extra,
        (select count(*) from signature_postings)::int as total`);
    return { missing: Number(row!.missing), extra: Number(row!.extra), total: Number(row!.total) };
  };

  it('keeps the postings equal to the signatures through inserts, re-signing, bulk updates and deletes', async () => {
    expect(await postingsMatchSignatures()).toMatchObject({ missing: 0, extra: 0 });
    expect((await postingsMatchSignatures()).total).toBeGreaterThan(20 * 215);
    // Re-signed (an update of every signature), a bulk import's changed paper (its signature deleted), a paper gone.
    await database.rows(sql`update paper_signatures set docs = 1`);
    await services.ingest.importRecords([structuredClone(sample()[0]!)], 'resign');
    const changed = copyOf('9901.00087', { id: '9901.00087', summary: 'Grokking of zebras, rewritten.' });
    await services.ingest.importRecords([changed], 'bulk3', { bulk: true });
    expect(await postingsMatchSignatures()).toMatchObject({ missing: 0, extra: 0 });
    await services.ingest.recordImport('bulk3', { fetched: 1, skipped: 0, inserted: 0, updated: 1, unchanged: 0 });
    await database.rows(sql`delete from papers where id = '9901.00122'`);
    expect(await postingsMatchSignatures()).toMatchObject({ missing: 0, extra: 0 });
    const [gone] = await database.rows<{ n: number }>(
      sql`select count(*)::int as n from signature_postings where paper_id = '9901.00122'`,
    );
    expect(Number(gone!.n)).toBe(0);
  });

  it('a term held by more papers than a champion list still finds the paper that shares the most with the source', async () => {
    // 150 papers hold "okapi", more than the champion lists of 100 this test reads (the product reads
    // POSTINGS_PER_TERM, 1,000); one other paper also shares the source's rarer words.
    const crowd = Array.from({ length: 150 }, (_, i) =>
      record(`2602.${String(i).padStart(5, '0')}`, `Okapi study ${i}`, `Okapi okapi baseline number ${i} of many.`),
    );
    await services.ingest.importRecords(crowd, 'crowd');
    await services.ingest.importRecords(
      [
        record('2603.00001', 'Okapi gazelles and wildebeests', 'Okapi herds of gazelles and wildebeests migrate.'),
        record('2603.00002', 'Okapi gazelles, wildebeests', 'Okapi, gazelles and wildebeests share a savanna.'),
      ],
      'pair',
    );
    const [df] = await database.rows<{ df: number }>(sql`select df from term_df where term = 'okapi'`);
    expect(Number(df!.df)).toBeGreaterThan(100);
    const result = (await new PgSimilarPapers(database, { postingsPerTerm: 100 }).similar('2603.00001', 5))!;
    expect(result.hits[0]!.paper.id).toBe('2603.00002');
    expect(result.hits[0]!.sharedTerms).toEqual(expect.arrayContaining(['gazelles', 'wildebeests']));
  });
});
