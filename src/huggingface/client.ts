import { BotError } from '../errors.js';
import type { Logger } from '../logger.js';
import { type ListSelector, type PaperSource, SourceUnreachable } from '../ports/paper-source.js';

export interface HfClientOptions {
  /** Site base, e.g. https://huggingface.co (tests: a local server). */
  readonly baseUrl: string;
  readonly log: Logger;
  /** Per-request timeout. */
  readonly timeoutMs?: number | undefined;
  /** Attempts per request for network errors and 5xx (the first try included). */
  readonly maxAttempts?: number | undefined;
  /** First backoff delay; doubles each attempt, with full jitter, up to maxDelayMs. */
  readonly baseDelayMs?: number | undefined;
  readonly maxDelayMs?: number | undefined;
  /** The longest a 429 may ask us to wait before we give up on the request. */
  readonly maxRateLimitWaitMs?: number | undefined;
  /** Page size, at most 100 (the API rejects 101). */
  readonly pageSize?: number | undefined;
  /** Injected in tests so retries take no real time. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
  readonly random?: (() => number) | undefined;
}

/** A safety stop: no Daily Papers list has come near 50 pages of 100. */
const MAX_PAGES = 50;

/**
 * Client for the Hugging Face papers API (`/api/daily_papers`, `/api/papers/{id}`). Retries network errors and
 * 5xx with exponential backoff and full jitter; on 429 waits for `Retry-After` or the `RateLimit` header's reset.
 */
export class HfClient implements PaperSource {
  readonly baseUrl: string;
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxRateLimitWaitMs: number;
  private readonly pageSize: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: HfClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.log = options.log;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 8_000;
    this.maxRateLimitWaitMs = options.maxRateLimitWaitMs ?? 120_000;
    this.pageSize = Math.min(100, options.pageSize ?? 100);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  async fetchList(selector: ListSelector): Promise<unknown[]> {
    const [key, value] = Object.entries(selector)[0] as [string, string];
    const all: unknown[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const path = `/api/daily_papers?${key}=${encodeURIComponent(value)}&limit=${this.pageSize}&p=${page}`;
      const body = await this.getJson(path);
      if (!Array.isArray(body)) {
        throw new BotError(
          `Hugging Face returned ${describeJson(body)} for ${path}, expected a JSON array`,
          'SOURCE_MALFORMED',
        );
      }
      all.push(...body);
      if (body.length < this.pageSize) return all;
    }
    this.log.warn({ selector, pages: MAX_PAGES }, 'stopped paging: page limit reached');
    return all;
  }

  async fetchPaper(id: string): Promise<unknown | undefined> {
    const path = `/api/papers/${encodeURIComponent(id)}`;
    const body = await this.getJson(path, { notFoundIsUndefined: true });
    if (body === undefined) return undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new BotError(
        `Hugging Face returned ${describeJson(body)} for ${path}, expected an object`,
        'SOURCE_MALFORMED',
      );
    }
    return body;
  }

  private async getJson(path: string, options: { notFoundIsUndefined?: boolean } = {}): Promise<unknown> {
    const url = `${this.baseUrl}${path}`;
    let failures = 0;
    let lastProblem = '';
    for (;;) {
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { accept: 'application/json', 'user-agent': 'PaperPulse (+https://github.com/paperpulse)' },
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (err) {
        lastProblem = networkProblem(err, this.timeoutMs);
        if (UNREACHABLE.has(lastProblem)) {
          throw new SourceUnreachable(this.baseUrl, lastProblem, { cause: err });
        }
        failures++;
        if (failures >= this.maxAttempts) break;
        await this.backoff(failures, path, lastProblem);
        continue;
      }
      if (response.status === 429) {
        await response.body?.cancel();
        const waitMs = rateLimitWaitMs(response.headers) ?? this.backoffDelay(failures + 1);
        if (waitMs > this.maxRateLimitWaitMs) {
          throw new BotError(
            `Hugging Face rate-limited ${path} and asks to wait ${Math.ceil(waitMs / 1000)} s; try again later`,
            'SOURCE_UNAVAILABLE',
          );
        }
        this.log.warn({ path, waitMs }, 'rate limited by Hugging Face; waiting');
        failures++;
        if (failures >= this.maxAttempts * 2) {
          lastProblem = 'rate limited (429)';
          break;
        }
        await this.sleep(waitMs);
        continue;
      }
      if (response.status >= 500) {
        await response.body?.cancel();
        lastProblem = `HTTP ${response.status}`;
        failures++;
        if (failures >= this.maxAttempts) break;
        await this.backoff(failures, path, lastProblem);
        continue;
      }
      let text: string;
      try {
        // The body read is part of the attempt: a body that stalls (the timeout covers it) or a connection reset
        // in the middle of it is retried like a failed request.
        text = await response.text();
      } catch (err) {
        lastProblem = bodyProblem(err, this.timeoutMs);
        failures++;
        if (failures >= this.maxAttempts) break;
        await this.backoff(failures, path, lastProblem);
        continue;
      }
      if (response.status === 404 && options.notFoundIsUndefined) return undefined;
      if (!response.ok) {
        throw new BotError(
          `Hugging Face rejected ${path} (HTTP ${response.status}${errorDetail(text)})`,
          'SOURCE_REJECTED',
        );
      }
      try {
        return JSON.parse(text);
      } catch {
        throw new BotError(
          `Hugging Face returned malformed JSON for ${path} (${text.length} bytes starting ${JSON.stringify(text.slice(0, 40))})`,
          'SOURCE_MALFORMED',
        );
      }
    }
    throw new BotError(
      `could not fetch ${path} from Hugging Face at ${this.baseUrl}: ${lastProblem} after ${failures} attempts`,
      'SOURCE_UNAVAILABLE',
    );
  }

  private backoffDelay(attempt: number): number {
    const cap = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(cap / 2 + (this.random() * cap) / 2);
  }

  private async backoff(attempt: number, path: string, problem: string): Promise<void> {
    const delay = this.backoffDelay(attempt);
    // debug: the final failure is what callers report (one line), not each retry before it.
    this.log.debug({ path, problem, attempt, delayMs: delay }, 'Hugging Face request failed; retrying');
    await this.sleep(delay);
  }
}

/**
 * How long a 429 asks us to wait: `Retry-After` (seconds or an HTTP date), else the `t=`/`reset=` of the IETF
 * `RateLimit` header Hugging Face sends (`"api";r=0;t=55`). Undefined when neither is usable.
 */
export function rateLimitWaitMs(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = headers.get('retry-after');
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
    const at = Date.parse(retryAfter);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  const rateLimit = headers.get('ratelimit');
  const reset = rateLimit ? /(?:^|[;,\s])(?:t|reset)=(\d+(?:\.\d+)?)/.exec(rateLimit) : null;
  if (reset) return Number(reset[1]) * 1000;
  return undefined;
}

/**
 * Network failures that mean "no network" or "nothing there" rather than a hiccup: DNS cannot resolve the host,
 * the connection is refused, there is no route, or fetch refuses the port outright.
 */
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ENETUNREACH', 'EHOSTUNREACH', 'bad port']);
/** What went wrong while the response body was read, for the log and the final error. */
function bodyProblem(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError'))
    return `the response body stalled after ${timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`}`;
  return `the connection broke while the response body was read (${networkProblem(err, timeoutMs)})`;
}

function networkProblem(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

function errorDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    const message = parsed.error ?? parsed.message;
    if (typeof message === 'string') return `: ${message.slice(0, 200)}`;
  } catch {
    // not JSON: fall through
  }
  return '';
}

function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
