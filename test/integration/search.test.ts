import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreServices } from '../../src/commands/definition.js';
import { parseSearchQuery } from '../../src/search/query.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { sample } from '../support/fixtures.js';
import { testApp } from '../support/services.js';

/**
 * Search relevance on the bundled sample, with judged queries: for each, the papers a reader would expect at the
 * top (`top`: in any order among the first top.length results), papers that must appear, and papers that must not.
 */
describe.each(drivers)('search on $name', (driver) => {
  let database: TestDatabase;
  let services: CoreServices;
  const now = new Date('2026-11-16T12:00:00Z');

  beforeAll(async () => {
    database = await driver.open();
    services = testApp(database, { clock: new FixedClock(now) }).services;
    await services.ingest.importRecords(sample(), 'sample');
  });
  afterAll(() => database.close());

  const search = async (text: string, limit = 10, offset = 0) => {
    const result = await services.search.search(parseSearchQuery(text), { limit, offset, now });
    return { ...result, ids: result.hits.map((h) => h.paper.id), titles: result.hits.map((h) => h.paper.title) };
  };

  it('"optimal transport": the two optimal-transport titles first, then OT-related abstracts', async () => {
    const r = await search('optimal transport');
    expect(r.mode).toBe('fulltext');
    expect(new Set(r.ids.slice(0, 2))).toEqual(new Set(['9901.00073', '9901.00166']));
    expect(r.ids).toEqual(expect.arrayContaining(['9901.00137', '9901.00139']));
  });

  it('a quoted phrase matches words in order only', async () => {
    const phrase = await search('"vision-language models"');
    expect(phrase.ids).toEqual(expect.arrayContaining(['9901.00003', '9901.00007', '9901.00159']));
    // Words in the wrong order do not match, not even across the end of a title and the start of its abstract.
    expect((await search('"transport optimal"')).ids).toEqual([]);
    expect((await search('"optimal transport"')).ids.length).toBeGreaterThanOrEqual(6);
  });

  it('-exclusion removes papers with the word, and OR widens', async () => {
    const all = await search('knowledge distillation', 50);
    expect(all.ids).toContain('9901.00093');
    const excluded = await search('knowledge distillation -survey', 50);
    expect(excluded.ids).not.toContain('9901.00093');
    expect(excluded.ids.length).toBe(all.ids.length - 1);
    const either = await search('sinkhorn OR schrodinger', 50);
    expect(either.ids).toEqual(expect.arrayContaining(['9901.00137', '9901.00180']));
  });

  it('is accent- and case-insensitive both ways', async () => {
    expect((await search('schrodinger')).ids[0]).toBe('9901.00180');
    expect((await search('Schrödinger BRIDGE')).ids[0]).toBe('9901.00180');
    expect((await search('lojasiewicz')).ids[0]).toBe('9901.00055');
    expect((await search('ŁOJASIEWICZ')).ids[0]).toBe('9901.00055');
  });

  it('falls back to similar titles on a typo', async () => {
    const r = await search('wasserstien gan');
    expect(r.mode).toBe('fuzzy');
    expect(r.correctedQuery).toBe('wasserstein gan');
    expect(r.titles[0]).toBe('Wasserstein GAN');
    expect((await search('Schrödingr')).correctedQuery).toBe('schrodinger');
    const ot = await search('optimal transprot');
    expect(ot.mode).toBe('fuzzy');
    expect(new Set(ot.ids.slice(0, 2))).toEqual(new Set(['9901.00073', '9901.00166']));
  });

  it('returns the paper an id or URL names first, and only it when that is the whole query', async () => {
    expect((await search('9901.00062')).ids).toEqual(['9901.00062']);
    expect((await search('https://huggingface.co/papers/9901.00062')).ids).toEqual(['9901.00062']);
    expect((await search('https://arxiv.org/pdf/9901.00062v3.pdf')).ids).toEqual(['9901.00062']);
    const mixed = await search('https://arxiv.org/abs/9901.00180 optimal transport');
    expect(mixed.ids[0]).toBe('9901.00180');
    expect(mixed.ids.slice(1, 3).sort()).toEqual(['9901.00073', '9901.00166']);
    const missing = await search('2601.00001');
    expect(missing.ids).toEqual([]);
    expect(missing.missingIds).toEqual(['2601.00001']);
  });

  it('applies since:, min-upvotes: and has:code', async () => {
    const recent = await search('diffusion since:2025-09-01', 50);
    expect(recent.hits.length).toBeGreaterThan(0);
    expect(recent.hits.every((h) => h.paper.publishedAt! >= new Date('2025-09-01'))).toBe(true);
    const popular = await search('diffusion min-upvotes:20', 50);
    expect(popular.hits.every((h) => h.paper.upvotes >= 20)).toBe(true);
    expect(popular.ids).toContain('9901.00214');
    const code = await search('diffusion has:code', 50);
    expect(code.hits.length).toBeGreaterThan(0);
    expect(code.hits.every((h) => h.paper.githubRepo)).toBe(true);
    const browse = await search('has:code min-upvotes:40', 50);
    expect(browse.mode).toBe('browse');
    expect(browse.hits.every((h) => h.paper.githubRepo && h.paper.upvotes >= 40)).toBe(true);
  });

  it('ranks a title match above an abstract-only match, and more upvotes above fewer when relevance ties', async () => {
    const r = await search('reinforcement learning', 20);
    const titled = ['9901.00009', '9901.00014', '9901.00083'];
    const firstAbstractOnly = r.ids.findIndex((id) => !titled.includes(id));
    expect(titled.every((id) => r.ids.indexOf(id) < firstAbstractOnly)).toBe(true);
    const scores = r.hits.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('pages without repeating or losing results', async () => {
    const all = await search('regularization', 100);
    expect(all.ids.length).toBeGreaterThan(12);
    const pages = [
      await search('regularization', 5, 0),
      await search('regularization', 5, 5),
      await search('regularization', 5, 10),
    ];
    expect(pages.flatMap((p) => p.ids)).toEqual(all.ids.slice(0, 15));
    expect(pages[0]!.hasMore).toBe(true);
  });

  it('treats SQL and tsquery metacharacters as text', async () => {
    for (const text of ["'; drop table papers; --", 'a & b | !c <-> d', '((((', ':*', '"unterminated', '\\\\', '%_%']) {
      await expect(search(text)).resolves.toHaveProperty('hits');
    }
    expect((await search('optimal transport')).hits.length).toBeGreaterThan(0);
  });

  it('knows which queries have a searchable term', async () => {
    expect(await services.search.isSearchable('diffusion models')).toBe(true);
    expect(await services.search.isSearchable('"graph neural" -survey')).toBe(true);
    expect(await services.search.isSearchable('the and of')).toBe(false);
    expect(await services.search.isSearchable('-survey')).toBe(false);
    expect(await services.search.isSearchable('!!!')).toBe(false);
  });

  it('tells which papers match which topics, in one query', async () => {
    const ids = ['9901.00073', '9901.00062', '9901.00166'];
    const matched = await services.search.matchingQueries(
      ['optimal transport', 'zzqx nothing', 'transport OR diffusion'],
      ids,
    );
    // Sparsity-Constrained Optimal Transport and SP^2OT match both; Wasserstein GAN's abstract names neither word.
    expect(matched).toEqual(
      new Map([
        ['9901.00073', [0, 2]],
        ['9901.00166', [0, 2]],
      ]),
    );
    expect(await services.search.matchingQueries([], ids)).toEqual(new Map());
  });
});
