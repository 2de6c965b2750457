/**
 * Slack's side of the app's HTTP endpoint: signed requests (https://docs.slack.dev/authentication/verifying-requests-
 * from-slack: `v0=` + hex HMAC-SHA256 of `v0:${timestamp}:${body}`), timed against the 3-second acknowledgement
 * deadline, and Events API retries with `X-Slack-Retry-Num` / `X-Slack-Retry-Reason`.
 */
import { createHmac } from 'node:crypto';

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
  override: { timestamp?: number; signature?: string | null; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: string; headers: Headers }> {
  const timestamp = override.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    ...override.headers,
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
  };
  const signature = override.signature === undefined ? slackSignature(secret, timestamp, body) : override.signature;
  if (signature !== null) headers['x-slack-signature'] = signature;
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

/** How one signed request was answered, timed against the ack deadline. */
export interface TimedAnswer {
  /** HTTP status (0 when the connection failed). */
  readonly status: number;
  readonly body: string;
  readonly headers: Headers | undefined;
  readonly elapsedMs: number;
  /** Answered after the deadline: Slack has already shown the user a timeout and ignores the answer. */
  readonly late: boolean;
  /** Set when the request failed without an answer. */
  readonly error?: string | undefined;
}

/** Sends a signed request and times its answer; `onDeadline` fires if the deadline passes before the answer. */
export async function timedPost(
  url: string,
  secret: string,
  body: string,
  contentType: string,
  deadlineMs: number,
  options: { headers?: Record<string, string>; onDeadline?: () => void } = {},
): Promise<TimedAnswer> {
  const started = performance.now();
  const timer = setTimeout(() => options.onDeadline?.(), deadlineMs);
  try {
    const res = await signedPost(url, secret, body, contentType, options.headers ? { headers: options.headers } : {});
    const elapsedMs = performance.now() - started;
    return { status: res.status, body: res.body, headers: res.headers, elapsedMs, late: elapsedMs > deadlineMs };
  } catch (err) {
    const elapsedMs = performance.now() - started;
    return { status: 0, body: '', headers: undefined, elapsedMs, late: elapsedMs > deadlineMs, error: String(err) };
  } finally {
    clearTimeout(timer);
  }
}

/** One Events API delivery attempt. */
export interface EventAttempt {
  /** 0 for the first delivery, then X-Slack-Retry-Num. */
  readonly retryNum: number;
  /** X-Slack-Retry-Reason of this attempt (undefined for the first). */
  readonly retryReason: 'http_timeout' | 'http_error' | 'connection_failed' | undefined;
  readonly answer: TimedAnswer;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Delivers an event as Slack does: when the app does not answer 2xx within the deadline, Slack retries after the
 * given delays (0, 1 min, 5 min on Slack) with `X-Slack-Retry-Num` and `X-Slack-Retry-Reason`; on a timeout the retry
 * does not wait for the first request to finish. An answer with `X-Slack-No-Retry: 1` stops the retries. Resolves
 * once every attempt was answered.
 */
export async function deliverWithRetries(
  send: (headers: Record<string, string>) => Promise<TimedAnswer>,
  deadlineMs: number,
  retryDelaysMs: readonly number[],
): Promise<EventAttempt[]> {
  const attempts: Promise<EventAttempt>[] = [];
  let reason: EventAttempt['retryReason'];
  for (let retryNum = 0; ; retryNum++) {
    const headers: Record<string, string> = reason
      ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': reason }
      : {};
    const thisReason = reason;
    const attempt = send(headers).then((answer) => ({ retryNum, retryReason: thisReason, answer }));
    attempts.push(attempt);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      attempt,
      new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), deadlineMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome !== 'timeout') {
      const { answer } = outcome;
      if (answer.status >= 200 && answer.status < 300 && !answer.late) break;
      if (answer.headers?.get('x-slack-no-retry') === '1') break;
      reason = answer.status === 0 ? 'connection_failed' : answer.late ? 'http_timeout' : 'http_error';
    } else reason = 'http_timeout';
    const delay = retryDelaysMs[retryNum];
    if (delay === undefined) break;
    await sleep(delay);
  }
  return Promise.all(attempts);
}
