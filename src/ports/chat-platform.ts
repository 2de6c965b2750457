import type { OutgoingMessage } from '../messages/model.js';
import type { CommandDispatcher } from './command-dispatcher.js';

export type PlatformName = 'discord' | 'slack' | 'console';

/** A channel the bot answers in and posts to. */
export interface ChannelRef {
  readonly platform: PlatformName;
  /** Discord channel id, Slack conversation id, `local` for the console. */
  readonly channelId: string;
  /** Discord guild id or Slack team id: Slack needs it to find the workspace's token. */
  readonly workspaceId?: string | undefined;
}

/** `discord:123`, `slack:C456`, `console:local`. */
export function channelKey(channel: Pick<ChannelRef, 'platform' | 'channelId'>): string {
  return `${channel.platform}:${channel.channelId}`;
}

export interface PostDigestOptions {
  /** Post the first part as a header and the rest in a thread under it (channel setting `thread`). */
  readonly thread: boolean;
  /**
   * Message ids of parts already posted by an earlier, interrupted attempt, in order: those parts are not posted
   * again (the first one is the thread root when `thread` is on).
   */
  readonly alreadyPosted: readonly string[];
  /** Called after each part is posted, in order, before the next one is sent: the caller records it. */
  onPosted(messageId: string): Promise<void>;
}

/**
 * A chat platform: one implementation per folder in adapters/. The core never imports one; the composition root
 * (adapters/main.ts) hands them to the bot.
 *
 * @example
 * const consolePlatform = createConsoleAdapter({ input: process.stdin, output: process.stdout });
 * await consolePlatform.start(dispatcher);
 * await consolePlatform.postDigest({ platform: 'console', channelId: 'local' }, digest, { thread: false, alreadyPosted: [], onPosted });
 */
export interface ChatPlatform {
  readonly name: PlatformName;
  /** Connect and route slash commands and button presses into `dispatcher`. Resolves once ready. */
  start(dispatcher: CommandDispatcher): Promise<void>;
  /** Disconnect. Idempotent. */
  stop(): Promise<void>;
  /**
   * Post a digest to one channel, split between papers when it does not fit one message. Works without start()
   * (the CLI posts one digest). Throws PlatformError: `permanent` for a channel that is gone or forbidden.
   */
  postDigest(
    channel: ChannelRef,
    message: OutgoingMessage,
    options: PostDigestOptions,
  ): Promise<{ messageIds: string[] }>;
  /** Resolves when the platform has nothing more to do on its own (the console at end of scripted input). */
  readonly finished?: Promise<void> | undefined;
}
