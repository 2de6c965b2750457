/**
 * The Slack platform: a Bolt app (Socket Mode or HTTP) that routes `/papers` and button presses into the core, and
 * a digest poster on @slack/web-api clients paced per channel and per workspace. Transport only: the core decides
 * every answer.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, type AppOptions, type RespondFn, type types } from '@slack/bolt';
import { WebClient, type WebClientOptions } from '@slack/web-api';
import {
  BotError,
  type ChannelRef,
  type ChatPlatform,
  type CommandDispatcher,
  type CommandResult,
  type Database,
  describeError,
  type Logger,
  type OutgoingMessage,
  PlatformError,
  type PostDigestOptions,
} from '../../src/index.js';
import { boltLogger } from './bolt-logger.js';
import type { SlackAdapterConfig } from './config.js';
import { CREDENTIAL_ERRORS, retryAfterSeconds, slackErrorCode, toPlatformError } from './errors.js';
import { type BotCredentials, PgInstallationStore } from './installation-store.js';
import { SLACK_BUDGET } from './limits.js';
import { ManagerCheck, type SlackUserRoles } from './managers.js';
import { BOT_SCOPES } from './manifest.js';
import { SlackPacer, type SlackPacing } from './pacer.js';
import { hasImages, renderMessage, type SlackMessage, withoutImages } from './render.js';

/** What tests and benchmarks inject; production leaves it empty. */
export interface SlackAdapterDeps {
  /** Web API base URL (a fake Slack in tests); else SLACK_API_URL, else Slack's. */
  readonly slackApiUrl?: string | undefined;
  /** HTTP port to listen on (0: any free port); default the configured SLACK_PORT. */
  readonly port?: number | undefined;
  /** Interface to listen on; default all. */
  readonly host?: string | undefined;
  readonly pacing?: Partial<SlackPacing> | undefined;
  /** How long a users.info answer (admin/owner) is reused. */
  readonly managerCacheTtlMs?: number | undefined;
  /** How long a fetched installation is reused. */
  readonly installationCacheTtlMs?: number | undefined;
  /** stop() waits this long at most for commands being answered. */
  readonly stopTimeoutMs?: number | undefined;
}

/** Where a command or button press came from. */
interface Origin {
  readonly teamId: string;
  readonly channelId: string;
  readonly userId: string;
  readonly userName: string;
  readonly botToken: string | undefined;
}

type Blocks = (types.KnownBlock | types.Block)[];

export class SlackPlatform implements ChatPlatform {
  readonly name = 'slack' as const;
  /** The installation store (OAuth mode only). */
  readonly installations: PgInstallationStore | undefined;
  private readonly config: SlackAdapterConfig;
  private readonly log: Logger;
  private readonly deps: SlackAdapterDeps;
  private readonly apiUrl: string | undefined;
  private readonly pacer: SlackPacer;
  private readonly managers: ManagerCheck;
  private readonly clients = new Map<string, WebClient>();
  private readonly inFlight = new Set<Promise<void>>();
  private app: App | undefined;
  private server: Server | undefined;
  private workspaceKey = 'default';
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;

  constructor(config: SlackAdapterConfig, log: Logger, database: Database, deps: SlackAdapterDeps = {}) {
    this.config = config;
    this.log = log;
    this.deps = deps;
    this.apiUrl = deps.slackApiUrl ?? config.apiUrl;
    this.pacer = new SlackPacer(deps.pacing);
    this.managers = new ManagerCheck({
      managerIds: config.managerIds,
      fetchUser: (token, userId) => this.fetchUser(token, userId),
      ttlMs: deps.managerCacheTtlMs,
      log,
    });
    this.installations =
      config.auth.kind === 'oauth'
        ? new PgInstallationStore(database, log, {
            cacheTtlMs: deps.installationCacheTtlMs,
            listTeams: (token) => this.listOrgTeams(token),
          })
        : undefined;
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
      const limit = this.deps.stopTimeoutMs ?? 10_000;
      const timeout = () => new Promise((resolve) => setTimeout(resolve, limit).unref());
      // A start still connecting (Socket Mode retrying) is not waited for longer than the limit.
      if (this.starting) await Promise.race([this.starting.catch(() => {}), timeout()]);
      if (this.app) {
        await this.app.stop().catch((err: unknown) => this.log.warn({ err }, 'stopping the Slack app failed'));
      }
      // Commands already acknowledged get their answer before the database closes.
      await Promise.race([Promise.allSettled([...this.inFlight]), timeout()]);
    })();
    return this.stopping;
  }

  async postDigest(
    channel: ChannelRef,
    message: OutgoingMessage,
    options: PostDigestOptions,
  ): Promise<{ messageIds: string[] }> {
    if (channel.platform !== 'slack') {
      throw new PlatformError('slack', 'not_slack', `${channel.platform}:${channel.channelId} is not a Slack channel`, {
        permanent: true,
      });
    }
    const credentials = await this.credentialsFor(channel);
    const parts = renderMessage(message, { thread: options.thread });
    const ids = [...options.alreadyPosted];
    for (let i = ids.length; i < parts.length; i++) {
      // The first part is the thread root: every later part answers it.
      const threadTs = options.thread && i > 0 ? ids[0] : undefined;
      const ts = await this.postPart(credentials, channel, parts[i]!, threadTs);
      ids.push(ts);
      await options.onPosted(ts);
    }
    return { messageIds: ids };
  }

  // --- start-up ---

  private async startApp(dispatcher: CommandDispatcher): Promise<void> {
    const { auth, transport } = this.config;
    const logger = boltLogger(this.log);
    const options: AppOptions = {
      logger,
      // A fresh object: Bolt writes its logger into it. No retryConfig: Socket Mode's reconnects rely on the
      // default one being patient.
      clientOptions: { ...(this.apiUrl ? { slackApiUrl: this.apiUrl } : {}), timeout: 30_000 },
      convoStore: false,
      customRoutes: [
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
      this.workspaceKey = identity.teamId ?? 'default';
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
          ...(transport.kind === 'socket' ? { port: this.deps.port ?? this.config.port } : {}),
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
    this.register(app, dispatcher);
    this.app = app;
    try {
      if (transport.kind === 'socket') {
        await app.start();
        this.log.info({ mode: 'socket', auth: auth.kind }, 'Slack connected (Socket Mode)');
      } else {
        const port = this.deps.port ?? this.config.port;
        this.server = (await app.start({ port, ...(this.deps.host ? { host: this.deps.host } : {}) })) as Server;
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
      const result = await this.clientFor(token).auth.test();
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
        { cause: err },
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
        `SLACK_PORT ${this.deps.port ?? this.config.port} is already in use: choose another port`,
        'CONFIG_INVALID',
      );
    }
    if (err instanceof BotError) return err;
    return new BotError(`Slack could not start (${mode} mode): ${describeError(err)}`, 'PLATFORM_ERROR', {
      cause: err,
    });
  }

  // --- incoming: commands, buttons, events ---

  private register(app: App, dispatcher: CommandDispatcher): void {
    // Whatever the command is called in this workspace (/papers by default): the app only receives its own.
    app.command(/^\/.+/, async ({ command, ack, respond, context }) => {
      await ack();
      await this.track(
        this.onCommand(
          dispatcher,
          respond,
          {
            teamId: command.team_id,
            channelId: command.channel_id,
            userId: command.user_id,
            userName: command.user_name || command.user_id,
            botToken: context.botToken,
          },
          command.text ?? '',
        ),
      );
    });

    app.action({ type: 'block_actions' }, async ({ ack, body, action, respond, context }) => {
      await ack();
      const value = 'value' in action && typeof action.value === 'string' ? action.value : action.action_id;
      const teamId = body.team?.id ?? body.user.team_id ?? context.teamId ?? '';
      const channelId = body.channel?.id ?? body.container?.channel_id ?? '';
      await this.track(
        this.onAction(dispatcher, respond, value, {
          teamId,
          channelId,
          userId: body.user.id,
          userName: body.user.username ?? body.user.name ?? body.user.id,
          botToken: context.botToken,
        }),
      );
    });

    app.event('app_uninstalled', async ({ context }) => {
      await this.track(this.forgetInstallation(context, 'app_uninstalled'));
    });
    app.event('tokens_revoked', async ({ event, context }) => {
      // Only a revoked bot token matters: user tokens are not used.
      if ((event.tokens.bot ?? []).length > 0) await this.track(this.forgetInstallation(context, 'tokens_revoked'));
    });
  }

  private async onCommand(dispatcher: CommandDispatcher, respond: RespondFn, from: Origin, raw: string) {
    // The first word is the subcommand, the rest its text: the same split as the console.
    const rest = raw.trim();
    const command = rest.split(/\s+/)[0] || 'help';
    const text = rest.slice(command.length).trim();
    const where = { command: command.slice(0, 40), team: from.teamId, channel: from.channelId, user: from.userId };
    try {
      const result = await dispatcher.dispatch({
        platform: 'slack',
        command,
        input: { kind: 'text', text },
        user: { id: from.userId, displayName: from.userName },
        channel: { platform: 'slack', channelId: from.channelId, workspaceId: from.teamId },
        isManager: await this.managers.isManager(from.teamId, from.userId, from.botToken),
      });
      await this.reply(respond, result, false, where);
    } catch (err) {
      this.log.error({ err, ...where }, 'Slack command failed');
    }
  }

  private async onAction(dispatcher: CommandDispatcher, respond: RespondFn, actionId: string, from: Origin) {
    const where = { action: actionId.slice(0, 60), team: from.teamId, channel: from.channelId, user: from.userId };
    try {
      const result = await dispatcher.dispatchAction({
        platform: 'slack',
        actionId,
        user: { id: from.userId, displayName: from.userName },
        channel: { platform: 'slack', channelId: from.channelId, workspaceId: from.teamId },
        isManager: await this.managers.isManager(from.teamId, from.userId, from.botToken),
      });
      await this.reply(respond, result, true, where);
    } catch (err) {
      this.log.error({ err, ...where }, 'Slack button failed');
    }
  }

  /** Sends a result through the response_url: ephemeral unless the command made it public. */
  private async reply(respond: RespondFn, result: CommandResult, isAction: boolean, where: object): Promise<void> {
    const parts = renderMessage(result.message).slice(0, SLACK_BUDGET.responseParts);
    for (const part of parts) {
      try {
        await respond({
          response_type: result.ephemeral ? 'ephemeral' : 'in_channel',
          text: part.text,
          blocks: part.blocks as unknown as Blocks,
          // A button's answer is a new message: the page with the button stays as it was.
          ...(isAction ? { replace_original: false } : {}),
        });
      } catch (err) {
        this.log.warn({ err: describeError(err), ...where }, 'could not answer through response_url');
        return;
      }
    }
  }

  private async forgetInstallation(
    context: {
      teamId?: string | undefined;
      enterpriseId?: string | undefined;
      isEnterpriseInstall?: boolean | undefined;
    },
    reason: string,
  ): Promise<void> {
    const where = { team: context.teamId, enterprise: context.enterpriseId, reason };
    if (!this.installations) {
      this.log.warn(where, 'PaperPulse was uninstalled from the Slack workspace of SLACK_BOT_TOKEN');
      return;
    }
    try {
      const isEnterpriseInstall = context.isEnterpriseInstall === true;
      await this.installations.deleteInstallation({
        teamId: context.teamId,
        enterpriseId: context.enterpriseId,
        isEnterpriseInstall,
      } as never);
      this.log.info(where, 'Slack installation removed');
    } catch (err) {
      this.log.error({ err, ...where }, 'could not remove a Slack installation');
    }
  }

  /** Runs `work` as part of what stop() waits for. Never rejects. */
  private track(work: Promise<void>): Promise<void> {
    const tracked = work.catch((err: unknown) => this.log.error({ err }, 'Slack handler failed'));
    this.inFlight.add(tracked);
    void tracked.finally(() => this.inFlight.delete(tracked));
    return tracked;
  }

  // --- outgoing: digests ---

  private async credentialsFor(channel: ChannelRef): Promise<BotCredentials> {
    const { auth } = this.config;
    if (auth.kind === 'token') return { botToken: auth.botToken, installKey: this.workspaceKey };
    const teamId = channel.workspaceId;
    if (!teamId) {
      throw new PlatformError(
        'slack',
        'no_workspace',
        `slack:${channel.channelId} has no workspace id to find its token`,
        {
          permanent: true,
        },
      );
    }
    let found: BotCredentials | undefined;
    try {
      found = await this.installations!.botCredentials(teamId);
    } catch (err) {
      throw new PlatformError(
        'slack',
        'installation_lookup_failed',
        `looking up the installation of ${teamId} failed`,
        {
          permanent: false,
          cause: err,
        },
      );
    }
    if (!found) {
      throw new PlatformError('slack', 'not_installed', `PaperPulse is not installed in Slack workspace ${teamId}`, {
        permanent: true,
      });
    }
    return found;
  }

  /** Posts one part, paced; waits out 429s (up to the pacing limits), and retries once without images. */
  private async postPart(
    credentials: BotCredentials,
    channel: ChannelRef,
    first: SlackMessage,
    threadTs: string | undefined,
  ): Promise<string> {
    const { pacing } = this.pacer;
    const pacer = this.pacer.workspace(credentials.installKey);
    const client = this.clientFor(credentials.botToken);
    const what = `chat.postMessage to slack:${channel.channelId}`;
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
      const release = await pacer.acquire(channel.channelId);
      try {
        const result = await client.chat.postMessage({
          channel: channel.channelId,
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
              { channel: channel.channelId, workspace: credentials.installKey, waitMs },
              'Slack rate limit: waiting',
            );
            continue;
          }
          throw toPlatformError(err, what, { retryAfterUnitMs: pacing.retryAfterUnitMs });
        }
        if (slackErrorCode(err) === 'invalid_blocks' && hasImages(part)) {
          // Slack refuses a message whose image it could not download: the card is worth more than its picture.
          this.log.warn({ channel: channel.channelId }, 'Slack refused the blocks; posting without thumbnails');
          part = withoutImages(part);
          continue;
        }
        throw toPlatformError(err, what);
      } finally {
        release();
      }
    }
  }

  // --- Web API clients ---

  /**
   * One client per token, so one workspace's requests never queue behind another's. No retries inside the client:
   * 429s are handled by the pacer (WebClient would pause its whole queue), the rest by the core's retry schedule.
   */
  private clientFor(token: string): WebClient {
    let client = this.clients.get(token);
    if (!client) {
      const options: WebClientOptions = {
        logger: boltLogger(this.log),
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        timeout: 30_000,
        ...(this.apiUrl ? { slackApiUrl: this.apiUrl } : {}),
      };
      client = new WebClient(token, options);
      this.clients.set(token, client);
    }
    return client;
  }

  private async fetchUser(token: string, userId: string): Promise<SlackUserRoles | undefined> {
    const result = await this.clientFor(token).users.info({ user: userId });
    return result.user;
  }

  /** The workspaces an org-wide installation covers (auth.teams.list, all pages). */
  private async listOrgTeams(token: string): Promise<string[]> {
    const teams: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.clientFor(token).auth.teams.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const team of page.teams ?? []) if (team.id) teams.push(team.id);
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return teams;
  }
}
