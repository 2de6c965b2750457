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
  Routes,
} from 'discord.js';
import {
  BotError,
  type ChannelRef,
  type ChatPlatform,
  type CommandDispatcher,
  type Logger,
  type OutgoingMessage,
  type PlatformContext,
  type PlatformTraits,
  type PostDigestOptions,
} from '../../src/index.js';
import { InFlight } from '../shared/in-flight.js';
import type { DiscordAdapterConfig, DiscordAdapterOptions } from './config.js';
import { safeError } from './errors.js';
import { DEFAULT_TIMING, InteractionRouter } from './inbound.js';
import { postDigest } from './post.js';

/** The Discord ChatPlatform. */
export class DiscordPlatform implements ChatPlatform {
  readonly name = 'discord';
  readonly traits: PlatformTraits;
  /** The discord.js client: its REST manager posts digests even when the gateway is not connected. */
  readonly client: Client;
  private readonly config: DiscordAdapterConfig;
  private readonly log: Logger;
  private readonly options: DiscordAdapterOptions;
  private readonly inFlight = new InFlight();
  /** channel_id of interactions whose payload carried no `channel` object (discord.js reads only `channel.id`). */
  private readonly rawChannelIds = new Map<string, string>();
  private started = false;
  private stopping: Promise<void> | undefined;

  constructor(config: DiscordAdapterConfig, context: Pick<PlatformContext, 'log' | 'metrics'>, traits: PlatformTraits) {
    this.config = config;
    this.log = context.log;
    const metrics = context.metrics;
    this.traits = traits;
    const options = config.options ?? {};
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
    this.client.rest.on('rateLimited', (info) => {
      metrics?.rateLimitWait('discord', Math.max(0, info.timeToReset) / 1000);
      this.log.debug(
        { route: info.route, global: info.global, retryAfterMs: info.retryAfter, scope: info.scope },
        'Discord rate limit: waiting',
      );
    });
  }

  async start(dispatcher: CommandDispatcher): Promise<void> {
    if (this.stopping) throw new BotError('the Discord adapter was stopped; create a new one', 'PLATFORM_ERROR');
    if (this.started) return;
    await this.checkToken();
    this.keepRawChannelIds();
    const router = new InteractionRouter(
      dispatcher,
      this.log,
      { ...DEFAULT_TIMING, ...this.options.timing },
      (interaction) => interaction.channelId ?? this.rawChannelIds.get(interaction.id) ?? null,
    );
    this.client.on(Events.InteractionCreate, (interaction) => {
      void this.inFlight.track(router.handle(interaction)).finally(() => this.rawChannelIds.delete(interaction.id));
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
  whenIdle(): Promise<void> {
    return this.inFlight.idle();
  }

  /** Stops taking interactions, lets those in progress answer (a few seconds at most), closes the gateway. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.client.removeAllListeners(Events.InteractionCreate);
      await this.inFlight.drain();
      await this.client.destroy();
    })();
    return this.stopping;
  }

  connected(): boolean {
    return this.started && !this.stopping && this.client.isReady();
  }

  async postDigest(
    channel: ChannelRef,
    message: OutgoingMessage,
    options: PostDigestOptions,
  ): Promise<{ messageIds: string[] }> {
    return postDigest(this.client.rest, this.log, channel, message, options);
  }

  /**
   * Discord documents `channel_id` on interactions and marks the `channel` object optional, but discord.js takes the
   * channel only from `channel.id`: keep `channel_id` of a payload without `channel`, for the router.
   * NOTE: wraps discord.js's internal InteractionCreate action (the function its gateway handler calls); the
   * version is pinned in package-lock.json.
   */
  private keepRawChannelIds(): void {
    const action = (this.client as unknown as { actions: { InteractionCreate: { handle(data: unknown): unknown } } })
      .actions.InteractionCreate;
    const handle = action.handle.bind(action);
    action.handle = (data: unknown) => {
      const d = data as { id?: unknown; channel?: unknown; channel_id?: unknown };
      if (!d.channel && typeof d.id === 'string' && typeof d.channel_id === 'string') {
        this.rawChannelIds.set(d.id, d.channel_id);
      }
      return handle(data);
    };
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
