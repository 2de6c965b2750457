/**
 * The fake Discord REST API's server and router: real HTTP on 127.0.0.1 for the real discord.js client pointed at it
 * with `rest: { api: fake.api }`. Each route follows Discord's documentation (documented.ts has every number and its
 * source): bodies are checked by validate.ts, rate limits by rate-limit.ts, what was accepted is kept by recorder.ts,
 * and seeded faults come from ../fault-injection.ts.
 *
 * - Create Message (JSON or multipart with `payload_json` + `files[n]`), honouring `nonce` + `enforce_nonce`;
 * - Get Channel Messages (`before`/`after`/`around`, `limit` 1–100, newest first) for read-backs;
 * - Start Thread from Message; bulk-overwrite application commands;
 * - interaction callbacks (3-second first answer, one callback) and the interaction webhooks (follow-ups, edits);
 * - channels that are gone (404, 10003), forbidden (403, 50001), without a permission (403, 50013), or whose bot
 *   permissions a test sets (`setBotPermissions`);
 * - 429s with `Retry-After` in whole seconds and `retry_after` as a float, global and per channel;
 * - scripted answers (`script`) and seeded random faults (`injectFaults`).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isMultipart, parseMultipart, readBody } from '../fake-http.js';
import { type FaultCounters, FaultInjector, type FaultOptions } from '../fault-injection.js';
import {
  DISCORD_ERRORS,
  DISCORD_FILES,
  DISCORD_HISTORY,
  DISCORD_INTERACTIONS,
  DISCORD_NONCE,
  DISCORD_RATE_LIMITS,
  DISCORD_SNOWFLAKE,
  DISCORD_THREAD,
} from './documented.js';
import { GlobalLimiter, ResourceBuckets, rateLimited } from './rate-limit.js';
import { DiscordRecorder, type FakeAttachment, type FakeMessage } from './recorder.js';
import {
  type FormErrors,
  formError,
  lengthError,
  typeError,
  type UploadedFile,
  validateChoices,
  validateCommands,
  validateFiles,
  validateMessage,
} from './validate.js';

export interface FakeDiscordOptions {
  /** The bot token requests must carry (`Authorization: Bot <token>`). */
  readonly token?: string;
  readonly applicationId?: string;
  readonly botUserId?: string;
  /** Requests per second allowed across bot routes (interaction routes are exempt, as on Discord). Default 50. */
  readonly globalPerSecond?: number;
  /** Message creations per channel per window. Default 5 per 5 s (undocumented; see documented.ts). */
  readonly perChannel?: { readonly limit: number; readonly windowMs: number };
  /**
   * Multiplies the rate-limit windows, their waits and the nonce memory: 0.01 runs the same limits 100 times
   * faster. Interaction deadlines are not scaled (they test the adapter's own timing). Default 1.
   */
  readonly timeScale?: number;
  /** How long after an interaction is sent its first answer is accepted. Default 3000 ms. */
  readonly interactionDeadlineMs?: number;
  /** How long a nonce with `enforce_nonce` is remembered ("the past few minutes"). Default 5 min (scaled). */
  readonly nonceWindowMs?: number;
  /** Added latency for every request, in ms (not scaled). Default 0. */
  readonly latencyMs?: number;
  /** File limits (bytes per file, files per message, bytes per request). Default: Discord's documented ones. */
  readonly files?: { readonly fileBytes?: number; readonly files?: number; readonly requestBytes?: number };
  /** Seeded random faults from the start (see injectFaults). */
  readonly faults?: FaultOptions;
}

/** A scripted answer for the next matching request. */
export interface ScriptedResponse {
  readonly status: number;
  /** Discord JSON body; defaults to a fitting error body. */
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** For 429: seconds to wait (unscaled; the fake scales it). */
  readonly retryAfter?: number;
  /** For 429: a global rate limit. */
  readonly global?: boolean;
  /** Do the work first (create the message), then answer with this status: a lost response. */
  readonly afterWork?: boolean;
  readonly delayMs?: number;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path after /api/v10, with query string. */
  readonly path: string;
  /** The answer's status; 0 when the connection was destroyed or held without an answer (fault injection). */
  readonly status: number;
  readonly at: number;
  readonly body: unknown;
}

export interface InteractionAnswer {
  readonly kind: 'callback' | 'edit' | 'followup' | 'delete';
  readonly body: Record<string, unknown> | undefined;
  readonly at: number;
  /** Milliseconds since the interaction was sent. */
  readonly elapsedMs: number;
  /** Files sent with it (multipart). */
  readonly files?: readonly FakeAttachment[] | undefined;
}

export interface PendingInteraction {
  readonly id: string;
  readonly token: string;
  readonly sentAt: number;
  acknowledged: boolean;
  readonly answers: InteractionAnswer[];
}

/** The bot's rights in one channel, for the routes that check them. Missing keys are granted. */
export interface BotPermissions {
  readonly viewChannel?: boolean;
  readonly sendMessages?: boolean;
  readonly readMessageHistory?: boolean;
  readonly attachFiles?: boolean;
}

/** Where a route writes its answer (nowhere, for a scripted or injected lost answer). */
interface Out {
  send(status: number, payload: unknown, headers?: Record<string, string>): void;
}

/** A request as the routes see it: JSON body, or the `payload_json` of a multipart body and its files. */
interface Parsed {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  readonly files: readonly UploadedFile[];
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  if (res.destroyed || res.headersSent) return;
  if (status === 204) {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const CREATE_MESSAGE = /^\/channels\/[\w-]+\/messages$/;

export class FakeDiscord {
  /** Base URL for discord.js: `rest: { api: fake.api }`. */
  api = '';
  readonly token: string;
  readonly applicationId: string;
  readonly botUserId: string;
  /** Every request, in order. */
  readonly requests: RecordedRequest[] = [];
  /** What was accepted: messages per channel, nonces, lost answers. */
  readonly recorder = new DiscordRecorder();
  /** Created messages per channel (threads are channels too), in order. */
  readonly channels = this.recorder.channels;
  /** thread id → parent channel id and name. */
  readonly threads = new Map<string, { parentId: string; name: string }>();
  /** Interactions by id, with their answers. */
  readonly interactions = new Map<string, PendingInteraction>();
  /** Application commands as last PUT: key `global` or the guild id. */
  readonly commands = new Map<string, unknown[]>();
  /** Channel ids answering 404 Unknown Channel. */
  readonly gone = new Set<string>();
  /** Channel ids answering 403 Missing Access (code 50001). */
  readonly forbidden = new Set<string>();
  /** Channel ids answering 403 Missing Permissions (code 50013). */
  readonly noPermission = new Set<string>();
  /** Channel ids where starting a thread fails with 403 Missing Permissions. */
  readonly noThreads = new Set<string>();
  /** The bot's permissions per channel (setBotPermissions); a channel not listed grants everything. */
  readonly permissions = new Map<string, BotPermissions>();
  readonly stats = {
    rateLimited: 0,
    globalRateLimited: 0,
    invalidBodies: 0,
    scripted: 0,
    /** Retried creations answered with the message already made for their nonce. */
    nonceReplays: 0,
    unauthorized: 0,
    /** 401, 403 and 429 answers except `shared` 429s: what Discord counts toward its Cloudflare ban (10,000 / 10 min). */
    invalidRequests: 0,
  };
  /** Seeded random faults (injectFaults) and their counters. */
  readonly faults = new FaultInjector((method, path) => method === 'POST' && CREATE_MESSAGE.test(path));
  private readonly options: {
    globalPerSecond: number;
    perChannel: { limit: number; windowMs: number };
    timeScale: number;
    interactionDeadlineMs: number;
    nonceWindowMs: number;
    latencyMs: number;
    files: { fileBytes: number; files: number; requestBytes: number };
  };
  private readonly scripts: { method: string | undefined; path: RegExp; response: ScriptedResponse }[] = [];
  private readonly global: GlobalLimiter;
  private readonly channelBuckets: ResourceBuckets;
  private nextId = 1_300_000_000_000_000_000n;
  private server: Server | undefined;

  constructor(options: FakeDiscordOptions = {}) {
    this.token = options.token ?? 'MTAwMDAwMDAwMDAwMDAwMDAw.GfAkE1.fake-discord-token-for-tests-only';
    this.applicationId = options.applicationId ?? '1000000000000000001';
    this.botUserId = options.botUserId ?? this.applicationId;
    this.options = {
      globalPerSecond: options.globalPerSecond ?? DISCORD_RATE_LIMITS.globalPerSecond,
      perChannel: options.perChannel ?? DISCORD_RATE_LIMITS.channelMessages,
      timeScale: options.timeScale ?? 1,
      interactionDeadlineMs: options.interactionDeadlineMs ?? DISCORD_INTERACTIONS.initialResponseMs,
      nonceWindowMs: options.nonceWindowMs ?? DISCORD_NONCE.windowMs,
      latencyMs: options.latencyMs ?? 0,
      files: {
        fileBytes: options.files?.fileBytes ?? DISCORD_FILES.fileBytes,
        files: options.files?.files ?? DISCORD_FILES.files,
        requestBytes: options.files?.requestBytes ?? DISCORD_FILES.requestBytes,
      },
    };
    this.global = new GlobalLimiter(
      () => this.options.globalPerSecond,
      () => this.options.timeScale,
    );
    this.channelBuckets = new ResourceBuckets(
      () => this.options.perChannel,
      () => this.options.timeScale,
      'fake-channel-messages',
    );
    if (options.faults) this.faults.configure(options.faults);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        json(res, 500, { message: `fake discord crashed: ${String(err)}`, code: 0 });
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.api = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
    return this;
  }

  async stop(): Promise<void> {
    this.faults.releaseAll();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Answers the next `count` requests matching `method` and `path` with `response` (queued in order). */
  script(method: string | undefined, path: RegExp, ...responses: ScriptedResponse[]): this {
    for (const response of responses) this.scripts.push({ method, path, response });
    return this;
  }

  /**
   * Fails a seeded share of the matching requests (default: Create Message) with 5xx, 429, a hung connection or an
   * answer lost after the message was created; undefined stops. Counters: `faultCounters`.
   */
  injectFaults(options: FaultOptions | undefined): this {
    this.faults.configure(options);
    return this;
  }

  /** What the fault injector did so far. */
  get faultCounters(): Readonly<FaultCounters> {
    return this.faults.counters;
  }

  /**
   * Sets the bot's permissions in a channel. Without VIEW_CHANNEL every channel route answers 403 Missing Access
   * (50001); without SEND_MESSAGES (or ATTACH_FILES for files) Create Message answers 403 Missing Permissions (50013);
   * without READ_MESSAGE_HISTORY Get Channel Messages returns no messages ("then no messages will be returned").
   */
  setBotPermissions(channelId: string, permissions: BotPermissions | undefined): void {
    if (permissions) this.permissions.set(channelId, permissions);
    else this.permissions.delete(channelId);
  }

  /** Registers an interaction as sent now: its first answer is due within the deadline. */
  expectInteraction(id: string, token: string): void {
    this.interactions.set(id, { id, token, sentAt: Date.now(), acknowledged: false, answers: [] });
  }

  /** The answers given to an interaction so far. */
  answers(id: string): InteractionAnswer[] {
    return this.interactions.get(id)?.answers ?? [];
  }

  /** Messages created in a channel (or thread). */
  messagesIn(channelId: string): FakeMessage[] {
    return this.recorder.messagesIn(channelId);
  }

  /** Messages that repeat another one in the same channel (same nonce, or same body when there is no nonce). */
  duplicates(): FakeMessage[] {
    return this.recorder.duplicates();
  }

  /** Messages that were created but whose answer was lost (injected `lostAnswer` or scripted `afterWork`). */
  get lostAnswers(): readonly FakeMessage[] {
    return this.recorder.lostAnswers;
  }

  /** The bot's user object, as Discord returns it. */
  botUser() {
    return {
      id: this.botUserId,
      username: 'PaperPulse',
      discriminator: '0',
      global_name: null,
      avatar: null,
      bot: true,
    };
  }

  /** A message object as Discord returns it, for a message the bot sent with `body`. */
  messageObject(id: string, channelId: string, body: Record<string, unknown>, extra: object = {}) {
    return {
      id,
      type: 0,
      channel_id: channelId,
      author: this.botUser(),
      content: typeof body.content === 'string' ? body.content : '',
      embeds: Array.isArray(body.embeds) ? body.embeds.map((e) => ({ type: 'rich', ...(e as object) })) : [],
      components: Array.isArray(body.components) ? body.components : [],
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      flags: typeof body.flags === 'number' ? body.flags : 0,
      ...(body.nonce !== undefined ? { nonce: body.nonce } : {}),
      ...extra,
    };
  }

  /**
   * A stored message as Get Channel Messages returns it: without `nonce`, which Discord does not store ("Value will
   * appear in the Message Create event", message.mdx; not returned by a fetch, Rapptz/discord.py#2451).
   */
  fetchedMessage(message: FakeMessage) {
    const { nonce: _nonce, ...object } = this.messageObject(message.id, message.channelId, message.body, {
      timestamp: new Date(message.at).toISOString(),
      attachments: (message.attachments ?? []).map(attachmentObject),
    });
    return object;
  }

  private scaled(ms: number): number {
    return ms * this.options.timeScale;
  }

  private id(): string {
    // Snowflakes carry their creation time (ms since the Discord epoch, shifted left 22 bits): reference.mdx
    // "Snowflakes"; so `after=<snowflake of a time>` selects the messages created after that time.
    const timed = (BigInt(Date.now()) - DISCORD_SNOWFLAKE.epochMs) << DISCORD_SNOWFLAKE.timestampShift;
    this.nextId = timed > this.nextId ? timed : this.nextId + 1n;
    return String(this.nextId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
    const url = new URL(req.url ?? '/', 'http://fake');
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname.startsWith('/attachments/')) return this.serveAttachment(url.pathname, res);
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v\d+/, ''));
    const where = path + url.search;
    const contentType = String(req.headers['content-type'] ?? '');
    let body: unknown;
    let files: UploadedFile[] = [];
    const record = (status: number) => this.requests.push({ method, path: where, status, at: Date.now(), body });
    if (raw.length > this.options.files.requestBytes) {
      record(413);
      json(res, 413, { message: 'Request entity too large', code: DISCORD_ERRORS.requestTooLarge });
      return;
    }
    try {
      if (isMultipart(contentType)) ({ body, files } = await parseForm(raw, contentType));
      else body = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      this.requests.push({ method, path: where, status: 400, at: Date.now(), body: raw.toString('utf8') });
      json(res, 400, { message: '400: Bad Request', code: DISCORD_ERRORS.invalidJson });
      return;
    }
    const interactionRoute = /^\/(interactions|webhooks)\//.test(path);
    const answer = (status: number, payload: unknown, headers?: Record<string, string>) => {
      record(status);
      if (status === 401 || status === 403 || (status === 429 && headers?.['x-ratelimit-scope'] !== 'shared'))
        this.stats.invalidRequests++;
      json(res, status, payload, headers);
    };

    if (!interactionRoute && req.headers.authorization !== `Bot ${this.token}`) {
      this.stats.unauthorized++;
      answer(401, { message: '401: Unauthorized', code: 0 });
      return;
    }
    if (!interactionRoute) {
      const limited = this.global.take();
      if (limited) {
        this.stats.globalRateLimited++;
        answer(429, limited.body, limited.headers);
        return;
      }
    }
    const request: Parsed = { method, path, query: url.searchParams, body, files };

    const scripted = this.scripts.findIndex((s) => (!s.method || s.method === method) && s.path.test(path));
    if (scripted >= 0) {
      const { response } = this.scripts.splice(scripted, 1)[0]!;
      this.stats.scripted++;
      if (response.delayMs) await sleep(response.delayMs);
      if (response.afterWork) {
        // Do the work, then lose the answer: the client sees the scripted failure.
        await this.route(request, { send: (status, payload) => this.noteLost(status, payload) });
      }
      const scriptedAnswer = this.scriptedAnswer(response);
      answer(scriptedAnswer.status, scriptedAnswer.body, scriptedAnswer.headers);
      return;
    }

    switch (this.faults.draw(method, path)) {
      case 'serverError': {
        const status = this.faults.serverErrorStatus();
        answer(status, { message: `${status}: injected server error`, code: 0 });
        return;
      }
      case 'rateLimited': {
        const limited = rateLimited(this.scaled(1_000) / 1000, this.options.timeScale, 'user');
        this.stats.rateLimited++;
        answer(429, limited.body, limited.headers);
        return;
      }
      case 'hang':
        record(0);
        this.faults.hang(req, res);
        return;
      case 'lostAnswer':
        await this.route(request, { send: (status, payload) => this.noteLost(status, payload) });
        record(0);
        this.faults.loseAnswer(res);
        return;
      case 'acceptedError': {
        // Created, then a 5xx from a gateway in front of Discord: the client sees a failure that was not one.
        await this.route(request, { send: (status, payload) => this.noteLost(status, payload) });
        const status = this.faults.serverErrorStatus();
        answer(status, { message: `${status}: injected server error after the work`, code: 0 });
        return;
      }
      default:
        await this.route(request, { send: answer });
    }
  }

  /** A message created but never answered: kept in `lostAnswers`. */
  private noteLost(status: number, payload: unknown): void {
    if (status !== 200 || typeof payload !== 'object' || payload === null) return;
    const { id, channel_id: channelId } = payload as { id?: string; channel_id?: string };
    const message = channelId ? this.messagesIn(channelId).find((m) => m.id === id) : undefined;
    if (message && !this.recorder.lostAnswers.includes(message)) this.recorder.lostAnswers.push(message);
  }

  private scriptedAnswer(r: ScriptedResponse): { status: number; body: unknown; headers: Record<string, string> } {
    if (r.status === 429) {
      const limited = rateLimited(
        (r.retryAfter ?? 1) * this.options.timeScale,
        this.options.timeScale,
        r.global ? 'global' : 'shared',
      );
      return {
        status: 429,
        body: r.body ?? limited.body,
        headers: { ...limited.headers, ...r.headers },
      };
    }
    return {
      status: r.status,
      body: r.body ?? { message: `${r.status}: scripted failure`, code: 0 },
      headers: r.headers ?? {},
    };
  }

  /** Why the bot may not use a channel: gone, forbidden, or lacking a permission the route needs. */
  private channelRefusal(
    channelId: string,
    needs: readonly ('sendMessages' | 'attachFiles')[] = [],
  ): { status: number; body: unknown } | undefined {
    if (this.gone.has(channelId))
      return { status: 404, body: { message: 'Unknown Channel', code: DISCORD_ERRORS.unknownChannel } };
    const permissions = this.permissions.get(channelId) ?? {};
    if (this.forbidden.has(channelId) || permissions.viewChannel === false)
      return { status: 403, body: { message: 'Missing Access', code: DISCORD_ERRORS.missingAccess } };
    if (this.noPermission.has(channelId) || needs.some((p) => permissions[p] === false))
      return { status: 403, body: { message: 'Missing Permissions', code: DISCORD_ERRORS.missingPermissions } };
    return undefined;
  }

  private async route(request: Parsed, out: Out): Promise<void> {
    const { method, path, body } = request;
    if (method === 'GET' && path === '/applications/@me') {
      out.send(200, { id: this.applicationId, name: 'PaperPulse', bot_public: true, flags: 0, description: '' });
      return;
    }
    if (method === 'GET' && path === '/users/@me') {
      out.send(200, this.botUser());
      return;
    }
    const routes: [string | undefined, RegExp, (m: RegExpExecArray) => void][] = [
      ['PUT', /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/, (m) => this.putCommands(m[1]!, m[2], body, out)],
      ['POST', /^\/channels\/([\w-]+)\/messages$/, (m) => this.createMessage(m[1]!, request, out)],
      ['GET', /^\/channels\/([\w-]+)\/messages$/, (m) => this.getMessages(m[1]!, request.query, out)],
      ['POST', /^\/channels\/([\w-]+)\/messages\/(\d+)\/threads$/, (m) => this.startThread(m[1]!, m[2]!, body, out)],
      [
        'POST',
        /^\/interactions\/(\d+)\/([^/]+)\/callback$/,
        (m) => this.interactionCallback(m[1]!, decodeURIComponent(m[2]!), request, out),
      ],
      [
        undefined,
        /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/,
        (m) => this.webhook(m[1]!, decodeURIComponent(m[2]!), m[3], request, out),
      ],
    ];
    for (const [routeMethod, pattern, run] of routes) {
      const m = pattern.exec(path);
      if (m && (!routeMethod || routeMethod === method)) {
        run(m);
        return;
      }
    }
    out.send(404, { message: '404: Not Found', code: 0 });
  }

  private putCommands(applicationId: string, guildId: string | undefined, body: unknown, out: Out): void {
    if (applicationId !== this.applicationId) {
      out.send(403, { message: 'Missing Access', code: DISCORD_ERRORS.missingAccess });
      return;
    }
    const errors = validateCommands(body);
    if (errors) {
      this.stats.invalidBodies++;
      out.send(400, formError(errors));
      return;
    }
    const saved = (body as Record<string, unknown>[]).map((c) => ({
      ...c,
      id: this.id(),
      application_id: this.applicationId,
      ...(guildId ? { guild_id: guildId } : {}),
      version: this.id(),
    }));
    this.commands.set(guildId ?? 'global', saved);
    out.send(200, saved);
  }

  /** Stores files as Discord attachments of a message or webhook answer. */
  private attachments(
    channelId: string,
    files: readonly UploadedFile[],
    body: Record<string, unknown>,
  ): FakeAttachment[] {
    const meta = Array.isArray(body.attachments) ? (body.attachments as { id?: unknown; description?: unknown }[]) : [];
    return files.map((f) => {
      const id = this.id();
      const url = `${this.api.replace(/\/api$/, '')}/attachments/${channelId}/${id}/${encodeURIComponent(f.filename)}`;
      const description = meta.find((a) => String(a.id) === f.field.slice('files['.length, -1))?.description;
      return {
        id,
        filename: f.filename,
        size: f.size,
        content_type: f.contentType,
        url,
        proxy_url: url,
        ...(typeof description === 'string' ? { description } : {}),
        data: f.data,
      };
    });
  }

  private createMessage(channelId: string, request: Parsed, out: Out): void {
    const refusal = this.channelRefusal(
      channelId,
      request.files.length ? ['sendMessages', 'attachFiles'] : ['sendMessages'],
    );
    if (refusal) {
      out.send(refusal.status, refusal.body);
      return;
    }
    const bucket = this.channelBuckets.take(channelId);
    if (bucket.limited) {
      this.stats.rateLimited++;
      out.send(429, { ...bucket.limited.body, global: false }, bucket.limited.headers);
      return;
    }
    const fileProblem = validateFiles(
      request.files,
      (request.body as { attachments?: unknown } | undefined)?.attachments,
      this.options.files,
    );
    if (fileProblem) {
      this.stats.invalidBodies++;
      out.send(fileProblem.status, fileProblem.body, bucket.headers);
      return;
    }
    const errors = validateMessage(request.body, undefined, { files: request.files.length });
    if (errors) {
      this.stats.invalidBodies++;
      out.send(400, errors, bucket.headers);
      return;
    }
    const payload = request.body as Record<string, unknown>;
    const nonce = payload.nonce === undefined ? undefined : String(payload.nonce);
    if (nonce !== undefined && payload.enforce_nonce === true) {
      const earlier = this.recorder.findNonce(this.botUserId, nonce, this.scaled(this.options.nonceWindowMs));
      if (earlier) {
        this.stats.nonceReplays++;
        out.send(200, this.createdObject(earlier), bucket.headers);
        return;
      }
    }
    const message = this.recorder.add({
      id: this.id(),
      channelId,
      body: payload,
      nonce,
      at: Date.now(),
      authorId: this.botUserId,
      attachments: this.attachments(channelId, request.files, payload),
    });
    out.send(200, this.createdObject(message), bucket.headers);
  }

  /** The Create Message answer: the message object, with the nonce (it is in the Message Create event). */
  private createdObject(message: FakeMessage) {
    return this.messageObject(message.id, message.channelId, message.body, {
      timestamp: new Date(message.at).toISOString(),
      attachments: (message.attachments ?? []).map(attachmentObject),
    });
  }

  /** Get Channel Messages — message.mdx: VIEW_CHANNEL required; without READ_MESSAGE_HISTORY, no messages. */
  private getMessages(channelId: string, query: URLSearchParams, out: Out): void {
    const refusal = this.channelRefusal(channelId);
    if (refusal) {
      out.send(refusal.status, refusal.body);
      return;
    }
    const errors: FormErrors = {};
    const anchors = (['before', 'after', 'around'] as const).filter((k) => query.has(k));
    // "The before, after, and around parameters are mutually exclusive". Undocumented: the answer when several are
    // given; we assume a 400 Invalid Form Body.
    if (anchors.length > 1)
      errors[anchors[1]!] = {
        _errors: [{ code: 'MUTUALLY_EXCLUSIVE', message: 'Only one of before, after, around.' }],
      };
    for (const k of anchors)
      if (!/^\d{1,20}$/.test(query.get(k) ?? ''))
        errors[k] = { _errors: [{ code: 'NUMBER_TYPE_COERCE', message: 'Value is not snowflake.' }] };
    let limit: number = DISCORD_HISTORY.defaultLimit;
    if (query.has('limit')) {
      limit = Number(query.get('limit'));
      // Undocumented: Discord's answer to a limit outside 1–100; we assume a 400 rather than clamping.
      if (!Number.isInteger(limit) || limit < 1 || limit > DISCORD_HISTORY.maxLimit)
        errors.limit = {
          _errors: [
            { code: 'NUMBER_TYPE_MAX', message: `int value should be between 1 and ${DISCORD_HISTORY.maxLimit}.` },
          ],
        };
    }
    if (Object.keys(errors).length) {
      out.send(400, formError(errors));
      return;
    }
    if (this.permissions.get(channelId)?.readMessageHistory === false) {
      out.send(200, []);
      return;
    }
    const messages = this.recorder.history(channelId, {
      before: query.get('before') ?? undefined,
      after: query.get('after') ?? undefined,
      around: query.get('around') ?? undefined,
      limit,
    });
    out.send(
      200,
      messages.map((m) => this.fetchedMessage(m)),
    );
  }

  private startThread(channelId: string, messageId: string, body: unknown, out: Out): void {
    const refusal = this.channelRefusal(channelId);
    if (refusal) {
      out.send(refusal.status, refusal.body);
      return;
    }
    if (this.noThreads.has(channelId)) {
      out.send(403, { message: 'Missing Permissions', code: DISCORD_ERRORS.missingPermissions });
      return;
    }
    if (!this.messagesIn(channelId).some((msg) => msg.id === messageId)) {
      out.send(404, { message: 'Unknown Message', code: DISCORD_ERRORS.unknownMessage });
      return;
    }
    if (this.threads.has(messageId)) {
      out.send(400, {
        message: 'A thread has already been created for this message',
        code: DISCORD_ERRORS.threadAlreadyCreated,
      });
      return;
    }
    const name = (body as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || name.trim().length < 1 || name.length > DISCORD_THREAD.name) {
      this.stats.invalidBodies++;
      out.send(400, formError({ name: lengthError(DISCORD_THREAD.name) }));
      return;
    }
    // The thread's id is the id of the message it starts from.
    this.threads.set(messageId, { parentId: channelId, name });
    this.channels.set(messageId, this.channels.get(messageId) ?? []);
    out.send(201, {
      id: messageId,
      type: 11,
      parent_id: channelId,
      name,
      guild_id: '2000000000000000001',
      thread_metadata: { archived: false, auto_archive_duration: 1440, locked: false, archive_timestamp: '' },
    });
  }

  private interactionCallback(id: string, token: string, request: Parsed, out: Out): void {
    const pending = this.interactions.get(id);
    const now = Date.now();
    if (!pending || pending.token !== token || now - pending.sentAt > this.options.interactionDeadlineMs) {
      out.send(404, { message: 'Unknown interaction', code: DISCORD_ERRORS.unknownInteraction });
      return;
    }
    if (pending.acknowledged) {
      out.send(400, {
        message: 'Interaction has already been acknowledged.',
        code: DISCORD_ERRORS.alreadyAcknowledged,
      });
      return;
    }
    const payload = (request.body ?? {}) as { type?: number; data?: Record<string, unknown> };
    let errors: FormErrors | undefined;
    if (payload.type === 4 || payload.type === 7)
      errors =
        validateFiles(request.files, payload.data?.attachments, this.options.files)?.body ??
        validateMessage(payload.data, 'data', { files: request.files.length });
    else if (payload.type === 8) errors = validateChoices(payload.data?.choices);
    else if (payload.type !== 5 && payload.type !== 6) errors = formError({ type: typeError('interaction callback') });
    if (errors) {
      this.stats.invalidBodies++;
      out.send(400, errors);
      return;
    }
    pending.acknowledged = true;
    pending.answers.push({
      kind: 'callback',
      body: payload as Record<string, unknown>,
      at: now,
      elapsedMs: now - pending.sentAt,
      ...(request.files.length ? { files: this.attachments('0', request.files, payload.data ?? {}) } : {}),
    });
    out.send(204, undefined);
  }

  private webhook(
    applicationId: string,
    token: string,
    messageId: string | undefined,
    request: Parsed,
    out: Out,
  ): void {
    const { method, body, files } = request;
    const pending = [...this.interactions.values()].find((i) => i.token === token);
    const now = Date.now();
    if (applicationId !== this.applicationId || !pending || now - pending.sentAt > DISCORD_INTERACTIONS.tokenMs) {
      out.send(404, { message: 'Unknown Webhook', code: DISCORD_ERRORS.unknownWebhook });
      return;
    }
    if (!pending.acknowledged) {
      // Discord has no original message to edit or follow before the first callback.
      out.send(404, { message: 'Unknown Message', code: DISCORD_ERRORS.unknownMessage });
      return;
    }
    const payload = (body ?? {}) as Record<string, unknown>;
    const stored = files.length ? this.attachments('0', files, payload) : [];
    const record = (kind: InteractionAnswer['kind']) =>
      pending.answers.push({
        kind,
        body: body as Record<string, unknown> | undefined,
        at: now,
        elapsedMs: now - pending.sentAt,
        ...(stored.length ? { files: stored } : {}),
      });
    const reply = (id: string) =>
      this.messageObject(id, '0', payload, {
        webhook_id: this.applicationId,
        attachments: stored.map(attachmentObject),
      });
    if (method === 'PATCH' && messageId) {
      const errors =
        validateFiles(files, undefined, this.options.files)?.body ??
        validateMessage(body, undefined, { allowEmpty: true, files: files.length });
      if (errors) {
        this.stats.invalidBodies++;
        out.send(400, errors);
        return;
      }
      record('edit');
      out.send(200, reply(messageId === '@original' ? `${pending.id}0` : messageId));
      return;
    }
    if (method === 'DELETE' && messageId) {
      record('delete');
      out.send(204, undefined);
      return;
    }
    if (method === 'POST' && !messageId) {
      const fileProblem = validateFiles(files, payload.attachments, this.options.files);
      const errors = fileProblem?.body ?? validateMessage(body, undefined, { files: files.length });
      if (errors) {
        this.stats.invalidBodies++;
        out.send(fileProblem?.status ?? 400, errors);
        return;
      }
      record('followup');
      out.send(200, reply(this.id()));
      return;
    }
    out.send(405, { message: '405: Method Not Allowed', code: 0 });
  }

  /** The bytes of a stored attachment (its `url`). */
  private serveAttachment(pathname: string, res: ServerResponse): void {
    const [, , channelId, id] = pathname.split('/');
    const stored = [
      ...[...this.recorder.channels.values()].flat().flatMap((m) => m.attachments ?? []),
      ...[...this.interactions.values()].flatMap((i) => i.answers.flatMap((a) => a.files ?? [])),
    ];
    const found = stored.find((a) => a.id === id && a.url.includes(`/attachments/${channelId}/`));
    if (!found) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': found.content_type, 'content-length': String(found.size) });
    res.end(found.data);
  }
}

/** An attachment as Discord returns it (without the bytes the fake keeps). */
function attachmentObject(a: FakeAttachment) {
  const { data: _data, ...object } = a;
  return object;
}

/** A multipart body: `payload_json` (or plain fields) as the JSON body, and the `files[n]` parts. */
async function parseForm(raw: Buffer, contentType: string): Promise<{ body: unknown; files: UploadedFile[] }> {
  const parts = await parseMultipart(raw, contentType);
  const files: UploadedFile[] = [];
  let body: Record<string, unknown> = {};
  for (const part of parts) {
    if (part.kind === 'file')
      files.push({
        field: part.name,
        filename: part.filename,
        contentType: part.contentType,
        size: part.data.length,
        data: part.data,
      });
    else if (part.name === 'payload_json') body = { ...body, ...(JSON.parse(part.value) as Record<string, unknown>) };
    else body[part.name] = part.value;
  }
  return { body, files };
}
