import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChannelRef, PlatformError, type PostDigestOptions } from '../../../src/index.js';
import { bigDigest } from '../../contract/chat-platform.contract.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { SLACK_SCOPES } from '../../support/fake-slack.js';
import { testCore } from '../../support/services.js';
import { type SlackSetup, slackSetup, TEAM } from './setup.js';

/**
 * Slack has no idempotency key: a part Slack accepted whose answer never came back (the process died, a 5xx, a
 * timeout) is found again by reading the channel back (conversations.history / conversations.replies with
 * include_all_metadata) instead of being posted twice.
 */
const HISTORY = [...SLACK_SCOPES.defaults, SLACK_SCOPES.history.public, SLACK_SCOPES.history.private];

const at = (channelId: string): ChannelRef => ({ platform: 'slack', address: `${TEAM}/${channelId}` });

/** Same content posted twice in one channel (the fake's tally counts duplicates by content). */
const duplicates = (s: SlackSetup, channel: string) => {
  const seen = new Set<string>();
  let n = 0;
  for (const m of s.fake.postsTo(channel)) {
    const key = `${m.threadTs ? 'thread' : 'root'}\n${JSON.stringify(m.blocks)}`;
    if (seen.has(key)) n++;
    seen.add(key);
  }
  return n;
};

class Crash extends Error {}

describe('Slack read-back with the history scopes', () => {
  let s: SlackSetup;
  beforeAll(async () => {
    s = await slackSetup({ workspace: { scopes: HISTORY } });
  }, 180_000);
  afterAll(async () => {
    await s.close();
  }, 180_000);

  const since = new Date(Date.now() - 60_000);

  /** Posts until Slack has accepted `crashAfter` parts, then "dies" before recording the last one. */
  async function crashingPost(channel: string, delivery: number, crashAfter: number, thread = false) {
    const recorded: string[] = [];
    const options: PostDigestOptions = {
      thread,
      alreadyPosted: [],
      delivery: { id: delivery, since, resumed: false },
      onPosted: async (id) => {
        if (recorded.length + 1 === crashAfter) throw new Crash();
        recorded.push(id);
      },
    };
    await expect(s.slack.postDigest(at(channel), bigDigest(25, 10), options)).rejects.toBeInstanceOf(Crash);
    return recorded;
  }

  it('tags every part with metadata naming the delivery and the part', async () => {
    await s.slack.postDigest(at('CTAG'), bigDigest(25, 10), {
      thread: false,
      alreadyPosted: [],
      delivery: { id: 41, since, resumed: false },
      onPosted: async () => {},
    });
    const posts = s.fake.postsTo('CTAG');
    expect(posts.length).toBeGreaterThan(2);
    expect(posts.map((p) => p.metadata)).toEqual(
      posts.map((_, i) => ({ event_type: 'paperpulse_digest_part', event_payload: { delivery: 41, part: i } })),
    );
  });

  it('a delivery taken over after a crash between acceptance and recording: the accepted part is recorded, not reposted', async () => {
    const recorded = await crashingPost('CCRASH', 42, 2);
    expect(recorded).toHaveLength(1);
    const accepted = s.fake.postsTo('CCRASH').length;
    expect(accepted).toBe(2);
    const ids: string[] = [];
    const result = await s.slack.postDigest(at('CCRASH'), bigDigest(25, 10), {
      thread: false,
      alreadyPosted: recorded,
      delivery: { id: 42, since, resumed: true },
      onPosted: async (id) => void ids.push(id),
    });
    const posts = s.fake.postsTo('CCRASH');
    expect(duplicates(s, 'CCRASH')).toBe(0);
    expect(result.messageIds).toEqual(posts.map((p) => p.ts));
    // The part found in the channel is recorded first, in order, then the rest are posted.
    expect(ids[0]).toBe(posts[1]!.ts);
    expect(s.fake.calls.get('conversations.history')).toBeGreaterThanOrEqual(1);
    const status = await s.command('status', { channel: 'CCRASH' });
    expect(status.text).toMatch(/Crash recovery: .*read back from the channel history .*never posted twice/);
  });

  it('in a thread: a reply accepted before the crash is found through conversations.replies', async () => {
    const recorded = await crashingPost('CTHREAD', 43, 3, true);
    expect(recorded).toHaveLength(2);
    const result = await s.slack.postDigest(at('CTHREAD'), bigDigest(25, 10), {
      thread: true,
      alreadyPosted: recorded,
      delivery: { id: 43, since, resumed: true },
      onPosted: async () => {},
    });
    expect(duplicates(s, 'CTHREAD')).toBe(0);
    expect(result.messageIds).toEqual(s.fake.postsTo('CTHREAD').map((p) => p.ts));
    expect(s.fake.calls.get('conversations.replies')).toBeGreaterThanOrEqual(1);
  });

  it('a 5xx after Slack accepted the part: read back, recorded once, the digest goes on', async () => {
    s.fake.failNext('chat.postMessage', { status: 503, afterAccepting: true }, { channel: 'C5XX' });
    const ids: string[] = [];
    const result = await s.slack.postDigest(at('C5XX'), bigDigest(25, 10), {
      thread: false,
      alreadyPosted: [],
      delivery: { id: 44, since, resumed: false },
      onPosted: async (id) => void ids.push(id),
    });
    expect(s.fake.lostAnswers.some((m) => m.channel === 'C5XX')).toBe(true);
    expect(duplicates(s, 'C5XX')).toBe(0);
    expect(ids).toEqual(s.fake.postsTo('C5XX').map((p) => p.ts));
    expect(result.messageIds).toEqual(ids);
  });

  it('a 5xx before Slack did anything: read back finds nothing, the part is posted once', async () => {
    s.fake.failNext('chat.postMessage', { status: 502 }, { channel: 'C502' });
    await s.slack.postDigest(at('C502'), bigDigest(3), {
      thread: false,
      alreadyPosted: [],
      delivery: { id: 45, since, resumed: false },
      onPosted: async () => {},
    });
    expect(s.fake.postsTo('C502')).toHaveLength(1);
  });

  it('through the delivery service: a process that stalls after Slack accepted a part is taken over without a duplicate', async () => {
    const clock = new FixedClock('2026-11-16T09:00:20Z');
    const channel = at('CTAKE');
    // In a thread: the header, then the papers as replies (the second part is a reply).
    await s.core.services.channels.update(
      channel,
      { digestEnabled: true, size: 25, thread: true },
      new Date('2026-11-15T12:00:00Z'),
    );
    // Process A: its platform answers, but A never records the second part (it hangs there, as if killed).
    const stalled = new Promise<void>(() => {});
    let partsSeen = 0;
    const slackA = {
      ...s.slack,
      name: s.slack.name,
      traits: s.slack.traits,
      start: async () => {},
      stop: async () => {},
      postDigest: (c: ChannelRef, m: Parameters<typeof s.slack.postDigest>[1], o: PostDigestOptions) =>
        s.slack.postDigest(c, m, {
          ...o,
          onPosted: async (id) => {
            if (++partsSeen === 2) await stalled;
            await o.onPosted(id);
          },
        }),
    };
    const { testApp } = await import('../../support/services.js');
    const appA = testApp(s.database, { clock });
    void testCore(appA, [slackA], { leaseMs: 120_000 }).delivery.reconcile();
    await s.fake.waitFor(() => s.fake.postsTo('CTAKE').length === 2, 10_000, 'two parts accepted');
    // Process B, after A's lease: takes the delivery over and finishes it.
    clock.advance(121_000);
    const report = await testCore(testApp(s.database, { clock }), [s.slack]).delivery.reconcile();
    expect(report).toMatchObject({ tookOver: 1, sent: 1 });
    expect(duplicates(s, 'CTAKE')).toBe(0);
    const posts = s.fake.postsTo('CTAKE');
    expect(posts.length).toBeGreaterThanOrEqual(2);
    const row = await s.core.services.deliveries.findByKey({
      channelPk: (await s.core.services.channels.find(channel)).pk!,
      kind: 'daily',
      period: '2026-11-13',
    });
    expect(row).toMatchObject({ status: 'sent', messageIds: posts.map((p) => p.ts) });
  });
});

describe('Slack read-back without the history scopes', () => {
  let s: SlackSetup;
  beforeAll(async () => {
    s = await slackSetup();
  }, 180_000);
  afterAll(async () => {
    await s.close();
  }, 180_000);

  it('falls back on posting again (the part in flight may repeat), and logs once why', async () => {
    const since = new Date(Date.now() - 60_000);
    s.fake.failNext('chat.postMessage', { status: 503, afterAccepting: true }, { channel: 'CNOSCOPE' });
    const options: PostDigestOptions = {
      thread: false,
      alreadyPosted: [],
      delivery: { id: 46, since, resumed: false },
      onPosted: async () => {},
    };
    const failed = await s.slack.postDigest(at('CNOSCOPE'), bigDigest(3), options).catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(PlatformError);
    expect((failed as PlatformError).permanent).toBe(false);
    // The core's retry (attempts > 0: resumed) cannot read back either, and posts again.
    await s.slack.postDigest(at('CNOSCOPE'), bigDigest(3), { ...options, delivery: { id: 46, since, resumed: true } });
    expect(s.fake.postsTo('CNOSCOPE')).toHaveLength(2);
    const warnings = s.logs.entries.filter((e) => e.reason === 'missing_scope');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.msg).toMatch(/channels:history and groups:history/);
    expect(s.slack.historyAccess(TEAM)?.state).toBe('missing_scope');
    const status = await s.command('status', { channel: 'CNOSCOPE' });
    expect(status.text).toMatch(/Crash recovery: the channel history cannot be read here \(missing.scope\)/);
    expect(status.text).toMatch(/part that was in flight twice/);
  });
});
