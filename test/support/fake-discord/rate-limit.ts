/**
 * Discord's rate limits as the fake enforces them (docs:developers/topics/rate-limits.mdx): a global requests-per-second
 * limit per bot, and per-route buckets keyed by the top-level resource (here: message creation per channel). A 429
 * carries a JSON body `{ message, retry_after (float seconds), global }` and a `Retry-After` header in whole seconds,
 * as in the docs' examples ("Retry-After: 65" with "retry_after": 64.57).
 */

/** A 429 to answer: the body, the headers and the float seconds to wait. */
export interface RateLimited {
  readonly body: { message: string; retry_after: number; global: boolean };
  readonly headers: Record<string, string>;
  readonly retryAfter: number;
}

/**
 * The `Retry-After` header for a wait of `seconds` (already scaled by `timeScale`): Discord sends whole seconds, so
 * the unscaled wait is rounded up to a whole second and then scaled back. At timeScale 1 the header is a whole
 * number, as on Discord; at 0.1 it is a whole number of tenths, the same rounding in the fake's faster clock.
 */
export function retryAfterHeader(seconds: number, timeScale: number): string {
  const whole = Math.max(1, Math.ceil(seconds / timeScale - 1e-9));
  return String(Number((whole * timeScale).toFixed(6)));
}

/** A 429 in Discord's shape. `scope` is X-RateLimit-Scope: `user`, `global` or `shared`. */
export function rateLimited(
  seconds: number,
  timeScale: number,
  scope: 'user' | 'global' | 'shared',
  extraHeaders: Record<string, string> = {},
): RateLimited {
  const retryAfter = Math.max(0.001, Number(seconds.toFixed(3)));
  const global = scope === 'global';
  return {
    retryAfter,
    body: {
      message: scope === 'shared' ? 'The resource is being rate limited.' : 'You are being rate limited.',
      retry_after: retryAfter,
      global,
    },
    headers: {
      ...extraHeaders,
      'retry-after': retryAfterHeader(retryAfter, timeScale),
      'x-ratelimit-scope': scope,
      ...(global ? { 'x-ratelimit-global': 'true' } : {}),
    },
  };
}

/** The global limit: at most `perSecond` requests in each (scaled) second. */
export class GlobalLimiter {
  private readonly perSecond: () => number;
  private readonly timeScale: () => number;
  private count = 0;
  private resetAt = 0;

  constructor(perSecond: () => number, timeScale: () => number) {
    this.perSecond = perSecond;
    this.timeScale = timeScale;
  }

  /** Counts one request; a 429 when it is over the limit. */
  take(now = Date.now()): RateLimited | undefined {
    if (now >= this.resetAt) {
      this.count = 0;
      this.resetAt = now + 1_000 * this.timeScale();
    }
    this.count++;
    if (this.count <= this.perSecond()) return undefined;
    return rateLimited((this.resetAt - now) / 1000, this.timeScale(), 'global');
  }
}

interface Bucket {
  remaining: number;
  resetAt: number;
}

/** Per-resource buckets (a fixed window per key), with Discord's X-RateLimit-* headers. */
export class ResourceBuckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limit: () => { limit: number; windowMs: number };
  private readonly timeScale: () => number;
  private readonly name: string;

  constructor(limit: () => { limit: number; windowMs: number }, timeScale: () => number, name: string) {
    this.limit = limit;
    this.timeScale = timeScale;
    this.name = name;
  }

  /** Counts one request on `key`; the headers to send, and a 429 when the bucket was already empty. */
  take(key: string, now = Date.now()): { headers: Record<string, string>; limited: RateLimited | undefined } {
    const { limit, windowMs } = this.limit();
    let bucket = this.buckets.get(key);
    if (!bucket || now >= bucket.resetAt) {
      bucket = { remaining: limit, resetAt: now + windowMs * this.timeScale() };
      this.buckets.set(key, bucket);
    }
    const resetAfter = Math.max(0, (bucket.resetAt - now) / 1000);
    const empty = bucket.remaining <= 0;
    if (!empty) bucket.remaining--;
    const headers = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(bucket.remaining),
      'x-ratelimit-reset': String(bucket.resetAt / 1000),
      'x-ratelimit-reset-after': String(Number(resetAfter.toFixed(3))),
      'x-ratelimit-bucket': this.name,
    };
    return { headers, limited: empty ? rateLimited(resetAfter, this.timeScale(), 'user', headers) : undefined };
  }
}
