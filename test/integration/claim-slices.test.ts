import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelRef, ChatPlatform, OutgoingMessage, PlatformName, PostDigestOptions } from '../../src/index.js';
import { channelKey } from '../../src/index.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { RECORDING_TRAITS } from '../fakes/recording-platform.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { listsOn } from '../support/fixtures.js';
import { testApp, testCore } from '../support/services.js';

/**
 * Replicas share one due batch: claims are taken a slice at a time, so a second process finds work while the first
 * is busy, and a process that stops answering holds only what it had claimed. A holder renews its lease before each
 * part, so a slow one keeps its claim however long the digest takes.
 */

/** Posts every part of a digest (one per paper), each after `gate()` resolves; records every post. */
class GatedPlatform implements ChatPlatform {
  readonly name: PlatformName = 'console';
  /** Addresses `w<n>/<channel>` are grouped by workspace for rate limits, as Slack's are. */
  readonly traits = { ...RECORDING_TRAITS, groupOf: (address: string) => address.split('/')[0]! };
  readonly posts: { channel: string; part: number; by: string }[] = [];
  /** Channels whose postDigest has started. */
  readonly started: string[] = [];
  gate: () => Promise<void> = async () => {};
  private seq = 0;
  private readonly by: string;
  constructor(by: string) {
    this.by = by;
  }
  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async postDigest(channel: ChannelRef, message: OutgoingMessage, options: PostDigestOptions) {
    this.started.push(channelKey(channel));
    const parts = Math.max(1, message.blocks.filter((b) => b.type === 'paper').length);
    const ids = [...options.alreadyPosted];
    for (let i = ids.length; i < parts; i++) {
      await this.gate();
      await options.beforePost?.();
      this.posts.push({ channel: channelKey(channel), part: i, by: this.by });
      const id = `${this.by}-${++this.seq}`;
      ids.push(id);
      await options.onPosted(id);
    }
    return { messageIds: ids };
  }
}

const never = () => new Promise<void>(() => {});

describe.each(drivers)('claiming in slices on $name', (driver) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  async function setup(channels: number, size = 1, address = (i: number) => `c${i}`) {
    database = await driver.open();
    const clock = new FixedClock('2026-11-15T12:00:00Z');
    const paper = testApp(database, { clock });
    await paper.services.ingest.importRecords(listsOn(['2026-11-13']), 'test');
    const setupCore = testCore(paper, []);
    for (let i = 0; i < channels; i++)
      await setupCore.services.channels.update(
        { platform: 'console', address: address(i) },
        { digestEnabled: true, size },
        clock.now(),
      );
    clock.set('2026-11-16T09:00:20Z');
    return { clock, paper };
  }

  it('a second process shares the batch while the first is busy, and a stalled one holds only its slice', async () => {
    const { clock, paper } = await setup(40);
    const a = new GatedPlatform('a');
    a.gate = never; // process A claims, then never gets an answer from its platform
    const coreA = testCore(paper, [a], { concurrency: 2, claimSlice: 4 });
    void coreA.delivery.reconcile();
    // A has started as many as it may at once, and claimed no more than what it works on plus one slice.
    await expect.poll(() => a.started.length, { timeout: 10_000 }).toBe(2);
    const held = async () =>
      (
        await database!.rows<{ n: number }>(
          sql`select count(*)::int as n from deliveries where status in ('claimed', 'posting')`,
        )
      )[0]!.n;
    expect(await held()).toBeLessThanOrEqual(4);

    const b = new GatedPlatform('b');
    const coreB = testCore(paper, [b], { concurrency: 4, claimSlice: 4 });
    const reportB = await coreB.delivery.reconcile();
    // B posted everything A had not claimed.
    expect(reportB.sent).toBeGreaterThanOrEqual(36);
    expect(new Set(b.posts.map((p) => p.channel)).size).toBe(reportB.sent);

    // After A's lease, B takes over what A held and posts it; every channel has its digest exactly once.
    clock.advance(121_000);
    const later = await coreB.delivery.reconcile();
    expect(later.tookOver).toBeLessThanOrEqual(4);
    const perChannel = new Map<string, number>();
    for (const p of b.posts) perChannel.set(p.channel, (perChannel.get(p.channel) ?? 0) + 1);
    expect(perChannel.size).toBe(40);
    expect([...perChannel.values()].every((n) => n === 1)).toBe(true);
    expect(a.posts).toHaveLength(0);
  });

  it('takes the due channels round-robin across workspaces, slice after slice, so none is left with the queue', async () => {
    // 3 workspaces of 20 channels, created workspace by workspace (as installations arrive).
    const { paper } = await setup(60, 1, (i) => `w${Math.floor(i / 20)}/c${i}`);
    const platform = new GatedPlatform('a');
    // Slices of 5 for 3 workspaces: a slice is never whole rounds, so an order kept only within a slice shows.
    await testCore(paper, [platform], { concurrency: 1, claimSlice: 5 }).delivery.reconcile();
    const workspaces = platform.posts.map((p) => p.channel.split(':')[1]!.split('/')[0]!);
    expect(workspaces).toHaveLength(60);
    // Round-robin through the whole pass, across slice boundaries: every 3 consecutive posts are one per workspace
    // (a random order, or one kept only within each slice, bunches them).
    for (let i = 0; i < 60; i += 3) expect(new Set(workspaces.slice(i, i + 3)).size).toBe(3);
  });

  it('a pass that fails part way (the database refuses a claim) still reports what it claimed and posted', async () => {
    const { paper } = await setup(12);
    // The sixth claim statement fails, as a lost connection or an aborted statement would.
    await database!.rows(sql`create sequence claim_statements`);
    await database!.rows(
      sql.raw(`create function refuse_sixth() returns trigger language plpgsql as $$
        begin
          if nextval('claim_statements') = 6 then raise exception 'connection lost (simulated)'; end if;
          return null;
        end $$`),
    );
    await database!.rows(
      sql`create trigger refuse_sixth before insert on deliveries for each statement execute function refuse_sixth()`,
    );
    const platform = new GatedPlatform('a');
    const report = await testCore(paper, [platform], { concurrency: 1, claimSlice: 1 }).delivery.reconcile();
    const [rows] = await database!.rows<{ held: number; sent: number }>(
      sql`select count(*)::int as held, count(*) filter (where status = 'sent')::int as sent from deliveries`,
    );
    expect(rows).toEqual({ held: 5, sent: 5 });
    expect(report).toMatchObject({ claimed: 5, sent: 5 });
    expect(platform.posts).toHaveLength(5);
  });

  it('a slow holder renews its lease before each part: no takeover, no duplicate, however long the digest takes', async () => {
    const { clock, paper } = await setup(1, 5);
    const slow = new GatedPlatform('slow');
    const other = new GatedPlatform('other');
    const coreSlow = testCore(paper, [slow], { leaseMs: 120_000, heartbeatMs: 3_600_000 });
    const coreOther = testCore(paper, [other]);
    let release: () => void = () => {};
    let parts = 0;
    // Each part takes 100 s of the (fixed) clock: the 5 parts take longer than the 120 s lease.
    slow.gate = async () => {
      if (parts++ > 0) clock.advance(100_000);
      if (parts === 3) await new Promise<void>((r) => (release = r));
    };
    const done = coreSlow.delivery.reconcile();
    await expect.poll(() => slow.posts.length, { timeout: 10_000 }).toBe(2);
    // 200 s after the claim (more than the lease), while the slow holder is still posting.
    const meanwhile = await coreOther.delivery.reconcile();
    expect(meanwhile.tookOver).toBe(0);
    release();
    expect(await done).toMatchObject({ sent: 1 });
    expect(slow.posts.map((p) => p.part)).toEqual([0, 1, 2, 3, 4]);
    expect(other.posts).toHaveLength(0);
  });

  it('a holder that stalls beyond its lease learns it lost the claim before its next part: each part posted once', async () => {
    const { clock, paper } = await setup(1, 3);
    const stalled = new GatedPlatform('stalled');
    const other = new GatedPlatform('other');
    const coreStalled = testCore(paper, [stalled], { leaseMs: 120_000, heartbeatMs: 3_600_000 });
    const coreOther = testCore(paper, [other], { leaseMs: 120_000 });
    let release: () => void = () => {};
    let parts = 0;
    // The holder posts its first part, then stops answering (a paused process) before its second.
    stalled.gate = async () => {
      if (parts++ === 1) await new Promise<void>((r) => (release = r));
    };
    const done = coreStalled.delivery.reconcile();
    await expect.poll(() => stalled.posts.length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => parts, { timeout: 10_000 }).toBe(2);
    // Its lease runs out; another process takes the delivery over and posts the parts not recorded.
    clock.advance(121_000);
    const meanwhile = await coreOther.delivery.reconcile();
    expect(meanwhile).toMatchObject({ tookOver: 1, sent: 1 });
    expect(other.posts.map((p) => p.part)).toEqual([1, 2]);
    // The stalled holder wakes up: it posts nothing more.
    release();
    await done;
    expect(stalled.posts.map((p) => p.part)).toEqual([0]);
  });
});
