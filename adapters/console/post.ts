/** Posting a digest to the console: it prints, as one part. */
import type { ChannelRef, OutgoingMessage, PostDigestOptions, TextStyle } from '../../src/index.js';
import { CONSOLE_ADDRESS } from './address.js';
import { unknownChannel } from './errors.js';
import { CONSOLE_LIMITS } from './limits.js';
import { renderDigest } from './render.js';

let posted = 0;

/** Prints the digest unless an earlier attempt already did (the console has no size limit: one part). */
export async function postDigest(
  write: (text: string) => void,
  style: TextStyle,
  channel: ChannelRef,
  message: OutgoingMessage,
  options: PostDigestOptions,
): Promise<{ messageIds: string[] }> {
  if (channel.platform !== 'console' || channel.address !== CONSOLE_ADDRESS) throw unknownChannel(channel);
  // A terminal has no size limit: the whole digest is one part, so one recorded part means it was printed.
  if (options.alreadyPosted.length >= CONSOLE_LIMITS.digestParts) return { messageIds: [...options.alreadyPosted] };
  const id = `console-${Date.now()}-${++posted}`;
  write(renderDigest(message, style));
  await options.onPosted(id);
  return { messageIds: [id] };
}
