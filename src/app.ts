/**
 * The composition root: the one place that knows which implementation serves each port. It opens the database,
 * builds the stores and services on it, the command registry and dispatcher, the platforms the environment turns on
 * (from the registry it is given: the core never imports an adapter), the delivery service and the scheduler.
 */
import type { CoreServices } from './commands/definition.js';
import { createDispatcher, DEFAULT_TRAITS } from './commands/dispatcher.js';
import { createPapersCommands } from './commands/index.js';
import type { CommandRegistry } from './commands/registry.js';
import type { CoreConfig, Env } from './config.js';
import { createDatabase, type Database } from './db/client.js';
import { PgChannelFeedStore } from './db/pg-channel-feeds.js';
import { PgChannelStore } from './db/pg-channel-store.js';
import { PgContinuationStore } from './db/pg-continuation-store.js';
import { PgDeliveryLedger } from './db/pg-delivery-ledger.js';
import { PgIngestRunStore } from './db/pg-ingest-runs.js';
import { PgPaperSearch } from './db/pg-paper-search.js';
import { PgPaperStore } from './db/pg-paper-store.js';
import { PgPlatformStateStore } from './db/pg-platform-state.js';
import { PgReadingList } from './db/pg-reading-list.js';
import { PgRisingStore } from './db/pg-rising.js';
import { PgSimilarPapers } from './db/pg-similar-papers.js';
import { PgVoteStore } from './db/pg-votes.js';
import type { PlatformName } from './domain/channel.js';
import type { HealthChecks } from './http/health.js';
import type { PrometheusMetrics } from './http/metrics.js';
import type { HttpRoute } from './http/route.js';
import type { RunningHttpServer } from './http/server.js';
import { HfClient } from './huggingface/client.js';
import type { Logger } from './logger.js';
import { packageVersion } from './paths.js';
import { choosePlatforms, describeChoices } from './platforms.js';
import { type Clock, systemClock } from './ports/clock.js';
import type { CommandDispatcher } from './ports/commands.js';
import type { Metrics } from './ports/metrics.js';
import type { PaperSource } from './ports/paper-source.js';
import type { ChatPlatform, PlatformHttp, PlatformIo, PlatformRegistry, PlatformTraits } from './ports/platform.js';
import type { Locks, PlatformStateStore } from './ports/stores.js';
import { type Scheduler, startScheduler } from './scheduler/scheduler.js';
import { type DeliveryOptions, DeliveryService } from './services/delivery-service.js';
import { DigestService } from './services/digest-service.js';
import { IngestService } from './services/ingest-service.js';
import { RisingService } from './services/rising-service.js';
import { TasteService } from './services/taste/taste-service.js';
import { TrendingService } from './services/trending-service.js';
import { ensureArchive } from './startup.js';

export interface AppOptions {
  readonly config: CoreConfig;
  readonly log: Logger;
  readonly clock?: Clock | undefined;
  /** Replaces the Hugging Face client (tests). */
  readonly source?: PaperSource | undefined;
  /** Use this open database instead of opening the configured one (tests). */
  readonly database?: Database | undefined;
  /** Where services and commands record metrics; absent: nowhere (the bot sets it when HTTP_PORT is set). */
  readonly metrics?: Metrics | undefined;
}

/** The core, wired on one database: what the CLI and the bot work with. */
export interface App {
  readonly config: CoreConfig;
  readonly log: Logger;
  readonly database: Database;
  readonly services: CoreServices;
  readonly commands: CommandRegistry;
  readonly platformState: PlatformStateStore;
  readonly locks: Locks;
  /** A dispatcher for these platforms' commands (their traits say who manages a channel, how long buttons live). */
  dispatcher(platforms: readonly Pick<ChatPlatform, 'name' | 'traits'>[]): CommandDispatcher;
  /** Closes the database. Idempotent. */
  close(): Promise<void>;
}

/** Opens the configured database, applies pending migrations and builds the core on it. */
export async function openApp(options: AppOptions): Promise<App> {
  const { config, log } = options;
  const database =
    options.database ?? (await createDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log }));
  try {
    await database.migrate();
  } catch (err) {
    await database.close();
    throw err;
  }
  return buildApp(database, options);
}

/** Builds the core on an open, migrated database. */
export function buildApp(database: Database, options: Omit<AppOptions, 'database'>): App {
  const { config, log } = options;
  const clock = options.clock ?? systemClock;
  const source = options.source ?? new HfClient({ baseUrl: config.hfApiUrl, timeoutMs: config.hfTimeoutMs, log });
  const papers = new PgPaperStore(database);
  const search = new PgPaperSearch(database);
  const channels = new PgChannelStore(database);
  const deliveries = new PgDeliveryLedger(database);
  const readingLists = new PgReadingList(database);
  const votes = new PgVoteStore(database);
  const taste = new TasteService({ votes, readingLists, papers });
  const rising = new RisingService({ store: new PgRisingStore(database), papers, source, clock, log });
  const services: CoreServices = {
    papers,
    search,
    channels,
    deliveries,
    continuations: new PgContinuationStore(database),
    digests: new DigestService({ papers, channels, deliveries, search, clock, taste, votes, rising }),
    trending: new TrendingService(papers, clock),
    ingest: new IngestService({
      papers,
      runs: new PgIngestRunStore(database),
      source,
      clock,
      log,
      metrics: options.metrics,
    }),
    clock,
    channelFeeds: new PgChannelFeedStore(database),
    publicUrl: config.publicUrl,
    readingLists,
    votes,
    taste,
    similar: new PgSimilarPapers(database),
    rising,
  };
  const commands = createPapersCommands();
  return {
    config,
    log,
    database,
    services,
    commands,
    platformState: new PgPlatformStateStore(database),
    locks: database,
    dispatcher: (platforms) => {
      const traits = new Map<PlatformName, PlatformTraits>(platforms.map((p) => [p.name, p.traits]));
      return createDispatcher({
        registry: commands,
        services,
        traits: (name) => traits.get(name) ?? DEFAULT_TRAITS,
        log: log.child({ component: 'commands' }),
        metrics: options.metrics,
      });
    },
    close: () => database.close(),
  };
}

export interface BotOptions extends AppOptions {
  /** The environment the platforms read their variables from. */
  readonly env: Env;
  readonly io: PlatformIo;
  /** The platforms this installation knows (adapters/registry.ts); the environment turns them on. */
  readonly platforms: PlatformRegistry;
  readonly deliveryOptions?: Partial<DeliveryOptions> | undefined;
  /** Run the cron scheduler (digests and ingest). Off for tests that drive reconcile themselves. */
  readonly schedule?: boolean | undefined;
}

export interface RunningBot {
  readonly app: App;
  readonly platforms: readonly ChatPlatform[];
  readonly dispatcher: CommandDispatcher;
  readonly delivery: DeliveryService;
  /** Resolves when a platform has finished on its own (the console at end of scripted input, or `exit`). */
  readonly finished: Promise<void>;
  /** The HTTP server of HTTP_PORT, when the bot opened one (not when a platform serves the routes). */
  readonly http: RunningHttpServer | undefined;
  /** Stops the scheduler (waiting for work in progress), the platforms and the database. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts PaperPulse, in named steps: open the core; choose and create the platforms the environment turns on;
 * fill an empty archive (ensureArchive); start the platforms; start the scheduler, whose first reconcile posts the
 * digests missed while the bot was down (less than 6 hours late).
 */
export async function runBot(options: BotOptions): Promise<RunningBot> {
  const { log, config } = options;
  const choices = await choosePlatforms(options.platforms, options.env);
  // prom-client and the HTTP server are loaded only when HTTP_PORT asks for them.
  const prometheus =
    config.httpPort !== undefined ? (await import('./http/metrics.js')).createPrometheusMetrics() : undefined;
  const metrics = options.metrics ?? prometheus?.metrics;
  const app = await openApp({ ...options, metrics });
  let scheduler: Scheduler | undefined;
  let http: RunningHttpServer | undefined;
  let phase: 'starting' | 'running' | 'stopping' = 'starting';
  const created: ChatPlatform[] = [];
  const started: ChatPlatform[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      phase = 'stopping';
      await scheduler?.stop();
      await Promise.all(
        started.map((platform) =>
          platform.stop().catch((err: unknown) => log.warn({ err, platform: platform.name }, 'platform stop failed')),
        ),
      );
      await http?.close();
      await app.close();
    })();
    return stopping;
  };
  try {
    const platformHttp =
      config.httpPort !== undefined && prometheus
        ? await httpRoutesFor(config.httpPort, {
            app,
            prometheus,
            log: log.child({ component: 'http' }),
            health: {
              phase: () => phase,
              pingDatabase: async () => {
                await app.database.query('select 1', []);
              },
              pendingMigrations: async () => (await import('./db/migration-status.js')).pendingMigrations(app.database),
              platforms: () => created.map((p) => ({ name: p.name, connected: p.connected?.() ?? true })),
            },
          })
        : undefined;
    for (const choice of choices.filter((c) => c.on)) {
      const { module } = choice;
      created.push(
        await module.create(choice.config, {
          log: log.child({ platform: module.name }),
          state: app.platformState.scope(module.name),
          io: options.io,
          commands: app.commands.list,
          metrics,
          http: platformHttp,
        }),
      );
    }
    if (platformHttp && config.httpPort !== undefined && !created.some((p) => p.servesHttp)) {
      const { startHttpServer } = await import('./http/server.js');
      http = await startHttpServer({
        port: config.httpPort,
        host: config.httpHost,
        routes: platformHttp.routes,
        log: log.child({ component: 'http' }),
      });
    }
    const notify = (line: string) => {
      const shown = created.filter((p) => p.notice);
      for (const p of shown) p.notice!(line);
      if (shown.length === 0) log.info(line);
    };
    const database = app.database.kind === 'pglite' ? `embedded database in ${options.config.dataDir}` : 'Postgres';
    const schedule = options.schedule === false ? 'off' : `on (ingest ${options.config.ingestCron})`;
    log.info(
      { version: packageVersion(), database: app.database.kind, platforms: describeChoices(choices), schedule },
      'PaperPulse starting',
    );
    for (const p of created) p.notice?.(`PaperPulse ${packageVersion()} · ${database} · ${describeChoices(choices)}`);
    await ensureArchive(app.services, log, notify);
    const dispatcher = app.dispatcher(created);
    const delivery = new DeliveryService({
      channels: app.services.channels,
      deliveries: app.services.deliveries,
      digests: app.services.digests,
      platforms: new Map(created.map((p) => [p.name, p])),
      clock: app.services.clock,
      log: log.child({ component: 'delivery' }),
      options: options.deliveryOptions,
      metrics,
    });
    for (const platform of created) {
      await platform.start(dispatcher);
      started.push(platform);
      log.info({ platform: platform.name }, 'platform started');
    }
    if (options.schedule !== false) {
      scheduler = startScheduler({
        delivery,
        ingest: app.services.ingest,
        continuations: app.services.continuations,
        locks: app.locks,
        clock: app.services.clock,
        log: log.child({ component: 'scheduler' }),
        ingestCron: options.config.ingestCron,
        rising: app.services.rising,
      });
    }
    phase = 'running';
    const endings = created.flatMap((p) => (p.finished ? [p.finished] : []));
    const finished = endings.length > 0 ? Promise.race(endings) : new Promise<void>(() => {});
    return { app, platforms: created, dispatcher, delivery, finished, http, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** What a group of HTTP routes may be built from. */
export interface HttpRouteContext {
  readonly app: App;
  readonly prometheus: PrometheusMetrics;
  readonly health: HealthChecks;
  readonly log: Logger;
}

/**
 * The route groups of the optional HTTP server (HTTP_PORT), tried in this order: add a group by adding its factory
 * to this list.
 */
async function httpRouteGroups(ctx: HttpRouteContext): Promise<HttpRoute[]> {
  const [{ healthRoutes }, { feedRoutes }] = await Promise.all([import('./http/health.js'), import('./http/feeds.js')]);
  return [healthRoutes(ctx.health), ctx.prometheus.route, feedRoutes({ app: ctx.app })];
}

/** The routes, and how a platform with its own HTTP server (Slack in HTTP mode) serves them on HTTP_PORT. */
async function httpRoutesFor(
  port: number,
  ctx: HttpRouteContext,
): Promise<PlatformHttp & { readonly routes: readonly HttpRoute[] }> {
  const [routes, { applyHttpTimeouts, handleHttpRequest }] = await Promise.all([
    httpRouteGroups(ctx),
    import('./http/server.js'),
  ]);
  return {
    port,
    routes,
    handle: (req, res) => handleHttpRequest(routes, ctx.log, req, res),
    applyTimeouts: applyHttpTimeouts,
  };
}
