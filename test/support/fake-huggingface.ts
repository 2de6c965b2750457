/**
 * A local Hugging Face papers API on 127.0.0.1: serves recorded lists page by page (`date`, `week`, `month`,
 * `limit` ≤ 100, 0-based `p`) and `/api/papers/{id}`, enforces the real limit (`limit=101` → 400), and can be
 * scripted to answer the next requests with 429, 5xx, broken JSON or a dropped connection, or fail a seeded share
 * of its requests at random (`faults`, for soak tests) in the ways a real server and network fail.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isoWeekRange, monthRange } from '../../src/domain/days.js';
import { prng } from './prng.js';

/**
 * Seeded random faults: each a share (0–1, together at most 1) of the matching requests.
 * - `serverError`: 500, 502 or 503 before anything is sent.
 * - `rateLimited`: 429 with `Retry-After` (whole seconds, as HTTP and Hugging Face send it) and the IETF `RateLimit`
 *   headers Hugging Face sends (`"api";r=0;t=<s>`; policy 500 requests per 300 s for anonymous API calls:
 *   huggingface/hub-docs docs/hub/rate-limits.md).
 * - `hang`: the connection is accepted and never answered (the client's timeout ends it).
 * - `stall`: 200, the headers with the full Content-Length and the first part of the body, then nothing more.
 * - `reset`: 200, the headers and the first part of the body, then the connection is reset (TCP RST).
 */
export interface HfFaultOptions {
  readonly seed: number;
  readonly serverError?: number | undefined;
  readonly rateLimited?: number | undefined;
  readonly hang?: number | undefined;
  readonly stall?: number | undefined;
  readonly reset?: number | undefined;
  /** The Retry-After of a `rateLimited` answer, in seconds (default 1). */
  readonly retryAfterSeconds?: number | undefined;
  /** Which request paths may fail (default: the lists, `/api/daily_papers`). */
  readonly match?: ((path: string) => boolean) | undefined;
}

export type HfFaultKind = 'serverError' | 'rateLimited' | 'hang' | 'stall' | 'reset';
const HF_FAULT_KINDS: readonly HfFaultKind[] = ['serverError', 'rateLimited', 'hang', 'stall', 'reset'];

export interface HfFaultCounters extends Record<HfFaultKind, number> {
  considered: number;
  passed: number;
}

export interface FakeHuggingFaceOptions {
  readonly faults?: HfFaultOptions | undefined;
  /** Added before every answer, in ms (a slow upstream). Default 0. */
  readonly latencyMs?: number | undefined;
}

export interface ScriptedResponse {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** A string is sent verbatim (for broken JSON); anything else as JSON. */
  readonly body?: unknown;
  /** Close the connection without answering. */
  readonly drop?: boolean;
  /** Wait this long before answering. */
  readonly delayMs?: number;
}

export class FakeHuggingFace {
  /** Base URL to use as HF_API_URL. */
  url = '';
  /** Every request, in order: path with query string. */
  readonly requests: string[] = [];
  /** Daily lists by date, in the order the API returns them. */
  readonly lists = new Map<string, unknown[]>();
  /** Bare paper objects for /api/papers/{id}. */
  readonly papers = new Map<string, unknown>();
  /** What the random faults did (all zero without `faults`). */
  readonly faultCounters: HfFaultCounters = {
    considered: 0,
    passed: 0,
    serverError: 0,
    rateLimited: 0,
    hang: 0,
    stall: 0,
    reset: 0,
  };
  private readonly scripts: { match: RegExp; response: ScriptedResponse }[] = [];
  private server: Server | undefined;
  private readonly options: FakeHuggingFaceOptions;
  private readonly random: () => number;

  constructor(options: FakeHuggingFaceOptions = {}) {
    const faults = options.faults;
    const total = HF_FAULT_KINDS.reduce((n, k) => n + (faults?.[k] ?? 0), 0);
    if (total > 1) throw new Error(`fault rates add up to ${total}, more than 1`);
    this.options = options;
    this.random = prng(faults?.seed ?? 1);
  }

  /** Answers the next request whose path matches with `response` (once per call; queued in order). */
  script(match: RegExp, ...responses: ScriptedResponse[]): this {
    for (const response of responses) this.scripts.push({ match, response });
    return this;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '/';
    this.requests.push(path);
    if (this.options.latencyMs) await new Promise((r) => setTimeout(r, this.options.latencyMs));
    const fault = this.drawFault(path);
    if (fault === 'hang') return; // held open until the client gives up or the fake stops
    if (fault === 'serverError') {
      json(res, [500, 502, 503][Math.floor(this.random() * 3)]!, { error: 'Internal Error' });
      return;
    }
    if (fault === 'rateLimited') {
      const seconds = this.options.faults?.retryAfterSeconds ?? 1;
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(seconds),
        ratelimit: `"api";r=0;t=${seconds}`,
        'ratelimit-policy': '"fixed window";"api";q=500;w=300',
      });
      res.end(JSON.stringify({ error: 'You have exceeded our hourly quotas for action: api. Retry later.' }));
      return;
    }
    if (fault === 'stall' || fault === 'reset') {
      // The real answer, cut: the client has the status and headers, then the body stops.
      const full = this.answer(path);
      const body = Buffer.from(JSON.stringify(full.body));
      res.writeHead(full.status, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))));
      if (fault === 'reset') setTimeout(() => req.socket.resetAndDestroy(), 20);
      return;
    }
    const scripted = this.scripts.findIndex((s) => s.match.test(path));
    if (scripted >= 0) {
      const { response } = this.scripts.splice(scripted, 1)[0]!;
      if (response.delayMs) await new Promise((r) => setTimeout(r, response.delayMs));
      if (response.drop) {
        req.socket.destroy();
        return;
      }
      const body = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? {});
      res.writeHead(response.status ?? 200, { 'content-type': 'application/json', ...response.headers });
      res.end(body);
      return;
    }
    const { status, body } = this.answer(path);
    json(res, status, body);
  }

  /** The fault for this request, if any (counted). */
  private drawFault(path: string): HfFaultKind | undefined {
    const faults = this.options.faults;
    if (!faults || !(faults.match ?? ((p: string) => p.startsWith('/api/daily_papers')))(path)) return undefined;
    this.faultCounters.considered++;
    let r = this.random();
    for (const kind of HF_FAULT_KINDS) {
      const rate = faults[kind] ?? 0;
      if (r < rate) {
        this.faultCounters[kind]++;
        return kind;
      }
      r -= rate;
    }
    this.faultCounters.passed++;
    return undefined;
  }

  /** The answer to a request that is not scripted and not failed. */
  private answer(path: string): { status: number; body: unknown } {
    const url = new URL(path, 'http://x');
    if (url.pathname === '/api/daily_papers') return this.dailyPapers(url);
    const paper = /^\/api\/papers\/([^/]+)$/.exec(url.pathname);
    if (paper) {
      const found = this.papers.get(decodeURIComponent(paper[1]!));
      return found ? { status: 200, body: found } : { status: 404, body: { error: 'Paper not found' } };
    }
    return { status: 404, body: { error: 'Not found' } };
  }

  private dailyPapers(url: URL): { status: number; body: unknown } {
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const page = Number(url.searchParams.get('p') ?? 0);
    if (limit > 100) return { status: 400, body: { error: 'Too big: expected number to be <=100' } };
    let items: unknown[] = [];
    const date = url.searchParams.get('date');
    const range = date
      ? { from: date, to: date }
      : url.searchParams.get('week')
        ? isoWeekRange(url.searchParams.get('week')!)
        : url.searchParams.get('month')
          ? monthRange(url.searchParams.get('month')!)
          : undefined;
    if (!range) return { status: 400, body: { error: 'Invalid date' } };
    for (const [d, list] of [...this.lists].sort()) if (d >= range.from && d <= range.to) items = items.concat(list);
    return { status: 200, body: items.slice(page * limit, (page + 1) * limit) };
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
