import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { ChannelSettings } from '../../src/domain/channel.js';
import type { ChannelRef, OutgoingMessage, PostDigestOptions } from '../../src/index.js';
import { ALERTED_EARLIER } from '../../src/services/digest-service.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { RecordingPlatform } from '../fakes/recording-platform.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { FakeHuggingFace } from '../support/fake-huggingface.js';
import { listsOn } from '../support/fixtures.js';
import { type TestCore, testApp, testCore } from '../support/services.js';

type Item = { paper: { id: string; title: string; upvotes: number; githubStars?: number; githubRepo?: string } };

/** A recording platform that also keeps each message it was given, and the reply target. */
class MessagePlatform extends RecordingPlatform {
  readonly messages: { channel: string; message: OutgoingMessage; replyTo: string | undefined }[] = [];
  override async postDigest(channel: ChannelRef, message: OutgoingMessage, options: PostDigestOptions) {
    const posted = await super.postDigest(channel, message, options);
    this.messages.push({ channel: `${channel.platform}:${channel.address}`, message, replyTo: options.replyTo });
    return posted;
  }
  to(address: string) {
    return this.messages.filter((m) => m.channel === `console:${address}`);
  }
}

const titlesOf = (m: OutgoingMessage) => m.blocks.flatMap((b) => (b.type === 'paper' ? [b.title] : []));

/**
 * Instant topic alerts and code-release follow-ups end to end (issue 13 §4, §5): ingests from the local Hugging Face
 * server with lists, repositories and stars changing under a controllable clock, delivered by the reconcile pass
 * through the exactly-once ledger.
 */
describe.each(drivers)('alerts and follow-ups on $name', (driver) => {
  let database: TestDatabase | undefined;
  let hf: FakeHuggingFace | undefined;
  afterEach(async () => {
    await hf?.stop();
    await database?.close();
    hf = undefined;
    database = undefined;
  });

  // The first sample list (22 papers, "Author A<n>" as first authors), served as the list of Mon 16 Nov 2026.
  const LIST = '2026-11-16';
  async function setup(now: string) {
    database = await driver.open();
    hf = await new FakeHuggingFace().start();
    const clock = new FixedClock(now);
    const app = testApp(database, { clock, hfUrl: hf.url });
    const platform = new MessagePlatform('console');
    const core = testCore(app, [platform], { concurrency: 4 });
    const all = listsOn([LIST]) as Item[];
    const byId = new Map(all.map((i) => [i.paper.id, i]));
    const serve = (ids: string[]) =>
      hf!.lists.set(
        LIST,
        ids.map((id) => byId.get(id)!),
      );
    return { clock, app, platform, core, byId, serve };
  }
  const ch = (address: string) => ({ platform: 'console', address });
  const channel = async (
    core: TestCore,
    address: string,
    at: Date,
    settings: Partial<ChannelSettings>,
    topics: string[],
  ) => {
    const c = await core.services.channels.update(ch(address), settings, at);
    for (const t of topics) await core.services.channels.addTopic(c.pk!, t, 'u');
    return c;
  };
  // The open list is fetched by the scheduled refresh; a closed one again by a range ingest.
  const ingest = (app: App) => app.services.ingest.refresh();
  const reingest = (app: App) => app.services.ingest.ingestRange(LIST, LIST, { resume: false });

  // Papers of the list (by id) and their titles.
  const P = {
    top: '9901.00191',
    a41: '9901.00041',
    a11: '9901.00011',
    a161: '9901.00161',
    a31: '9901.00031',
    a71: '9901.00071',
    a201: '9901.00201',
    a21: '9901.00021',
  };

  it('one message per channel per ingest, each paper once across ingests and two processes; alerts off: nothing', async () => {
    const { clock, app, platform, core, byId, serve } = await setup('2026-11-16T10:00:00Z');
    const topics = ['author:"Author A41"', 'author:"Author A11"', 'author:"Author A161"'];
    await channel(core, 'a', clock.now(), { alerts: true }, topics);
    await channel(core, 'off', clock.now(), { alerts: false, digestEnabled: true }, topics);
    // A second process on the same database, posting through its own platform.
    const other = new MessagePlatform('console');
    const core2 = testCore(app, [other], { concurrency: 4 });

    clock.set('2026-11-16T10:01:00Z');
    serve([P.top, P.a41, P.a11]);
    await ingest(app);
    clock.set('2026-11-16T10:02:00Z');
    await Promise.all([core.delivery.reconcile(), core2.delivery.reconcile()]);
    const first = [...platform.to('a'), ...other.to('a')];
    expect(first).toHaveLength(1);
    expect(first[0]!.message.blocks[0]).toMatchObject({ type: 'heading', text: expect.stringContaining('2 papers') });
    expect(titlesOf(first[0]!.message).sort()).toEqual(
      [byId.get(P.a11)!.paper.title, byId.get(P.a41)!.paper.title].sort(),
    );
    // The matched topics are on each card.
    const card = first[0]!.message.blocks.find((b) => b.type === 'paper' && b.id === P.a41);
    expect(card).toMatchObject({ topics: ['author:"Author A41"'] });

    // Nothing new: nothing posted, whichever process reconciles.
    clock.set('2026-11-16T10:05:00Z');
    await Promise.all([core.delivery.reconcile(), core2.delivery.reconcile()]);
    expect([...platform.to('a'), ...other.to('a')]).toHaveLength(1);

    // The next ingest: upvotes change on the alerted ones, two papers are new (one matches).
    byId.get(P.a41)!.paper.upvotes += 50;
    serve([P.top, P.a41, P.a11, P.a161, P.a31]);
    clock.set('2026-11-16T10:30:00Z');
    await ingest(app);
    clock.set('2026-11-16T10:31:00Z');
    await Promise.all([core.delivery.reconcile(), core2.delivery.reconcile()]);
    const second = [...platform.to('a'), ...other.to('a')];
    expect(second).toHaveLength(2);
    // Either process may have posted either alert: the new one is the one that is not the first.
    const newer = second.filter((m) => !first.includes(m));
    expect(newer).toHaveLength(1);
    expect(titlesOf(newer[0]!.message)).toEqual([byId.get(P.a161)!.paper.title]);

    expect(platform.to('off')).toHaveLength(0);
    expect(other.to('off')).toHaveLength(0);
    const rows = await database!.rows<{ period: string; status: string; paper_ids: string[] }>(
      sql`select d.period, d.status, d.paper_ids from deliveries d join channels c on c.id = d.channel_pk where c.address = 'a' order by d.id`,
    );
    expect(rows.map((r) => [r.period, r.status, [...r.paper_ids].sort()])).toEqual([
      ['alert-1', 'sent', [P.a11, P.a41]],
      ['alert-2', 'sent', [P.a161]],
    ]);
  });

  it('more than 3 papers: one compact message, a line each with its topics and link', async () => {
    const { clock, app, platform, core, byId, serve } = await setup('2026-11-16T10:00:00Z');
    await channel(core, 'a', clock.now(), { alerts: true }, [
      'author:"Author A41"',
      'author:"Author A11"',
      'author:"Author A161"',
      'author:"Author A31"',
    ]);
    clock.set('2026-11-16T10:01:00Z');
    serve([P.top, P.a41, P.a11, P.a161, P.a31, P.a71]);
    await ingest(app);
    await core.delivery.reconcile();
    const [alert] = platform.to('a');
    expect(platform.to('a')).toHaveLength(1);
    expect(titlesOf(alert!.message)).toEqual([]);
    const text = alert!.message.blocks.find((b) => b.type === 'text');
    for (const id of [P.a41, P.a11, P.a161, P.a31]) {
      expect(alert!.message.text).toContain(byId.get(id)!.paper.title);
      expect(alert!.message.text).toContain(`https://huggingface.co/papers/${id}`);
    }
    expect(alert!.message.text).not.toContain(byId.get(P.top)!.paper.title);
    expect(text).toMatchObject({ text: expect.stringContaining('[author:"Author A31"]') });
  });

  it('quiet hours: alerts due outside them wait until they open, then one message', async () => {
    const { clock, app, platform, core, byId, serve } = await setup('2026-11-16T18:00:00Z');
    // 08-20 in Paris: open 07:00–19:00 UTC in November.
    await channel(core, 'q', clock.now(), { alerts: true, timezone: 'Europe/Paris' }, [
      'author:"Author A41"',
      'author:"Author A11"',
    ]);
    await core.services.channels.update(ch('q'), { alertHours: { from: 8, to: 20 } }, clock.now());
    clock.set('2026-11-16T19:30:00Z'); // 20:30 in Paris
    serve([P.top, P.a41]);
    await ingest(app);
    expect((await core.delivery.reconcile()).claimed).toBe(0);
    clock.set('2026-11-16T23:00:00Z');
    serve([P.top, P.a41, P.a11]);
    await ingest(app);
    clock.set('2026-11-17T06:59:00Z'); // 07:59 in Paris
    await core.delivery.reconcile();
    expect(platform.to('q')).toHaveLength(0);
    clock.set('2026-11-17T07:00:30Z'); // 08:00 in Paris
    await core.delivery.reconcile();
    expect(platform.to('q')).toHaveLength(1);
    expect(titlesOf(platform.to('q')[0]!.message).sort()).toEqual(
      [byId.get(P.a11)!.paper.title, byId.get(P.a41)!.paper.title].sort(),
    );
  });

  it('the next digest marks the papers alerted earlier instead of presenting them as new', async () => {
    const { clock, app, platform, core, serve } = await setup('2026-11-16T10:00:00Z');
    await channel(core, 'd', clock.now(), { alerts: true, digestEnabled: true, days: 'daily' }, [
      'author:"Author A41"',
    ]);
    clock.set('2026-11-16T10:01:00Z');
    serve([P.top, P.a41, P.a11, P.a161, P.a31, P.a71]);
    await ingest(app);
    await core.delivery.reconcile();
    expect(platform.to('d')).toHaveLength(1);
    clock.set('2026-11-17T09:00:30Z');
    await reingest(app);
    await core.delivery.reconcile();
    expect(platform.to('d')).toHaveLength(2);
    const digest = platform.to('d')[1]!.message;
    const cards = digest.blocks.flatMap((b) => (b.type === 'paper' ? [b] : []));
    expect(cards.map((c) => c.id)).toContain(P.a41);
    for (const c of cards) {
      if (c.id === P.a41) expect(c.lines).toContain(ALERTED_EARLIER);
      else expect(c.lines ?? []).not.toContain(ALERTED_EARLIER);
    }
    expect(digest.text).toContain(ALERTED_EARLIER);
  });

  it('follow-ups: a new repository and stars first passing 1,000, once each, in the digest thread when threads are on', async () => {
    const { clock, app, platform, core, byId, serve } = await setup('2026-11-16T10:00:00Z');
    byId.get(P.a11)!.paper.githubRepo = 'https://github.com/example/a11';
    byId.get(P.a11)!.paper.githubStars = 900;
    delete byId.get(P.top)!.paper.githubRepo;
    serve([P.top, P.a41, P.a11, P.a161, P.a31, P.a71]);
    await ingest(app);
    const digestOn = { digestEnabled: true, days: 'daily' as const };
    await channel(core, 'thread', clock.now(), { ...digestOn, thread: true }, []);
    await channel(core, 'flat', clock.now(), digestOn, []);
    await channel(core, 'nofollow', clock.now(), { ...digestOn, followups: false }, []);
    clock.set('2026-11-17T09:00:30Z');
    await reingest(app);
    await core.delivery.reconcile();
    for (const c of ['thread', 'flat', 'nofollow']) expect(platform.to(c)).toHaveLength(1);
    const root = platform.postsTo('console:thread')[0]!.messageId;

    // A repository appears on the top paper; the other's stars pass 1,000.
    byId.get(P.top)!.paper.githubRepo = 'https://github.com/example/top';
    byId.get(P.top)!.paper.githubStars = 40;
    byId.get(P.a11)!.paper.githubStars = 1_100;
    clock.set('2026-11-17T12:00:00Z');
    await reingest(app);
    clock.set('2026-11-17T12:01:00Z');
    await core.delivery.reconcile();
    const followups = (c: string) => platform.to(c).slice(1);
    for (const c of ['thread', 'flat']) {
      const texts = followups(c).map((m) => m.message.text);
      expect(texts).toHaveLength(2);
      expect(texts.find((t) => t.includes('https://github.com/example/top'))).toContain('Code released');
      expect(texts.find((t) => t.includes('https://github.com/example/a11'))).toContain('passed 1,000 GitHub stars');
    }
    expect(followups('thread').every((m) => m.replyTo === root)).toBe(true);
    expect(
      platform
        .postsTo('console:thread')
        .slice(-2)
        .every((p) => p.threadOf === root),
    ).toBe(true);
    expect(followups('flat').every((m) => m.replyTo === undefined)).toBe(true);
    expect(followups('nofollow')).toHaveLength(0);

    // 1,200 stars, another ingest and pass: nothing more.
    byId.get(P.a11)!.paper.githubStars = 1_200;
    clock.set('2026-11-17T15:00:00Z');
    await reingest(app);
    await core.delivery.reconcile();
    for (const c of ['thread', 'flat']) expect(followups(c)).toHaveLength(2);
    const rows = await database!.rows<{ period: string }>(
      sql`select period from deliveries where kind = 'followup' order by period`,
    );
    expect(rows.map((r) => r.period)).toEqual([`${P.a11}:stars`, `${P.a11}:stars`, `${P.top}:repo`, `${P.top}:repo`]);
  });

  it('a bad stored topic or time zone costs only its channel', async () => {
    const { clock, app, platform, core, serve } = await setup('2026-11-16T10:00:00Z');
    await channel(core, 'good', clock.now(), { alerts: true }, ['author:"Author A41"']);
    const bad = await channel(core, 'bad', clock.now(), { alerts: true }, ['author:"Author A41"']);
    await database!.rows(sql`update topics set query = ${BAD_TOPIC} where channel_pk = ${bad.pk!}`);
    const zone = await channel(core, 'zone', clock.now(), { alerts: true, alertHours: { from: 8, to: 20 } }, [
      'author:"Author A41"',
    ]);
    await database!.rows(sql`update channels set timezone = 'Mars/Olympus' where id = ${zone.pk!}`);
    clock.set('2026-11-16T10:01:00Z');
    serve([P.top, P.a41]);
    await ingest(app);
    const report = await core.delivery.reconcile();
    expect(report).toMatchObject({ claimed: 1, sent: 1 });
    expect(platform.to('good')).toHaveLength(1);
    expect(platform.to('bad')).toHaveLength(0);
    expect(platform.to('zone')).toHaveLength(0);
    const after = await core.services.channels.find(ch('zone'));
    expect(after.digestProblem).toMatch(/alerts cannot be composed/);
  });

  it('a process that dies between claim and post: the alert is taken over after the lease and posted once', async () => {
    const { clock, app, platform, core, byId, serve } = await setup('2026-11-16T10:00:00Z');
    await channel(core, 'crash', clock.now(), { alerts: true }, ['author:"Author A41"']);
    clock.set('2026-11-16T10:01:00Z');
    serve([P.top, P.a41]);
    await ingest(app);
    // The first process claims, stores the message, then hangs for good at the post (it was killed).
    const dead = new MessagePlatform('console');
    dead.postDigest = () => new Promise(() => {});
    const deadCore = testCore(app, [dead], { concurrency: 4 });
    void deadCore.delivery.reconcile();
    await waitFor(async () => (await statusOf(database!, 'crash')) === 'posting');
    // A paper newly listed meanwhile is not added to the alert being delivered, and no second alert starts.
    serve([P.top, P.a41, P.a201]);
    await core.services.channels.addTopic(
      (await core.services.channels.find(ch('crash'))).pk!,
      'author:"Author A201"',
      'u',
    );
    await ingest(app);
    clock.set('2026-11-16T10:02:00Z');
    expect(await core.delivery.reconcile()).toMatchObject({ claimed: 0, tookOver: 0 });
    // After the lease: taken over, the same message posted once; then the newer paper gets its own alert.
    clock.set('2026-11-16T10:05:00Z');
    expect(await core.delivery.reconcile()).toMatchObject({ tookOver: 1, sent: 1 });
    clock.set('2026-11-16T10:06:00Z');
    expect(await core.delivery.reconcile()).toMatchObject({ claimed: 1, sent: 1 });
    const posts = platform.to('crash');
    expect(posts.map((p) => titlesOf(p.message))).toEqual([
      [byId.get(P.a41)!.paper.title],
      [byId.get(P.a201)!.paper.title],
    ]);
    clock.set('2026-11-16T10:10:00Z');
    await core.delivery.reconcile();
    expect(platform.to('crash')).toHaveLength(2);
  });
});

/** A topic no command would store (written by hand or an older version): longer than a query may be, one huge word. */
const BAD_TOPIC = 'a'.repeat(2_100);

async function statusOf(database: TestDatabase, address: string): Promise<string | undefined> {
  const [row] = await database.rows<{ status: string }>(
    sql`select d.status from deliveries d join channels c on c.id = d.channel_pk where c.address = ${address} order by d.id desc limit 1`,
  );
  return row?.status;
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('timed out');
}
