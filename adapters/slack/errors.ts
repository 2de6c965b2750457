/**
 * Slack Web API failures → PlatformError, the core's one failure type for platforms (src/errors.ts).
 */
import { ErrorCode, type WebAPIHTTPError, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import { PlatformError } from '../../src/index.js';

/**
 * `ok:false` errors that will not go away by retrying: the channel is gone or closed to the bot, the token or
 * the workspace no longer works, or the message itself is one Slack refuses. They count toward pausing a
 * channel's digest (the core's rule); anything else is retried.
 */
export const PERMANENT_ERRORS: ReadonlySet<string> = new Set([
  // the channel
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'restricted_action',
  'restricted_action_read_only_channel',
  'restricted_action_thread_only_channel',
  'restricted_action_non_threadable_channel',
  'cannot_reply_to_message',
  'thread_not_found',
  'ekm_access_denied',
  'team_access_not_granted',
  // the token, the app or the workspace
  'account_inactive',
  'invalid_auth',
  'not_authed',
  'token_revoked',
  'token_expired',
  'no_permission',
  'missing_scope',
  'not_allowed_token_type',
  'team_not_found',
  'org_login_required',
  'app_uninstalled',
  // the message (a renderer bug: retrying the same message cannot help)
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_blocks_too_long',
  'msg_too_long',
  'no_text',
  'invalid_arguments',
]);

/** Errors that mean the credentials themselves are bad (used for the start-up message). */
export const CREDENTIAL_ERRORS: ReadonlySet<string> = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'not_allowed_token_type',
  'team_disabled',
  'user_removed_from_team',
]);

/** The `error` field of an `ok:false` answer, if `err` is one. */
export function slackErrorCode(err: unknown): string | undefined {
  if (isCoded(err) && err.code === ErrorCode.PlatformError) return (err as WebAPIPlatformError).data.error;
  return undefined;
}

/** Retry-After in seconds, if `err` is a 429 (the client is configured to reject rate-limited calls). */
export function retryAfterSeconds(err: unknown): number | undefined {
  if (isCoded(err) && err.code === ErrorCode.RateLimitedError) return (err as WebAPIRateLimitedError).retryAfter;
  return undefined;
}

/**
 * Wraps a failed Web API call as a PlatformError: `permanent` per PERMANENT_ERRORS, `retryAfterMs` for a 429.
 * The message names the method and the Slack error code, never a token.
 */
export function toPlatformError(
  err: unknown,
  what: string,
  options: { retryAfterUnitMs?: number } = {},
): PlatformError {
  if (err instanceof PlatformError) return err;
  const code = slackErrorCode(err);
  if (code !== undefined) {
    return new PlatformError('slack', code, `${what} failed: ${code}`, {
      permanent: PERMANENT_ERRORS.has(code),
      cause: err,
    });
  }
  const retryAfter = retryAfterSeconds(err);
  if (retryAfter !== undefined) {
    return new PlatformError('slack', 'ratelimited', `${what} was rate limited (Retry-After: ${retryAfter} s)`, {
      permanent: false,
      retryAfterMs: retryAfter * (options.retryAfterUnitMs ?? 1000),
      cause: err,
    });
  }
  if (isCoded(err) && err.code === ErrorCode.HTTPError) {
    const status = (err as WebAPIHTTPError).statusCode;
    return new PlatformError('slack', `http_${status}`, `${what} failed: HTTP ${status}`, {
      permanent: false,
      cause: err,
    });
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new PlatformError('slack', 'request_failed', `${what} failed: ${reason}`, { permanent: false, cause: err });
}

function isCoded(err: unknown): err is { code: string } {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string';
}
