import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { CommandDispatcher } from '../../src/ports/commands.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { FakeHuggingFace } from '../support/fake-huggingface.js';
import { listsOn } from '../support/fixtures.js';
import { testApp, typed } from '../support/services.js';

type Item = { paper: { id: string; upvotes: number; githubStars?: number; githubRepo?: string } };

/**
 * Rising papers end to end: the week refresh fetches the current and previous ISO week from the local Hugging Face
 * server as upvotes and stars change under a controllable clock; rising ranks by the gain over the window.
 */
describe.each(drivers)('rising on $name', (driver) => {
  let database: TestDatabase;
  let app: App;
  let dispatcher: CommandDispatcher;
  let hf: FakeHuggingFace;
  const T0 = new Date('2026-11-15T00:00:00Z');
  const clock = new FixedClock(T0);
  const channel = { platform: 'console', address: 'local' };
  const items = new Map<string, Item>();
  const [X, Y, Z, OLD] = ['x', 'y', 'z', 'old'];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    database = await driver.open();
    hf = await new FakeHuggingFace().start();
    app = testApp(database, { clock, hfUrl: hf.url });
    dispatcher = app.dispatcher([]);
    // Lists of week 2026-W46 (on the server) and one of 2026-W44 (imported, older than 14 days at the end).
    const records = listsOn(['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-10-26']) as Item[];
    for (const r of records) {
      const date = String((r as unknown as { publishedAt: string }).publishedAt).slice(0, 10);
      if (date === '2026-10-26') continue;
      hf.lists.set(date, [...(hf.lists.get(date) ?? []), r]);
      items.set(r.paper.id, r);
    }
    const old = records.filter((r) =>
      String((r as unknown as { publishedAt: string }).publishedAt).startsWith('2026-10-26'),
    );
    ids[X] = (hf.lists.get('2026-11-09') as Item[])[3]!.paper.id;
    ids[Y] = (hf.lists.get('2026-11-10') as Item[])[5]!.paper.id;
    ids[Z] = (hf.lists.get('2026-11-11') as Item[])[0]!.paper.id;
    ids[OLD] = old[0]!.paper.id;
    items.get(ids[Z]!)!.paper.githubRepo = 'https://github.com/example/z';
    items.get(ids[Z]!)!.paper.githubStars = 100;
    clock.set('2026-10-27T00:00:00Z');
    await app.services.ingest.importRecords(old, 'old');
    clock.set(T0);
  });
  afterAll(async () => {
    await hf.stop();
    await database.close();
  });

  const bump = (key: string, upvotes: number, stars = 0) => {
    const item = items.get(ids[key]!)!;
    item.paper.upvotes += upvotes;
    if (stars) item.paper.githubStars = (item.paper.githubStars ?? 0) + stars;
  };
  const run = async (text: string) => (await dispatcher.dispatch(typed(channel, text))).message.text;
  const rising = (window: '24h' | '7d', metric: 'upvotes' | 'stars' = 'upvotes') =>
    app.services.rising.rising({ window, metric, limit: 10 });

  it('refreshes the current and previous ISO week through ?week=, a few requests each', async () => {
    const outcome = await app.services.rising.refreshWeeks();
    expect(outcome.map((o) => o.week)).toEqual(['2026-W46', '2026-W45']);
    expect(outcome[0]!.fetched).toBe(items.size);
    expect(hf.requests.every((r) => /^\/api\/daily_papers\?(.*&)?week=2026-W4[56]/.test(r))).toBe(true);
    expect(hf.requests.length).toBeLessThanOrEqual(6);
    expect(await rising('24h')).toEqual([]);
  });

  it('ranks by the gain over the window: 24 h and 7 d differ', async () => {
    clock.set(new Date(T0.getTime() + 12 * 3600_000));
    bump(X, 38);
    await app.services.rising.refreshWeeks();
    clock.set(new Date(T0.getTime() + 40 * 3600_000));
    bump(Y, 25, 0);
    bump(Z, 0, 120);
    await app.services.rising.refreshWeeks();
    // The 24 h window starts after X's gain: only Y rose in it.
    expect((await rising('24h')).map((h) => [h.paper.id, h.gain])).toEqual([[ids[Y], 25]]);
    expect((await rising('7d')).map((h) => [h.paper.id, h.gain])).toEqual([
      [ids[X], 38],
      [ids[Y], 25],
    ]);
    expect((await rising('24h', 'stars')).map((h) => [h.paper.id, h.gain])).toEqual([[ids[Z], 120]]);
  });

  it('leaves out papers listed more than 14 days ago, however much they gained', async () => {
    const old = listsOn(['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-10-26']).filter(
      (r) => (r.paper as { id: string }).id === ids[OLD],
    ) as Item[];
    old[0]!.paper.upvotes += 500;
    await app.services.ingest.importRecords(old, 'old again');
    expect((await rising('7d')).map((h) => h.paper.id)).not.toContain(ids[OLD]);
  });

  it('/papers rising shows the gain on each card, and names the accepted windows', async () => {
    const week = await run('rising 7d');
    expect(week).toContain('Rising · upvotes gained in the last 7 days');
    expect(week).toMatch(/1\. .*\n(.*\n)*? {3}▲ \+38 in 7 d/);
    expect(await run('rising stars')).toContain('★ +120 in 24 h');
    expect(await run('rising 3d')).toContain('window must be one of 24h, 7d, not “3d”.');
    expect(await run('rising 24h 0')).toContain('limit must be from 1 to 25, not 0.');
    clock.set(new Date(T0.getTime() + 30 * 86_400_000));
    expect(await run('rising')).toContain('No paper listed in the last 14 days gained upvotes in that window');
    clock.set(new Date(T0.getTime() + 40 * 3600_000));
  });

  it('digest rising on adds a "Rising" section of papers not already in the digest; off by default', async () => {
    const title = (key: string) =>
      String((items.get(ids[key]!) as unknown as { paper: { title: string } }).paper.title);
    const without = await run('digest preview 2026-11-12');
    expect(without).not.toContain('\nRising\n');
    expect(await run('digest rising on')).toContain('The digest ends with a “Rising” section');
    expect(await run('status')).toContain('rising: on');
    const withRising = await run('digest preview 2026-11-12');
    const section = withRising.slice(withRising.indexOf('\nRising\n'));
    expect(withRising.indexOf('\nRising\n')).toBeGreaterThan(0);
    expect(section).toContain(title(Y).replace(/\s+/g, ' '));
    expect(section).toContain('▲ +25 in 24 h');
    // The list of 2026-11-11 has Z, which rose in stars only: no upvote gain, no section entry.
    expect(section).not.toContain(title(Z).replace(/\s+/g, ' '));
    // Y's own list: Y is in the top list, so it is not repeated under Rising (nothing else rose: no section).
    const own = await run('digest preview 2026-11-10');
    expect(own).not.toContain('\nRising\n');
    expect(await run('digest rising maybe')).toContain('rising');
    expect(await run('digest rising off')).toContain('No “Rising” section in the digest.');
  });

  it('retention keeps every snapshot of the last 14 days and the last of each older day', async () => {
    const paper = ids[X]!;
    await database.rows(sql`delete from paper_metrics where paper_id = ${paper}`);
    const at = (iso: string, upvotes: number) =>
      database.rows(
        sql`insert into paper_metrics (paper_id, captured_at, upvotes, num_comments) values (${paper}, ${iso}::timestamptz, ${upvotes}, 0)`,
      );
    await at('2026-10-20T01:00:00Z', 1);
    await at('2026-10-20T13:00:00Z', 2);
    await at('2026-10-20T23:30:00Z', 3);
    await at('2026-10-21T08:00:00Z', 4);
    await at('2026-11-10T01:00:00Z', 5);
    await at('2026-11-10T02:00:00Z', 6);
    clock.set('2026-11-16T00:00:00Z');
    const deleted = await app.services.rising.pruneSnapshots();
    expect(deleted).toBe(2);
    const left = await database.rows<{ upvotes: number }>(
      sql`select upvotes from paper_metrics where paper_id = ${paper} order by captured_at`,
    );
    expect(left.map((r) => r.upvotes)).toEqual([3, 4, 5, 6]);
    expect(await app.services.rising.pruneSnapshots()).toBe(0);
  });
});
