/**
 * A fake Slack over real HTTP on 127.0.0.1: the Web API methods PaperPulse calls (auth.test, users.info,
 * chat.postMessage, oauth.v2.access, apps.connections.open, auth.teams.list), the `response_url`s of slash commands
 * and buttons, and Slack's side of the app's HTTP endpoint (signed slash-command and interaction requests).
 *
 * It is strict where Slack is: Block Kit limits (`invalid_blocks`, `msg_blocks_too_long`), one message per second
 * per channel and a per-workspace cap (429 with Retry-After), tokens. It records every accepted message per
 * workspace and channel so tests and benchmarks can count losses and duplicates. Time can be scaled down: the
 * channel interval, the workspace window and the unit of Retry-After are options.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FakeWorkspace {
  readonly teamId: string;
  readonly botToken: string;
  readonly teamName?: string | undefined;
  /** For an org-wide install: the enterprise, and the workspaces the org token covers (auth.teams.list). */
  readonly enterpriseId?: string | undefined;
  readonly orgTeams?: readonly string[] | undefined;
  /** users.info answers: ids of admins and owners; anyone else is a plain member. */
  readonly admins?: readonly string[] | undefined;
  readonly owners?: readonly string[] | undefined;
  /** Added to every answer to this workspace's token (a slow workspace). */
  readonly latencyMs?: number | undefined;
}

export interface FakeSlackOptions {
  /** Minimum gap between two accepted messages in one channel (Slack: 1 s). */
  readonly channelIntervalMs?: number | undefined;
  /** At most this many accepted messages per workspace in any window of `workspaceWindowMs`. */
  readonly workspaceMessages?: number | undefined;
  readonly workspaceWindowMs?: number | undefined;
  /** Milliseconds per second of Retry-After (1000; scaled down in tests). */
  readonly retryAfterUnitMs?: number | undefined;
  /** Total block text that triggers msg_blocks_too_long (bolt-js #2509: about 13.2k). */
  readonly maxBlockText?: number | undefined;
  /** Refuse mrkdwn with a `<` or `>` that is not a link or mention (Slack would show it mangled). Default on. */
  readonly strictMrkdwn?: boolean | undefined;
  /** Image URLs Slack "cannot download" (invalid_blocks). */
  readonly brokenImage?: ((url: string) => boolean) | undefined;
  /** OAuth app credentials accepted by oauth.v2.access. */
  readonly oauth?: { readonly clientId: string; readonly clientSecret: string } | undefined;
  /** App-level tokens accepted by apps.connections.open. */
  readonly appTokens?: readonly string[] | undefined;
}

/** FakeSlackOptions with the defaults filled in. */
export interface ResolvedOptions {
  readonly channelIntervalMs: number;
  readonly workspaceMessages: number;
  readonly workspaceWindowMs: number;
  readonly retryAfterUnitMs: number;
  readonly maxBlockText: number;
  readonly strictMrkdwn: boolean;
  readonly appTokens: readonly string[];
  readonly brokenImage: ((url: string) => boolean) | undefined;
  readonly oauth: { readonly clientId: string; readonly clientSecret: string } | undefined;
}

export interface PostedMessage {
  readonly team: string;
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | undefined;
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
  /** performance.now() when it was accepted. */
  readonly at: number;
}

export interface ResponseUrlPost {
  readonly id: string;
  readonly body: Record<string, unknown>;
}

/** A failure to answer the next matching call(s) with. */
export type Injected =
  | { readonly error: string; readonly metadata?: readonly string[] | undefined }
  | { readonly status: 429; readonly retryAfter: number }
  | { readonly status: 500 | 502 | 503 };

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

export class FakeSlack {
  readonly options: ResolvedOptions;
  /** Every accepted chat.postMessage, in order. */
  readonly messages: PostedMessage[] = [];
  /** Every POST to a response_url, in order. */
  readonly responses: ResponseUrlPost[] = [];
  /** Calls per Web API method (accepted or not). */
  readonly calls = new Map<string, number>();
  /** 429s the fake answered because a limit was exceeded (not injected ones). */
  readonly limitRejections: { readonly team: string; readonly channel: string; readonly reason: string }[] = [];
  /** chat.postMessage calls refused for their blocks, with the reason. */
  readonly blockRejections: { readonly error: string; readonly detail: string }[] = [];
  private readonly workspaces = new Map<string, FakeWorkspace>();
  private readonly byToken = new Map<string, FakeWorkspace>();
  private readonly channelErrors = new Map<string, string>();
  private readonly injections: Injection[] = [];
  private readonly grants = new Map<string, Grant>();
  private readonly lastPost = new Map<string, number>();
  private readonly recent = new Map<string, number[]>();
  private readonly threads = new Set<string>();
  private readonly waiters: (() => void)[] = [];
  /** Socket Mode: open WebSocket connections of the app, and the envelopes it acknowledged (with their payload). */
  private readonly sockets = new Set<Socket>();
  readonly socketAcks: { readonly envelopeId: string; readonly payload: unknown }[] = [];
  private seq = 0;
  private server: Server | undefined;
  private base = '';

  constructor(options: FakeSlackOptions = {}) {
    this.options = {
      channelIntervalMs: options.channelIntervalMs ?? 1_000,
      workspaceMessages: options.workspaceMessages ?? 5,
      workspaceWindowMs: options.workspaceWindowMs ?? 1_000,
      retryAfterUnitMs: options.retryAfterUnitMs ?? 1_000,
      maxBlockText: options.maxBlockText ?? 13_200,
      strictMrkdwn: options.strictMrkdwn ?? true,
      appTokens: options.appTokens ?? [],
      brokenImage: options.brokenImage,
      oauth: options.oauth,
    };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(err));
      });
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket) => this.upgrade(req, socket));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
    this.server?.closeAllConnections();
  }

  /** The Web API base URL to give WebClient (`slackApiUrl`). */
  get apiUrl(): string {
    return `${this.base}/api/`;
  }

  /** A response_url served by this fake. */
  responseUrl(id: string): string {
    return `${this.base}/respond/${id}`;
  }

  addWorkspace(workspace: FakeWorkspace): FakeWorkspace {
    this.workspaces.set(workspace.teamId, workspace);
    this.byToken.set(workspace.botToken, workspace);
    return workspace;
  }

  /** The token no longer works (invalid_auth), as after an uninstall. */
  revokeToken(token: string): void {
    this.byToken.delete(token);
  }

  /** Every post to this channel fails with `error` (e.g. channel_not_found, not_in_channel, is_archived). */
  setChannelError(channel: string, error: string | undefined): void {
    if (error) this.channelErrors.set(channel, error);
    else this.channelErrors.delete(channel);
  }

  /** The next `times` calls of `method` (to `channel` / in `team`, when given) fail as told. */
  failNext(
    method: string,
    failure: Injected,
    where: { channel?: string | undefined; team?: string | undefined; times?: number | undefined } = {},
  ): void {
    this.injections.push({ method, channel: where.channel, team: where.team, failure, times: where.times ?? 1 });
  }

  /** A one-time code for oauth.v2.access that installs `workspace` (adding it to the fake). */
  issueCode(workspace: FakeWorkspace, options: { isEnterpriseInstall?: boolean; scopes?: string[] } = {}): string {
    this.addWorkspace(workspace);
    const code = `code-${randomBytes(6).toString('hex')}`;
    this.grants.set(code, {
      workspace,
      isEnterpriseInstall: options.isEnterpriseInstall === true,
      scopes: options.scopes ?? ['commands', 'chat:write', 'chat:write.public', 'users:read'],
    });
    return code;
  }

  /** Accepted messages in one channel, oldest first. */
  postsTo(channel: string, team?: string): PostedMessage[] {
    return this.messages.filter((m) => m.channel === channel && (team === undefined || m.team === team));
  }

  /**
   * Accepted messages per `team/channel`, and how many carried the same text twice (a duplicate post): what a
   * benchmark counts to find losses and duplicates.
   */
  tally(): { perChannel: Map<string, number>; duplicates: number } {
    const perChannel = new Map<string, number>();
    const seen = new Set<string>();
    let duplicates = 0;
    for (const m of this.messages) {
      const key = `${m.team}/${m.channel}`;
      perChannel.set(key, (perChannel.get(key) ?? 0) + 1);
      const content = `${key}\n${m.threadTs ? 'thread' : 'root'}\n${JSON.stringify(m.blocks)}\n${m.text}`;
      if (seen.has(content)) duplicates++;
      seen.add(content);
    }
    return { perChannel, duplicates };
  }

  /** Posts to one response_url. */
  responsesTo(id: string): ResponseUrlPost[] {
    return this.responses.filter((r) => r.id === id);
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

  // --- Slack's side of the app's endpoint: signed requests ---

  /**
   * Sends a slash command to the app as Slack does (form-encoded, signed); returns the response_url id its answers
   * go to, and the HTTP status of the app's acknowledgement.
   */
  async slashCommand(
    appUrl: string,
    signingSecret: string,
    fields: { text: string; user?: string; userName?: string; channel?: string; team?: string; command?: string },
  ): Promise<{ status: number; responseId: string; ackBody: string }> {
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
    const res = await signedPost(appUrl, signingSecret, body, 'application/x-www-form-urlencoded');
    return { status: res.status, responseId, ackBody: res.body };
  }

  /** Presses a button of a message the app sent (block_actions), signed; returns the response_url id. */
  async pressButton(
    appUrl: string,
    signingSecret: string,
    button: { action_id: string; value?: string | undefined },
    where: { user?: string; channel?: string; team?: string } = {},
  ): Promise<{ status: number; responseId: string }> {
    const responseId = `r-${++this.seq}`;
    const team = where.team ?? 'T0001';
    const payload = {
      type: 'block_actions',
      team: { id: team, domain: 'example' },
      user: { id: where.user ?? 'U0001', username: 'ada', name: 'ada', team_id: team },
      api_app_id: 'A0001',
      token: 'deprecated-verification-token',
      container: { type: 'message', message_ts: '1700000000.000100', channel_id: where.channel ?? 'C0001' },
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
    const res = await signedPost(appUrl, signingSecret, body, 'application/x-www-form-urlencoded');
    return { status: res.status, responseId };
  }

  /** Sends an Events API event (JSON, signed) as Slack does, e.g. app_uninstalled. */
  async sendEvent(
    appUrl: string,
    signingSecret: string,
    event: Record<string, unknown>,
    where: { team: string; enterprise?: string | undefined; isEnterpriseInstall?: boolean },
  ): Promise<number> {
    const body = JSON.stringify({
      token: 'deprecated-verification-token',
      team_id: where.team,
      ...(where.enterprise ? { enterprise_id: where.enterprise } : {}),
      api_app_id: 'A0001',
      event: { ...event, event_ts: `${Date.now() / 1000}` },
      type: 'event_callback',
      event_id: `Ev${++this.seq}`,
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
    return (await signedPost(appUrl, signingSecret, body, 'application/json')).status;
  }

  // --- Socket Mode: Slack's side of the WebSocket ---

  /** Connections the app holds open (Socket Mode). */
  get socketConnections(): number {
    return this.sockets.size;
  }

  /**
   * Sends a slash command over the app's WebSocket (Socket Mode); resolves with the response_url id once the app
   * acknowledged the envelope.
   */
  async socketCommand(fields: { text: string; user?: string; channel?: string; team?: string }): Promise<string> {
    const responseId = `r-${++this.seq}`;
    const envelopeId = `env-${this.seq}`;
    this.broadcast({
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
      () => this.socketAcks.some((a) => a.envelopeId === envelopeId),
      10_000,
      `the ack of ${envelopeId}`,
    );
    return responseId;
  }

  private upgrade(req: IncomingMessage, socket: Socket): void {
    const key = String(req.headers['sec-websocket-key'] ?? '');
    const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
    );
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => this.sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const frame = readFrame(buffered);
        if (!frame) break;
        buffered = buffered.subarray(frame.length);
        if (frame.opcode === 0x1) {
          const message = JSON.parse(frame.payload.toString('utf8')) as { envelope_id?: string; payload?: unknown };
          if (message.envelope_id) this.socketAcks.push({ envelopeId: message.envelope_id, payload: message.payload });
          this.notify();
        } else if (frame.opcode === 0x9) {
          socket.write(frameOf(0xa, frame.payload));
        } else if (frame.opcode === 0x8) {
          socket.end(frameOf(0x8, frame.payload));
          this.sockets.delete(socket);
        }
      }
    });
    socket.write(
      frameOf(
        0x1,
        Buffer.from(
          JSON.stringify({
            type: 'hello',
            num_connections: 1,
            debug_info: { host: 'fake-slack', approximate_connection_time: 3600 },
            connection_info: { app_id: 'A0001' },
          }),
        ),
      ),
    );
  }

  private broadcast(message: Record<string, unknown>): void {
    if (this.sockets.size === 0) throw new Error('the app holds no Socket Mode connection');
    // Slack sends each envelope to one of the app's connections.
    const [socket] = this.sockets;
    socket!.write(frameOf(0x1, Buffer.from(JSON.stringify(message))));
  }

  // --- the server ---

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.base);
    const raw = await readBody(req);
    if (req.method === 'POST' && url.pathname.startsWith('/respond/')) {
      const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
      this.responses.push({ id: url.pathname.slice('/respond/'.length), body });
      this.notify();
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    const method = url.pathname.startsWith('/api/') ? url.pathname.slice('/api/'.length) : undefined;
    if (req.method !== 'POST' || !method) {
      res.writeHead(404);
      res.end();
      return;
    }
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const params = parseParams(raw, String(req.headers['content-type'] ?? ''));
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice('Bearer '.length) : (params.token as string | undefined);
    const workspace = token ? this.byToken.get(token) : undefined;
    if (workspace?.latencyMs) await new Promise((r) => setTimeout(r, workspace.latencyMs));

    const injected = this.takeInjection(method, params, workspace);
    if (injected) return this.answerInjected(res, injected);

    const send = (body: Record<string, unknown>) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    switch (method) {
      case 'auth.test':
        if (!workspace) return send({ ok: false, error: token ? 'invalid_auth' : 'not_authed' });
        return send({
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
        if (!workspace) return send({ ok: false, error: 'invalid_auth' });
        const user = String(params.user ?? '');
        if (!user) return send({ ok: false, error: 'user_not_found' });
        return send({
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
        if (!workspace) return send({ ok: false, error: 'invalid_auth' });
        return send({
          ok: true,
          teams: (workspace.orgTeams ?? []).map((id) => ({ id, name: id })),
          response_metadata: { next_cursor: '' },
        });
      case 'chat.postMessage':
        return this.postMessage(params, workspace, token, res, send);
      case 'oauth.v2.access':
        return send(this.oauthAccess(params));
      case 'apps.connections.open':
        if (!token || !this.options.appTokens.includes(token)) {
          return send({ ok: false, error: token ? 'invalid_auth' : 'not_authed' });
        }
        return send({
          ok: true,
          url: `${this.base.replace('http', 'ws')}/link/?ticket=${randomBytes(4).toString('hex')}`,
        });
      default:
        return send({ ok: false, error: 'unknown_method' });
    }
  }

  private postMessage(
    params: Params,
    workspace: FakeWorkspace | undefined,
    token: string | undefined,
    res: ServerResponse,
    send: (body: Record<string, unknown>) => void,
  ): void {
    if (!workspace) {
      send({ ok: false, error: token ? 'invalid_auth' : 'not_authed' });
      return;
    }
    const channel = String(params.channel ?? '');
    if (!channel) {
      send({ ok: false, error: 'channel_not_found' });
      return;
    }
    const channelError = this.channelErrors.get(channel);
    if (channelError) {
      send({ ok: false, error: channelError });
      return;
    }
    const text = typeof params.text === 'string' ? params.text : '';
    let blocks: Record<string, unknown>[] = [];
    if (params.blocks !== undefined) {
      try {
        blocks = (typeof params.blocks === 'string' ? JSON.parse(params.blocks) : params.blocks) as typeof blocks;
      } catch {
        send({ ok: false, error: 'invalid_blocks_format' });
        return;
      }
      if (!Array.isArray(blocks)) {
        send({ ok: false, error: 'invalid_blocks_format' });
        return;
      }
    }
    if (!text.trim() && blocks.length === 0) {
      send({ ok: false, error: 'no_text' });
      return;
    }
    const problem = checkBlocks(blocks, this.options);
    if (problem) {
      this.blockRejections.push({ error: problem.error, detail: problem.detail });
      send({ ok: false, error: problem.error, response_metadata: { messages: [`[ERROR] ${problem.detail}`] } });
      return;
    }
    const threadTs = typeof params.thread_ts === 'string' ? params.thread_ts : undefined;
    if (threadTs && !this.threads.has(`${channel}/${threadTs}`)) {
      send({ ok: false, error: 'thread_not_found' });
      return;
    }

    // Rate limits: one message per interval per channel; a cap per workspace per window.
    const now = performance.now();
    const channelKey = `${workspace.teamId}/${channel}`;
    const last = this.lastPost.get(channelKey);
    const recent = (this.recent.get(workspace.teamId) ?? []).filter((t) => t > now - this.options.workspaceWindowMs);
    this.recent.set(workspace.teamId, recent);
    let waitMs = 0;
    let reason = '';
    if (last !== undefined && now - last < this.options.channelIntervalMs) {
      waitMs = this.options.channelIntervalMs - (now - last);
      reason = 'channel';
    } else if (recent.length >= this.options.workspaceMessages) {
      waitMs = recent[0]! + this.options.workspaceWindowMs - now;
      reason = 'workspace';
    }
    if (reason) {
      this.limitRejections.push({ team: workspace.teamId, channel, reason });
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(Math.max(1, Math.ceil(waitMs / this.options.retryAfterUnitMs))),
      });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    this.lastPost.set(channelKey, now);
    recent.push(now);
    const ts = `${Math.floor(Date.now() / 1000)}.${String(++this.seq).padStart(6, '0')}`;
    this.threads.add(`${channel}/${ts}`);
    this.messages.push({ team: workspace.teamId, channel, ts, threadTs, text, blocks, at: now });
    this.notify();
    send({
      ok: true,
      channel,
      ts,
      message: { type: 'message', ts, text, ...(threadTs ? { thread_ts: threadTs } : {}) },
    });
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

// --- Block Kit checks (an independent reading of Slack's limits, not the adapter's code) ---

const BLOCK_TYPES = new Set(['header', 'section', 'context', 'divider', 'actions', 'image']);

/** Every `text` string anywhere in the blocks: what Slack adds up for msg_blocks_too_long. */
export function totalBlockText(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + totalBlockText(v), 0);
  if (value && typeof value === 'object') {
    let n = 0;
    for (const [key, v] of Object.entries(value)) {
      n += key === 'text' && typeof v === 'string' ? v.length : totalBlockText(v);
    }
    return n;
  }
  return 0;
}

/** The text of a message as a reader would search it: every text string in its blocks, then its fallback. */
export function messageText(message: Pick<PostedMessage, 'text' | 'blocks'> | Record<string, unknown>): string {
  const parts: string[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'text' && typeof v === 'string') parts.push(v);
        else walk(v);
      }
    }
  };
  walk((message as { blocks?: unknown }).blocks ?? []);
  if (parts.length === 0 && typeof message.text === 'string') parts.push(message.text);
  return parts.join('\n');
}

interface TextObject {
  type?: unknown;
  text?: unknown;
}

/**
 * What chat.postMessage would answer about a message's blocks with this fake's limits: undefined when Slack would
 * take it, else the error and its detail (tests check rendered replies with it without posting them).
 */
export function checkSlackBlocks(
  blocks: readonly Record<string, unknown>[],
  options: FakeSlackOptions = {},
): { error: string; detail: string } | undefined {
  return checkBlocks(blocks, new FakeSlack(options).options);
}

function checkBlocks(
  blocks: readonly Record<string, unknown>[],
  options: ResolvedOptions,
): { error: string; detail: string } | undefined {
  const invalid = (detail: string) => ({ error: 'invalid_blocks', detail });
  if (blocks.length > 50) return invalid('no more than 50 items allowed [json-pointer:/blocks]');
  const blockIds = new Set<string>();
  const actionIds = new Set<string>();
  for (const [i, block] of blocks.entries()) {
    const at = `[json-pointer:/blocks/${i}]`;
    if (!BLOCK_TYPES.has(String(block.type))) return invalid(`unsupported type ${String(block.type)} ${at}`);
    if (block.block_id !== undefined) {
      const id = String(block.block_id);
      if (id.length > 255 || blockIds.has(id)) return invalid(`invalid block_id ${at}`);
      blockIds.add(id);
    }
    const text = block.text as TextObject | undefined;
    switch (block.type) {
      case 'header': {
        const problem = checkText(text, 150, ['plain_text'], options);
        if (problem) return invalid(`${problem} ${at}/text`);
        break;
      }
      case 'section': {
        const fields = block.fields as TextObject[] | undefined;
        if (text === undefined && fields === undefined) return invalid(`section needs text or fields ${at}`);
        if (text !== undefined) {
          const problem = checkText(text, 3000, ['plain_text', 'mrkdwn'], options);
          if (problem) return invalid(`${problem} ${at}/text`);
        }
        if (fields !== undefined) {
          if (!Array.isArray(fields) || fields.length === 0 || fields.length > 10)
            return invalid(`must provide between 1 and 10 fields ${at}/fields`);
          for (const [f, field] of fields.entries()) {
            const problem = checkText(field, 2000, ['plain_text', 'mrkdwn'], options);
            if (problem) return invalid(`${problem} ${at}/fields/${f}`);
          }
        }
        const accessory = block.accessory as Record<string, unknown> | undefined;
        if (accessory !== undefined) {
          const problem = checkImage(accessory, options);
          if (problem) return invalid(`${problem} ${at}/accessory`);
        }
        break;
      }
      case 'context': {
        const elements = block.elements as Record<string, unknown>[] | undefined;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10)
          return invalid(`must provide between 1 and 10 elements ${at}/elements`);
        for (const [e, element] of elements.entries()) {
          const problem =
            element.type === 'image'
              ? checkImage(element, options)
              : checkText(element, 3000, ['plain_text', 'mrkdwn'], options);
          if (problem) return invalid(`${problem} ${at}/elements/${e}`);
        }
        break;
      }
      case 'actions': {
        const elements = block.elements as Record<string, unknown>[] | undefined;
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25)
          return invalid(`must provide between 1 and 25 elements ${at}/elements`);
        for (const [e, element] of elements.entries()) {
          if (element.type !== 'button') return invalid(`unsupported element ${at}/elements/${e}`);
          const problem = checkText(element.text as TextObject, 75, ['plain_text'], options);
          if (problem) return invalid(`${problem} ${at}/elements/${e}/text`);
          const actionId = String(element.action_id ?? '');
          if (!actionId || actionId.length > 255 || actionIds.has(actionId))
            return invalid(`invalid action_id ${at}/elements/${e}`);
          actionIds.add(actionId);
          if (element.value !== undefined && String(element.value).length > 2000)
            return invalid(`value must be at most 2000 characters ${at}/elements/${e}/value`);
        }
        break;
      }
      case 'image': {
        const problem = checkImage(block, options);
        if (problem) return invalid(`${problem} ${at}`);
        break;
      }
    }
  }
  const total = totalBlockText(blocks);
  if (total > options.maxBlockText) {
    return { error: 'msg_blocks_too_long', detail: `blocks hold ${total} characters of text` };
  }
  return undefined;
}

function checkText(
  text: TextObject | undefined,
  max: number,
  types: readonly string[],
  options: ResolvedOptions,
): string | undefined {
  if (!text || typeof text.text !== 'string') return 'missing text object';
  if (!types.includes(String(text.type))) return `text type must be ${types.join(' or ')}`;
  if (text.text.length === 0) return 'text must be at least 1 character';
  if (text.text.length > max) return `must be less than ${max + 1} characters`;
  if (text.type === 'mrkdwn' && options.strictMrkdwn) return mrkdwnProblem(text.text);
  return undefined;
}

function checkImage(image: Record<string, unknown>, options: ResolvedOptions): string | undefined {
  const url = String(image.image_url ?? '');
  if (!/^https?:\/\//.test(url) || url.length > 3000) return 'invalid image_url';
  const alt = String(image.alt_text ?? '');
  if (!alt || alt.length > 2000) return 'invalid alt_text';
  if (options.brokenImage?.(url)) return 'downloading image failed';
  return undefined;
}

/** A `<` that does not open a link or mention, or a `>` outside one: unescaped text. */
function mrkdwnProblem(text: string): string | undefined {
  const stripped = text.replace(/<(https?:\/\/|mailto:|@|#|!)[^<>]*>/g, '');
  if (/[<>]/.test(stripped)) return 'unescaped < or > in mrkdwn';
  if (/&(?!amp;|lt;|gt;)/.test(stripped)) return 'unescaped & in mrkdwn';
  return undefined;
}

// --- helpers ---

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseParams(raw: string, contentType: string): Params {
  if (!raw) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw) as Params;
  return Object.fromEntries(new URLSearchParams(raw));
}

/** Slack's request signature: `v0=` + hex HMAC-SHA256(secret, `v0:${timestamp}:${body}`). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** POSTs a body to the app with Slack's signature headers (or with the given ones, to test refusals). */
export async function signedPost(
  url: string,
  secret: string,
  body: string,
  contentType: string,
  override: { timestamp?: number; signature?: string | null } = {},
): Promise<{ status: number; body: string }> {
  const timestamp = override.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
  };
  const signature = override.signature === undefined ? slackSignature(secret, timestamp, body) : override.signature;
  if (signature !== null) headers['x-slack-signature'] = signature;
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text() };
}

/** One WebSocket frame from the client (masked), or undefined when the buffer does not hold a whole one yet. */
function readFrame(buf: Buffer): { opcode: number; payload: Buffer; length: number } | undefined {
  if (buf.length < 2) return undefined;
  const opcode = buf[0]! & 0x0f;
  const masked = (buf[1]! & 0x80) !== 0;
  let length = buf[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return undefined;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return undefined;
    length = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskAt = offset;
  if (masked) offset += 4;
  if (buf.length < offset + length) return undefined;
  const payload = Buffer.from(buf.subarray(offset, offset + length));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ buf[maskAt + (i % 4)]!;
  return { opcode, payload, length: offset + length };
}

/** A server frame (unmasked, final). */
function frameOf(opcode: number, payload: Buffer): Buffer {
  const head =
    payload.length < 126
      ? Buffer.from([0x80 | opcode, payload.length])
      : payload.length < 65_536
        ? Buffer.from([0x80 | opcode, 126, payload.length >> 8, payload.length & 0xff])
        : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLength(payload.length)]);
  return Buffer.concat([head, payload]);
}

function bigLength(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}
