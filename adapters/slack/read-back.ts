/**
 * Exactly-once on Slack, which has no idempotency key: every digest part is posted with message metadata naming
 * its delivery and position (https://docs.slack.dev/messaging/message-metadata), and before a part whose earlier
 * attempt may have reached Slack is posted again (a delivery taken over after a crash, or an answer lost to a 5xx
 * or a timeout), the channel is read back since the delivery was claimed (conversations.history with
 * `include_all_metadata`, and conversations.replies for the parts in a thread) and the parts already there are
 * recorded instead of posted.
 *
 * Reading needs the history scope of the conversation's kind (`channels:history` for public channels,
 * `groups:history` for private ones) and the bot's membership; without them the read-back answers `unavailable`
 * and the caller posts as before, so the parts in flight at a crash (at most one per delivery in progress) may
 * appear twice.
 */
import { ErrorCode, type WebClient } from '@slack/web-api';
import { PlatformError } from '../../src/index.js';
import { retryAfterSeconds, slackErrorCode, toPlatformError } from './errors.js';

/** The metadata event type of a digest part (letters, digits, underscores: Slack's rule for event types). */
export const PART_EVENT_TYPE = 'paperpulse_digest_part';

/** The metadata posted with part `part` (0-based) of delivery `delivery`. */
export function partMetadata(delivery: number, part: number) {
  return { event_type: PART_EVENT_TYPE, event_payload: { delivery, part } };
}

/**
 * Errors that say the app may not read this conversation: the read-back is unavailable, not failed. missing_scope
 * (no `*:history` scope), not_in_channel (a bot token reads only conversations it is in), channel_not_found (a
 * private channel the bot is not in looks absent).
 */
const UNAVAILABLE = new Set(['missing_scope', 'not_in_channel', 'channel_not_found', 'not_allowed_token_type']);

/** Slack seconds ("1700000000.000000") for a date, minus `skewMs` for clocks that disagree. */
export function slackTs(date: Date, skewMs = 0): string {
  return ((date.getTime() - skewMs) / 1000).toFixed(6);
}

export type ReadBack =
  | { readonly ok: true; readonly parts: ReadonlyMap<number, string> }
  | { readonly ok: false; readonly reason: string };

export interface ReadBackOptions {
  readonly client: WebClient;
  readonly channelId: string;
  readonly delivery: number;
  /** Only messages after this are read (the delivery's claim, minus a margin). */
  readonly oldest: string;
  /** The thread root's ts, when later parts are replies to it. */
  readonly threadTs?: string | undefined;
  /** Waits out a 429 up to this long (Retry-After units in ms), else gives up with a transient error. */
  readonly retryAfterUnitMs: number;
  readonly maxRateLimitWaitMs: number;
  /** Messages per page (history and replies). */
  readonly pageSize?: number | undefined;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The parts of `delivery` already in the channel (and in its thread), part → ts. `{ ok: false }` when the app may
 * not read the conversation. Throws a transient PlatformError when Slack could not answer (the caller must then not
 * post: the outcome stays unknown until a read-back succeeds).
 */
export async function readBackParts(options: ReadBackOptions): Promise<ReadBack> {
  const parts = new Map<number, string>();
  const collect = (messages: readonly Record<string, unknown>[] | undefined) => {
    for (const m of messages ?? []) {
      const metadata = m.metadata as { event_type?: unknown; event_payload?: Record<string, unknown> } | undefined;
      if (metadata?.event_type !== PART_EVENT_TYPE) continue;
      const payload = metadata.event_payload ?? {};
      if (Number(payload.delivery) !== options.delivery) continue;
      const part = Number(payload.part);
      if (Number.isInteger(part) && typeof m.ts === 'string' && !parts.has(part)) parts.set(part, m.ts);
    }
  };
  const history = await pages(options, (cursor) =>
    options.client.conversations.history({
      channel: options.channelId,
      oldest: options.oldest,
      include_all_metadata: true,
      limit: options.pageSize ?? 200,
      ...(cursor ? { cursor } : {}),
    }),
  );
  if (!history.ok) return history;
  for (const page of history.pages) collect(page);
  const root = options.threadTs ?? parts.get(0);
  if (root) {
    const replies = await pages(options, (cursor) =>
      options.client.conversations.replies({
        channel: options.channelId,
        ts: root,
        include_all_metadata: true,
        limit: options.pageSize ?? 200,
        ...(cursor ? { cursor } : {}),
      }),
    );
    if (!replies.ok) return replies;
    for (const page of replies.pages) collect(page);
  }
  return { ok: true, parts };
}

type Page = { messages?: unknown[]; response_metadata?: { next_cursor?: string } };

/** Every page of a cursor-paginated read, waiting out 429s within the limit. */
async function pages(
  options: ReadBackOptions,
  call: (cursor: string | undefined) => Promise<unknown>,
): Promise<{ ok: true; pages: Record<string, unknown>[][] } | { ok: false; reason: string }> {
  const out: Record<string, unknown>[][] = [];
  let cursor: string | undefined;
  let waitedMs = 0;
  for (;;) {
    let page: Page;
    try {
      page = (await call(cursor)) as Page;
    } catch (err) {
      const code = slackErrorCode(err);
      if (code !== undefined && UNAVAILABLE.has(code)) return { ok: false, reason: code };
      const retryAfter = retryAfterSeconds(err);
      if (retryAfter !== undefined) {
        const waitMs = Math.max(1, retryAfter) * options.retryAfterUnitMs;
        if (waitedMs + waitMs <= options.maxRateLimitWaitMs) {
          waitedMs += waitMs;
          await sleep(waitMs);
          continue;
        }
      }
      const problem = toPlatformError(err, `reading back slack:${options.channelId}`, {
        retryAfterUnitMs: options.retryAfterUnitMs,
      });
      // Not knowing what is there is never permanent: the delivery is retried (and read back) later.
      throw new PlatformError('slack', problem.platformCode, problem.message, {
        permanent: false,
        retryAfterMs: problem.retryAfterMs,
        cause: err,
      });
    }
    out.push((page.messages ?? []) as Record<string, unknown>[]);
    cursor = page.response_metadata?.next_cursor || undefined;
    if (!cursor) return { ok: true, pages: out };
  }
}

/** Whether a failed chat.postMessage may have been carried out: a 5xx, a timeout, a connection lost. */
export function outcomeUnknown(err: unknown): boolean {
  if (slackErrorCode(err) !== undefined) return false; // Slack answered ok:false: nothing was posted.
  if (retryAfterSeconds(err) !== undefined) return false; // 429: refused.
  const code = (err as { code?: unknown } | null)?.code;
  if (code === ErrorCode.HTTPError) {
    const status = (err as { statusCode?: number }).statusCode ?? 0;
    return status >= 500;
  }
  // slack_webapi_request_error (timeout, reset, refused…) and anything else unexpected.
  return true;
}
