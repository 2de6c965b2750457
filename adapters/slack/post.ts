/**
 * Posting a digest to Slack: chat.postMessage part by part, paced per channel and per workspace (pacer.ts), each
 * part's ts recorded before the next is sent.
 */
import type { types } from '@slack/bolt';
import {
  type ChannelRef,
  channelKey,
  type Logger,
  type OutgoingMessage,
  PlatformError,
  type PostDigestOptions,
} from '../../src/index.js';
import { parseSlackAddress } from './address.js';
import type { SlackClients } from './clients.js';
import { retryAfterSeconds, slackErrorCode, toPlatformError } from './errors.js';
import type { BotCredentials } from './installation-store.js';
import type { SlackPacer } from './pacer.js';
import { hasImages, renderMessage, type SlackMessage, withoutImages } from './render.js';

type Blocks = (types.KnownBlock | types.Block)[];

export class SlackPoster {
  private readonly clients: SlackClients;
  private readonly pacer: SlackPacer;
  private readonly log: Logger;

  constructor(clients: SlackClients, pacer: SlackPacer, log: Logger) {
    this.clients = clients;
    this.pacer = pacer;
    this.log = log;
  }

  async postDigest(
    channel: ChannelRef,
    message: OutgoingMessage,
    options: PostDigestOptions,
  ): Promise<{ messageIds: string[] }> {
    const target = channel.platform === 'slack' ? parseSlackAddress(channel.address) : undefined;
    if (!target) {
      throw new PlatformError('slack', 'not_slack', `${channelKey(channel)} is not a Slack channel`, {
        permanent: true,
      });
    }
    const credentials = await this.clients.credentialsFor(channel);
    const parts = renderMessage(message, { thread: options.thread });
    const ids = [...options.alreadyPosted];
    for (let i = ids.length; i < parts.length; i++) {
      // The first part is the thread root: every later part answers it.
      const threadTs = options.thread && i > 0 ? ids[0] : undefined;
      const ts = await this.postPart(credentials, target.channelId, parts[i]!, threadTs);
      ids.push(ts);
      await options.onPosted(ts);
    }
    return { messageIds: ids };
  }

  /** Posts one part, paced; waits out 429s (up to the pacing limits), and retries once without images. */
  private async postPart(
    credentials: BotCredentials,
    channelId: string,
    first: SlackMessage,
    threadTs: string | undefined,
  ): Promise<string> {
    const { pacing } = this.pacer;
    const pacer = this.pacer.workspace(credentials.installKey);
    const client = this.clients.clientFor(credentials.botToken);
    const what = `chat.postMessage to slack:${channelId}`;
    let part = first;
    let rateLimited = 0;
    for (;;) {
      const pausedMs = pacer.pausedForMs();
      if (pausedMs > pacing.maxRateLimitWaitMs) {
        // Waiting here would hold one of the core's delivery workers; it retries after the pause instead.
        throw new PlatformError(
          'slack',
          'ratelimited',
          `${what}: the workspace is rate limited for ${Math.ceil(pausedMs)} ms`,
          {
            permanent: false,
            retryAfterMs: Math.ceil(pausedMs),
          },
        );
      }
      const release = await pacer.acquire(channelId);
      try {
        const result = await client.chat.postMessage({
          channel: channelId,
          text: part.text,
          blocks: part.blocks as unknown as Blocks,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          // Links to Hugging Face and arXiv would each unfurl into a preview: the cards already show them.
          unfurl_links: false,
          unfurl_media: false,
        });
        if (!result.ts)
          throw new PlatformError('slack', 'no_ts', `${what} answered without a message ts`, { permanent: false });
        return result.ts;
      } catch (err) {
        const retryAfter = retryAfterSeconds(err);
        if (retryAfter !== undefined) {
          const waitMs = Math.max(retryAfter, 1) * pacing.retryAfterUnitMs;
          // Slack's limit may be the workspace's: nothing goes to this workspace until Retry-After has passed.
          pacer.pause(waitMs);
          if (waitMs <= pacing.maxRateLimitWaitMs && ++rateLimited <= pacing.maxRateLimitRetries) {
            this.log.info(
              { channel: channelId, workspace: credentials.installKey, waitMs },
              'Slack rate limit: waiting',
            );
            continue;
          }
          throw toPlatformError(err, what, { retryAfterUnitMs: pacing.retryAfterUnitMs });
        }
        if (slackErrorCode(err) === 'invalid_blocks' && hasImages(part)) {
          // Slack refuses a message whose image it could not download: the card is worth more than its picture.
          this.log.warn({ channel: channelId }, 'Slack refused the blocks; posting without thumbnails');
          part = withoutImages(part);
          continue;
        }
        throw toPlatformError(err, what);
      } finally {
        release();
      }
    }
  }
}
