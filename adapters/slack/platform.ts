/**
 * The Slack platform: a Bolt app (Socket Mode or HTTP) that routes `/papers` and button presses into the core
 * (inbound.ts), and a digest poster paced per channel and per workspace (post.ts). Transport only: the core decides
 * every answer.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type AppOptions } from '@slack/bolt';
import {
  BotError,
  type ChannelRef,
  type ChatPlatform,
  type CommandDispatcher,
  describeError,
  type Logger,
  type OutgoingMessage,
  type PlatformContext,
  type PlatformHttp,
  type PlatformTraits,
  type PostDigestOptions,
} from '../../src/index.js';
import { InFlight } from '../shared/in-flight.js';
import { boltLogger } from './bolt-logger.js';
import { SlackClients } from './clients.js';
import type { SlackAdapterConfig, SlackAdapterOptions } from './config.js';
import { CREDENTIAL_ERRORS, slackErrorCode, toPlatformError } from './errors.js';
import { sendFileToUser } from './files.js';
import { type InstallationContext, type InstallationOutcome, registerInbound, type Uninstalled } from './inbound.js';
import { SlackInstallationStore } from './installation-store.js';
import { ManagerCheck } from './managers.js';
import { BOT_SCOPES } from './manifest.js';
import { SlackPacer } from './pacer.js';
import { SlackPoster } from './post.js';
import { ReplayGuard } from './replay-guard.js';

export class SlackPlatform implements ChatPlatform {
  readonly name = 'slack';
  readonly traits: PlatformTraits;
  /** The installation store (OAuth mode only). */
  readonly installations: SlackInstallationStore | undefined;
  private readonly config: SlackAdapterConfig;
  private readonly options: SlackAdapterOptions;
  private readonly log: Logger;
  private readonly clients: SlackClients;
  private readonly poster: SlackPoster;
  private readonly managers: ManagerCheck;
  private readonly inFlight = new InFlight();
  private app: App | undefined;
  private server: Server | undefined;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  /** The bot's HTTP routes, served on this receiver: HTTP mode listening on HTTP_PORT. */
  private readonly http: PlatformHttp | undefined;

  constructor(
    config: SlackAdapterConfig,
    context: Pick<PlatformContext, 'log' | 'state' | 'http' | 'metrics'>,
    traits: PlatformTraits,
  ) {
    this.config = config;
    this.options = config.options ?? {};
    this.log = context.log;
    const listensOn = this.options.port ?? this.config.port;
    this.http =
      config.transport.kind === 'http' && context.http && context.http.port === listensOn ? context.http : undefined;
    this.traits = traits;
    this.clients = new SlackClients(config, this.log);
    this.poster = new SlackPoster(this.clients, new SlackPacer(this.options.pacing), this.log, context.metrics);
    this.managers = new ManagerCheck({
      managerIds: config.managerIds,
      fetchUser: (token, userId) => this.clients.fetchUser(token, userId),
      ttlMs: this.options.managerCacheTtlMs,
      log: this.log,
    });
    this.installations =
      config.auth.kind === 'oauth'
        ? new SlackInstallationStore(context.state, this.log, {
            cacheTtlMs: this.options.installationCacheTtlMs,
            lookupTimeoutMs: this.options.installationLookupTimeoutMs,
            listTeams: (token) => this.clients.listOrgTeams(token),
          })
        : undefined;
    this.clients.installations = this.installations;
  }

  /** Whether the bot's HTTP routes (health, metrics…) are served by this platform's receiver. */
  get servesHttp(): boolean {
    return this.http !== undefined;
  }

  /** The port the HTTP receiver listens on (HTTP mode, after start). */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  start(dispatcher: CommandDispatcher): Promise<void> {
    this.starting ??= this.startApp(dispatcher);
    return this.starting;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // A start still connecting (Socket Mode retrying) is not waited for longer than the grace period.
      if (this.starting) {
        const connecting = new InFlight();
        void connecting.track(this.starting.catch(() => {}));
        await connecting.drain();
      }
      if (this.app) {
        await this.app.stop().catch((err: unknown) => this.log.warn({ err }, 'stopping the Slack app failed'));
      }
      // Commands already acknowledged get their answer before the database closes.
      await this.inFlight.drain();
    })();
    return this.stopping;
  }

  /** Resolves when every command and button press received so far has been answered. */
  whenIdle(): Promise<void> {
    return this.inFlight.idle();
  }

  connected(): boolean {
    return this.app !== undefined && !this.stopping;
  }

  postDigest(
    channel: ChannelRef,
    message: OutgoingMessage,
    options: PostDigestOptions,
  ): Promise<{ messageIds: string[] }> {
    return this.poster.postDigest(channel, message, options);
  }

  /**
   * Whether this process could read a workspace's channels back to recover an interrupted digest, as last seen
   * (undefined: not tried yet): 'ok', or why not (missing_scope…).
   */
  historyAccess(teamOrInstallKey: string): { readonly state: string; readonly at: Date } | undefined {
    return this.poster.historyAccess(teamOrInstallKey);
  }

  /** What /papers status says about recovering an interrupted digest in a workspace. */
  recoveryNote(teamId: string): string {
    const access = this.poster.historyAccess(teamId)?.state;
    if (access === 'ok')
      return 'a digest interrupted by a crash or a lost answer is read back from the channel history (channels:history, groups:history) and never posted twice.';
    if (access)
      return `the channel history cannot be read here (${access}): a digest interrupted by a crash or a lost answer may post the part that was in flight twice (at most one message per interruption). Reinstall the app with the channels:history and groups:history scopes to close this.`;
    return 'a digest interrupted by a crash or a lost answer is read back from the channel history before anything is posted again; this needs the channels:history and groups:history scopes (without them, the part in flight may be posted twice).';
  }

  private async startApp(dispatcher: CommandDispatcher): Promise<void> {
    const { auth, transport } = this.config;
    const apiUrl = this.clients.slackApiUrl;
    const options: AppOptions = {
      logger: boltLogger(this.log),
      // A fresh object: Bolt writes its logger into it. No retryConfig: Socket Mode's reconnects rely on the
      // default one being patient.
      clientOptions: { ...(apiUrl ? { slackApiUrl: apiUrl } : {}), timeout: 30_000 },
      convoStore: false,
      customRoutes: this.http
        ? [
            // Every GET/HEAD that is not Slack's own (install pages) goes to the bot's routes: /healthz, /readyz,
            // /metrics… on this one port, rather than a second server.
            {
              path: '{/*rest}',
              method: ['GET', 'HEAD'],
              handler: (req, res) => void this.http!.handle(req, res),
            },
          ]
        : [
            {
              path: '/healthz',
              method: ['GET'],
              handler: (_req, res) => {
                res.writeHead(200, { 'content-type': 'text/plain' });
                res.end('ok\n');
              },
            },
          ],
    };
    if (auth.kind === 'token') {
      const identity = await this.verifyBotToken(auth.botToken);
      this.clients.workspaceKey = identity.teamId ?? 'default';
      Object.assign(options, {
        token: auth.botToken,
        botId: identity.botId,
        botUserId: identity.botUserId,
        // Checked above, with a clear message; Bolt's own check would fail on the first event instead.
        tokenVerificationEnabled: false,
      });
    } else {
      Object.assign(options, {
        clientId: auth.clientId,
        clientSecret: auth.clientSecret,
        stateSecret: auth.stateSecret,
        scopes: [...BOT_SCOPES],
        installationStore: this.installations,
        ...(auth.redirectUri ? { redirectUri: auth.redirectUri } : {}),
        installerOptions: {
          // /slack/install sends the browser straight to Slack's consent page.
          directInstall: true,
          ...(auth.redirectUri ? { redirectUriPath: new URL(auth.redirectUri).pathname } : {}),
          ...(transport.kind === 'socket' ? { port: this.options.port ?? this.config.port } : {}),
        },
      });
    }
    if (transport.kind === 'socket') {
      Object.assign(options, { socketMode: true, appToken: transport.appToken });
    } else {
      Object.assign(options, { signingSecret: transport.signingSecret });
    }

    const app = new App(options);
    app.error(async (err) => {
      this.log.warn({ err: { name: err.name, code: err.code, message: err.message } }, 'Slack request failed');
    });
    registerInbound(app, {
      dispatcher,
      log: this.log,
      managers: this.managers,
      inFlight: this.inFlight,
      onUninstalled: (context, reason) => this.forgetInstallation(context, reason),
      recovery: (teamId) => this.recoveryNote(teamId),
      ...(this.installations ? { installation: (context) => this.waitForInstallation(context) } : {}),
      sendFile: async (botToken, userId, file) => {
        if (!botToken) throw new Error('no bot token for this workspace');
        await sendFileToUser(this.clients.clientFor(botToken), userId, file);
      },
    });
    this.app = app;
    try {
      if (transport.kind === 'socket') {
        await app.start();
        this.log.info({ mode: 'socket', auth: auth.kind }, 'Slack connected (Socket Mode)');
      } else {
        const port = this.options.port ?? this.config.port;
        this.server = (await app.start({ port, ...(this.options.host ? { host: this.options.host } : {}) })) as Server;
        // Bolt checks the signature and refuses stale requests; replays and future dates are refused here.
        new ReplayGuard({ signingSecret: transport.signingSecret, log: this.log }).install(this.server);
        this.http?.applyTimeouts(this.server);
        this.log.info({ mode: 'http', port: this.port, auth: auth.kind }, 'Slack HTTP receiver listening');
      }
    } catch (err) {
      this.app = undefined;
      throw this.startError(err, transport.kind);
    }
  }

  /** auth.test on the bot token: a rejected token stops the start with one line naming SLACK_BOT_TOKEN. */
  private async verifyBotToken(token: string): Promise<{ botId?: string; botUserId?: string; teamId?: string }> {
    try {
      const result = await this.clients.clientFor(token).auth.test();
      return {
        ...(result.bot_id ? { botId: result.bot_id } : {}),
        ...(result.user_id ? { botUserId: result.user_id } : {}),
        ...(result.team_id ? { teamId: result.team_id } : {}),
      };
    } catch (err) {
      const code = slackErrorCode(err);
      if (code !== undefined && CREDENTIAL_ERRORS.has(code)) {
        throw new BotError(
          `SLACK_BOT_TOKEN was rejected by Slack (${code}): copy the Bot User OAuth Token (xoxb-…) from your app's OAuth & Permissions page`,
          'CONFIG_INVALID',
        );
      }
      throw new BotError(
        `cannot check SLACK_BOT_TOKEN with Slack: ${toPlatformError(err, 'auth.test').message}`,
        'PLATFORM_ERROR',
        {
          cause: err,
        },
      );
    }
  }

  private startError(err: unknown, mode: 'socket' | 'http'): BotError {
    const code = slackErrorCode(err);
    if (mode === 'socket' && code !== undefined && CREDENTIAL_ERRORS.has(code)) {
      return new BotError(
        `SLACK_APP_TOKEN was rejected by Slack (${code}): create an app-level token (xapp-…) with the connections:write scope under Basic Information → App-Level Tokens`,
        'CONFIG_INVALID',
      );
    }
    if ((err as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE') {
      return new BotError(
        `SLACK_PORT ${this.options.port ?? this.config.port} is already in use: choose another port`,
        'CONFIG_INVALID',
      );
    }
    if (err instanceof BotError) return err;
    return new BotError(`Slack could not start (${mode} mode): ${describeError(err)}`, 'PLATFORM_ERROR', {
      cause: err,
    });
  }

  /**
   * The bot token of a request Bolt let through without one because the installation lookup was slow or failed:
   * the lookup under way (or a new one), waited for at most `installationWaitMs`.
   */
  private async waitForInstallation(context: InstallationContext): Promise<InstallationOutcome> {
    const waitedMs = this.options.installationWaitMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const found = await Promise.race([
        this.installations!.resolve(context),
        new Promise<'slow'>((resolve) => {
          timer = setTimeout(() => resolve('slow'), waitedMs);
        }),
      ]);
      if (found === 'slow') return { problem: 'slow', waitedMs };
      const botToken = found?.bot?.token;
      return botToken ? { botToken } : { problem: 'missing' };
    } catch (err) {
      this.log.warn(
        { err, team: context.teamId, enterprise: context.enterpriseId },
        'Slack installation lookup failed',
      );
      return { problem: 'failed' };
    } finally {
      clearTimeout(timer);
    }
  }

  private async forgetInstallation(context: Uninstalled, reason: string): Promise<void> {
    const where = { team: context.teamId, enterprise: context.enterpriseId, reason };
    if (!this.installations) {
      this.log.warn(where, 'PaperPulse was uninstalled from the Slack workspace of SLACK_BOT_TOKEN');
      return;
    }
    try {
      await this.installations.deleteInstallation({
        teamId: context.teamId,
        enterpriseId: context.enterpriseId,
        isEnterpriseInstall: context.isEnterpriseInstall === true,
      } as never);
      this.log.info(where, 'Slack installation removed');
    } catch (err) {
      this.log.error({ err, ...where }, 'could not remove a Slack installation');
    }
  }
}
