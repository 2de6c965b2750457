import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelSettings } from '../../src/domain/channel.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { RecordingPlatform } from '../fakes/recording-platform.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { listsOn } from '../support/fixtures.js';
import { captureLogs } from '../support/log-capture.js';
import { type TestCore, testApp, testCore, typed } from '../support/services.js';

/**
 * Scheduling and delivery with a controllable clock: time zones, DST, weekends, downtime catch-up, failures and
 * retries, resuming an interrupted digest, and two schedulers racing on one database.
 */
describe.each(drivers)('digest delivery on $name', (driver) => {
  let database: TestDatabase | undefined;
  const extra: TestDatabase[] = [];
  afterEach(async () => {
    await database?.close();
    for (const d of extra.splice(0)) await d.close();
  });

  async function setup(options: { now: string; lists: string[]; perPart?: number }) {
    database = await driver.open();
    const clock = new FixedClock(options.now);
    const logs = captureLogs();
    const paper = testApp(database, { clock, log: logs.log });
    await paper.services.ingest.importRecords(listsOn(options.lists), 'test');
    const platform = new RecordingPlatform('console', options.perPart);
    const core = testCore(paper, [platform], { retryDelayMs: 60_000, concurrency: 4 });
    return { clock, logs, platform, core, paper };
  }

  const channel = (id: string) => ({ platform: 'console' as const, address: id });
  const enable = (core: TestCore, id: string, at: Date, settings: Partial<ChannelSettings> = {}) =>
    core.services.channels.update(channel(id), { digestEnabled: true, ...settings }, at);
  const statuses = async (db: TestDatabase) =>
    db.rows<{ address: string; kind: string; period: string; status: string }>(
      sql`select c.address, d.kind, d.period, d.status from deliveries d join channels c on c.id = d.channel_pk order by c.address, d.period`,
    );

  it("posts a channel's digest once at its time: the latest closed list, top N by upvotes", async () => {
    const { clock, platform, core } = await setup({ now: '2026-11-16T08:00:00Z', lists: ['2026-11-12', '2026-11-13'] });
    await enable(core, 'c1', clock.now());
    clock.set('2026-11-16T08:59:59Z');
    expect((await core.delivery.reconcile()).claimed).toBe(0);
    clock.set('2026-11-16T09:00:20Z');
    const report = await core.delivery.reconcile();
    expect(report).toMatchObject({ claimed: 1, sent: 1 });
    const [post] = platform.posts;
    // Mon 16 Nov: the latest closed day is Sun 15 (empty), so Friday's list.
    expect(post!.heading).toBe('Hugging Face Daily Papers · Fri 13 Nov 2026');
    expect(post!.titles).toHaveLength(5);
    clock.advance(60_000);
    await core.delivery.reconcile();
    expect(platform.posts).toHaveLength(1);
    expect(await statuses(database!)).toEqual([{ address: 'c1', kind: 'daily', period: '2026-11-13', status: 'sent' }]);
  });

  it('posts at each channel’s own local time', async () => {
    const { clock, platform, core } = await setup({ now: '2026-11-15T12:00:00Z', lists: ['2026-11-13'] });
    await enable(core, 'tokyo', clock.now(), { timezone: 'Asia/Tokyo', postTime: '08:30' });
    await enable(core, 'paris', clock.now(), { timezone: 'Europe/Paris', postTime: '09:00' });
    await enable(core, 'newyork', clock.now(), { timezone: 'America/New_York', postTime: '09:00' });
    const posted = () => platform.posts.map((p) => p.channel).sort();
    clock.set('2026-11-15T23:31:00Z'); // Mon 08:31 in Tokyo
    await core.delivery.reconcile();
    expect(posted()).toEqual(['console:tokyo']);
    clock.set('2026-11-16T08:01:00Z'); // 09:01 in Paris, 03:01 in New York
    await core.delivery.reconcile();
    expect(posted()).toEqual(['console:paris', 'console:tokyo']);
    clock.set('2026-11-16T14:01:00Z'); // 09:01 in New York
    await core.delivery.reconcile();
    expect(posted()).toEqual(['console:newyork', 'console:paris', 'console:tokyo']);
  });

  it('handles the spring-forward and fall-back days in New York', async () => {
    // Lists on Saturdays, so the daily channel has something new on each DST Sunday.
    const { clock, platform, core } = await setup({
      now: '2026-03-07T12:00:00Z',
      lists: ['2026-03-07', '2026-10-31'],
    });
    await enable(core, 'ny', clock.now(), { timezone: 'America/New_York', postTime: '02:30', days: 'daily' });
    clock.set('2026-03-08T07:29:00Z'); // 02:30 does not exist on 8 Mar: it is 03:30 EDT = 07:30Z
    await core.delivery.reconcile();
    expect(platform.posts).toHaveLength(0);
    clock.set('2026-03-08T07:30:00Z');
    await core.delivery.reconcile();
    expect(platform.posts.map((p) => p.heading)).toEqual(['Hugging Face Daily Papers · Sat 7 Mar 2026']);
    // 1 Nov: 01:30 happens twice; the first (EDT, 05:30Z) posts, the second (EST, 06:30Z) does not.
    clock.set('2026-11-01T05:29:00Z');
    await enable(core, 'ny-fall', clock.now(), { timezone: 'America/New_York', postTime: '01:30', days: 'daily' });
    clock.set('2026-11-01T05:30:00Z');
    await core.delivery.reconcile();
    clock.set('2026-11-01T06:30:00Z');
    await core.delivery.reconcile();
    expect(platform.postsTo('console:ny-fall').map((p) => p.heading)).toEqual([
      'Hugging Face Daily Papers · Sat 31 Oct 2026',
    ]);
  });

  it('skips weekends on weekday channels; a daily channel posts Friday’s list on Saturday, then nothing new', async () => {
    const { clock, platform, core } = await setup({ now: '2026-11-13T12:00:00Z', lists: ['2026-11-12', '2026-11-13'] });
    await enable(core, 'weekdays', clock.now());
    await enable(core, 'daily', clock.now(), { days: 'daily' });
    for (const day of ['2026-11-14', '2026-11-15']) {
      clock.set(`${day}T09:05:00Z`);
      await core.delivery.reconcile();
    }
    expect(platform.posts.map((p) => [p.channel, p.heading])).toEqual([
      ['console:daily', 'Hugging Face Daily Papers · Fri 13 Nov 2026'],
    ]);
    clock.set('2026-11-16T09:05:00Z');
    await core.delivery.reconcile();
    // Monday: the weekday channel gets Friday's list; the daily channel already had it.
    expect(platform.postsTo('console:weekdays').map((p) => p.heading)).toEqual([
      'Hugging Face Daily Papers · Fri 13 Nov 2026',
    ]);
    expect(platform.postsTo('console:daily')).toHaveLength(1);
  });

  it('after downtime: a post less than 6 hours late goes out at start-up; a later one is skipped and logged', async () => {
    const { clock, platform, core, logs } = await setup({
      now: '2026-11-15T12:00:00Z',
      lists: ['2026-11-13', '2026-11-16'],
    });
    await enable(core, 'early', clock.now(), { postTime: '09:01' });
    await enable(core, 'late', clock.now(), { postTime: '08:59' });
    clock.set('2026-11-16T15:00:00Z'); // the bot comes back: 5 h 59 min after 09:01, 6 h 1 min after 08:59
    await core.delivery.reconcile();
    expect(platform.posts.map((p) => p.channel)).toEqual(['console:early']);
    expect(await statuses(database!)).toEqual([
      { address: 'early', kind: 'daily', period: '2026-11-13', status: 'sent' },
      { address: 'late', kind: 'daily', period: '2026-11-13', status: 'skipped' },
    ]);
    expect(
      logs.entries.some((e) => e.msg.startsWith('digest skipped: 361 minutes late') && e.channel === 'console:late'),
    ).toBe(true);
    clock.set('2026-11-17T09:00:00Z'); // the next day is normal again
    await core.delivery.reconcile();
    expect(platform.postsTo('console:late').map((p) => p.heading)).toEqual([
      'Hugging Face Daily Papers · Mon 16 Nov 2026',
    ]);
  });

  it('pauses a channel after 3 permanent failures in a row, shows it in status, and digest on resumes it', async () => {
    const { clock, platform, core } = await setup({
      now: '2026-11-15T12:00:00Z',
      lists: ['2026-11-13', '2026-11-16', '2026-11-17', '2026-11-18'],
    });
    await enable(core, 'gone', clock.now());
    await enable(core, 'fine', clock.now());
    platform.fail('console:gone', { permanent: true, code: 'unknown_channel' });
    for (const day of ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19']) {
      clock.set(`${day}T09:01:00Z`);
      await core.delivery.reconcile();
    }
    expect(platform.postsTo('console:fine')).toHaveLength(4);
    const gone = await core.services.channels.find(channel('gone'));
    expect(gone).toMatchObject({ consecutiveFailures: 3, pauseReason: expect.stringContaining('unknown_channel') });
    expect(gone.pausedAt).not.toBeNull();
    expect((await statuses(database!)).filter((s) => s.address === 'gone').map((s) => s.status)).toEqual([
      'failed',
      'failed',
      'failed',
    ]);
    const status = await core.dispatcher.dispatch(typed(channel('gone'), 'status', { manager: false }));
    expect(status.message.text).toMatch(/Digest: paused/);
    expect(status.message.text).toMatch(/paused since .* after 3 failed deliveries in a row/);
    await core.dispatcher.dispatch(typed(channel('gone'), 'digest on'));
    expect(await core.services.channels.find(channel('gone'))).toMatchObject({
      pausedAt: null,
      consecutiveFailures: 0,
    });
  });

  it('retries a transient failure with growing, bounded delays, and posts once when it recovers', async () => {
    const { clock, platform, core } = await setup({ now: '2026-11-15T12:00:00Z', lists: ['2026-11-13'] });
    await enable(core, 'flaky', clock.now());
    platform.fail('console:flaky', { permanent: false, times: 2 });
    clock.set('2026-11-16T09:00:00Z');
    expect(await core.delivery.reconcile()).toMatchObject({ claimed: 1, retrying: 1 });
    clock.advance(59_000);
    expect(await core.delivery.reconcile()).toMatchObject({ tookOver: 0 });
    clock.advance(2_000); // 1 min after the first failure
    expect(await core.delivery.reconcile()).toMatchObject({ tookOver: 1, retrying: 1 });
    clock.advance(100_000); // the second retry waits 2 min
    expect(await core.delivery.reconcile()).toMatchObject({ tookOver: 0 });
    clock.advance(30_000);
    expect(await core.delivery.reconcile()).toMatchObject({ tookOver: 1, sent: 1 });
    expect(platform.posts).toHaveLength(1);
    const [row] = await database!.rows<{ attempts: number; status: string }>(
      sql`select attempts, status from deliveries`,
    );
    expect(row).toEqual({ attempts: 3, status: 'sent' });
  });

  it('resumes a digest interrupted after its first part: the other parts once, the first not again', async () => {
    const { clock, platform, core } = await setup({ now: '2026-11-15T12:00:00Z', lists: ['2026-11-13'], perPart: 2 });
    const c = await enable(core, 'c', clock.now());
    clock.set('2026-11-16T09:00:00Z');
    // A process claims the digest, composes it, posts part 1 (papers 1–2), records it, and dies.
    const held = (await core.services.deliveries.claim(
      { channelPk: c.pk!, kind: 'daily', period: '2026-11-13' },
      clock.now(),
      new Date(clock.now().getTime() + 120_000),
      clock.now(),
    ))!;
    const composed = await core.services.digests.composeDaily(c, '2026-11-13');
    if (!composed.ok) throw new Error(composed.reason);
    await core.services.deliveries.startPosting(
      held,
      composed.digest.message,
      composed.digest.paperIds,
      new Date(clock.now().getTime() + 120_000),
      clock.now(),
    );
    await platform
      .postDigest(c, composed.digest.message, {
        thread: false,
        alreadyPosted: [],
        onPosted: async (id) => {
          await core.services.deliveries.addMessageId(held, id, clock.now());
          throw new Error('process killed');
        },
      })
      .catch(() => {});
    expect(platform.posts).toHaveLength(1);
    // Within the lease nobody touches it; after it, a reconcile takes it over and finishes.
    clock.advance(60_000);
    expect((await core.delivery.reconcile()).tookOver).toBe(0);
    clock.advance(61_000);
    expect(await core.delivery.reconcile()).toMatchObject({ tookOver: 1, sent: 1 });
    const titles = platform.posts.flatMap((p) => p.titles);
    expect(platform.posts).toHaveLength(3);
    expect(titles).toHaveLength(5);
    expect(new Set(titles).size).toBe(5);
  });

  it('marks topic matches, adds a For-your-topics section, leaves out papers already posted, and mode topics posts matches only', async () => {
    const { clock, core } = await setup({ now: '2026-11-15T12:00:00Z', lists: ['2026-11-13'] });
    const c = await enable(core, 't', clock.now(), { size: 3 });
    await core.services.channels.addTopic(c.pk!, 'regularization', 'u');
    await core.services.channels.addTopic(c.pk!, 'diffusion OR transport', 'u');
    const composed = await core.services.digests.composeDaily(c, '2026-11-13');
    if (!composed.ok) throw new Error(composed.reason);
    const blocks = composed.digest.message.blocks;
    const papers = blocks.filter((b) => b.type === 'paper');
    const headingIndex = blocks.findIndex((b) => b.type === 'heading' && b.text === 'For your topics');
    expect(headingIndex).toBeGreaterThan(0);
    const extras = blocks.slice(headingIndex).filter((b) => b.type === 'paper');
    expect(extras.length).toBeGreaterThan(0);
    for (const extra of extras) expect(extra.type === 'paper' && extra.topics.length).toBeGreaterThan(0);
    expect(papers.length).toBe(3 + extras.length);
    // Once posted, a paper is left out of later digests of this channel (even from another list).
    clock.set('2026-11-16T09:00:00Z');
    await core.delivery.reconcile();
    const again = await core.services.digests.composeDaily(c, '2026-11-13');
    expect(again).toMatchObject({ ok: true });
    const firstIds = new Set(composed.digest.paperIds);
    if (again.ok) for (const id of again.digest.paperIds) expect(firstIds.has(id)).toBe(false);
    const topicsOnly = await core.services.channels.update(channel('t'), { mode: 'topics' }, clock.now());
    const matchesOnly = await core.services.digests.composeDaily(topicsOnly, '2026-11-13');
    if (matchesOnly.ok) {
      for (const b of matchesOnly.digest.message.blocks)
        if (b.type === 'paper') expect(b.topics.length).toBeGreaterThan(0);
    }
  });

  it('posts nothing for an empty day or when nothing clears the minimum, and records why', async () => {
    const { clock, platform, core } = await setup({ now: '2026-11-15T12:00:00Z', lists: ['2026-11-13'] });
    await enable(core, 'picky', clock.now(), { minUpvotes: 100_000 });
    clock.set('2026-11-16T09:00:00Z');
    expect(await core.delivery.reconcile()).toMatchObject({ claimed: 1, empty: 1, sent: 0 });
    expect(platform.posts).toEqual([]);
    const [row] = await database!.rows<{ status: string; error: string }>(sql`select status, error from deliveries`);
    expect(row).toEqual({ status: 'empty', error: 'no paper on 2026-11-13 has 100000 upvotes or more' });
    // No list in the lookback window at all: nothing is even claimed.
    clock.set('2026-11-25T09:00:00Z');
    expect(await core.delivery.reconcile()).toMatchObject({ claimed: 0 });
  });

  it('posts the Monday recap of last week when weekly is on', async () => {
    const { clock, platform, core } = await setup({
      now: '2026-11-15T12:00:00Z',
      lists: ['2026-11-09', '2026-11-10', '2026-11-11', '2026-11-12', '2026-11-13'],
    });
    await enable(core, 'w', clock.now(), { weekly: true, size: 3 });
    clock.set('2026-11-16T09:00:00Z');
    await core.delivery.reconcile();
    expect(platform.posts.map((p) => p.heading).sort()).toEqual([
      'Hugging Face Daily Papers · Fri 13 Nov 2026',
      'Weekly recap · 2026-W46 (9 Nov – 15 Nov)',
    ]);
    clock.set('2026-11-17T09:00:00Z');
    await core.delivery.reconcile();
    expect(platform.posts.filter((p) => p.heading?.startsWith('Weekly'))).toHaveLength(1);
  });

  it('two schedulers on one database deliver each of 40 digests exactly once', async () => {
    const { clock, platform, core, paper } = await setup({
      now: '2026-11-15T12:00:00Z',
      lists: ['2026-11-13'],
      perPart: 2,
    });
    for (let i = 0; i < 40; i++) await enable(core, `c${i}`, clock.now());
    // A second process: its own connection(s) to the same database (PGlite: the same instance).
    const secondDb = database!.url
      ? await (await import('../../src/db/client.js')).createDatabase({
          databaseUrl: database!.url,
          dataDir: 'x',
          log: paper.log,
        })
      : database!;
    if (secondDb !== database) extra.push(secondDb as TestDatabase);
    const otherPlatform = new RecordingPlatform('console', 2);
    const other = testCore(testApp(secondDb as TestDatabase, { clock, log: paper.log }), [otherPlatform], {
      concurrency: 4,
    });
    clock.set('2026-11-16T09:00:00Z');
    const [a, b] = await Promise.all([core.delivery.reconcile(), other.delivery.reconcile()]);
    expect(a.claimed + b.claimed).toBe(40);
    const all = [...platform.posts, ...otherPlatform.posts];
    const perChannel = new Map<string, string[]>();
    for (const p of all) perChannel.set(p.channel, [...(perChannel.get(p.channel) ?? []), ...p.titles]);
    expect(perChannel.size).toBe(40);
    for (const titles of perChannel.values()) {
      expect(titles).toHaveLength(5);
      expect(new Set(titles).size).toBe(5);
    }
  });
});
