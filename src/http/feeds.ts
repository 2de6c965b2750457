/**
 * The feed routes of the optional HTTP server: `GET`/`HEAD` `/feeds/trending.atom|.json`,
 * `/feeds/search.atom|.json?q=…` and `/feeds/channel/<token>.atom|.json`. Everything else is left to the next route.
 *
 * Conditional requests (`ETag` from the body, `Last-Modified` the first time this process served that body) get 304;
 * trending and search documents are kept for `cacheMs` and built once for concurrent requests; at most
 * `maxConcurrent` documents are built at once and a request waits at most `timeoutMs` (then 503), so feed readers
 * never hold the database from the digests for long. A handler never throws.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BotError, UserError } from '../errors.js';
import { FEED_PLATFORM, type FeedDocument, FeedSource, type FeedSourceDeps } from '../feeds/feed-source.js';
import type { FeedFormat } from '../feeds/links.js';
import { CONTENT_TYPES, renderFeed } from '../feeds/render.js';
import type { Logger } from '../logger.js';
import type { CommandDispatcher } from '../ports/commands.js';
import type { ChatPlatform } from '../ports/platform.js';
import type { HttpRoute } from './route.js';

export interface FeedRoutesOptions {
  /** The longest a request waits for its feed before 503 (default 5 s). */
  readonly timeoutMs?: number | undefined;
  /** How long a trending or search document is reused (default 60 s). Channel feeds are never reused. */
  readonly cacheMs?: number | undefined;
  /** Feed documents built at once (default 4); more requests wait, within `timeoutMs`. */
  readonly maxConcurrent?: number | undefined;
  /** `max-age` sent to clients, in seconds (default 300). */
  readonly maxAgeSeconds?: number | undefined;
}

/** What the routes read of the core (the App satisfies it; named here so that the app and its routes import one way). */
export interface FeedCore {
  readonly services: FeedSourceDeps['services'];
  readonly config: { readonly publicUrl: string | undefined };
  readonly log: Logger;
  dispatcher(platforms: readonly Pick<ChatPlatform, 'name' | 'traits'>[]): CommandDispatcher;
}

export interface FeedRoutesDeps {
  readonly app: FeedCore;
  readonly options?: FeedRoutesOptions | undefined;
}

const ROUTE = /^\/feeds\/(?:(trending|search)|channel\/([^/]*))\.(atom|json)$/;
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;
const MAX_REMEMBERED = 1_000;
const MAX_CACHED = 200;

type Kind = 'trending' | 'search' | 'channel';

/** An answer that is not a feed: status and one line of text. */
class HttpProblem extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  constructor(status: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

export function feedRoutes(deps: FeedRoutesDeps): HttpRoute {
  const { app } = deps;
  const log: Logger = app.log.child({ component: 'feeds' });
  const timeoutMs = deps.options?.timeoutMs ?? 5_000;
  const cacheMs = deps.options?.cacheMs ?? 60_000;
  const maxAge = deps.options?.maxAgeSeconds ?? 300;
  const source = new FeedSource({ services: app.services, dispatcher: app.dispatcher([FEED_PLATFORM]) });
  const gate = new Gate(deps.options?.maxConcurrent ?? 4);
  const documents = new Map<string, { value: Promise<FeedDocument | undefined>; until: number }>();
  const validators = new Map<string, { etag: string; lastModified: number }>();
  // A reused document is rendered once per format and base (rendering 50 Atom entries costs more than reading them).
  const renderings = new WeakMap<FeedDocument, Map<string, { body: string; etag: string }>>();
  const rendered = (doc: FeedDocument, format: FeedFormat, links: string, render: () => string) => {
    const key = `${format}|${links}`;
    const byKey = renderings.get(doc) ?? new Map<string, { body: string; etag: string }>();
    renderings.set(doc, byKey);
    let hit = byKey.get(key);
    if (!hit) {
      const body = render();
      hit = { body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
      if (byKey.size < 8) byKey.set(key, hit);
    }
    return hit;
  };

  const build = (kind: Kind, arg: string): Promise<FeedDocument | undefined> => {
    const work = () =>
      gate.run(() =>
        kind === 'trending' ? source.trending() : kind === 'search' ? source.search(arg) : source.channel(arg),
      );
    // A channel feed is read afresh each time: a reset token must stop working at once.
    if (kind === 'channel') return work();
    const key = `${kind}|${arg}`;
    const now = Date.now();
    const hit = documents.get(key);
    if (hit && hit.until > now) return hit.value;
    const value = work();
    documents.delete(key);
    documents.set(key, { value, until: now + cacheMs });
    if (documents.size > MAX_CACHED) documents.delete(documents.keys().next().value!);
    value.catch(() => documents.delete(key));
    return value;
  };

  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const match = ROUTE.exec(url.pathname);
    if (!match) return false;
    const kind: Kind = (match[1] as Kind | undefined) ?? 'channel';
    const format = match[3] as FeedFormat;
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        throw new HttpProblem(405, 'Only GET and HEAD are allowed here.', { Allow: 'GET, HEAD' });
      }
      const arg = kind === 'search' ? searchQuery(url) : kind === 'channel' ? channelToken(url, match[2]!) : none(url);
      const base = app.config.publicUrl ?? baseFromHost(req);
      const doc = await withTimeout(build(kind, arg), timeoutMs);
      if (!doc) throw new HttpProblem(404, 'No such feed.');
      const self = `${base}${doc.path}`;
      const query = kind === 'search' ? `?q=${encodeURIComponent(arg)}` : '';
      const { body, etag } = rendered(doc, format, `${self}|${query}`, () =>
        renderFeed(doc, format, { self: { atom: `${self}.atom${query}`, json: `${self}.json${query}` } }),
      );
      const lastModified = remember(validators, `${base}${url.pathname}${url.search}`, etag);
      const headers: Record<string, string> = {
        'Content-Type': CONTENT_TYPES[format],
        ETag: etag,
        'Last-Modified': new Date(lastModified).toUTCString(),
        'Cache-Control': `${kind === 'channel' ? 'private' : 'public'}, max-age=${maxAge}`,
        'X-Content-Type-Options': 'nosniff',
        ...(kind === 'channel' ? { 'Referrer-Policy': 'no-referrer', 'X-Robots-Tag': 'noindex' } : {}),
      };
      if (notModified(req, etag, lastModified)) {
        const { 'Content-Type': _type, ...kept } = headers;
        send(res, 304, kept, undefined, req.method === 'HEAD');
      } else {
        send(res, 200, headers, body, req.method === 'HEAD');
      }
    } catch (err) {
      const problem = toProblem(err, log, kind);
      send(
        res,
        problem.status,
        {
          'Content-Type': 'text/plain; charset=utf-8',
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          ...problem.headers,
        },
        `${problem.message}\n`,
        req.method === 'HEAD',
      );
    }
    return true;
  };
}

/** The `q` of a search feed: given once, and nothing else. */
function searchQuery(url: URL): string {
  checkEncoding(url);
  for (const key of new Set(url.searchParams.keys())) {
    if (key !== 'q')
      throw new HttpProblem(400, `Unknown parameter ${JSON.stringify(key.slice(0, 40))}; this feed takes q.`);
  }
  const values = url.searchParams.getAll('q');
  if (values.length > 1) throw new HttpProblem(400, 'Give q once.');
  return values[0] ?? '';
}

function channelToken(url: URL, token: string): string {
  checkEncoding(url);
  if (url.search.length > 1) throw new HttpProblem(400, 'This feed takes no parameters.');
  return token;
}

function none(url: URL): string {
  checkEncoding(url);
  if (url.search.length > 1) throw new HttpProblem(400, 'This feed takes no parameters.');
  return '';
}

/** A query string whose percent-encoding does not decode is refused (URLSearchParams would guess). */
function checkEncoding(url: URL): void {
  for (const part of url.search.slice(1).split('&')) {
    try {
      decodeURIComponent(part.replace(/\+/g, ' '));
    } catch {
      throw new HttpProblem(400, 'Malformed query string (bad percent-encoding).');
    }
  }
}

function baseFromHost(req: IncomingMessage): string {
  const host = req.headers.host;
  if (host === undefined) return 'http://localhost';
  if (!HOST.test(host)) throw new HttpProblem(400, 'Bad Host header.');
  return `http://${host}`;
}

/** When this body was first served for this URL (this process): the body's Last-Modified. */
function remember(validators: Map<string, { etag: string; lastModified: number }>, key: string, etag: string): number {
  const known = validators.get(key);
  validators.delete(key);
  // HTTP dates have whole seconds: round down, so a client's If-Modified-Since equals it exactly.
  const entry = known?.etag === etag ? known : { etag, lastModified: Math.floor(Date.now() / 1000) * 1000 };
  validators.set(key, entry);
  if (validators.size > MAX_REMEMBERED) validators.delete(validators.keys().next().value!);
  return entry.lastModified;
}

/** RFC 9110 §13.2.2: If-None-Match when present (weak comparison), else If-Modified-Since. */
function notModified(req: IncomingMessage, etag: string, lastModified: number): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    if (inm.trim() === '*') return true;
    return inm.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
  }
  const ims = req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && lastModified <= since;
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new HttpProblem(503, 'The feed is taking too long; try again shortly.', { 'Retry-After': '30' })),
      ms,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

function toProblem(err: unknown, log: Logger, kind: Kind): HttpProblem {
  if (err instanceof HttpProblem) return err;
  if (err instanceof UserError) return new HttpProblem(err.code === 'NOT_FOUND' ? 404 : 400, err.message);
  // The token is a secret: only the kind of feed is logged, never the URL.
  log.error({ err: err instanceof BotError || err instanceof Error ? err : String(err), feed: kind }, 'feed failed');
  return new HttpProblem(500, 'Something went wrong on our side; it has been logged.');
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | undefined,
  head: boolean,
): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
  res.writeHead(status, { ...headers, ...(payload ? { 'Content-Length': String(payload.length) } : {}) });
  res.end(head ? undefined : payload);
}

/** At most `limit` tasks at once; the rest wait in order. */
class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = Math.max(1, limit);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
