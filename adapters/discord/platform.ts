/**
 * The Discord platform: a discord.js client with the Guilds intent only (INTERACTION_CREATE needs no intent, and
 * Guilds keeps the guild and channel caches), routing interactions into the core and posting digests over REST.
 * Reconnects and resumes are discord.js's job; this class logs them.
 */
import { once } from 'node:events';
import {
  Client,
  DiscordAPIError,
  type DiscordjsError,
  Events,
  GatewayIntentBits,
  Options,
  type RateLimitData,
  type RESTOptions,
  Routes,
} from 'discord.js';
import {
  BotError,
  type ChannelRef,
  type ChatPlatform,
  type CommandDispatcher,
  type Logger,
  type OutgoingMessage,
  PlatformError,
  type PostDigestOptions,
} from '../../src/index.js';
import type { DiscordConfig } from './config.js';
import { postDigest } from './digest-poster.js';
import { safeError } from './errors.js';
import { DEFAULT_TIMING, InteractionRouter, type InteractionTiming } from './interactions.js';

/** Knobs for tests, benchmarks and unusual deployments; production uses the defaults. */
export interface DiscordAdapterOptions {
  /** REST base URL, e.g. `http://127.0.0.1:PORT/api` for a local fake. Default: Discord's. */
  readonly api?: string | undefined;
  /** discord.js's client-side global limit (Discord grants more only to very large bots). Default 50. */
  readonly globalRequestsPerSecond?: number | undefined;
  /** Replaces discord.js's HTTP transport (`rest.makeRequest`). */
  readonly makeRequest?: RESTOptions['makeRequest'] | undefined;
  /** Retries of a 5xx or a network error by discord.js itself. Default 3. */
  readonly restRetries?: number | undefined;
  /** Per-request timeout. Default 15 s. */
  readonly restTimeoutMs?: number | undefined;
  /**
   * A rate-limit wait longer than this fails the digest post with a transient PlatformError carrying
   * `retryAfterMs`, instead of holding a delivery worker. Default 30 s.
   */
  readonly maxRateLimitWaitMs?: number | undefined;
  /** Connects the gateway. Default: `client.login(token)`, then waits for ready. Tests feed interactions instead. */
  readonly connect?: ((client: Client, token: string) => Promise<void>) | undefined;
  /** How long start() waits for the gateway to be ready. Default 60 s. */
  readonly readyTimeoutMs?: number | undefined;
  readonly timing?: Partial<InteractionTiming> | undefined;
}

/** The Discord ChatPlatform. */
export class DiscordPlatform implements ChatPlatform {
  readonly name = 'discord' as const;
  /** The discord.js client: its REST manager posts digests even when the gateway is not connected. */
  readonly client: Client;
  private readonly config: DiscordConfig;
  private readonly log: Logger;
  private readonly options: DiscordAdapterOptions;
  private readonly inFlight = new Set<Promise<void>>();
  private started = false;
  private stopping: Promise<void> | undefined;

  constructor(config: DiscordConfig, log: Logger, options: DiscordAdapterOptions = {}) {
    this.config = config;
    this.log = log;
    this.options = options;
    const maxWait = options.maxRateLimitWaitMs ?? 30_000;
    this.client = new Client({
      intents: [GatewayIntentBits.Guilds],
      ...(config.shards ? { shards: config.shards } : {}),
      // Messages are never read (no message intents); buttons' messages need not be cached either.
      makeCache: Options.cacheWithLimits({ ...Options.DefaultMakeCacheSettings, MessageManager: 0 }),
      rest: {
        ...(options.api ? { api: options.api } : {}),
        ...(options.makeRequest ? { makeRequest: options.makeRequest } : {}),
        globalRequestsPerSecond: options.globalRequestsPerSecond ?? 50,
        retries: options.restRetries ?? 3,
        timeout: options.restTimeoutMs ?? 15_000,
        rejectOnRateLimit: (data: RateLimitData) => Math.max(data.retryAfter, data.timeToReset) > maxWait,
        invalidRequestWarningInterval: 100,
      },
    });
    // The REST client works without the gateway: the CLI posts a digest without start().
    this.client.rest.setToken(config.token);
    this.client.rest.on('invalidRequestWarning', (info) =>
      this.log.warn(
        { count: info.count, remainingMs: info.remainingTime },
        'many 401/403/429 answers from Discord: Discord bans an IP after 10,000 in 10 minutes',
      ),
    );
    this.client.rest.on('rateLimited', (info) =>
      this.log.debug(
        { route: info.route, global: info.global, retryAfterMs: info.retryAfter, scope: info.scope },
        'Discord rate limit: waiting',
      ),
    );
  }

  async start(dispatcher: CommandDispatcher): Promise<void> {
    if (this.stopping) throw new BotError('the Discord adapter was stopped; create a new one', 'PLATFORM_ERROR');
    if (this.started) return;
    await this.checkToken();
    const router = new InteractionRouter(dispatcher, this.log, { ...DEFAULT_TIMING, ...this.options.timing });
    this.client.on(Events.InteractionCreate, (interaction) => {
      const handled = router.handle(interaction);
      this.inFlight.add(handled);
      void handled.finally(() => this.inFlight.delete(handled));
    });
    this.client.on(Events.Error, (err) => this.log.error({ err: safeError(err) }, 'Discord client error'));
    this.client.on(Events.Warn, (warning) => this.log.warn({ warning }, 'Discord client warning'));
    this.client.on(Events.ShardDisconnect, (event, shard) =>
      this.log.error({ shard, code: event.code }, 'Discord shard disconnected and will not reconnect'),
    );
    this.client.on(Events.ShardReconnecting, (shard) => this.log.info({ shard }, 'Discord shard reconnecting'));
    this.client.on(Events.ShardResume, (shard, replayed) =>
      this.log.info({ shard, replayed }, 'Discord shard resumed'),
    );
    const connect = this.options.connect ?? ((client, token) => this.login(client, token));
    try {
      await connect(this.client, this.config.token);
    } catch (err) {
      // A half-open gateway would keep the process alive after the failed start.
      await this.client.destroy().catch(() => {});
      throw err;
    }
    this.started = true;
    this.log.info(
      { application: this.config.applicationId, guilds: this.client.guilds.cache.size },
      'Discord adapter ready',
    );
  }

  /** Resolves when every interaction received so far has been answered (or has failed and been logged). */
  async whenIdle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Stops taking interactions, lets those in progress answer (up to 5 s), and closes the gateway. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.client.removeAllListeners(Events.InteractionCreate);
      const pending = [...this.inFlight];
      if (pending.length > 0) {
        await Promise.race([Promise.allSettled(pending), new Promise((r) => setTimeout(r, 5_000).unref())]);
      }
      await this.client.destroy();
    })();
    return this.stopping;
  }

  async postDigest(
    channel: ChannelRef,
    message: OutgoingMessage,
    options: PostDigestOptions,
  ): Promise<{ messageIds: string[] }> {
    if (channel.platform !== 'discord' || !/^\d{1,20}$/.test(channel.channelId)) {
      throw new PlatformError(
        'discord',
        'unknown_channel',
        `not a Discord channel: ${channel.platform}:${channel.channelId}`,
        {
          permanent: true,
        },
      );
    }
    return postDigest(this.client.rest, this.log, channel, message, options);
  }

  /**
   * Checks the token with one REST call before the gateway login, so a wrong token is one clear line instead of a
   * gateway close code, and the application id is checked against it.
   */
  private async checkToken(): Promise<void> {
    let app: { id?: string };
    try {
      app = (await this.client.rest.get(Routes.currentApplication())) as { id?: string };
    } catch (err) {
      if (err instanceof DiscordAPIError && err.status === 401) {
        throw new BotError(
          'DISCORD_TOKEN was rejected by Discord (401 Unauthorized): copy a fresh token from the Developer Portal (your app → Bot → Reset Token)',
          'CONFIG_INVALID',
        );
      }
      const reason =
        err instanceof DiscordAPIError ? `${err.status} ${err.message}` : (safeError(err).message ?? 'error');
      throw new BotError(`could not check DISCORD_TOKEN with Discord: ${String(reason)}`, 'PLATFORM_ERROR', {
        cause: err,
      });
    }
    if (app.id && app.id !== this.config.applicationId) {
      throw new BotError(
        `DISCORD_APPLICATION_ID does not match DISCORD_TOKEN: the token belongs to application ${app.id}`,
        'CONFIG_INVALID',
      );
    }
  }

  /** The gateway login, resolved once every shard is ready. */
  private async login(client: Client, token: string): Promise<void> {
    const timeoutMs = this.options.readyTimeoutMs ?? 60_000;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    try {
      const ready = once(client, Events.ClientReady, { signal: controller.signal });
      // Awaited below; this only keeps a timeout during login from being an unhandled rejection.
      ready.catch(() => {});
      await client.login(token);
      await ready;
    } catch (err) {
      if ((err as DiscordjsError).code === 'TokenInvalid') {
        throw new BotError(
          'DISCORD_TOKEN was rejected by the Discord gateway: reset it in the Developer Portal',
          'CONFIG_INVALID',
        );
      }
      if (controller.signal.aborted) {
        throw new BotError(`Discord did not get ready within ${timeoutMs / 1000} s`, 'PLATFORM_ERROR', { cause: err });
      }
      throw new BotError(`could not connect to Discord: ${String(safeError(err).message)}`, 'PLATFORM_ERROR', {
        cause: err,
      });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The Discord adapter for a validated configuration. */
export function createDiscordAdapter(
  config: DiscordConfig,
  log: Logger,
  options: DiscordAdapterOptions = {},
): DiscordPlatform {
  return new DiscordPlatform(config, log, options);
}
