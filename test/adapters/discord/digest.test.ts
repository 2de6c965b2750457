/**
 * Digest posting through the real discord.js REST client and its queue, against the fake Discord API: splitting,
 * rate limits (channel buckets, the global limit, 429s), 5xx retries and the nonce that keeps a retried part from
 * appearing twice, permanent failures, threads, and delivery by the core's exactly-once service.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DISCORD_CODES } from '../../../adapters/discord/errors.js';
import type { DiscordPlatform } from '../../../adapters/discord/platform.js';
import { renderMessage } from '../../../adapters/discord/render.js';
import { message, type OutgoingMessage, PlatformError, type PostDigestOptions } from '../../../src/index.js';
import { bigCard, bigDigest } from '../../contract/chat-platform.contract.js';
import { FixedClock } from '../../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../../support/databases.js';
import { fakeDiscordAdapter, GUILD_ID } from '../../support/discord-harness.js';
import { FakeDiscord, messageText } from '../../support/fake-discord.js';
import { listsOn } from '../../support/fixtures.js';
import { captureLogs } from '../../support/log-capture.js';
import { testApp, testCore } from '../../support/services.js';

let channelSeq = 0;
/** A fresh channel id per test, so rate-limit buckets and records do not mix. */
const newChannel = () => String(3_100_000_000_000_000_000n + BigInt(++channelSeq));
const ref = (channelId: string) => ({ platform: 'discord' as const, address: `${GUILD_ID}/${channelId}` });

function recorder(thread = false, alreadyPosted: string[] = []) {
  const ids: string[] = [];
  const options: PostDigestOptions = { thread, alreadyPosted, onPosted: async (id) => void ids.push(id) };
  return { ids, options };
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

const small = (title = 'A small digest'): OutgoingMessage =>
  message([
    { type: 'heading', text: title },
    { type: 'text', text: 'Top 1 of 1 papers featured on Hugging Face.' },
    { ...bigCard(1), tldr: 'Short.' },
  ]);

describe('Discord digest posting (no gateway: the CLI path)', () => {
  let fake: FakeDiscord;
  let platform: DiscordPlatform;
  const logs = captureLogs();

  beforeAll(async () => {
    fake = await new FakeDiscord({ perChannel: { limit: 5, windowMs: 1_000 } }).start();
    platform = fakeDiscordAdapter(fake, { log: logs.log });
  });
  afterAll(async () => {
    await platform.stop();
    await fake.stop();
  });
  afterEach(() => {
    expect(fake.stats.invalidBodies, 'every body Discord would accept').toBe(0);
    expect(fake.duplicates(), 'no message twice').toEqual([]);
  });

  it('posts each part with a nonce and enforce_nonce, no mentions, and records it before sending the next', async () => {
    const channel = newChannel();
    const seenAtRecord: number[] = [];
    const ids: string[] = [];
    const result = await platform.postDigest(ref(channel), bigDigest(12), {
      thread: false,
      alreadyPosted: [],
      onPosted: async (id) => {
        ids.push(id);
        seenAtRecord.push(fake.messagesIn(channel).length);
      },
    });
    const posted = fake.messagesIn(channel);
    expect(result.messageIds).toEqual(posted.map((m) => m.id));
    expect(ids).toEqual(result.messageIds);
    expect(seenAtRecord).toEqual(posted.map((_, i) => i + 1));
    expect(posted.length).toBe(renderMessage(bigDigest(12)).length);
    for (const m of posted) {
      expect(m.body).toMatchObject({ enforce_nonce: true, allowed_mentions: { parse: [] } });
      expect(String(m.body.nonce)).toMatch(/^[0-9a-f]{25}$/);
    }
    expect(new Set(posted.map((m) => m.nonce)).size).toBe(posted.length);
    expect(messageText(posted[0]!.body)).toMatch(/^\*\*Hugging Face Daily Papers · Fri 13 Nov 2026\*\*/);
  });

  it('waits for the channel bucket (5 per second here) instead of failing: 9 parts take over a second', async () => {
    const channel = newChannel();
    const { ids, options } = recorder();
    const started = Date.now();
    await platform.postDigest(ref(channel), bigDigest(25, 10), options);
    expect(ids.length).toBeGreaterThan(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(fake.messagesIn(channel).map((m) => m.id)).toEqual(ids);
  });

  it('a 429 is waited out and retried (Retry-After), and the part is posted once', async () => {
    const channel = newChannel();
    fake.script('POST', new RegExp(`^/channels/${channel}/messages$`), { status: 429, retryAfter: 0.3 });
    const { ids, options } = recorder();
    const started = Date.now();
    await platform.postDigest(ref(channel), small(), options);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(ids).toHaveLength(1);
    const statuses = fake.requests.filter((r) => r.path.startsWith(`/channels/${channel}/`)).map((r) => r.status);
    expect(statuses).toEqual([429, 200]);
  });

  it('a global 429 pauses and retries', async () => {
    const channel = newChannel();
    fake.script('POST', new RegExp(`^/channels/${channel}/messages$`), { status: 429, retryAfter: 0.2, global: true });
    const { ids, options } = recorder();
    await platform.postDigest(ref(channel), small(), options);
    expect(ids).toHaveLength(1);
  });

  it('keeps to the global limit across channels (discord.js’s queue): 12 channels at 5/s take 2 s, each posted once', async () => {
    const strict = await new FakeDiscord({ globalPerSecond: 5 }).start();
    const adapter = fakeDiscordAdapter(strict, { globalRequestsPerSecond: 5 });
    try {
      const channels = Array.from({ length: 12 }, newChannel);
      const started = Date.now();
      await Promise.all(channels.map((c) => adapter.postDigest(ref(c), small(), recorder().options)));
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
      expect(channels.map((c) => strict.messagesIn(c).length)).toEqual(Array(12).fill(1));
      expect(strict.duplicates()).toEqual([]);
      expect(strict.stats.invalidBodies).toBe(0);
    } finally {
      await adapter.stop();
      await strict.stop();
    }
  });

  it('a 5xx is retried by discord.js; when Discord had created the message, the nonce makes the retry return it', async () => {
    const channel = newChannel();
    fake.script('POST', new RegExp(`^/channels/${channel}/messages$`), { status: 502 });
    const first = recorder();
    await platform.postDigest(ref(channel), small('first'), first.options);
    expect(first.ids).toHaveLength(1);

    // The message is created, but the answer is lost (500): discord.js retries the same body.
    const replays = fake.stats.nonceReplays;
    fake.script('POST', new RegExp(`^/channels/${channel}/messages$`), { status: 500, afterWork: true });
    const second = recorder();
    await platform.postDigest(ref(channel), small('second'), second.options);
    expect(fake.messagesIn(channel)).toHaveLength(2);
    expect(second.ids).toEqual([fake.messagesIn(channel)[1]!.id]);
    expect(fake.stats.nonceReplays).toBe(replays + 1);
  });

  it('the same digest posted again within minutes (a resumed delivery) creates nothing new', async () => {
    const channel = newChannel();
    const first = recorder();
    await platform.postDigest(ref(channel), bigDigest(12), first.options);
    const again = recorder();
    await platform.postDigest(ref(channel), bigDigest(12), again.options);
    expect(again.ids).toEqual(first.ids);
    expect(fake.messagesIn(channel)).toHaveLength(first.ids.length);
  });

  it('a 5xx that persists is a transient PlatformError; parts before it are kept', async () => {
    const channel = newChannel();
    const route = new RegExp(`^/channels/${channel}/messages$`);
    const { ids, options } = recorder();
    // Part 1 goes through; part 2 fails 4 times (the first try and discord.js's 3 retries).
    let calls = 0;
    const digest = bigDigest(12);
    const err = await failure(
      platform.postDigest(ref(channel), digest, {
        ...options,
        onPosted: async (id) => {
          await options.onPosted(id);
          if (++calls === 1) fake.script('POST', route, ...Array(4).fill({ status: 503 }));
        },
      }),
    );
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).toMatchObject({ platform: 'discord', platformCode: 'http_503', permanent: false });
    expect((err as Error).message).toContain('post part 2 of');
    expect(ids).toHaveLength(1);
  });

  it.each([
    ['gone', 404, String(DISCORD_CODES.unknownChannel), 'Unknown Channel'],
    ['forbidden', 403, String(DISCORD_CODES.missingAccess), 'Missing Access'],
    ['noPermission', 403, String(DISCORD_CODES.missingPermissions), 'Missing Permissions'],
  ] as const)('a %s channel (%i) fails permanently with code %s', async (kind, status, code, text) => {
    const channel = newChannel();
    fake[kind].add(channel);
    const { ids, options } = recorder();
    const err = await failure(platform.postDigest(ref(channel), small(), options));
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).toMatchObject({ platform: 'discord', platformCode: code, permanent: true });
    expect((err as Error).message).toContain(`${text} (HTTP ${status}, code ${code})`);
    expect(ids).toEqual([]);
    // Exactly one request: a permanent refusal is not retried.
    expect(fake.requests.filter((r) => r.path.startsWith(`/channels/${channel}/`))).toHaveLength(1);
  });

  it('a rate limit longer than the adapter will wait is a transient PlatformError with retryAfterMs', async () => {
    const channel = newChannel();
    fake.script('POST', new RegExp(`^/channels/${channel}/messages$`), { status: 429, retryAfter: 120 });
    const { options } = recorder();
    const started = Date.now();
    const err = await failure(platform.postDigest(ref(channel), small(), options));
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(err).toMatchObject({ platform: 'discord', platformCode: 'rate_limited', permanent: false });
    expect((err as PlatformError).retryAfterMs).toBeGreaterThanOrEqual(120_000);
  });

  it('a non-Discord channel is refused permanently without a request', async () => {
    const err = await failure(
      platform.postDigest({ platform: 'slack', address: 'T1/C1' }, small(), recorder().options),
    );
    expect(err).toMatchObject({ permanent: true });
  });

  describe('threads', () => {
    it('posts the header in the channel, starts a thread on it, and the papers go in the thread', async () => {
      const channel = newChannel();
      const { ids, options } = recorder(true);
      const result = await platform.postDigest(ref(channel), bigDigest(12), options);
      const header = fake.messagesIn(channel);
      expect(header).toHaveLength(1);
      expect(header[0]!.body.embeds).toBeUndefined();
      expect(header[0]!.body.content).toBe(
        '**Hugging Face Daily Papers · Fri 13 Nov 2026**\nTop 12 of 12 papers featured on Hugging Face.',
      );
      expect(fake.threads.get(header[0]!.id)).toEqual({
        parentId: channel,
        name: 'Hugging Face Daily Papers · Fri 13 Nov 2026',
      });
      const inThread = fake.messagesIn(header[0]!.id);
      expect(inThread.length).toBeGreaterThanOrEqual(3);
      expect(result.messageIds).toEqual([header[0]!.id, ...inThread.map((m) => m.id)]);
      expect(ids).toEqual(result.messageIds);
      expect(inThread.map((m) => messageText(m.body)).join('\n')).toContain('Paper 11:');
    });

    it('resumes: a header posted earlier gets its thread; a thread started earlier is reused', async () => {
      const channel = newChannel();
      const header = recorder(true);
      // First attempt: only the header went out (a crash before the thread).
      const digest = bigDigest(6);
      await platform.postDigest(ref(channel), message(digest.blocks.slice(0, 2)), header.options);
      const resumed = recorder(true, header.ids);
      await platform.postDigest(ref(channel), digest, resumed.options);
      expect(fake.threads.has(header.ids[0]!)).toBe(true);
      const inThread = fake.messagesIn(header.ids[0]!);
      expect(inThread.length).toBeGreaterThanOrEqual(2);

      // A third attempt with the first thread part recorded: the thread exists (160004), the rest is posted there.
      const before = fake.messagesIn(header.ids[0]!).length;
      const third = recorder(true, [header.ids[0]!, inThread[0]!.id]);
      const result = await platform.postDigest(ref(channel), digest, third.options);
      expect(result.messageIds.slice(0, 2)).toEqual([header.ids[0], inThread[0]!.id]);
      expect(fake.requests.some((r) => r.path.endsWith('/threads') && r.status === 400)).toBe(true);
      // Same parts, same nonces: within Discord's nonce memory nothing is created twice.
      expect(fake.messagesIn(header.ids[0]!).length).toBe(before);
    });

    it('where a thread cannot be started, the papers are posted in the channel and it is logged', async () => {
      const channel = newChannel();
      fake.noThreads.add(channel);
      const { ids, options } = recorder(true);
      await platform.postDigest(ref(channel), bigDigest(12), options);
      expect(fake.messagesIn(channel).map((m) => m.id)).toEqual(ids);
      expect(ids.length).toBeGreaterThan(1);
      expect(
        logs.entries.some(
          (e) =>
            e.msg === 'cannot start a digest thread here; posting the papers in the channel instead' &&
            e.channel === channel,
        ),
      ).toBe(true);
    });
  });
});

describe('Discord digests delivered by the core (exactly once)', () => {
  let database: TestDatabase;
  let fake: FakeDiscord;
  let platform: DiscordPlatform;
  afterAll(async () => {
    await platform.stop();
    await fake.stop();
    await database.close();
  });

  it('posts each due digest once, and pauses a channel after repeated permanent failures', {
    timeout: 120_000,
  }, async () => {
    database = await drivers[0]!.open();
    fake = await new FakeDiscord({ timeScale: 0.05 }).start();
    platform = fakeDiscordAdapter(fake);
    const clock = new FixedClock('2026-11-15T12:00:00Z');
    const app = testApp(database, { clock });
    await app.services.ingest.importRecords(listsOn(['2026-11-12', '2026-11-13', '2026-11-16', '2026-11-17']), 'test');
    const core = testCore(app, [platform], { retryDelayMs: 60_000 });
    const ok = newChannel();
    const gone = newChannel();
    fake.gone.add(gone);
    for (const id of [ok, gone]) {
      await core.services.channels.update(ref(id), { digestEnabled: true, size: 25, thread: id === ok }, clock.now());
    }
    clock.set('2026-11-16T09:00:30Z');
    const report = await core.delivery.reconcile();
    expect(report).toMatchObject({ claimed: 2, sent: 1, failed: 1 });
    const header = fake.messagesIn(ok);
    expect(header).toHaveLength(1);
    const parts = fake.messagesIn(header[0]!.id);
    expect(parts.length).toBeGreaterThan(1);
    const text = [header[0]!, ...parts].map((m) => messageText(m.body)).join('\n');
    expect(text).toContain('Hugging Face Daily Papers · Fri 13 Nov 2026');

    clock.advance(60_000);
    await core.delivery.reconcile();
    expect(fake.messagesIn(ok)).toHaveLength(1);
    expect(fake.duplicates()).toEqual([]);

    // Two more days of "Unknown Channel": the third permanent failure in a row pauses the digest.
    for (const day of ['2026-11-17T09:00:30Z', '2026-11-18T09:00:30Z']) {
      clock.set(day);
      expect(await core.delivery.reconcile()).toMatchObject({ sent: 1, failed: 1 });
    }
    const paused = await core.services.channels.find(ref(gone));
    expect(paused.pausedAt).not.toBeNull();
    expect(paused.pauseReason).toContain('Unknown Channel (HTTP 404, code 10003)');
  });
});
