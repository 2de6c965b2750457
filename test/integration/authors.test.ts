import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreServices } from '../../src/commands/definition.js';
import type { CommandDispatcher } from '../../src/ports/commands.js';
import { parseSearchQuery } from '../../src/search/query.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { sample } from '../support/fixtures.js';
import { testApp, typed } from '../support/services.js';

/** The sample with real-looking authors, organizations and submitters on a few papers. */
function withPeople(): Record<string, unknown>[] {
  const records = sample();
  const set = (id: string, authors: string[], org?: { name: string; fullname: string }, submitter?: string) => {
    const item = records.find((r) => (r.paper as { id: string }).id === id)!;
    const paper = item.paper as Record<string, unknown>;
    paper.authors = authors.map((name) => ({ name }));
    if (org) item.organization = { _id: 'x', avatar: '/a.png', ...org };
    if (submitter) item.submittedBy = { _id: 'y', fullname: submitter, name: submitter, type: 'user', isPro: false };
  };
  // 9901.00073 and 9901.00166 are the two optimal-transport titles.
  set('9901.00073', ['Tri Dao', 'Łukasz Kaiser'], { name: 'nvidia', fullname: 'NVIDIA' }, 'akhaliq');
  set('9901.00166', ['Yann LeCun', 'Tri  Dao'], { name: 'facebook', fullname: 'AI at Meta' });
  set('9901.00055', ['Yann Le Cun'], { name: 'google', fullname: 'Google DeepMind' });
  set('9901.00001', ['Daoud Tri']);
  return records;
}

describe.each(drivers)('authors and organizations on $name', (driver) => {
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
    await services.ingest.importRecords(withPeople(), 'sample');
  });
  afterAll(() => database.close());

  const ids = async (text: string) =>
    (await services.search.search(parseSearchQuery(text), { limit: 50, now })).hits.map((h) => h.paper.id).sort();
  const run = async (text: string) => {
    const reply = await dispatcher.dispatch(typed(channel, text));
    return reply.message.text;
  };

  it('author: matches any author, insensitive to accents, case and spacing', async () => {
    expect(await ids('author:"Tri Dao"')).toEqual(['9901.00073', '9901.00166']);
    expect(await ids('author:"tri dao"')).toEqual(['9901.00073', '9901.00166']);
    expect(await ids('author:"lukasz KAISER"')).toEqual(['9901.00073']);
    // "Le Cun" and "LeCun" are the same name; a one-word name matches a last name too.
    expect(await ids('author:"Yann LeCun"')).toEqual(['9901.00055', '9901.00166']);
    expect(await ids('author:lecun')).toEqual(['9901.00166']);
    expect(await ids('author:Dao')).toEqual(['9901.00073', '9901.00166']);
    // Not a substring match: "Daoud Tri" is not "Tri Dao".
    expect(await ids('author:"Dao Tri"')).toEqual([]);
  });

  it('org: matches the handle or the display name', async () => {
    expect(await ids('org:nvidia')).toEqual(['9901.00073']);
    expect(await ids('org:NVIDIA')).toEqual(['9901.00073']);
    expect(await ids('org:"Google DeepMind"')).toEqual(['9901.00055']);
    expect(await ids('org:google')).toEqual(['9901.00055']);
    expect(await ids('org:"AI at meta"')).toEqual(['9901.00166']);
  });

  it('combines with text and the other filters', async () => {
    expect(await ids('optimal transport author:"Tri Dao"')).toEqual(['9901.00073', '9901.00166']);
    expect(await ids('optimal transport author:"Tri Dao" org:nvidia')).toEqual(['9901.00073']);
    expect(await ids('lojasiewicz author:"Tri Dao"')).toEqual([]);
    // 9901.00073's abstract mentions Sinkhorn.
    expect(await ids('author:"Tri Dao" -sinkhorn')).toEqual(['9901.00166']);
    expect(await ids('author:"Tri Dao" min-upvotes:100000')).toEqual([]);
    // A plain word never matches an author's facet.
    expect(await ids('nvidia')).not.toContain('9901.00073');
  });

  it('topics match on authors and organizations in the digest marks', async () => {
    const queries = ['author:"Tri Dao"', 'org:google', 'optimal transport org:nvidia', 'optimal transport'];
    const matched = await services.search.matchingQueries(queries, ['9901.00073', '9901.00166', '9901.00055']);
    expect(matched.get('9901.00073')).toEqual([0, 2, 3]);
    expect(matched.get('9901.00166')).toEqual([0, 3]);
    expect(matched.get('9901.00055')).toEqual([1]);
    expect(await services.search.isSearchable('author:"Tri Dao"')).toBe(true);
    expect(await services.search.isSearchable('org:nvidia')).toBe(true);
  });

  it('/papers search with author: and the card line with organization and submitter', async () => {
    const text = await run('search author:"Tri Dao"');
    expect(text).toContain('2 results');
    expect(text).toContain('🏛 NVIDIA · submitted by @akhaliq');
    expect(text).toContain('🏛 AI at Meta');
    expect(await run('search author:')).toContain('author: needs a name, e.g. author:"Tri Dao"');
    expect(await run('search org:""')).toContain('org: needs a Hugging Face organization');
  });

  it('/papers follow creates an author or org topic that /papers topics shows', async () => {
    expect(await run('follow Tri Dao')).toContain('Subscribed this channel to “author:"Tri Dao"”');
    expect(await run('follow org nvidia')).toContain('Subscribed this channel to “org:"nvidia"”');
    expect(await run('subscribe author:"Yann LeCun"')).toContain('Subscribed this channel');
    const topics = await run('topics');
    expect(topics).toContain('1. author:"Tri Dao"');
    expect(topics).toContain('2. org:"nvidia"');
    expect(topics).toContain('3. author:"Yann LeCun"');
    expect(await run('follow Tri Dao')).toContain('already follows');
    expect(await run('follow org')).toContain('follow needs a name.');
    expect(await run('follow org ""')).toContain('Name the organization to follow, e.g. /papers follow org nvidia.');
    const refused = await dispatcher.dispatch(typed(channel, 'follow Ada Lovelace', { manager: false }));
    expect(refused.message.text).toContain('Only channel managers');
  });
});
