/**
 * Posting a digest to Slack: chat.postMessage part by part, paced per channel and per workspace (pacer.ts), each
 * part's ts recorded before the next is sent, each part tagged with message metadata (delivery, part) so that a
 * resumed delivery, or a part whose answer was lost, is read back before anything is posted again (read-back.ts).
 */
import type { types } from '@slack/bolt';
import {
  type ChannelRef,
  channelKey,
  type Logger,
  type Metrics,
  type OutgoingMessage,
  PlatformError,
  type PostDigestOptions,
} from '../../src/index.js';
import { parseSlackAddress } from './address.js';
import type { SlackClients } from './clients.js';
import { retryAfterSeconds, slackErrorCode, toPlatformError } from './errors.js';
import type { BotCredentials } from './installation-store.js';
import type { SlackPacer } from './pacer.js';
import { outcomeUnknown, partMetadata, readBackParts, slackTs } from './read-back.js';
import { hasImages, renderMessage, type SlackMessage, withoutImages } from './render.js';

type Blocks = (types.KnownBlock | types.Block)[];

/** The read-back starts this long before the delivery's claim: our clock and Slack's may disagree. */
const READ_BACK_MARGIN_MS = 5 * 60_000;
/** Posts of one part whose outcome stayed unknown (each read back first) before the core's retry takes over. */
const UNKNOWN_OUTCOME_RETRIES = 3;

export class SlackPoster {
  private readonly clients: SlackClients;
  private readonly pacer: SlackPacer;
  private readonly log: Logger;
  private readonly metrics: Metrics | undefined;
  private readonly history = new Map<string, { state: string; at: Date }>();

  constructor(clients: SlackClients, pacer: SlackPacer, log: Logger, metrics?: Metrics | undefined) {
    this.clients = clients;
    this.pacer = pacer;
    this.log = log;
    this.metrics = metrics;
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
    const delivery = options.delivery;
    const channelId = target.channelId;
    // Records the parts found in the channel that follow the ones already recorded, in order.
    const adopt = async (found: ReadonlyMap<number, string>) => {
      let adopted = 0;
      while (ids.length < parts.length && found.has(ids.length)) {
        const ts = found.get(ids.length)!;
        ids.push(ts);
        adopted++;
        await options.onPosted(ts);
      }
      if (adopted > 0)
        this.log.info(
          { channel: channelId, delivery: delivery?.id, parts: adopted },
          'digest parts already in Slack recorded, not posted again',
        );
    };
    const readBack = async (): Promise<ReadonlyMap<number, string> | undefined> => {
      if (!delivery) return undefined;
      await options.beforePost?.();
      const found = await readBackParts({
        client: this.clients.clientFor(credentials.botToken),
        channelId,
        delivery: delivery.id,
        oldest: slackTs(delivery.since, READ_BACK_MARGIN_MS),
        threadTs: options.replyTo ?? (options.thread ? ids[0] : undefined),
        retryAfterUnitMs: this.pacer.pacing.retryAfterUnitMs,
        maxRateLimitWaitMs: this.pacer.pacing.maxRateLimitWaitMs,
      });
      this.noteHistoryAccess(credentials.installKey, found.ok ? undefined : found.reason);
      return found.ok ? found.parts : undefined;
    };
    if (delivery?.resumed && ids.length < parts.length) {
      const found = await readBack();
      if (found) await adopt(found);
    }
    while (ids.length < parts.length) {
      const i = ids.length;
      // The first part is the thread root: every later part answers it.
      // A follow-up answers the digest's thread root with every part (PostDigestOptions.replyTo).
      const threadTs = options.replyTo ?? (options.thread && i > 0 ? ids[0] : undefined);
      const metadata = delivery ? partMetadata(delivery.id, i) : undefined;
      let ts: string | undefined;
      for (let tries = 1; ts === undefined; tries++) {
        await options.beforePost?.();
        try {
          ts = await this.postPart(credentials, channelId, parts[i]!, threadTs, metadata);
        } catch (err) {
          // Slack may have posted it (a 5xx or a timeout after acceptance): look before posting again.
          if (!(err instanceof PlatformError) || !outcomeUnknown(err.cause) || !delivery) throw err;
          const found = await readBack();
          // Cannot read this channel: the delivery is retried later, as it always was (see README).
          if (!found) throw err;
          ts = found.get(i);
          if (ts !== undefined) {
            this.log.info(
              { channel: channelId, delivery: delivery.id, part: i },
              'a part whose answer was lost is in Slack',
            );
            break;
          }
          if (tries >= UNKNOWN_OUTCOME_RETRIES) throw err;
        }
      }
      ids.push(ts);
      await options.onPosted(ts);
    }
    return { messageIds: ids };
  }

  /**
   * Whether this process could read back the channels of a workspace, as last seen: `undefined` when it did not
   * try yet, else the reason it could not (missing_scope…) or 'ok'.
   */
  historyAccess(installKey: string): { readonly state: string; readonly at: Date } | undefined {
    return this.history.get(installKey);
  }

  private noteHistoryAccess(installKey: string, problem: string | undefined): void {
    const state = problem ?? 'ok';
    const before = this.history.get(installKey)?.state;
    this.history.set(installKey, { state, at: new Date() });
    if (problem && before !== state)
      this.log.warn(
        { workspace: installKey, reason: problem },
        'cannot read Slack history to recover interrupted digests (add the channels:history and groups:history scopes): a part in flight at a crash or a lost answer may be posted twice',
      );
  }

  /** Posts one part, paced; waits out 429s (up to the pacing limits), and retries once without images. */
  private async postPart(
    credentials: BotCredentials,
    channelId: string,
    first: SlackMessage,
    threadTs: string | undefined,
    metadata: ReturnType<typeof partMetadata> | undefined,
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
          ...(metadata ? { metadata } : {}),
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
            this.metrics?.rateLimitWait('slack', waitMs / 1000);
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
