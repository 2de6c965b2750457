/**
 * A local Discord REST API on 127.0.0.1 (real HTTP through node:http), for the real discord.js client pointed at it
 * with `rest: { api: fake.api }`. It behaves like Discord where the adapter depends on it:
 *
 * - validates message bodies against Discord's limits (adapters/discord/limits.ts) and answers a broken one with
 *   400 and Discord's error shape `{ code: 50035, message: 'Invalid Form Body', errors: {…} }`;
 * - sends the rate-limit headers (X-RateLimit-Limit / Remaining / Reset / Reset-After / Bucket) and enforces a
 *   per-channel bucket on message creation and a global requests-per-second limit (429 with `retry_after`);
 * - honours `nonce` + `enforce_nonce` (a retried part returns the message already created);
 * - serves the interaction callback and webhook endpoints, enforcing the 3-second first answer and one callback
 *   per interaction;
 * - has channels that are gone (404, code 10003) or forbidden (403, code 50001 / 50013);
 * - answers 429 or 5xx on demand (`script`), before or after doing the work.
 *
 * Every created message is recorded per channel, and time can be scaled (`timeScale`), so a benchmark can push
 * thousands of channels through the real adapter and count duplicates and losses.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  COMMAND_LIMITS,
  COMPONENT_LIMITS,
  EMBED_LIMITS,
  MESSAGE_LIMITS,
  THREAD_LIMITS,
} from '../../adapters/discord/limits.js';

export interface FakeDiscordOptions {
  /** The bot token requests must carry (`Authorization: Bot <token>`). */
  readonly token?: string;
  readonly applicationId?: string;
  readonly botUserId?: string;
  /** Requests per second allowed across bot routes (interaction routes are exempt, as on Discord). Default 50. */
  readonly globalPerSecond?: number;
  /** Message creations per channel per window. Default 5 per 5 s (Discord's usual channel bucket). */
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
  readonly status: number;
  readonly at: number;
  readonly body: unknown;
}

export interface FakeMessage {
  readonly id: string;
  readonly channelId: string;
  readonly body: Record<string, unknown>;
  readonly nonce: string | undefined;
  readonly at: number;
}

export interface InteractionAnswer {
  readonly kind: 'callback' | 'edit' | 'followup' | 'delete';
  readonly body: Record<string, unknown> | undefined;
  readonly at: number;
  /** Milliseconds since the interaction was sent. */
  readonly elapsedMs: number;
}

interface PendingInteraction {
  readonly id: string;
  readonly token: string;
  readonly sentAt: number;
  acknowledged: boolean;
  readonly answers: InteractionAnswer[];
}

interface Bucket {
  remaining: number;
  resetAt: number;
}

type FormErrors = Record<string, unknown>;

/** Where a route writes its answer (nowhere, for a scripted lost answer). */
interface Out {
  send(status: number, payload: unknown, headers?: Record<string, string>): void;
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  if (status === 204) {
    res.writeHead(204, headers);
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class FakeDiscord {
  /** Base URL for discord.js: `rest: { api: fake.api }`. */
  api = '';
  readonly token: string;
  readonly applicationId: string;
  readonly botUserId: string;
  /** Every request, in order. */
  readonly requests: RecordedRequest[] = [];
  /** Created messages per channel (threads are channels too), in order. */
  readonly channels = new Map<string, FakeMessage[]>();
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
  readonly stats = {
    rateLimited: 0,
    globalRateLimited: 0,
    invalidBodies: 0,
    scripted: 0,
    /** Retried creations answered with the message already made for their nonce. */
    nonceReplays: 0,
    unauthorized: 0,
  };
  private readonly options: Required<Omit<FakeDiscordOptions, 'token' | 'applicationId' | 'botUserId'>>;
  private readonly scripts: { method: string | undefined; path: RegExp; response: ScriptedResponse }[] = [];
  private readonly buckets = new Map<string, Bucket>();
  private readonly nonces = new Map<string, FakeMessage>();
  private global = { count: 0, resetAt: 0 };
  private nextId = 1_300_000_000_000_000_000n;
  private server: Server | undefined;

  constructor(options: FakeDiscordOptions = {}) {
    this.token = options.token ?? 'MTAwMDAwMDAwMDAwMDAwMDAw.GfAkE1.fake-discord-token-for-tests-only';
    this.applicationId = options.applicationId ?? '1000000000000000001';
    this.botUserId = options.botUserId ?? this.applicationId;
    this.options = {
      globalPerSecond: options.globalPerSecond ?? 50,
      perChannel: options.perChannel ?? { limit: 5, windowMs: 5_000 },
      timeScale: options.timeScale ?? 1,
      interactionDeadlineMs: options.interactionDeadlineMs ?? 3_000,
      nonceWindowMs: options.nonceWindowMs ?? 5 * 60_000,
      latencyMs: options.latencyMs ?? 0,
    };
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
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Answers the next `count` requests matching `method` and `path` with `response` (queued in order). */
  script(method: string | undefined, path: RegExp, ...responses: ScriptedResponse[]): this {
    for (const response of responses) this.scripts.push({ method, path, response });
    return this;
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
    return this.channels.get(channelId) ?? [];
  }

  /** Messages that repeat another one in the same channel (same nonce, or same body when there is no nonce). */
  duplicates(): FakeMessage[] {
    const dups: FakeMessage[] = [];
    for (const list of this.channels.values()) {
      const seen = new Set<string>();
      for (const m of list) {
        const key = m.nonce ?? JSON.stringify(m.body);
        if (seen.has(key)) dups.push(m);
        seen.add(key);
      }
    }
    return dups;
  }

  private scaled(ms: number): number {
    return ms * this.options.timeScale;
  }

  private id(): string {
    this.nextId += 1n;
    return String(this.nextId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (this.options.latencyMs > 0) await sleep(this.options.latencyMs);
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname.replace(/^\/api\/v\d+/, ''));
    const method = req.method ?? 'GET';
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      this.requests.push({ method, path: path + url.search, status: 400, at: Date.now(), body: raw });
      json(res, 400, { message: '400: Bad Request', code: 50109 });
      return;
    }
    const record = (status: number) =>
      this.requests.push({ method, path: path + url.search, status, at: Date.now(), body });
    const interactionRoute = /^\/(interactions|webhooks)\//.test(path);

    if (!interactionRoute && req.headers.authorization !== `Bot ${this.token}`) {
      this.stats.unauthorized++;
      record(401);
      json(res, 401, { message: '401: Unauthorized', code: 0 });
      return;
    }
    if (!interactionRoute) {
      const limited = this.globalLimit();
      if (limited) {
        this.stats.globalRateLimited++;
        record(429);
        json(res, 429, limited.body, limited.headers);
        return;
      }
    }

    const scripted = this.scripts.findIndex((s) => (!s.method || s.method === method) && s.path.test(path));
    if (scripted >= 0) {
      const { response } = this.scripts.splice(scripted, 1)[0]!;
      this.stats.scripted++;
      if (response.delayMs) await sleep(response.delayMs);
      if (response.afterWork) {
        // Do the work, then lose the answer: the client sees the scripted failure.
        await this.route(method, path, body, {
          send: () => {},
        });
      }
      const answer = this.scriptedAnswer(response);
      record(answer.status);
      json(res, answer.status, answer.body, answer.headers);
      return;
    }

    await this.route(method, path, body, {
      send: (status, payload, headers) => {
        record(status);
        json(res, status, payload, headers);
      },
    });
  }

  private scriptedAnswer(r: ScriptedResponse): { status: number; body: unknown; headers: Record<string, string> } {
    if (r.status === 429) {
      const seconds = (r.retryAfter ?? 1) * this.options.timeScale;
      return {
        status: 429,
        body: r.body ?? { message: 'You are being rate limited.', retry_after: seconds, global: r.global === true },
        headers: {
          'retry-after': String(seconds),
          'x-ratelimit-scope': r.global ? 'global' : 'shared',
          ...(r.global ? { 'x-ratelimit-global': 'true' } : {}),
          ...r.headers,
        },
      };
    }
    return {
      status: r.status,
      body: r.body ?? { message: `${r.status}: scripted failure`, code: 0 },
      headers: r.headers ?? {},
    };
  }

  /** The global per-second limit: a 429 answer when exceeded. */
  private globalLimit(): { body: unknown; headers: Record<string, string> } | undefined {
    const now = Date.now();
    const window = this.scaled(1_000);
    if (now >= this.global.resetAt) this.global = { count: 0, resetAt: now + window };
    this.global.count++;
    if (this.global.count <= this.options.globalPerSecond) return undefined;
    const seconds = Math.max(0.001, (this.global.resetAt - now) / 1000);
    return {
      body: { message: 'You are being rate limited.', retry_after: seconds, global: true },
      headers: { 'retry-after': String(seconds), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
    };
  }

  /** The per-channel bucket for message creation; headers to send, or a 429. */
  private channelBucket(channelId: string): { limited: boolean; headers: Record<string, string>; retry: number } {
    const now = Date.now();
    const { limit, windowMs } = this.options.perChannel;
    let bucket = this.buckets.get(channelId);
    if (!bucket || now >= bucket.resetAt) {
      bucket = { remaining: limit, resetAt: now + this.scaled(windowMs) };
      this.buckets.set(channelId, bucket);
    }
    const resetAfter = Math.max(0, (bucket.resetAt - now) / 1000);
    const limited = bucket.remaining <= 0;
    if (!limited) bucket.remaining--;
    return {
      limited,
      retry: resetAfter,
      headers: {
        'x-ratelimit-limit': String(limit),
        'x-ratelimit-remaining': String(bucket.remaining),
        'x-ratelimit-reset': String(bucket.resetAt / 1000),
        'x-ratelimit-reset-after': String(resetAfter),
        'x-ratelimit-bucket': 'fake-channel-messages',
      },
    };
  }

  private channelRefusal(channelId: string): { status: number; body: unknown } | undefined {
    if (this.gone.has(channelId)) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
    if (this.forbidden.has(channelId)) return { status: 403, body: { message: 'Missing Access', code: 50001 } };
    if (this.noPermission.has(channelId)) return { status: 403, body: { message: 'Missing Permissions', code: 50013 } };
    return undefined;
  }

  private async route(method: string, path: string, body: unknown, out: Out): Promise<void> {
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
      ['POST', /^\/channels\/([\w-]+)\/messages$/, (m) => this.createMessage(m[1]!, body, out)],
      ['POST', /^\/channels\/([\w-]+)\/messages\/(\d+)\/threads$/, (m) => this.startThread(m[1]!, m[2]!, body, out)],
      [
        'POST',
        /^\/interactions\/(\d+)\/([^/]+)\/callback$/,
        (m) => this.interactionCallback(m[1]!, decodeURIComponent(m[2]!), body, out),
      ],
      [
        undefined,
        /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/(@original|\d+))?$/,
        (m) => this.webhook(method, m[1]!, decodeURIComponent(m[2]!), m[3], body, out),
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
      out.send(403, { message: 'Missing Access', code: 50001 });
      return;
    }
    const errors = validateCommands(body);
    if (errors) {
      this.stats.invalidBodies++;
      out.send(400, { code: 50035, message: 'Invalid Form Body', errors });
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

  private createMessage(channelId: string, body: unknown, out: Out): void {
    const refusal = this.channelRefusal(channelId);
    if (refusal) {
      out.send(refusal.status, refusal.body);
      return;
    }
    const bucket = this.channelBucket(channelId);
    if (bucket.limited) {
      this.stats.rateLimited++;
      out.send(
        429,
        { message: 'You are being rate limited.', retry_after: bucket.retry, global: false },
        { ...bucket.headers, 'retry-after': String(bucket.retry), 'x-ratelimit-scope': 'user' },
      );
      return;
    }
    const errors = validateMessage(body);
    if (errors) {
      this.stats.invalidBodies++;
      out.send(400, errors, bucket.headers);
      return;
    }
    const payload = body as Record<string, unknown>;
    const nonce = payload.nonce === undefined ? undefined : String(payload.nonce);
    const nonceKey = nonce !== undefined ? `${channelId}:${nonce}` : undefined;
    if (nonceKey && payload.enforce_nonce === true) {
      const earlier = this.nonces.get(nonceKey);
      if (earlier && Date.now() - earlier.at <= this.scaled(this.options.nonceWindowMs)) {
        this.stats.nonceReplays++;
        out.send(200, this.messageObject(earlier.id, channelId, earlier.body), bucket.headers);
        return;
      }
    }
    const message: FakeMessage = { id: this.id(), channelId, body: payload, nonce, at: Date.now() };
    const list = this.channels.get(channelId) ?? [];
    list.push(message);
    this.channels.set(channelId, list);
    if (nonceKey) this.nonces.set(nonceKey, message);
    out.send(200, this.messageObject(message.id, channelId, payload), bucket.headers);
  }

  private startThread(channelId: string, messageId: string, body: unknown, out: Out): void {
    const refusal = this.channelRefusal(channelId);
    if (refusal) {
      out.send(refusal.status, refusal.body);
      return;
    }
    if (this.noThreads.has(channelId)) {
      out.send(403, { message: 'Missing Permissions', code: 50013 });
      return;
    }
    if (!this.messagesIn(channelId).some((msg) => msg.id === messageId)) {
      out.send(404, { message: 'Unknown Message', code: 10008 });
      return;
    }
    if (this.threads.has(messageId)) {
      out.send(400, { message: 'A thread has already been created for this message', code: 160004 });
      return;
    }
    const name = (body as { name?: unknown } | undefined)?.name;
    if (typeof name !== 'string' || name.trim().length < 1 || name.length > THREAD_LIMITS.name) {
      this.stats.invalidBodies++;
      out.send(400, formError({ name: lengthError(THREAD_LIMITS.name) }));
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

  private interactionCallback(id: string, token: string, body: unknown, out: Out): void {
    const pending = this.interactions.get(id);
    const now = Date.now();
    if (!pending || pending.token !== token || now - pending.sentAt > this.options.interactionDeadlineMs) {
      out.send(404, { message: 'Unknown interaction', code: 10062 });
      return;
    }
    if (pending.acknowledged) {
      out.send(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      return;
    }
    const payload = (body ?? {}) as { type?: number; data?: Record<string, unknown> };
    let errors: FormErrors | undefined;
    if (payload.type === 4 || payload.type === 7) errors = validateMessage(payload.data, 'data');
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
    });
    out.send(204, undefined);
  }

  private webhook(
    method: string,
    applicationId: string,
    token: string,
    messageId: string | undefined,
    body: unknown,
    out: Out,
  ): void {
    const pending = [...this.interactions.values()].find((i) => i.token === token);
    const now = Date.now();
    if (applicationId !== this.applicationId || !pending || now - pending.sentAt > 15 * 60_000) {
      out.send(404, { message: 'Unknown Webhook', code: 10015 });
      return;
    }
    if (!pending.acknowledged) {
      // Discord has no original message to edit or follow before the first callback.
      out.send(404, { message: 'Unknown Message', code: 10008 });
      return;
    }
    const record = (kind: InteractionAnswer['kind']) =>
      pending.answers.push({
        kind,
        body: body as Record<string, unknown> | undefined,
        at: now,
        elapsedMs: now - pending.sentAt,
      });
    if (method === 'PATCH' && messageId) {
      const errors = validateMessage(body, undefined, { allowEmpty: true });
      if (errors) {
        this.stats.invalidBodies++;
        out.send(400, errors);
        return;
      }
      record('edit');
      out.send(
        200,
        this.messageObject(
          messageId === '@original' ? `${pending.id}0` : messageId,
          '0',
          body as Record<string, unknown>,
          { webhook_id: this.applicationId },
        ),
      );
      return;
    }
    if (method === 'DELETE' && messageId) {
      record('delete');
      out.send(204, undefined);
      return;
    }
    if (method === 'POST' && !messageId) {
      const errors = validateMessage(body);
      if (errors) {
        this.stats.invalidBodies++;
        out.send(400, errors);
        return;
      }
      record('followup');
      out.send(
        200,
        this.messageObject(this.id(), '0', body as Record<string, unknown>, { webhook_id: this.applicationId }),
      );
      return;
    }
    out.send(405, { message: '405: Method Not Allowed', code: 0 });
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// --- validation, in Discord's error shape ---------------------------------------------------------------------

function formError(errors: FormErrors): FormErrors & { code: number } {
  return { code: 50035, message: 'Invalid Form Body', errors } as FormErrors & { code: number };
}

const lengthError = (max: number) => ({
  _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` }],
});
const countError = (max: number) => ({
  _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: `Must be ${max} or fewer in length.` }],
});
const typeError = (what: string) => ({ _errors: [{ code: 'BASE_TYPE_BAD_TYPE', message: `Invalid ${what}.` }] });
const urlError = () => ({ _errors: [{ code: 'URL_TYPE_INVALID_URL', message: 'Not a well formed URL.' }] });

/** Discord counts trimmed text. */
const tlen = (value: unknown) => (typeof value === 'string' ? value.trim().length : 0);

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The characters of an embed counted toward the 6000 per message. */
export function fakeEmbedLength(embed: Record<string, unknown>): number {
  const fields = Array.isArray(embed.fields) ? (embed.fields as Record<string, unknown>[]) : [];
  return (
    tlen(embed.title) +
    tlen(embed.description) +
    tlen((embed.footer as { text?: unknown } | undefined)?.text) +
    tlen((embed.author as { name?: unknown } | undefined)?.name) +
    fields.reduce((n, f) => n + tlen(f.name) + tlen(f.value), 0)
  );
}

function validateEmbed(embed: Record<string, unknown>): FormErrors | undefined {
  const errors: FormErrors = {};
  if (tlen(embed.title) > EMBED_LIMITS.title) errors.title = lengthError(EMBED_LIMITS.title);
  if (tlen(embed.description) > EMBED_LIMITS.description) errors.description = lengthError(EMBED_LIMITS.description);
  if (embed.url !== undefined && !isHttpUrl(embed.url)) errors.url = urlError();
  const thumbnail = embed.thumbnail as { url?: unknown } | undefined;
  if (thumbnail && !isHttpUrl(thumbnail.url)) errors.thumbnail = { url: urlError() };
  const footer = embed.footer as { text?: unknown } | undefined;
  if (footer && tlen(footer.text) > EMBED_LIMITS.footerText)
    errors.footer = { text: lengthError(EMBED_LIMITS.footerText) };
  const author = embed.author as { name?: unknown } | undefined;
  if (author && tlen(author.name) > EMBED_LIMITS.authorName)
    errors.author = { name: lengthError(EMBED_LIMITS.authorName) };
  if (embed.fields !== undefined) {
    const fields = embed.fields as Record<string, unknown>[];
    if (!Array.isArray(fields) || fields.length > EMBED_LIMITS.fields) {
      errors.fields = countError(EMBED_LIMITS.fields);
    } else {
      const fieldErrors: FormErrors = {};
      fields.forEach((f, i) => {
        const e: FormErrors = {};
        if (tlen(f.name) < 1 || tlen(f.name) > EMBED_LIMITS.fieldName) e.name = lengthError(EMBED_LIMITS.fieldName);
        if (tlen(f.value) < 1 || tlen(f.value) > EMBED_LIMITS.fieldValue)
          e.value = lengthError(EMBED_LIMITS.fieldValue);
        if (Object.keys(e).length) fieldErrors[i] = e;
      });
      if (Object.keys(fieldErrors).length) errors.fields = fieldErrors;
    }
  }
  return Object.keys(errors).length ? errors : undefined;
}

function validateComponents(components: unknown): FormErrors | undefined {
  if (!Array.isArray(components)) return { _errors: typeError('components')._errors };
  if (components.length > MESSAGE_LIMITS.actionRows) return countError(MESSAGE_LIMITS.actionRows);
  const errors: FormErrors = {};
  const ids = new Set<string>();
  components.forEach((row: { type?: unknown; components?: unknown }, r) => {
    if (row.type !== 1 || !Array.isArray(row.components) || row.components.length > MESSAGE_LIMITS.buttonsPerRow) {
      errors[r] = { components: countError(MESSAGE_LIMITS.buttonsPerRow) };
      return;
    }
    row.components.forEach((b: Record<string, unknown>, i: number) => {
      const e: FormErrors = {};
      const id = b.custom_id;
      if (b.type !== 2) e.type = typeError('component type');
      if (typeof id !== 'string' || id.length < 1 || id.length > COMPONENT_LIMITS.customId)
        e.custom_id = lengthError(COMPONENT_LIMITS.customId);
      else if (ids.has(id))
        e.custom_id = {
          _errors: [{ code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: 'Component custom id cannot be duplicated' }],
        };
      if (typeof id === 'string') ids.add(id);
      if (typeof b.label !== 'string' || b.label.length > COMPONENT_LIMITS.buttonLabel)
        e.label = lengthError(COMPONENT_LIMITS.buttonLabel);
      if (Object.keys(e).length) errors[r] = { components: { [i]: e } };
    });
  });
  return Object.keys(errors).length ? errors : undefined;
}

/** A message body as Discord checks it; undefined when it is fine, else the 400 body to answer. */
export function validateMessage(
  body: unknown,
  prefix?: string,
  options: { allowEmpty?: boolean } = {},
): (FormErrors & { code: number }) | undefined {
  if (typeof body !== 'object' || body === null) return formError({ _errors: typeError('body')._errors });
  const b = body as Record<string, unknown>;
  const errors: FormErrors = {};
  if (b.content !== undefined && typeof b.content !== 'string') errors.content = typeError('string');
  if (tlen(b.content) > MESSAGE_LIMITS.content) errors.content = lengthError(MESSAGE_LIMITS.content);
  if (b.nonce !== undefined && String(b.nonce).length > MESSAGE_LIMITS.nonce)
    errors.nonce = lengthError(MESSAGE_LIMITS.nonce);
  const embeds = b.embeds;
  if (embeds !== undefined) {
    if (!Array.isArray(embeds) || embeds.length > MESSAGE_LIMITS.embeds) {
      errors.embeds = countError(MESSAGE_LIMITS.embeds);
    } else {
      const embedErrors: FormErrors = {};
      embeds.forEach((e: Record<string, unknown>, i) => {
        const err = validateEmbed(e);
        if (err) embedErrors[i] = err;
      });
      if (Object.keys(embedErrors).length) errors.embeds = embedErrors;
      else if (
        embeds.reduce((n: number, e: Record<string, unknown>) => n + fakeEmbedLength(e), 0) > MESSAGE_LIMITS.embedTotal
      )
        errors.embeds = {
          _errors: [
            {
              code: 'MAX_EMBED_SIZE_EXCEEDED',
              message: `Embed size exceeds maximum size of ${MESSAGE_LIMITS.embedTotal}`,
            },
          ],
        };
    }
  }
  if (b.components !== undefined) {
    const err = validateComponents(b.components);
    if (err) errors.components = err;
  }
  if (Object.keys(errors).length) return formError(prefix ? { [prefix]: errors } : errors);
  const empty =
    tlen(b.content) === 0 &&
    (!Array.isArray(b.embeds) || b.embeds.length === 0) &&
    (!Array.isArray(b.components) || b.components.length === 0);
  if (empty && !options.allowEmpty)
    return { code: 50006, message: 'Cannot send an empty message' } as FormErrors & { code: number };
  return undefined;
}

function validateChoices(choices: unknown): (FormErrors & { code: number }) | undefined {
  if (!Array.isArray(choices)) return formError({ data: { choices: typeError('choices') } });
  if (choices.length > COMMAND_LIMITS.choices)
    return formError({ data: { choices: countError(COMMAND_LIMITS.choices) } });
  const errors: FormErrors = {};
  choices.forEach((c: { name?: unknown; value?: unknown }, i) => {
    const e: FormErrors = {};
    if (typeof c.name !== 'string' || c.name.length < 1 || c.name.length > COMMAND_LIMITS.choiceName)
      e.name = lengthError(COMMAND_LIMITS.choiceName);
    if (typeof c.value === 'string' && c.value.length > COMMAND_LIMITS.choiceValue)
      e.value = lengthError(COMMAND_LIMITS.choiceValue);
    if (Object.keys(e).length) errors[i] = e;
  });
  return Object.keys(errors).length ? formError({ data: { choices: errors } }) : undefined;
}

const NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Checks a bulk-overwrite body the way Discord does (application-commands.mdx). */
export function validateCommands(body: unknown): FormErrors | undefined {
  if (!Array.isArray(body)) return { _errors: typeError('array')._errors };
  if (body.length > COMMAND_LIMITS.commands) return countError(COMMAND_LIMITS.commands);
  const errors: FormErrors = {};
  body.forEach((command: Record<string, unknown>, i) => {
    const e: FormErrors = {};
    let text = 0;
    const checkOption = (option: Record<string, unknown>, where: FormErrors): void => {
      if (typeof option.name !== 'string' || !NAME.test(option.name) || option.name !== option.name.toLowerCase())
        where.name = { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' }] };
      if (
        typeof option.description !== 'string' ||
        option.description.length < 1 ||
        option.description.length > COMMAND_LIMITS.description
      )
        where.description = lengthError(COMMAND_LIMITS.description);
      text += String(option.name ?? '').length + String(option.description ?? '').length;
      const choices = option.choices as { name: string; value: unknown }[] | undefined;
      if (choices) {
        if (choices.length > COMMAND_LIMITS.choices) where.choices = countError(COMMAND_LIMITS.choices);
        for (const c of choices) {
          text += String(c.name).length + String(c.value).length;
          if (String(c.name).length > COMMAND_LIMITS.choiceName || String(c.value).length > COMMAND_LIMITS.choiceValue)
            where.choices = lengthError(COMMAND_LIMITS.choiceValue);
        }
        if (option.autocomplete)
          where.autocomplete = {
            _errors: [{ code: 'AUTOCOMPLETE_AND_CHOICES', message: 'Autocomplete cannot be set with choices' }],
          };
      }
      if (
        option.max_length !== undefined &&
        (Number(option.max_length) < 1 || Number(option.max_length) > COMMAND_LIMITS.stringLength)
      )
        where.max_length = lengthError(COMMAND_LIMITS.stringLength);
      const nested = option.options as Record<string, unknown>[] | undefined;
      if (nested) {
        if (nested.length > COMMAND_LIMITS.options) where.options = countError(COMMAND_LIMITS.options);
        let optionalSeen = false;
        const nestedErrors: FormErrors = {};
        nested.forEach((o, j) => {
          const oe: FormErrors = {};
          if (o.type !== 1 && o.type !== 2) {
            if (o.required && optionalSeen)
              oe.required = {
                _errors: [
                  {
                    code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
                    message: 'Required options must be placed before non-required options',
                  },
                ],
              };
            if (!o.required) optionalSeen = true;
          }
          checkOption(o, oe);
          if (Object.keys(oe).length) nestedErrors[j] = oe;
        });
        if (Object.keys(nestedErrors).length) where.options = nestedErrors;
      }
    };
    checkOption(command, e);
    if (
      command.default_member_permissions !== undefined &&
      command.default_member_permissions !== null &&
      typeof command.default_member_permissions !== 'string'
    )
      e.default_member_permissions = typeError('permissions');
    if (text > COMMAND_LIMITS.totalText)
      e._errors = [
        {
          code: 'APPLICATION_COMMAND_TOO_LARGE',
          message: `Command exceeds maximum size (${COMMAND_LIMITS.totalText})`,
        },
      ];
    if (Object.keys(e).length) errors[i] = e;
  });
  return Object.keys(errors).length ? errors : undefined;
}

/** What a person sees of a message body, as text: content, then each embed's title, link, text and fields. */
export function messageText(body: Record<string, unknown> | undefined): string {
  if (!body) return '';
  const lines: string[] = [];
  if (typeof body.content === 'string' && body.content) lines.push(body.content);
  for (const e of (body.embeds as Record<string, unknown>[] | undefined) ?? []) {
    const author = (e.author as { name?: string } | undefined)?.name;
    if (author) lines.push(author);
    if (e.title) lines.push(`${e.title}${e.url ? ` <${e.url}>` : ''}`);
    if (e.description) lines.push(String(e.description));
    for (const f of (e.fields as { name: string; value: string }[] | undefined) ?? [])
      lines.push(`${f.name}: ${f.value}`);
    const footer = (e.footer as { text?: string } | undefined)?.text;
    if (footer) lines.push(footer);
  }
  for (const row of (body.components as { components: { label?: string }[] }[] | undefined) ?? []) {
    for (const c of row.components) if (c.label) lines.push(`[${c.label}]`);
  }
  // Markdown escapes are not shown to the reader.
  return lines.join('\n').replace(/\\([\\*_~`|<>#[\]()-])/g, '$1');
}
