import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SlackPlatform } from '../../../adapters/slack/platform.js';
import { type ChannelRef, message, type OutgoingMessage, PlatformError } from '../../../src/index.js';
import { bigCard, bigDigest } from '../../contract/chat-platform.contract.js';
import { messageText, type PostedMessage } from '../../support/fake-slack.js';
import { FAKE_TIMING, PACING, type SlackSetup, slackSetup, TEAM } from './setup.js';

/** Digests through chat.postMessage on the fake Slack, with Slack's pacing scaled to 1/25. */
describe('Slack digest posting', () => {
  let s: SlackSetup;
  beforeAll(async () => {
    s = await slackSetup({ fake: { brokenImage: (url) => url.startsWith('https://broken.example/') } });
  }, 60_000);
  afterAll(async () => {
    await s.close();
  }, 60_000);

  const at = (channelId: string, team = TEAM): ChannelRef => ({ platform: 'slack', address: `${team}/${channelId}` });

  async function post(
    slack: SlackPlatform,
    channel: ChannelRef,
    msg: OutgoingMessage,
    options: { thread?: boolean; alreadyPosted?: string[] } = {},
  ) {
    const ids: string[] = [];
    const result = await slack.postDigest(channel, msg, {
      thread: options.thread ?? false,
      alreadyPosted: options.alreadyPosted ?? [],
      onPosted: async (id) => void ids.push(id),
    });
    return { ids, result };
  }

  const titles = (posts: readonly PostedMessage[]) =>
    posts.flatMap((p) => [...messageText(p).matchAll(/\|(Paper \d+):/g)].map((m) => m[1]));

  it('splits a big digest between papers; each part accepted, recorded before the next is sent', async () => {
    const fake = s.fake;
    const seenAtPosted: number[] = [];
    const result = await s.slack.postDigest(at('CSPLIT'), bigDigest(25, 10), {
      thread: false,
      alreadyPosted: [],
      onPosted: async () => void seenAtPosted.push(fake.postsTo('CSPLIT').length),
    });
    const posts = fake.postsTo('CSPLIT');
    expect(posts.length).toBeGreaterThan(2);
    expect(seenAtPosted).toEqual(posts.map((_, i) => i + 1));
    expect(result.messageIds).toEqual(posts.map((p) => p.ts));
    expect(titles(posts)).toEqual(Array.from({ length: 35 }, (_, i) => `Paper ${i}`));
    expect(fake.blockRejections).toEqual([]);
    expect(fake.limitRejections).toEqual([]);
  });

  it('keeps one message per interval in a channel, with no 429 from Slack', async () => {
    await post(s.slack, at('CPACE'), bigDigest(25, 10));
    const times = s.fake.postsTo('CPACE').map((p) => p.at);
    for (let i = 1; i < times.length; i++) {
      expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(FAKE_TIMING.channelIntervalMs!);
    }
    expect(s.fake.limitRejections).toEqual([]);
  });

  it('posts the header first and the papers in its thread; a resumed digest keeps the same thread', async () => {
    const { ids } = await post(s.slack, at('CTHREAD'), bigDigest(12), { thread: true });
    const posts = s.fake.postsTo('CTHREAD');
    expect(posts[0]!.threadTs).toBeUndefined();
    expect(messageText(posts[0]!)).toBe(
      'Hugging Face Daily Papers · Fri 13 Nov 2026\nTop 12 of 12 papers featured on Hugging Face.',
    );
    for (const p of posts.slice(1)) expect(p.threadTs).toBe(ids[0]);
    expect(titles(posts)).toHaveLength(12);

    // A process dies right after recording the header: the next attempt posts the papers under that header.
    const recorded: string[] = [];
    const crash = await s.slack
      .postDigest(at('CRESUME'), bigDigest(12), {
        thread: true,
        alreadyPosted: [],
        onPosted: async (id) => {
          recorded.push(id);
          throw new Error('process died');
        },
      })
      .catch((e: unknown) => e);
    expect(crash).toMatchObject({ message: 'process died' });
    const { ids: rest, result } = await post(s.slack, at('CRESUME'), bigDigest(12), {
      thread: true,
      alreadyPosted: recorded,
    });
    const resumed = s.fake.postsTo('CRESUME');
    expect(resumed).toHaveLength(ids.length);
    expect(result.messageIds).toEqual([recorded[0], ...rest]);
    expect(resumed.slice(1).every((p) => p.threadTs === recorded[0])).toBe(true);
    expect(titles(resumed)).toHaveLength(12);
  });

  it('resumes after a transient failure mid-digest, posting each paper exactly once', async () => {
    const posted: string[] = [];
    const attempt = () =>
      s.slack
        .postDigest(at('CHALF'), bigDigest(25), {
          thread: false,
          alreadyPosted: [...posted],
          onPosted: async (id) => {
            posted.push(id);
            // The part after the first one meets a Slack hiccup.
            if (posted.length === 1)
              s.fake.failNext('chat.postMessage', { error: 'internal_error' }, { channel: 'CHALF' });
          },
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
    s.fake.failNext('chat.postMessage', { status: 500 }, { channel: 'CHALF' });
    expect(await attempt()).toMatchObject({ permanent: false, platformCode: 'http_500' });
    expect(posted).toEqual([]);
    expect(await attempt()).toMatchObject({ permanent: false, platformCode: 'internal_error' });
    expect(posted).toHaveLength(1);
    expect(await attempt()).toBeUndefined();
    expect(titles(s.fake.postsTo('CHALF'))).toEqual(Array.from({ length: 25 }, (_, i) => `Paper ${i}`));
    expect(posted).toEqual(s.fake.postsTo('CHALF').map((p) => p.ts));
  });

  it('waits out a 429 for its Retry-After and posts the message once', async () => {
    s.fake.failNext('chat.postMessage', { status: 429, retryAfter: 2 }, { channel: 'C429' });
    const started = performance.now();
    const { ids } = await post(s.slack, at('C429'), message([{ type: 'heading', text: 'once' }]));
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * PACING.retryAfterUnitMs! - 5);
    expect(ids).toHaveLength(1);
    expect(s.fake.postsTo('C429')).toHaveLength(1);
    expect(s.logs.entries.some((e) => e.msg === 'Slack rate limit: waiting' && e.channel === 'C429')).toBe(true);
  });

  it('hands a long Retry-After to the core as a transient failure with retryAfterMs', async () => {
    s.fake.failNext('chat.postMessage', { status: 429, retryAfter: 30 }, { channel: 'CLONG' });
    const err = await post(s.slack, at('CLONG'), message([{ type: 'heading', text: 'x' }])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).toMatchObject({
      permanent: false,
      platformCode: 'ratelimited',
      retryAfterMs: 30 * PACING.retryAfterUnitMs!,
    });
    // Meanwhile every post to the workspace is handed back at once, not held in a queue for the pause.
    const started = performance.now();
    const next = await post(s.slack, at('COTHER'), message([{ type: 'heading', text: 'y' }])).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(200);
    expect(next).toMatchObject({ permanent: false, platformCode: 'ratelimited' });
    expect((next as PlatformError).retryAfterMs).toBeGreaterThan(PACING.maxRateLimitWaitMs!);
    expect(s.fake.postsTo('COTHER')).toHaveLength(0);
    // The pause ends: posting works again.
    await new Promise((r) => setTimeout(r, 30 * PACING.retryAfterUnitMs!));
    await post(s.slack, at('COTHER'), message([{ type: 'heading', text: 'y' }]));
    expect(s.fake.postsTo('COTHER')).toHaveLength(1);
  });

  it.each([
    'channel_not_found',
    'not_in_channel',
    'is_archived',
    'account_inactive',
    'invalid_auth',
    'token_revoked',
    'missing_scope',
  ])('fails permanently on %s', async (code) => {
    s.fake.setChannelError(`CGONE-${code}`, code);
    const err = await post(s.slack, at(`CGONE-${code}`), bigDigest(1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).toMatchObject({ platform: 'slack', platformCode: code, permanent: true });
    expect((err as Error).message).toBe(`chat.postMessage to slack:CGONE-${code} failed: ${code}`);
  });

  it('posts without the thumbnail when Slack cannot download it', async () => {
    await post(s.slack, at('CIMG'), message([{ ...bigCard(1), thumbnailUrl: 'https://broken.example/1.png' }]));
    const [posted] = s.fake.postsTo('CIMG');
    expect(posted!.blocks[0]).not.toHaveProperty('accessory');
    expect(s.fake.blockRejections.map((r) => r.detail)).toEqual([
      'downloading image failed [json-pointer:/blocks/0]/accessory',
    ]);
    await post(s.slack, at('CIMG2'), message([bigCard(2)]));
    expect(s.fake.postsTo('CIMG2')[0]!.blocks[0]).toHaveProperty('accessory');
  });

  it('posts digests to many channels at once within the per-channel and per-workspace limits', async () => {
    const channels = Array.from({ length: 24 }, (_, i) => `CMANY${i}`);
    await Promise.all(channels.map((c) => post(s.slack, at(c), bigDigest(14))));
    expect(s.fake.limitRejections).toEqual([]);
    for (const c of channels) expect(titles(s.fake.postsTo(c))).toHaveLength(14);
    const tally = s.fake.tally();
    expect(tally.duplicates).toBe(0);
    expect(channels.map((c) => tally.perChannel.get(`${TEAM}/${c}`))).toEqual(
      channels.map(() => s.fake.postsTo(channels[0]!).length),
    );
    // Never more than 5 accepted messages in any 40 ms window of the workspace.
    const times = s.fake.messages
      .filter((m) => m.channel.startsWith('CMANY'))
      .map((m) => m.at)
      .sort((a, b) => a - b);
    for (let i = 5; i < times.length; i++) expect(times[i]! - times[i - 5]!).toBeGreaterThanOrEqual(40);
  });

  it('delivers a scheduled digest through the core, and a gone channel counts toward pausing it', async () => {
    await s.command('digest on', { user: 'UADMIN', channel: 'CCORE' });
    await s.command('digest on', { user: 'UADMIN', channel: 'CDEAD' });
    const channel = await s.core.services.channels.find(at('CCORE'));
    const ok = await s.core.delivery.deliverOne(channel, 'daily', '2026-11-13');
    expect(ok.status).toBe('sent');
    expect(messageText(s.fake.postsTo('CCORE')[0]!)).toContain('Hugging Face Daily Papers · Fri 13 Nov 2026');

    s.fake.setChannelError('CDEAD', 'is_archived');
    const dead = await s.core.services.channels.find(at('CDEAD'));
    const failed = await s.core.delivery.deliverOne(dead, 'daily', '2026-11-13');
    expect(failed).toMatchObject({ status: 'failed', detail: 'chat.postMessage to slack:CDEAD failed: is_archived' });
    expect(await s.core.services.channels.find(at('CDEAD'))).toMatchObject({
      consecutiveFailures: 1,
    });
  });
});

describe('Slack digest posting without start()', () => {
  it('posts (the CLI case): one message, its ts reported, no auth.test and no Bolt app', async () => {
    const s = await slackSetup({ start: false });
    try {
      const ids: string[] = [];
      const result = await s.slack.postDigest(
        { platform: 'slack', address: `${TEAM}/C1` },
        message([{ ...bigCard(1), tldr: 'Short.' }]),
        { thread: false, alreadyPosted: [], onPosted: async (id) => void ids.push(id) },
      );
      expect(s.fake.postsTo('C1')).toHaveLength(1);
      expect(ids).toEqual([s.fake.postsTo('C1')[0]!.ts]);
      expect(result.messageIds).toEqual(ids);
      expect(s.fake.calls.get('auth.test')).toBeUndefined();
      expect(s.slack.port).toBeUndefined();
    } finally {
      await s.close();
    }
  });
});
