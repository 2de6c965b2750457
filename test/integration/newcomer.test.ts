import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FixedClock } from '../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { sample } from '../support/fixtures.js';
import { captureLogs } from '../support/log-capture.js';
import { unusedPort } from '../support/ports.js';
import { type TestCore, testApp, testCore, typed } from '../support/services.js';

/** What a new user ran into in the first minutes (issue 10), through the real command dispatcher. */
describe.each(drivers)('first-minutes fixes on $name', (driver) => {
  let database: TestDatabase;
  let core: TestCore;
  // Thu 3 Dec 2026: the sample's lists are 2–13 Nov, so the current week and month have no papers.
  const clock = new FixedClock('2026-12-03T12:00:00Z');
  const channel = { platform: 'console', address: 'local' };
  const say = async (text: string) => (await core.dispatcher.dispatch(typed(channel, text))).message.text;

  beforeAll(async () => {
    database = await driver.open();
    const app = testApp(database, { clock });
    await app.services.ingest.importRecords(sample(), 'sample');
    core = testCore(app, []);
  });
  afterAll(() => database.close());

  it('refuses time-zone abbreviations and suggests the IANA zones they usually mean', async () => {
    const est = await say('digest timezone EST');
    expect(est).toContain('“EST” is an abbreviation, not a time zone');
    expect(est).toContain('Use an IANA name: America/New_York, America/Toronto or America/Detroit.');
    expect(est).not.toContain('Panama');
    expect(await say('digest timezone pst')).toContain('America/Los_Angeles');
    const ist = await say('digest timezone IST');
    expect(ist).toContain('Asia/Kolkata, Europe/Dublin or Asia/Jerusalem');
    expect(await say('digest timezone CET')).toContain('Europe/Paris');
    expect(await say('status')).toContain('Time: 09:00 UTC');
    expect(await say('digest timezone America/New_York')).not.toContain('abbreviation');
    expect(await say('status')).toContain('America/New_York');
  });

  it('says "an id", not "a id", when /papers paper has no argument', async () => {
    const text = await say('paper');
    expect(text).toContain('paper needs an id.');
    expect(text).not.toContain('a id');
  });

  it('trending week and month without a date show the latest week and month with papers, and say so', async () => {
    const week = await say('trending week');
    expect(week).toContain('Trending · week 2026-W46 (9 Nov – 15 Nov)');
    expect(week).toContain('No papers were listed in week 2026-W49 yet; showing the latest week with papers.');
    expect(week).toMatch(/^1\. /m);
    const month = await say('trending month');
    expect(month).toContain('Trending · November 2026');
    expect(month).toContain('No papers were listed in December 2026 yet; showing the latest month with papers.');
    // An explicit week is shown as asked, even when empty.
    expect(await say('trending week 2026-W49')).toContain('No papers were listed in week 2026-W49');
  });

  it('a scheduled refresh without a network logs one line with the next try, not a warning per day and retry', async () => {
    const logs = captureLogs();
    // Before 03:00 UTC the refresh covers three days: the latest closed one and the two still open.
    const early = new FixedClock('2026-12-03T02:00:00Z');
    const offline = testApp(database, {
      clock: early,
      hfUrl: `http://127.0.0.1:${await unusedPort()}`,
      log: logs.log,
    });
    const outcomes = await offline.services.ingest.refresh({ nextRun: () => new Date('2026-12-03T02:30:00Z') });
    expect(outcomes).toEqual([]);
    const warnings = logs.entries.filter((e) => e.level >= 40);
    expect(warnings.map((e) => e.msg)).toEqual(['Hugging Face unreachable; next try at 02:30 UTC']);
    expect(String(warnings[0]!.err)).toMatch(/is unreachable \(ECONNREFUSED\)/);
  });
});
