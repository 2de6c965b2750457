/**
 * Posts one digest to one channel through discord.js's REST client, so every request goes through its queue:
 * per-route buckets (requests to one channel are serialised), the global 50 requests/second, and 429 waits.
 *
 * Exactly-once help from Discord: each part carries a `nonce` derived from the channel, the part's position and
 * its content, with `enforce_nonce` ("if another message was created by the same author with the same nonce,
 * that message will be returned and no new message will be created", message.mdx, Create Message). So when a
 * request is retried after Discord created the message but the answer was lost (a 5xx, a timeout: discord.js
 * retries those itself, up to 3 times) or the delivery is resumed within minutes, no second copy appears. A
 * delivery resumed later than that (a takeover after a crash, a retry after backoff) is read back first
 * (read-back.ts): the parts already in the channel are recorded, not posted again.
 */
import { createHash } from 'node:crypto';
import { type REST, Routes } from 'discord.js';
import { type ChannelRef, clip, type Logger, type OutgoingMessage, type PostDigestOptions } from '../../src/index.js';
import { discordChannelId } from './address.js';
import { DISCORD_CODES, discordCode, notADiscordChannel, safeError, toPlatformError } from './errors.js';
import { MESSAGE_LIMITS, THREAD_LIMITS } from './limits.js';
import { readBackParts } from './read-back.js';
import { type RenderedMessage, renderMessage } from './render.js';

/** The read-back starts this long before the delivery's claim: our clock and Discord's may disagree. */
const READ_BACK_MARGIN_MS = 5 * 60_000;

/** How long a digest thread stays in the channel list after its last message: one day. */
export const THREAD_ARCHIVE_MINUTES = 1440;

/** The nonce of one part: stable across retries of the same digest, different for every other message. */
export function partNonce(channelId: string, index: number, part: RenderedMessage): string {
  return createHash('sha256')
    .update(`${channelId}\n${index}\n${JSON.stringify(part)}`)
    .digest('hex')
    .slice(0, MESSAGE_LIMITS.nonce);
}

/** The thread's name: the digest's heading. */
export function threadName(message: OutgoingMessage): string {
  const heading = message.blocks.find((b) => b.type === 'heading');
  return clip(heading?.type === 'heading' ? heading.text : 'PaperPulse digest', THREAD_LIMITS.name);
}

// Starting a thread is impossible here (a thread or forum channel, no thread permission, header deleted): the
// digest is still posted, in the channel itself.
const NO_THREAD: ReadonlySet<number> = new Set([
  DISCORD_CODES.missingPermissions,
  DISCORD_CODES.cannotExecuteOnChannelType,
  DISCORD_CODES.unknownMessage,
]);

/**
 * Posts the parts of `message` not in `options.alreadyPosted`, calling `onPosted` after each one, and returns every
 * part's message id (thread mode: the header's id is the thread's). Works without the gateway.
 * @throws PlatformError: permanent for a channel that is gone or forbidden, transient otherwise.
 */
export async function postDigest(
  rest: REST,
  log: Logger,
  channel: ChannelRef,
  message: OutgoingMessage,
  options: PostDigestOptions,
): Promise<{ messageIds: string[] }> {
  const channelId = channel.platform === 'discord' ? discordChannelId(channel.address) : undefined;
  if (!channelId) throw notADiscordChannel(channel);
  const parts = renderMessage(message, { thread: options.thread });
  const ids = [...options.alreadyPosted];
  if (options.delivery?.resumed && ids.length < parts.length) {
    await options.beforePost?.();
    const found = await readBackParts(rest, {
      channelId,
      parts,
      from: ids.length,
      since: new Date(options.delivery.since.getTime() - READ_BACK_MARGIN_MS),
      thread: options.thread,
      header: ids[0],
      replyTo: options.replyTo,
    });
    for (let i = ids.length; found.has(i); i++) {
      ids.push(found.get(i)!);
      await options.onPosted(found.get(i)!);
    }
    if (found.size > 0)
      log.info(
        { channel: channelId, delivery: options.delivery.id, parts: found.size },
        'digest parts already in Discord recorded, not posted again',
      );
  }
  // A reply in a digest's thread (a follow-up): the thread's id is its header's. A digest posted without a thread
  // has none: the reply then goes in the channel.
  let target = options.replyTo ?? channelId;
  let threadOpen = options.replyTo !== undefined;
  for (let i = ids.length; i < parts.length; i++) {
    await options.beforePost?.();
    if (options.thread && i > 0 && !threadOpen) {
      target = await openThread(rest, log, channelId, ids[0]!, threadName(message));
      threadOpen = true;
    }
    const part = parts[i]!;
    const body = { ...part, nonce: partNonce(channelId, i, part), enforce_nonce: true };
    let posted: { id: string };
    try {
      posted = (await rest.post(Routes.channelMessages(target), { body })) as { id: string };
    } catch (err) {
      if (target === options.replyTo && discordCode(err) === DISCORD_CODES.unknownChannel) {
        // No thread under that digest (it was posted without one): the follow-up goes in the channel.
        target = channelId;
        i--;
        continue;
      }
      throw toPlatformError(
        err,
        `post part ${i + 1} of ${parts.length} of the digest to ${target === channelId ? 'channel' : 'thread'} ${target}`,
      );
    }
    ids.push(posted.id);
    // Recorded before the next part is sent: an interrupted digest resumes after it.
    await options.onPosted(posted.id);
  }
  return { messageIds: ids };
}

/** Starts the digest's thread on its header message; the thread's id is the header's. Falls back on the channel. */
async function openThread(rest: REST, log: Logger, channelId: string, headerId: string, name: string): Promise<string> {
  try {
    await rest.post(Routes.threads(channelId, headerId), {
      body: { name, auto_archive_duration: THREAD_ARCHIVE_MINUTES },
    });
    return headerId;
  } catch (err) {
    const code = discordCode(err);
    // An earlier attempt started it already (the thread shares the header's id).
    if (code === DISCORD_CODES.threadAlreadyCreated) return headerId;
    if (code !== undefined && NO_THREAD.has(code)) {
      log.warn(
        { channel: channelId, header: headerId, err: safeError(err) },
        'cannot start a digest thread here; posting the papers in the channel instead',
      );
      return channelId;
    }
    throw toPlatformError(err, `start the digest thread in channel ${channelId}`);
  }
}
