/** Stable error codes: logs and tests match on these, never on message text. */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'DATA_DIR_LOCKED'
  | 'INVALID_ARGUMENT'
  | 'NOT_PERMITTED'
  | 'NOT_FOUND'
  | 'SOURCE_UNAVAILABLE'
  | 'SOURCE_REJECTED'
  | 'SOURCE_MALFORMED'
  | 'IMPORT_MALFORMED'
  | 'PLATFORM_ERROR'
  | 'INTERNAL';

/** Base of every error PaperPulse raises on purpose. */
export class BotError extends Error {
  readonly code: ErrorCode;
  constructor(message: string, code: ErrorCode, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
  override get name(): string {
    return 'BotError';
  }
}

/**
 * A mistake the user can fix (bad argument, unknown paper, not allowed). Its message is safe to show as is and
 * is one sentence; `usage` is the usage line of the command that was called, when there is one.
 */
export class UserError extends BotError {
  readonly usage: string | undefined;
  constructor(message: string, options?: { code?: ErrorCode; usage?: string | undefined; cause?: unknown }) {
    super(message, options?.code ?? 'INVALID_ARGUMENT', options);
    this.usage = options?.usage;
  }
  override get name(): string {
    return 'UserError';
  }
}

/**
 * A chat platform refused or failed a request. `permanent` failures (channel gone, no access, token revoked) count
 * toward pausing a channel's digest; transient ones are retried. `retryAfterMs` is set for rate limits.
 */
export class PlatformError extends BotError {
  readonly platform: string;
  readonly platformCode: string;
  readonly permanent: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(
    platform: string,
    platformCode: string,
    message: string,
    options: { permanent: boolean; retryAfterMs?: number | undefined; cause?: unknown },
  ) {
    super(message, 'PLATFORM_ERROR', options);
    this.platform = platform;
    this.platformCode = platformCode;
    this.permanent = options.permanent;
    this.retryAfterMs = options.retryAfterMs;
  }
  override get name(): string {
    return 'PlatformError';
  }
}

/** One line for the user or the terminal: the message of a known error, the class and message otherwise. */
export function describeError(err: unknown): string {
  if (err instanceof BotError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

/**
 * One line for a configuration that does not validate: `invalid configuration: NAME must …; OTHER must …`, from a
 * zod error. Used by the core's and the adapters' config parsers; never includes a value (it may be a secret).
 */
export function configError(error: {
  readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
}): BotError {
  const problems = error.issues.map((issue) => `${issue.path.map(String).join('.') || 'environment'} ${issue.message}`);
  return new BotError(`invalid configuration: ${problems.join('; ')}`, 'CONFIG_INVALID');
}
