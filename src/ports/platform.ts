/**
 * The driven port of chat platforms, and how adapters register themselves. The core never imports an adapter: the
 * composition root is handed a PlatformRegistry, and everything the core must know about a platform (who may
 * manage a channel, how long a button lives, whether threads exist) is declared in its PlatformModule.
 */

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Env } from '../config.js';
import type { ChannelRef, PlatformName } from '../domain/channel.js';
import type { Logger } from '../logger.js';
import type { OutgoingMessage } from '../messages/model.js';
import type { CommandDispatcher, CommandSpec } from './commands.js';
import type { Metrics } from './metrics.js';
import type { PlatformState } from './stores.js';

/** What the core needs to know about a platform, declared by its adapter. */
export interface PlatformTraits {
  /** Who may change a channel's settings, as a phrase for refusals: "workspace admins and owners". */
  readonly managers: string;
  /**
   * How long a button keeps working after its message was sent (Discord: interaction tokens last 15 minutes). 0: the
   * door has no buttons (feeds, MCP), so no button state is stored.
   */
  readonly buttonTtlMs: number;
  /** Whether a digest can go in a thread under a header message. */
  readonly threads: boolean;
  /** Channels exist without a command having been run there (the console's one channel). */
  readonly implicitChannels?: boolean | undefined;
  /**
   * The group whose rate limit a channel shares (a Slack workspace, a Discord server): delivery takes channels
   * round-robin across groups, so one busy group never holds the others back. Default: one group.
   */
  groupOf?(address: string): string;
}

export interface PostDigestOptions {
  /** Post the first part as a header and the rest in a thread under it (channel setting `thread`). */
  readonly thread: boolean;
  /**
   * Post every part as a reply under this message of the channel (a follow-up in a digest's thread), where the
   * platform has threads; ignored where it has none.
   */
  readonly replyTo?: string | undefined;
  /**
   * Message ids of parts already posted by an earlier, interrupted attempt, in order: those parts are not posted
   * again (the first one is the thread root when `thread` is on).
   */
  readonly alreadyPosted: readonly string[];
  /** Called after each part is posted, in order, before the next one is sent: the caller records it. */
  onPosted(messageId: string): Promise<void>;
  /**
   * Called before each part is sent (and before a read-back): the caller renews its claim, and throws when another
   * process has taken the delivery over, so nothing more is posted.
   */
  beforePost?(): Promise<void>;
  /**
   * The delivery these parts belong to, for platforms that can find their own earlier posts: each part is tagged
   * with the delivery id and its position where the platform allows (Slack message metadata, Discord's nonce),
   * and `resumed` says an earlier attempt may have posted parts it never recorded (a crash, an answer lost), so the
   * platform reads the channel back from `since` and records the parts already there instead of posting them again.
   */
  readonly delivery?: { readonly id: number; readonly since: Date; readonly resumed: boolean } | undefined;
}

/**
 * A chat platform: one implementation per folder in adapters/.
 *
 * @example
 * const platform = await registry.get('console')!.create(config, context);
 * await platform.start(dispatcher);
 * await platform.postDigest({ platform: 'console', address: 'local' }, digest, { thread: false, alreadyPosted: [], onPosted });
 */
export interface ChatPlatform {
  readonly name: PlatformName;
  readonly traits: PlatformTraits;
  /** Connect and route slash commands and button presses into `dispatcher`. Resolves once ready. */
  start(dispatcher: CommandDispatcher): Promise<void>;
  /** Stop taking commands, let those in progress answer (a few seconds at most), disconnect. Idempotent. */
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
  /** Whether the platform is connected and taking commands (for /readyz). */
  connected?(): boolean;
  /** Shows a line to the person running the bot, where there is one (the console's terminal). */
  notice?(line: string): void;
  /**
   * True when this platform serves the bot's HTTP routes (PlatformContext.http) on its own server (Slack in HTTP
   * mode on HTTP_PORT): the composition root then opens no second server. Known right after `create`.
   */
  readonly servesHttp?: boolean | undefined;
}

/** Where a platform may read and write (the console's terminal). */
export interface PlatformIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean | undefined };
  readonly stdout: { write(text: string): unknown; isTTY?: boolean | undefined };
}

/** What the composition root gives a platform it creates. */
export interface PlatformContext {
  readonly log: Logger;
  /** The platform's own persistent state (e.g. Slack installations), shared by every process on the database. */
  readonly state: PlatformState;
  readonly io: PlatformIo;
  /** The `/papers` subcommands, for platforms that declare them up front. */
  readonly commands: readonly CommandSpec[];
  /** Where to record rate-limit waits and the like; absent: nothing is recorded. */
  readonly metrics?: Metrics | undefined;
  /**
   * The bot's HTTP routes (health, metrics, feeds) when HTTP_PORT is set. A platform that listens for HTTP itself on
   * that same port (Slack in HTTP mode) hands every GET/HEAD request it does not own to `handle` and sets
   * `servesHttp`; the others ignore it.
   */
  readonly http?: PlatformHttp | undefined;
}

/** The bot's HTTP routes, offered to a platform that runs an HTTP server of its own. */
export interface PlatformHttp {
  /** HTTP_PORT. */
  readonly port: number;
  /** Answers one request (404 when no route matches); never throws. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** The timeouts the bot's own server would apply (set on the platform's server). */
  applyTimeouts(server: Server): void;
}

/** A platform's settings read from the environment: on with its configuration, or off and why. */
export type PlatformSetup<C> =
  | { readonly on: true; readonly config: C }
  | { readonly on: false; readonly reason: string };

/**
 * One platform as the registry knows it, loaded by name (errbot's backends): light to import, its SDK loaded only
 * by `create`.
 */
export interface PlatformModule<C = unknown> {
  readonly name: PlatformName;
  readonly traits: PlatformTraits;
  /**
   * Reads the platform's variables: `{ on: false, reason: 'DISCORD_TOKEN not set' }` when it is not configured.
   * Asynchronous so the module can load its parser only when asked.
   * @throws BotError CONFIG_INVALID naming the variable at fault (never its value).
   */
  configure(env: Env): Promise<PlatformSetup<C>>;
  /** Builds the platform, loading its SDK. */
  create(config: C, context: PlatformContext): Promise<ChatPlatform>;
  /** On only when no other platform is (the console). */
  readonly fallback?: boolean | undefined;
}

/** The platforms an installation knows; the composition root turns on those whose variables are set. */
export interface PlatformRegistry {
  /** Adds a platform; a second one of the same name is a programming error. */
  register<C>(module: PlatformModule<C>): void;
  get(name: PlatformName): PlatformModule<unknown> | undefined;
  list(): readonly PlatformModule<unknown>[];
}
