import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Logger } from '../../src/index.js';

/**
 * What Bolt's own check (`verifySlackRequest` in @slack/bolt, receivers/verify-request.js) does not: it refuses a
 * signed request older than 5 minutes, but accepts one dated any time in the future and accepts the same signed
 * request as often as it is sent within those 5 minutes; it passes Events API retries (`X-Slack-Retry-Num`) to the
 * listeners like new events. This guard sits in front of Bolt's receiver, on the same server:
 * - a correctly signed request dated more than FUTURE_SKEW_S ahead of this clock is refused with 401;
 * - a correctly signed request already seen (the same signature, or the same Events API `event_id`) within the
 *   window is answered 200 and not handed to Bolt, so it is not applied twice (a retry of an event whose first
 *   delivery was lost is still handled: the first copy that arrives is the one applied).
 * Requests that do not carry a valid signature go to Bolt unchanged, which refuses them; they are never remembered.
 * The memory is per process: with several replicas behind one address a replay sent to another replica is not seen.
 */

/** Bolt's (and Slack's documented) window for a request's timestamp: 5 minutes. */
const WINDOW_S = 5 * 60;
/** How far ahead of this clock a request may be dated (clock skew between Slack and this host). */
export const FUTURE_SKEW_S = 60;
/** At most this many requests are remembered; the oldest are forgotten first. */
const MAX_REMEMBERED = 100_000;
/** Bolt's default body limit (10 MB); a larger body is answered 413, as Bolt does. */
const BODY_LIMIT = 10 * 1024 * 1024;

export interface ReplayGuardOptions {
  readonly signingSecret: string;
  readonly log: Logger;
  readonly now?: () => number;
}

export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  private readonly secret: string;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(options: ReplayGuardOptions) {
    this.secret = options.signingSecret;
    this.log = options.log;
    this.now = options.now ?? Date.now;
  }

  /** Puts the guard in front of every `request` listener the server has (Bolt's receiver). */
  install(server: Server): void {
    const listeners = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    server.removeAllListeners('request');
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const pass = () => {
        for (const listener of listeners) listener.call(server, req, res);
      };
      if (req.method !== 'POST' || typeof req.headers['x-slack-signature'] !== 'string') return pass();
      this.check(req)
        .then((verdict) => {
          if (verdict === 'pass') return pass();
          if (verdict === 'future' || verdict === 'too-large') {
            res.writeHead(verdict === 'future' ? 401 : 413).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'text/plain' }).end();
        })
        .catch(() => pass());
    });
  }

  /** Reads the body (kept on the request as `rawBody`, where Bolt looks first) and decides. */
  async check(req: IncomingMessage): Promise<'pass' | 'future' | 'replay' | 'too-large'> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      chunks.push(chunk as Buffer);
      if (size > BODY_LIMIT) return 'too-large';
    }
    const raw = Buffer.concat(chunks);
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
    const timestamp = Number(req.headers['x-slack-request-timestamp']);
    const signature = String(req.headers['x-slack-signature']);
    if (!Number.isInteger(timestamp) || !this.signedBySlack(timestamp, raw, signature)) return 'pass';
    const nowS = Math.floor(this.now() / 1000);
    if (timestamp > nowS + FUTURE_SKEW_S) {
      this.log.warn(
        { aheadS: timestamp - nowS, allowedS: FUTURE_SKEW_S },
        'refused a signed Slack request dated in the future',
      );
      return 'future';
    }
    if (timestamp < nowS - WINDOW_S) return 'pass'; // Bolt refuses it as stale.
    this.forgetOld(nowS);
    const keys = [`sig:${signature}`];
    const eventId = eventIdOf(raw);
    if (eventId) keys.push(`event:${eventId}`);
    if (keys.some((k) => this.seen.has(k))) {
      this.log.info(
        { retryNum: req.headers['x-slack-retry-num'], retryReason: req.headers['x-slack-retry-reason'], eventId },
        'ignored a Slack request already handled (a replay or a retried delivery)',
      );
      return 'replay';
    }
    for (const k of keys) this.seen.set(k, nowS);
    while (this.seen.size > MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
    return 'pass';
  }

  private signedBySlack(timestamp: number, body: Buffer, signature: string): boolean {
    const expected = Buffer.from(
      `v0=${createHmac('sha256', this.secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`,
    );
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** Forgets what is older than the window (plus the skew): Bolt refuses those requests anyway. */
  private forgetOld(nowS: number): void {
    for (const [key, at] of this.seen) {
      if (at >= nowS - WINDOW_S - FUTURE_SKEW_S) break;
      this.seen.delete(key);
    }
  }
}

/** The Events API `event_id` of a JSON body, if any. */
function eventIdOf(raw: Buffer): string | undefined {
  if (raw[0] !== 0x7b) return undefined;
  try {
    const id = (JSON.parse(raw.toString('utf8')) as { event_id?: unknown }).event_id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}
