/**
 * The fake Slack's server and router: real HTTP (and WebSocket) on 127.0.0.1 for the real @slack/web-api clients and
 * the real Bolt app. It serves the Web API methods PaperPulse calls or may call (auth.test, users.info,
 * chat.postMessage, conversations.history, files.getUploadURLExternal + upload + files.completeUploadExternal,
 * oauth.v2.access, apps.connections.open, auth.teams.list), the `response_url`s of commands and buttons, and plays
 * Slack's side of the app's endpoint (signed, timed requests) and of Socket Mode.
 *
 * It is strict where Slack is, by the numbers in documented.ts: Block Kit limits (blocks.ts), pacing and tiers with
 * 429 + Retry-After (rate-limit.ts), scopes, the 3-second ack, response_url uses and lifetime. Everything accepted is
 * kept by recorder.ts; seeded random faults come from ../fault-injection.ts. Time can be scaled through the options.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { isMultipart, parseMultipart, readBody } from '../fake-http.js';
import { type FaultCounters, FaultInjector, type FaultOptions } from '../fault-injection.js';
import { deliverWithRetries, type EventAttempt, type TimedAnswer, timedPost } from './app-requests.js';
import { checkBlocks, checkMetadata, type MessageMetadata } from './blocks.js';
import { SLACK_FILES, SLACK_REPLIES, SLACK_RESPONSE_URL, SLACK_SCOPES } from './documented.js';
import { type FakeSlackOptions, type FakeWorkspace, type ResolvedOptions, resolveOptions } from './options.js';
import { PostPacer, retryAfterSeconds, TierLimiter } from './rate-limit.js';
import {
  type AppAck,
  compareTs,
  type PostedMessage,
  type ResponseUrlPost,
  type ResponseUrlRefusal,
  SlackRecorder,
  type UploadedFile,
} from './recorder.js';
import { type SocketAck, SocketModeServer } from './socket-mode.js';

/** A failure to answer the next matching call(s) with. */
export type Injected =
  | { readonly error: string; readonly metadata?: readonly string[] | undefined }
  | { readonly status: 429; readonly retryAfter: number }
  | { readonly status: 500 | 502 | 503; readonly afterAccepting?: boolean | undefined };

/** A conversation's kind, which decides the history scope it needs. */
export type ChannelType = 'public' | 'private' | 'im' | 'mpim';

interface Injection {
  readonly method: string;
  readonly channel: string | undefined;
  readonly team: string | undefined;
  readonly failure: Injected;
  times: number;
}

interface Grant {
  readonly workspace: FakeWorkspace;
  readonly isEnterpriseInstall: boolean;
  readonly scopes: readonly string[];
}

type Params = Record<string, unknown>;

/** How the fake answers one Web API call. */
interface Reply {
  /** A JSON answer (HTTP 200, as Slack answers errors too). */
  send(body: Record<string, unknown>): void;
  /** A 429 with Retry-After, in Slack's shape. */
  rateLimited(waitMs: number): void;
}

/**
 * What the user is shown for the app's answer to a command or button press: the acknowledgement (its body, when
 * it has one) only when it came in time with a 2xx. A late answer is ignored: Slack has already shown its timeout
 * error ("Timeout was reached", platform-facts §B2; the exact wording is Slack's and not relied on). A non-2xx in
 * time (Bolt's 404 for an unacknowledged request, a 401, a 500) is shown as a failed command.
 */
export type UserSees = 'ack' | 'timeout' | 'error';

function userSees(answer: TimedAnswer): UserSees {
  if (answer.late || answer.status === 0) return 'timeout';
  return answer.status >= 200 && answer.status < 300 ? 'ack' : 'error';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FakeSlack {
  readonly options: ResolvedOptions;
  /** What was accepted: messages, response_url posts, acks, files, lost answers. */
  readonly recorder = new SlackRecorder();
  /** Every accepted chat.postMessage (and file share), in order. */
  readonly messages: PostedMessage[] = this.recorder.messages;
  /** Every accepted POST to a response_url, in order. */
  readonly responses: ResponseUrlPost[] = this.recorder.responses;
  /** Calls per Web API method (accepted or not). */
  readonly calls = new Map<string, number>();
  /** 429s the fake answered because a limit was exceeded (not injected ones). */
  readonly limitRejections: { readonly team: string; readonly channel: string; readonly reason: string }[] = [];
  /** chat.postMessage calls refused for their blocks, with the reason. */
  readonly blockRejections: { readonly error: string; readonly detail: string }[] = [];
  /** Metadata Slack dropped with an `invalid_metadata_schema` warning (the message itself was posted). */
  readonly metadataWarnings: { readonly team: string; readonly channel: string; readonly metadata: unknown }[] = [];
  /** Seeded random faults (injectFaults) and their counters. */
  readonly faults = new FaultInjector((_method, path) => path === '/api/chat.postMessage');
  private readonly workspaces = new Map<string, FakeWorkspace>();
  private readonly byToken = new Map<string, FakeWorkspace>();
  private readonly scopes = new Map<string, readonly string[]>();
  private readonly channelErrors = new Map<string, string>();
  private readonly channelTypes = new Map<string, ChannelType>();
  private readonly notMember = new Set<string>();
  private readonly injections: Injection[] = [];
  private readonly grants = new Map<string, Grant>();
  private readonly pacer: PostPacer;
  private readonly historyTier: TierLimiter;
  private readonly filesTier: TierLimiter;
  private readonly waiters: (() => void)[] = [];
  private readonly socket = new SocketModeServer(() => this.notify());
  private seq = 0;
  private server: Server | undefined;
  private base = '';

  constructor(options: FakeSlackOptions = {}) {
    this.options = resolveOptions(options);
    this.pacer = new PostPacer(() => this.options);
    this.historyTier = new TierLimiter(() => ({
      perWindow: this.options.historyPerMinute,
      windowMs: this.options.tierWindowMs,
    }));
    this.filesTier = new TierLimiter(() => ({
      perWindow: this.options.filesPerMinute,
      windowMs: this.options.tierWindowMs,
    }));
    if (options.faults) this.faults.configure(options.faults);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (res.headersSent || res.destroyed) return;
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.socket.upgrade(req, socket, head),
    );
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.socket.close();
    this.faults.releaseAll();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    this.server?.closeAllConnections();
  }

  /** The Web API base URL to give WebClient (`slackApiUrl`). */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  /** A response_url served by this fake; its lifetime starts when it is first issued. */
  responseUrl(id: string): string {
    this.recorder.issueResponseUrl(id);
    return `${this.base}/respond/${id}`;
  }

  addWorkspace(workspace: FakeWorkspace): FakeWorkspace {
    this.workspaces.set(workspace.teamId, workspace);
    this.byToken.set(workspace.botToken, workspace);
    if (workspace.scopes) this.scopes.set(workspace.teamId, workspace.scopes);
    return workspace;
  }

  /** The token no longer works (invalid_auth), as after an uninstall. */
  revokeToken(token: string): void {
    this.byToken.delete(token);
  }

  /** The bot token's scopes in a workspace (as if the app were reinstalled with them). */
  setScopes(teamId: string, scopes: readonly string[]): void {
    this.scopes.set(teamId, scopes);
  }

  /** The scopes the workspace's bot token has. */
  scopesOf(teamId: string): readonly string[] {
    return this.scopes.get(teamId) ?? SLACK_SCOPES.defaults;
  }

  /** Every post to this channel fails with `error` (e.g. channel_not_found, not_in_channel, is_archived). */
  setChannelError(channel: string, error: string | undefined): void {
    if (error) this.channelErrors.set(channel, error);
    else this.channelErrors.delete(channel);
  }

  /** The conversation's kind (default: `private` for ids starting with G, `im` for D, else `public`). */
  setChannelType(channel: string, type: ChannelType): void {
    this.channelTypes.set(channel, type);
  }

  /**
   * Whether the bot is a member of a channel (default: yes). A bot token reads the history only of conversations
   * the bot is a member of (conversations.history "Token types"); otherwise `not_in_channel`.
   */
  setBotMember(teamId: string, channel: string, member: boolean): void {
    if (member) this.notMember.delete(`${teamId}/${channel}`);
    else this.notMember.add(`${teamId}/${channel}`);
  }

  /** The next `times` calls of `method` (to `channel` / in `team`, when given) fail as told. */
  failNext(
    method: string,
    failure: Injected,
    where: { channel?: string | undefined; team?: string | undefined; times?: number | undefined } = {},
  ): void {
    this.injections.push({ method, channel: where.channel, team: where.team, failure, times: where.times ?? 1 });
  }

  /**
   * Fails a seeded share of the matching requests (default: chat.postMessage) with 5xx, 429, a hung connection or
   * an answer lost after the message was posted; undefined stops. Counters: `faultCounters`. Paths are
   * `/api/<method>` and `/respond/<id>`.
   */
  injectFaults(options: FaultOptions | undefined): this {
    this.faults.configure(options);
    return this;
  }

  /** What the fault injector did so far. */
  get faultCounters(): Readonly<FaultCounters> {
    return this.faults.counters;
  }

  /** Messages posted whose answer was lost (injected `lostAnswer`). */
  get lostAnswers(): readonly PostedMessage[] {
    return this.recorder.lostAnswers;
  }

  /** The app's acknowledgements of commands, buttons and events, with their timing. */
  get acks(): readonly AppAck[] {
    return this.recorder.acks;
  }

  /** Uses of a response_url Slack refused (used up or expired). */
  get responseRefusals(): readonly ResponseUrlRefusal[] {
    return this.recorder.responseRefusals;
  }

  /** Uploaded files by id (files.getUploadURLExternal, the upload, files.completeUploadExternal). */
  get files(): ReadonlyMap<string, UploadedFile> {
    return this.recorder.files;
  }

  /** A one-time code for oauth.v2.access that installs `workspace` (adding it to the fake). */
  issueCode(workspace: FakeWorkspace, options: { isEnterpriseInstall?: boolean; scopes?: string[] } = {}): string {
    const scopes = options.scopes ?? workspace.scopes ?? [...SLACK_SCOPES.defaults];
    this.addWorkspace({ ...workspace, scopes });
    const code = `code-${randomBytes(6).toString('hex')}`;
    this.grants.set(code, { workspace, isEnterpriseInstall: options.isEnterpriseInstall === true, scopes });
    return code;
  }

  /** Accepted messages in one channel, oldest first. */
  postsTo(channel: string, team?: string): PostedMessage[] {
    return this.recorder.postsTo(channel, team);
  }

  /**
   * Accepted messages per `team/channel`, and how many carried the same text twice (a duplicate post): what a
   * benchmark counts to find losses and duplicates.
   */
  tally(): { perChannel: Map<string, number>; duplicates: number } {
    return this.recorder.tally();
  }

  /** Posts to one response_url. */
  responsesTo(id: string): ResponseUrlPost[] {
    return this.recorder.responsesTo(id);
  }

  /** Resolves once `predicate` holds (checked after every accepted message or response), or rejects after a while. */
  async waitFor(predicate: () => boolean, timeoutMs = 10_000, what = 'the fake Slack'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  // --- Slack's side of the app's endpoint: signed, timed requests ---

  /**
   * Sends a slash command to the app as Slack does (form-encoded, signed); returns the response_url id its answers
   * go to and the app's acknowledgement. An acknowledgement slower than `ackTimeoutMs` is `late`: Slack showed the
   * user a timeout and ignored it, so `ackBody` is then empty (the body sent is in `lateBody`).
   */
  async slashCommand(
    appUrl: string,
    signingSecret: string,
    fields: { text: string; user?: string; userName?: string; channel?: string; team?: string; command?: string },
  ): Promise<{
    status: number;
    responseId: string;
    ackBody: string;
    late: boolean;
    elapsedMs: number;
    lateBody?: string | undefined;
    userSees: UserSees;
  }> {
    const responseId = `r-${++this.seq}`;
    const body = new URLSearchParams({
      token: 'deprecated-verification-token',
      team_id: fields.team ?? 'T0001',
      team_domain: 'example',
      channel_id: fields.channel ?? 'C0001',
      channel_name: 'papers',
      user_id: fields.user ?? 'U0001',
      user_name: fields.userName ?? 'ada',
      command: fields.command ?? '/papers',
      text: fields.text,
      api_app_id: 'A0001',
      is_enterprise_install: 'false',
      response_url: this.responseUrl(responseId),
      trigger_id: `${Date.now()}.trigger`,
    }).toString();
    const answer = await this.sendToApp('slash_command', responseId, appUrl, signingSecret, body);
    return {
      status: answer.status,
      responseId,
      ackBody: answer.late ? '' : answer.body,
      late: answer.late,
      elapsedMs: answer.elapsedMs,
      ...(answer.late ? { lateBody: answer.body } : {}),
      userSees: userSees(answer),
    };
  }

  /** Presses a button of a message the app sent (block_actions), signed and timed; returns the response_url id. */
  async pressButton(
    appUrl: string,
    signingSecret: string,
    button: { action_id: string; value?: string | undefined },
    where: {
      user?: string;
      channel?: string;
      team?: string;
      /** The message the button is on, as Slack sends it for messages in a conversation (not for ephemeral ones). */
      message?: { ts: string; text: string; blocks: readonly Record<string, unknown>[] };
    } = {},
  ): Promise<{ status: number; responseId: string; late: boolean; elapsedMs: number; userSees: UserSees }> {
    const responseId = `r-${++this.seq}`;
    const team = where.team ?? 'T0001';
    const payload = {
      type: 'block_actions',
      team: { id: team, domain: 'example' },
      user: { id: where.user ?? 'U0001', username: 'ada', name: 'ada', team_id: team },
      api_app_id: 'A0001',
      token: 'deprecated-verification-token',
      container: {
        type: 'message',
        message_ts: where.message?.ts ?? '1700000000.000100',
        channel_id: where.channel ?? 'C0001',
      },
      ...(where.message ? { message: { type: 'message', ...where.message } } : {}),
      trigger_id: `${Date.now()}.trigger`,
      channel: { id: where.channel ?? 'C0001', name: 'papers' },
      response_url: this.responseUrl(responseId),
      actions: [
        {
          type: 'button',
          action_id: button.action_id,
          block_id: 'b1',
          text: { type: 'plain_text', text: 'More' },
          ...(button.value !== undefined ? { value: button.value } : {}),
          action_ts: `${Date.now() / 1000}`,
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    const answer = await this.sendToApp('block_actions', responseId, appUrl, signingSecret, body);
    return {
      status: answer.status,
      responseId,
      late: answer.late,
      elapsedMs: answer.elapsedMs,
      userSees: userSees(answer),
    };
  }

  /**
   * Sends an Events API event (JSON, signed) as Slack does, e.g. app_uninstalled; resolves with the HTTP status of
   * the first delivery. With `retries`, a delivery that is not answered 2xx within the ack deadline is retried as
   * Slack retries it (see deliverEvent).
   */
  async sendEvent(
    appUrl: string,
    signingSecret: string,
    event: Record<string, unknown>,
    where: { team: string; enterprise?: string | undefined; isEnterpriseInstall?: boolean },
    options: { retries?: boolean; retryDelaysMs?: readonly number[] } = {},
  ): Promise<number> {
    const delivery = await this.deliverEvent(appUrl, signingSecret, event, where, options);
    return delivery.attempts[0]!.answer.status;
  }

  /**
   * Delivers an Events API event and reports every attempt: with `retries`, Slack's retries after a non-2xx answer,
   * a failed connection or an answer slower than the ack deadline — `X-Slack-Retry-Num` 1, 2, 3 with
   * `X-Slack-Retry-Reason`, after `retryDelaysMs` (Slack: nearly immediately, 1 min, 5 min), the same `event_id`.
   */
  async deliverEvent(
    appUrl: string,
    signingSecret: string,
    event: Record<string, unknown>,
    where: { team: string; enterprise?: string | undefined; isEnterpriseInstall?: boolean },
    options: { retries?: boolean; retryDelaysMs?: readonly number[] } = {},
  ): Promise<{ eventId: string; attempts: EventAttempt[] }> {
    const eventId = `Ev${++this.seq}`;
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      team_id: where.team,
      ...(where.enterprise ? { enterprise_id: where.enterprise } : {}),
      api_app_id: 'A0001',
      event: { ...event, event_ts: `${Date.now() / 1000}` },
      type: 'event_callback',
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: where.enterprise ?? null,
          team_id: where.isEnterpriseInstall ? null : where.team,
          user_id: 'UBOT',
          is_bot: true,
          is_enterprise_install: where.isEnterpriseInstall === true,
        },
      ],
    });
    const delays = options.retries ? (options.retryDelaysMs ?? this.options.eventRetryDelaysMs) : [];
    const attempts = await deliverWithRetries(
      (headers) => this.sendToApp('event_callback', eventId, appUrl, signingSecret, body, 'application/json', headers),
      this.options.ackTimeoutMs,
      delays,
    );
    return { eventId, attempts };
  }

  /** POSTs a signed request to the app, timed; records the acknowledgement. */
  private async sendToApp(
    kind: AppAck['kind'],
    id: string,
    appUrl: string,
    secret: string,
    body: string,
    contentType = 'application/x-www-form-urlencoded',
    headers: Record<string, string> = {},
  ): Promise<TimedAnswer> {
    const answer = await timedPost(appUrl, secret, body, contentType, this.options.ackTimeoutMs, { headers });
    this.recorder.acks.push({
      kind,
      id,
      status: answer.status,
      elapsedMs: answer.elapsedMs,
      late: answer.late,
      retryNum: Number(headers['x-slack-retry-num'] ?? 0),
    });
    this.notify();
    return answer;
  }

  // --- Socket Mode: Slack's side of the WebSocket ---

  /** Connections the app holds open (Socket Mode). */
  get socketConnections(): number {
    return this.socket.connections;
  }

  /** Envelopes the app acknowledged over Socket Mode (with their payload and how long the ack took). */
  get socketAcks(): readonly SocketAck[] {
    return this.socket.acks;
  }

  /**
   * Sends a slash command over the app's WebSocket (Socket Mode); resolves with the response_url id once the app
   * acknowledged the envelope.
   */
  async socketCommand(fields: { text: string; user?: string; channel?: string; team?: string }): Promise<string> {
    const responseId = `r-${++this.seq}`;
    const envelopeId = `env-${this.seq}`;
    this.socket.send({
      envelope_id: envelopeId,
      type: 'slash_commands',
      accepts_response_payload: true,
      payload: {
        token: 'deprecated-verification-token',
        team_id: fields.team ?? 'T0001',
        team_domain: 'example',
        channel_id: fields.channel ?? 'C0001',
        channel_name: 'papers',
        user_id: fields.user ?? 'U0001',
        user_name: 'ada',
        command: '/papers',
        text: fields.text,
        api_app_id: 'A0001',
        is_enterprise_install: 'false',
        response_url: this.responseUrl(responseId),
        trigger_id: `${Date.now()}.trigger`,
      },
    });
    await this.waitFor(
      () => this.socket.acks.some((a) => a.envelopeId === envelopeId),
      10_000,
      `the ack of ${envelopeId}`,
    );
    return responseId;
  }

  // --- the server ---

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const raw = await readBody(req);
    const contentType = String(req.headers['content-type'] ?? '');
    const fault = req.method === 'POST' ? this.faults.draw('POST', url.pathname) : undefined;
    if (fault === 'hang') return this.faults.hang(req, res);
    if (fault === 'serverError') {
      res.writeHead(this.faults.serverErrorStatus(), { 'content-type': 'text/plain' });
      res.end('upstream trouble');
      return;
    }
    if (fault === 'rateLimited') {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const lose = fault === 'lostAnswer';
    // Carried out, then answered 5xx: recorded among the lost answers (the client cannot tell it succeeded).
    let acceptedError = fault === 'acceptedError';
    if (req.method === 'POST' && url.pathname.startsWith('/respond/'))
      return this.respond(url.pathname.slice('/respond/'.length), raw, res, lose);
    if (req.method === 'POST' && url.pathname.startsWith('/upload/v1/'))
      return this.receiveUpload(url.pathname.slice('/upload/v1/'.length), raw, contentType, res);
    const method = url.pathname.startsWith('/api/') ? url.pathname.slice('/api/'.length) : undefined;
    if (req.method !== 'POST' || !method) {
      res.writeHead(404);
      res.end();
      return;
    }
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    let params: Params;
    try {
      params = parseParams(raw.toString('utf8'), contentType);
    } catch {
      return this.json(res, { ok: false, error: 'invalid_form_data' }, lose);
    }
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : (params.token as string | undefined);
    const workspace = token ? this.byToken.get(token) : undefined;
    if (workspace?.latencyMs) await sleep(workspace.latencyMs);

    const injected = this.takeInjection(method, params, workspace);
    // A 5xx `afterAccepting`: the call is carried out, then answered with the 5xx.
    let acceptedStatus: number | undefined;
    if (injected && 'status' in injected && injected.status !== 429 && injected.afterAccepting) {
      acceptedError = true;
      acceptedStatus = injected.status;
    } else if (injected) return this.answerInjected(res, injected);

    const reply: Reply = {
      send: (body) => {
        if (!acceptedError) return this.json(res, body, lose);
        res.writeHead(acceptedStatus ?? this.faults.serverErrorStatus(), { 'content-type': 'text/plain' });
        res.end('upstream request timeout');
      },
      rateLimited: (waitMs) => {
        res.writeHead(429, {
          'content-type': 'application/json',
          'retry-after': String(retryAfterSeconds(waitMs, this.options.retryAfterUnitMs)),
        });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      },
    };
    const notAuthed = () => reply.send({ ok: false, error: token ? 'invalid_auth' : 'not_authed' });
    switch (method) {
      case 'auth.test':
        if (!workspace) return notAuthed();
        return reply.send({
          ok: true,
          url: `https://${workspace.teamId.toLowerCase()}.slack.com/`,
          team: workspace.teamName ?? workspace.teamId,
          user: 'paperpulse',
          team_id: workspace.teamId,
          user_id: `UB${workspace.teamId}`,
          bot_id: `B${workspace.teamId}`,
          ...(workspace.enterpriseId ? { enterprise_id: workspace.enterpriseId } : {}),
          is_enterprise_install: workspace.orgTeams !== undefined,
        });
      case 'users.info': {
        if (!workspace) return reply.send({ ok: false, error: 'invalid_auth' });
        const user = String(params.user ?? '');
        if (!user) return reply.send({ ok: false, error: 'user_not_found' });
        return reply.send({
          ok: true,
          user: {
            id: user,
            team_id: workspace.teamId,
            name: user.toLowerCase(),
            is_admin: (workspace.admins ?? []).includes(user) || (workspace.owners ?? []).includes(user),
            is_owner: (workspace.owners ?? []).includes(user),
            is_primary_owner: false,
            is_bot: false,
          },
        });
      }
      case 'auth.teams.list':
        if (!workspace) return reply.send({ ok: false, error: 'invalid_auth' });
        return reply.send({
          ok: true,
          teams: (workspace.orgTeams ?? []).map((id) => ({ id, name: id })),
          response_metadata: { next_cursor: '' },
        });
      case 'chat.postMessage':
        if (!workspace) return notAuthed();
        return this.postMessage(params, workspace, reply, lose || acceptedError);
      case 'conversations.history':
        if (!workspace) return notAuthed();
        return this.history(params, workspace, reply);
      case 'conversations.replies':
        if (!workspace) return notAuthed();
        return this.replies(params, workspace, reply);
      case 'conversations.open': {
        // The direct message between the bot and `users` (one user here): `im:write`; its id is `D` + the user id.
        if (!workspace) return notAuthed();
        if (this.missingScope(workspace, SLACK_SCOPES.im, reply)) return;
        const users = typeof params.users === 'string' ? params.users.split(',').filter(Boolean) : [];
        if (users.length !== 1)
          return reply.send({ ok: false, error: users.length ? 'not_implemented' : 'users_list_not_supplied' });
        return reply.send({ ok: true, channel: { id: `D${users[0]}` } });
      }
      case 'files.getUploadURLExternal':
        if (!workspace) return notAuthed();
        return this.getUploadUrl(params, workspace, contentType, reply);
      case 'files.completeUploadExternal':
        if (!workspace) return notAuthed();
        return this.completeUpload(params, workspace, reply);
      case 'oauth.v2.access':
        return reply.send(this.oauthAccess(params));
      case 'apps.connections.open':
        if (!token || !this.options.appTokens.includes(token)) {
          return reply.send({ ok: false, error: token ? 'invalid_auth' : 'not_authed' });
        }
        return reply.send({
          ok: true,
          url: `${this.base.replace('http', 'ws')}/link/?ticket=${randomBytes(4).toString('hex')}`,
        });
      default:
        return reply.send({ ok: false, error: 'unknown_method' });
    }
  }

  /** A JSON answer, or (for an injected lost answer) the connection destroyed instead. */
  private json(res: ServerResponse, body: Record<string, unknown>, lose: boolean): void {
    if (lose) {
      this.faults.loseAnswer(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }

  /** A POST to a response_url: at most `responseUrlMaxUses` within `responseUrlTtlMs` of its issue. */
  private respond(id: string, raw: Buffer, res: ServerResponse, lose: boolean) {
    let body: Record<string, unknown>;
    try {
      body = (raw.length ? JSON.parse(raw.toString('utf8')) : {}) as Record<string, unknown>;
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('invalid_payload');
      return;
    }
    const refused = this.recorder.useResponseUrl(id, {
      maxUses: this.options.responseUrlMaxUses,
      ttlMs: this.options.responseUrlTtlMs,
    });
    if (refused) {
      this.recorder.responseRefusals.push({ id, error: refused, body });
      res.writeHead(SLACK_RESPONSE_URL.expiredStatus, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: refused }));
      return;
    }
    this.recorder.responses.push({ id, body });
    this.notify();
    if (lose) return this.faults.loseAnswer(res);
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  }

  /** Refuses a call whose token lacks `needed` (one of), as Slack does: missing_scope with needed/provided. */
  private missingScope(workspace: FakeWorkspace, needed: string, reply: Reply): boolean {
    const provided = this.scopesOf(workspace.teamId);
    if (provided.includes(needed)) return false;
    reply.send({ ok: false, error: 'missing_scope', needed, provided: provided.join(',') });
    return true;
  }

  private channelType(channel: string): ChannelType {
    return (
      this.channelTypes.get(channel) ??
      (channel.startsWith('G') ? 'private' : channel.startsWith('D') ? 'im' : 'public')
    );
  }

  private postMessage(params: Params, workspace: FakeWorkspace, reply: Reply, lose: boolean) {
    const channel = String(params.channel ?? '');
    if (!channel) return reply.send({ ok: false, error: 'channel_not_found' });
    const channelError = this.channelErrors.get(channel);
    if (channelError) return reply.send({ ok: false, error: channelError });
    const text = typeof params.text === 'string' ? params.text : '';
    let blocks: Record<string, unknown>[] = [];
    if (params.blocks !== undefined) {
      try {
        blocks = (typeof params.blocks === 'string' ? JSON.parse(params.blocks) : params.blocks) as typeof blocks;
      } catch {
        return reply.send({ ok: false, error: 'invalid_blocks_format' });
      }
      if (!Array.isArray(blocks)) return reply.send({ ok: false, error: 'invalid_blocks_format' });
    }
    if (!text.trim() && blocks.length === 0) return reply.send({ ok: false, error: 'no_text' });
    const problem = checkBlocks(blocks, this.options);
    if (problem) {
      this.blockRejections.push({ error: problem.error, detail: problem.detail });
      return reply.send({
        ok: false,
        error: problem.error,
        response_metadata: { messages: [`[ERROR] ${problem.detail}`] },
      });
    }
    const metadataCheck = checkMetadata(params.metadata, this.options);
    let metadata: MessageMetadata | undefined;
    let warning: string | undefined;
    if (metadataCheck.ok) metadata = metadataCheck.metadata;
    else if ('schema' in metadataCheck && this.options.invalidMetadata === 'warn') {
      warning = metadataCheck.error;
      this.metadataWarnings.push({ team: workspace.teamId, channel, metadata: params.metadata });
    } else return reply.send({ ok: false, error: metadataCheck.error });
    const threadTs = typeof params.thread_ts === 'string' ? params.thread_ts : undefined;
    if (threadTs && !this.recorder.has(workspace.teamId, channel, threadTs))
      return reply.send({ ok: false, error: 'thread_not_found' });

    const now = performance.now();
    const limited = this.pacer.check(workspace.teamId, channel, now);
    if (limited) {
      this.limitRejections.push({ team: workspace.teamId, channel, reason: limited.reason });
      return reply.rateLimited(limited.waitMs);
    }
    this.pacer.take(workspace.teamId, channel, now);
    const ts = this.nextTs();
    const message = this.recorder.add({
      team: workspace.teamId,
      channel,
      ts,
      threadTs,
      text,
      blocks,
      at: now,
      ...(metadata ? { metadata } : {}),
    });
    if (lose) this.recorder.lostAnswers.push(message);
    this.notify();
    reply.send({
      ok: true,
      channel,
      ts,
      message: {
        type: 'message',
        ts,
        text,
        bot_id: `B${workspace.teamId}`,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(metadata ? { metadata } : {}),
      },
      ...(warning ? { warning, response_metadata: { warnings: [warning] } } : {}),
    });
  }

  /** A message ts: Unix seconds, then a sequence that keeps ts unique and ordered. */
  private nextTs(): string {
    return `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
  }

  /**
   * conversations.history (https://docs.slack.dev/reference/methods/conversations.history): the `*:history` scope
   * of the conversation's kind, Tier 3 per workspace; messages between `oldest` and `latest` (exclusive unless
   * `inclusive`), newest first, at most `limit`, paginated by `cursor`. Metadata only with `include_all_metadata`.
   */
  private history(params: Params, workspace: FakeWorkspace, reply: Reply) {
    if (this.missingScope(workspace, SLACK_SCOPES.history[this.channelType(String(params.channel ?? ''))], reply))
      return;
    const wait = this.historyTier.take(workspace.teamId, performance.now());
    if (wait !== undefined) {
      this.limitRejections.push({ team: workspace.teamId, channel: String(params.channel ?? ''), reason: 'history' });
      return reply.rateLimited(wait);
    }
    const channel = String(params.channel ?? '');
    if (!this.readable(workspace, channel, reply)) return;
    const ts = /^\d+(\.\d+)?$/;
    const oldest = params.oldest === undefined || params.oldest === '' ? '0' : String(params.oldest);
    const latest = params.latest === undefined || params.latest === '' ? undefined : String(params.latest);
    if (!ts.test(oldest)) return reply.send({ ok: false, error: 'invalid_ts_oldest' });
    if (latest !== undefined && !ts.test(latest)) return reply.send({ ok: false, error: 'invalid_ts_latest' });
    const inclusive = truthy(params.inclusive);
    const requested =
      params.limit === undefined || params.limit === '' ? this.options.historyDefaultLimit : Number(params.limit);
    if (!Number.isInteger(requested) || requested < 0) return reply.send({ ok: false, error: 'invalid_limit' });
    // "Fewer than the requested number of items may be returned": a limit above the ceiling is cut to it (0 = default).
    const limit = Math.min(requested || this.options.historyDefaultLimit, this.options.historyMaxLimit);
    let selected = this.recorder.history(workspace.teamId, channel, { oldest, latest, inclusive });
    if (params.cursor !== undefined && params.cursor !== '') {
      const after = decodeCursor(String(params.cursor));
      if (after === undefined) return reply.send({ ok: false, error: 'invalid_cursor' });
      selected = selected.filter((m) => compareTs(m.ts, after) < 0);
    }
    const page = selected.slice(0, limit);
    const hasMore = selected.length > limit;
    const withMetadata = truthy(params.include_all_metadata);
    reply.send({
      ok: true,
      messages: page.map((m) => ({
        ...historyMessage(m, withMetadata),
        ...(m.files ? { files: m.files.map((f) => ({ id: f.id, title: f.title })) } : {}),
      })),
      has_more: hasMore,
      pin_count: 0,
      ...(latest !== undefined ? { latest } : {}),
      ...(oldest !== '0' ? { oldest } : {}),
      response_metadata: { next_cursor: hasMore ? encodeCursor(page.at(-1)!.ts) : '' },
    });
  }

  /** Whether the bot may read `channel` (it exists and the bot is a member); answers the error otherwise. */
  private readable(workspace: FakeWorkspace, channel: string, reply: Reply): boolean {
    if (!channel || this.channelErrors.get(channel) === 'channel_not_found') {
      reply.send({ ok: false, error: 'channel_not_found' });
      return false;
    }
    if (this.notMember.has(`${workspace.teamId}/${channel}`)) {
      reply.send({ ok: false, error: 'not_in_channel' });
      return false;
    }
    return true;
  }

  /**
   * conversations.replies (https://docs.slack.dev/reference/methods/conversations.replies): the same `*:history`
   * scope and Tier 3 as conversations.history (method page). `channel` and `ts` "are always required"; ts "must be
   * the timestamp of an existing message" (else thread_not_found); the parent comes first, then its replies, oldest
   * first, between `oldest` and `latest`; `limit` "Default: 1000"; paginated by `cursor`; metadata only with
   * `include_all_metadata`.
   */
  private replies(params: Params, workspace: FakeWorkspace, reply: Reply) {
    const channel = String(params.channel ?? '');
    if (this.missingScope(workspace, SLACK_SCOPES.history[this.channelType(channel)], reply)) return;
    const wait = this.historyTier.take(workspace.teamId, performance.now());
    if (wait !== undefined) {
      this.limitRejections.push({ team: workspace.teamId, channel, reason: 'replies' });
      return reply.rateLimited(wait);
    }
    if (!this.readable(workspace, channel, reply)) return;
    const ts = typeof params.ts === 'string' ? params.ts : '';
    if (!ts) return reply.send({ ok: false, error: 'invalid_arguments' });
    const parent = this.recorder.messages.find(
      (m) => m.team === workspace.teamId && m.channel === channel && m.ts === ts,
    );
    if (!parent) return reply.send({ ok: false, error: 'thread_not_found' });
    const root = parent.threadTs ?? parent.ts;
    const oldest = params.oldest === undefined || params.oldest === '' ? '0' : String(params.oldest);
    const latest = params.latest === undefined || params.latest === '' ? undefined : String(params.latest);
    const inclusive = truthy(params.inclusive);
    const requested =
      params.limit === undefined || params.limit === '' ? SLACK_REPLIES.defaultLimit : Number(params.limit);
    if (!Number.isInteger(requested) || requested < 0) return reply.send({ ok: false, error: 'invalid_limit' });
    const limit = Math.min(requested || SLACK_REPLIES.defaultLimit, SLACK_REPLIES.defaultLimit);
    let selected = this.recorder.messages
      .filter((m) => m.team === workspace.teamId && m.channel === channel && (m.ts === root || m.threadTs === root))
      .filter((m) => {
        const afterOldest = compareTs(m.ts, oldest);
        const beforeLatest = latest === undefined ? -1 : compareTs(m.ts, latest);
        return inclusive ? afterOldest >= 0 && beforeLatest <= 0 : afterOldest > 0 && beforeLatest < 0;
      })
      .sort((a, b) => compareTs(a.ts, b.ts));
    if (params.cursor !== undefined && params.cursor !== '') {
      const after = decodeCursor(String(params.cursor));
      if (after === undefined) return reply.send({ ok: false, error: 'invalid_cursor' });
      selected = selected.filter((m) => compareTs(m.ts, after) > 0);
    }
    const page = selected.slice(0, limit);
    const hasMore = selected.length > limit;
    const withMetadata = truthy(params.include_all_metadata);
    reply.send({
      ok: true,
      messages: page.map((m) => ({ ...historyMessage(m, withMetadata), thread_ts: root })),
      has_more: hasMore,
      response_metadata: { next_cursor: hasMore ? encodeCursor(page.at(-1)!.ts) : '' },
    });
  }

  /** files.getUploadURLExternal: `filename` and `length` required, files:write, Tier 4. */
  private getUploadUrl(params: Params, workspace: FakeWorkspace, contentType: string, reply: Reply) {
    if (this.missingScope(workspace, SLACK_SCOPES.files, reply)) return;
    const wait = this.filesTier.take(workspace.teamId, performance.now());
    if (wait !== undefined) return reply.rateLimited(wait);
    // Undocumented: docs.slack.dev lists application/json for this method, api.slack.com only form encoding, and a
    // public report (Octember/earshot#10) saw a JSON body refused with invalid_arguments. We refuse JSON.
    if (contentType.includes('application/json')) return reply.send({ ok: false, error: 'invalid_arguments' });
    const filename = typeof params.filename === 'string' ? params.filename : '';
    const length = Number(params.length);
    if (!filename || params.length === undefined || !Number.isInteger(length) || length <= 0)
      return reply.send({ ok: false, error: filename ? 'missing_argument' : 'invalid_arguments' });
    if (typeof params.alt_txt === 'string' && params.alt_txt.length > SLACK_FILES.altText)
      return reply.send({ ok: false, error: 'alt_txt_too_large' });
    if (params.snippet_type !== undefined && length > SLACK_FILES.snippetBytes)
      return reply.send({ ok: false, error: 'snippet_too_large' });
    const id = `F${String(++this.seq).padStart(9, '0')}`;
    this.recorder.files.set(id, {
      id,
      team: workspace.teamId,
      filename,
      length,
      data: undefined,
      completed: undefined,
    });
    reply.send({ ok: true, upload_url: `${this.base}/upload/v1/${id}`, file_id: id });
  }

  /** The POST of a file's bytes to its upload_url: raw bytes or multipart form; Slack answers 200. */
  private async receiveUpload(id: string, raw: Buffer, contentType: string, res: ServerResponse): Promise<void> {
    const file = this.recorder.files.get(id);
    if (!file || file.completed) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    let data = raw;
    if (isMultipart(contentType)) {
      const part = (await parseMultipart(raw, contentType)).find((p) => p.kind === 'file');
      data = part?.kind === 'file' ? part.data : Buffer.alloc(0);
    }
    file.data = data;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`OK - ${data.length}`);
  }

  /**
   * files.completeUploadExternal: `files` = [{ id, title? }] required, files:write; shares into `channel_id` (a
   * message carrying the files, with `initial_comment` as its text), in the thread `thread_ts` if given.
   */
  private completeUpload(params: Params, workspace: FakeWorkspace, reply: Reply) {
    if (this.missingScope(workspace, SLACK_SCOPES.files, reply)) return;
    const wait = this.filesTier.take(workspace.teamId, performance.now());
    if (wait !== undefined) return reply.rateLimited(wait);
    let list: unknown = params.files;
    if (typeof list === 'string') {
      try {
        list = JSON.parse(list);
      } catch {
        return reply.send({ ok: false, error: 'invalid_arguments' });
      }
    }
    if (!Array.isArray(list) || list.length === 0) return reply.send({ ok: false, error: 'invalid_arguments' });
    const entries = list as { id?: unknown; title?: unknown }[];
    const files = entries.map((e) => this.recorder.files.get(String(e.id)));
    if (files.some((f) => !f || f.team !== workspace.teamId || f.data === undefined || f.completed))
      return reply.send({ ok: false, error: 'file_not_found' });
    const channel = typeof params.channel_id === 'string' && params.channel_id ? params.channel_id : undefined;
    const threadTs = typeof params.thread_ts === 'string' && params.thread_ts ? params.thread_ts : undefined;
    if (channel) {
      const channelError = this.channelErrors.get(channel);
      if (channelError === 'channel_not_found') return reply.send({ ok: false, error: 'invalid_channel' });
      if (channelError) return reply.send({ ok: false, error: 'posting_to_channel_denied' });
    }
    const shared = files.map((f, i) => {
      const title = typeof entries[i]!.title === 'string' ? String(entries[i]!.title) : f!.filename;
      f!.completed = { title, channel, threadTs };
      return { id: f!.id, title };
    });
    if (channel) {
      this.recorder.add({
        team: workspace.teamId,
        channel,
        ts: this.nextTs(),
        threadTs,
        text: typeof params.initial_comment === 'string' ? params.initial_comment : '',
        blocks: [],
        at: performance.now(),
        files: shared,
      });
      this.notify();
    }
    reply.send({ ok: true, files: shared });
  }

  private oauthAccess(params: Params): Record<string, unknown> {
    const oauth = this.options.oauth;
    if (!oauth || params.client_id !== oauth.clientId || params.client_secret !== oauth.clientSecret) {
      return { ok: false, error: 'invalid_client_id' };
    }
    const grant = this.grants.get(String(params.code ?? ''));
    if (!grant) return { ok: false, error: 'invalid_code' };
    this.grants.delete(String(params.code));
    const w = grant.workspace;
    return {
      ok: true,
      app_id: 'A0001',
      authed_user: { id: 'UINSTALLER' },
      scope: grant.scopes.join(','),
      token_type: 'bot',
      access_token: w.botToken,
      bot_user_id: `UB${w.teamId}`,
      team: grant.isEnterpriseInstall ? null : { id: w.teamId, name: w.teamName ?? w.teamId },
      enterprise: w.enterpriseId ? { id: w.enterpriseId, name: w.enterpriseId } : null,
      is_enterprise_install: grant.isEnterpriseInstall,
    };
  }

  private takeInjection(method: string, params: Params, workspace: FakeWorkspace | undefined): Injected | undefined {
    const i = this.injections.findIndex(
      (x) =>
        x.method === method &&
        x.times > 0 &&
        (x.channel === undefined || x.channel === params.channel) &&
        (x.team === undefined || x.team === workspace?.teamId),
    );
    if (i < 0) return undefined;
    const injection = this.injections[i]!;
    injection.times--;
    if (injection.times <= 0) this.injections.splice(i, 1);
    return injection.failure;
  }

  private answerInjected(res: ServerResponse, failure: Injected): void {
    if ('error' in failure) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          ok: false,
          error: failure.error,
          ...(failure.metadata ? { response_metadata: { messages: failure.metadata } } : {}),
        }),
      );
      return;
    }
    if (failure.status === 429) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(failure.retryAfter) });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    res.writeHead(failure.status, { 'content-type': 'text/plain' });
    res.end('upstream trouble');
  }

  private notify(): void {
    for (const wake of this.waiters.splice(0)) wake();
  }
}

function parseParams(raw: string, contentType: string): Params {
  if (!raw) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw) as Params;
  return Object.fromEntries(new URLSearchParams(raw));
}

/** Slack's cursors are opaque base64 (`bmV4dF90czo…` = "next_ts:…"). */
function encodeCursor(ts: string): string {
  return Buffer.from(`next_ts:${ts}`).toString('base64');
}

function decodeCursor(cursor: string): string | undefined {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  return /^next_ts:\d+\.\d+$/.test(text) ? text.slice('next_ts:'.length) : undefined;
}

/** A boolean Web API argument: JSON true, or "true" / "1" in a form body. */
function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === '1';
}

/**
 * A stored message as conversations.history and conversations.replies return it. Undocumented: whether messages
 * carry `event_type` without include_all_metadata (a third-party reading of the metadata guide says so); we return
 * no metadata at all without it, so a reader cannot rely on more.
 */
function historyMessage(m: PostedMessage, withMetadata: boolean): Record<string, unknown> {
  return {
    type: 'message',
    ts: m.ts,
    text: m.text,
    ...(m.blocks.length ? { blocks: m.blocks } : {}),
    bot_id: `B${m.team}`,
    app_id: 'A0001',
    ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
  };
}
