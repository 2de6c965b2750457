/**
 * Discord remembers a nonce only "in the past few minutes": a delivery taken over later than that (after a crash,
 * past the lease) is read back (Get Channel Messages after the claim) before anything is posted again, so the part
 * Discord accepted before the crash is recorded, not posted twice. Without READ_MESSAGE_HISTORY the nonce is what
 * remains: exact within its window only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordPlatform } from '../../../adapters/discord/platform.js';
import { snowflakeAt } from '../../../adapters/discord/read-back.js';
import type { PostDigestOptions } from '../../../src/index.js';
import { bigDigest } from '../../contract/chat-platform.contract.js';
import { fakeDiscordAdapter, GUILD_ID } from '../../support/discord-harness.js';
import { FakeDiscord } from '../../support/fake-discord.js';

let channelSeq = 0;
const newChannel = () => String(3_200_000_000_000_000_000n + BigInt(++channelSeq));
const ref = (channelId: string) => ({ platform: 'discord' as const, address: `${GUILD_ID}/${channelId}` });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The fake's nonce memory, scaled down: a takeover "later than the nonce window" is a wait longer than this. */
const NONCE_WINDOW_MS = 100;

class Crash extends Error {}

describe('Discord read-back after the nonce window', () => {
  let fake: FakeDiscord;
  let platform: DiscordPlatform;
  beforeAll(async () => {
    fake = await new FakeDiscord({ nonceWindowMs: NONCE_WINDOW_MS }).start();
    platform = fakeDiscordAdapter(fake);
  });
  afterAll(async () => {
    await platform.stop();
    await fake.stop();
  });

  /** Posts until Discord accepted `crashAfter` parts, then dies before recording the last one. */
  async function crash(channelId: string, since: Date, crashAfter: number, thread = false, on = platform) {
    const recorded: string[] = [];
    const options: PostDigestOptions = {
      thread,
      alreadyPosted: [],
      delivery: { id: 1, since, resumed: false },
      onPosted: async (id) => {
        if (recorded.length + 1 === crashAfter) throw new Crash();
        recorded.push(id);
      },
    };
    await expect(on.postDigest(ref(channelId), bigDigest(25, 10), options)).rejects.toBeInstanceOf(Crash);
    return recorded;
  }

  async function resume(channelId: string, since: Date, recorded: string[], thread = false, on = platform) {
    const ids: string[] = [];
    const result = await on.postDigest(ref(channelId), bigDigest(25, 10), {
      thread,
      alreadyPosted: recorded,
      delivery: { id: 1, since, resumed: true },
      onPosted: async (id) => void ids.push(id),
    });
    return { ids, result };
  }

  const all = (channelId: string, thread?: string) => [
    ...fake.messagesIn(channelId),
    ...(thread ? fake.messagesIn(thread) : []),
  ];

  it('snowflakeAt gives the first snowflake of an instant (reference.mdx, Snowflakes)', () => {
    // The documented example: 175928847299117063 was created at 1462015105796 ms.
    const at = new Date(1_462_015_105_796);
    expect(BigInt(snowflakeAt(at))).toBeLessThanOrEqual(175928847299117063n);
    expect(BigInt(snowflakeAt(new Date(1_462_015_105_797)))).toBeGreaterThan(175928847299117063n);
  });

  it('a takeover later than the nonce window: the part accepted before the crash is recorded, not reposted', async () => {
    const channel = newChannel();
    const since = new Date(Date.now() - 1_000);
    const recorded = await crash(channel, since, 2);
    expect(fake.messagesIn(channel)).toHaveLength(2);
    await sleep(NONCE_WINDOW_MS * 3);
    const { ids, result } = await resume(channel, since, recorded);
    expect(fake.duplicates()).toEqual([]);
    expect(result.messageIds).toEqual(fake.messagesIn(channel).map((m) => m.id));
    expect(ids[0]).toBe(fake.messagesIn(channel)[1]!.id);
  });

  it('in a thread: a reply accepted before the crash is found in the thread', async () => {
    const channel = newChannel();
    const since = new Date(Date.now() - 1_000);
    const recorded = await crash(channel, since, 3, true);
    await sleep(NONCE_WINDOW_MS * 3);
    const { result } = await resume(channel, since, recorded, true);
    expect(fake.duplicates()).toEqual([]);
    expect(result.messageIds).toEqual(all(channel, recorded[0]).map((m) => m.id));
  });

  it('without READ_MESSAGE_HISTORY only the nonce protects: exact within its window, not after', async () => {
    // Within the window: a fake with Discord's own nonce memory (a few minutes), so that a slow machine between the
    // crash and the takeover cannot step out of it; after it: this file's fake, whose memory is 100 ms.
    const minutes = await new FakeDiscord().start();
    const patient = fakeDiscordAdapter(minutes);
    let kept: (string | undefined)[];
    try {
      const inWindow = newChannel();
      minutes.setBotPermissions(inWindow, { readMessageHistory: false });
      const since = new Date(Date.now() - 1_000);
      const a = await crash(inWindow, since, 2, false, patient);
      await resume(inWindow, since, a, false, patient);
      kept = minutes.messagesIn(inWindow).map((m) => m.nonce);
      expect(kept.length).toBeGreaterThan(2);
      expect(kept.length).toBe(new Set(kept).size);
    } finally {
      await patient.stop();
      await minutes.stop();
    }
    const late = newChannel();
    fake.setBotPermissions(late, { readMessageHistory: false });
    const since = new Date(Date.now() - 1_000);
    const b = await crash(late, since, 2);
    await sleep(NONCE_WINDOW_MS * 3);
    await resume(late, since, b);
    const nonces = fake.messagesIn(late).map((m) => m.nonce);
    // The part in flight at the crash appears twice: what the README says of this setup.
    expect(nonces.length - new Set(nonces).size).toBe(1);
    expect(new Set(nonces).size).toBe(kept.length);
    fake.setBotPermissions(late, undefined);
  });
});
