import { afterEach, describe, expect, it } from 'vitest';
import { RECORD_LIMITS } from '../../src/huggingface/normalize.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { listsOn } from '../support/fixtures.js';
import { testApp } from '../support/services.js';

/**
 * One oversized Hugging Face record (an abstract whose text search vector would pass Postgres's 1 MB limit,
 * "string is too long for tsvector") must not fail its batch: it is stored with its text bounded, and the other
 * records of the day are kept.
 */
describe.each(drivers)('an oversized record on $name', (driver) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it('10 records with one 2 MB abstract: all 10 kept, the big one bounded', async () => {
    database = await driver.open();
    const app = testApp(database, { clock: new FixedClock('2026-11-15T12:00:00Z') });
    const records = listsOn(['2026-11-13']).slice(0, 10) as { paper: Record<string, unknown> }[];
    expect(records).toHaveLength(10);
    const huge = Array.from({ length: 250_000 }, (_, i) => `word${i}`).join(' ');
    const big = records[3]!;
    big.paper = { ...big.paper, summary: huge, ai_summary: huge, title: `A title ${huge}` };
    const outcome = await app.services.ingest.importRecords(records, 'test');
    expect(outcome.inserted).toBe(10);
    expect(await app.services.papers.countPapers()).toBe(10);
    const stored = await app.services.papers.findById(String(big.paper.id));
    expect(stored!.abstract.length).toBeLessThanOrEqual(RECORD_LIMITS.abstract);
    expect(stored!.title.length).toBeLessThanOrEqual(RECORD_LIMITS.title);
    // Importing the same records again changes nothing (the bounded record compares equal).
    const again = await app.services.ingest.importRecords(records, 'test');
    expect(again).toMatchObject({ inserted: 0, updated: 0 });
  });
});
