import cron from 'node-cron';
import { z } from 'zod';
import { configError } from './errors.js';
import type { LogLevel } from './logger.js';

/** Core configuration, read once at start. Adapters read their own variables (adapters/<name>/config.ts). */
export interface CoreConfig {
  /** postgres:// URL; absent → embedded PGlite in `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  readonly hfApiUrl: string;
  readonly hfTimeoutMs: number;
  /** Undefined when LOG_LEVEL is unset: the entry point picks (info for the bot, warn for CLI commands). */
  readonly logLevel: LogLevel | undefined;
  /** LOG_FORMAT: `json` lines or `pretty` readable lines; undefined: the entry point picks (JSON off a terminal). */
  readonly logFormat: 'json' | 'pretty' | undefined;
  readonly ingestCron: string;
  /** Run the digest and ingest schedule in this process (off: commands only, e.g. extra Discord shards). */
  readonly scheduler: boolean;
  /** HTTP_PORT: serve /healthz, /readyz, /metrics (and other route groups) on this port; unset: no HTTP server. */
  readonly httpPort?: number | undefined;
  /** HTTP_HOST: the interface of that server; unset: all. */
  readonly httpHost?: string | undefined;
  /**
   * PUBLIC_URL: where users reach the HTTP server (feeds), without a trailing slash, e.g. `https://papers.example.com`
   * or `https://example.com/paperpulse`. Undefined: feed links are built from the request's Host header, and
   * `/papers feed` shows the path only.
   */
  readonly publicUrl: string | undefined;
}

/** Environment as given; blank values count as unset (a `.env` line `DATABASE_URL=` means "not set"). */
export type Env = Readonly<Record<string, string | undefined>>;

const blankIsUnset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** True when WHATWG URL parsing accepts the value (it refuses a port above 65535, a bad host, …). */
function isParsableUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.port === '' || (Number(url.port) >= 1 && Number(url.port) <= 65_535);
  } catch {
    return false;
  }
}

const schema = z.object({
  DATABASE_URL: z.preprocess(
    blankIsUnset,
    z
      .string()
      .refine((v) => /^postgres(ql)?:\/\/\S+$/.test(v), 'must be a postgres:// or postgresql:// URL')
      .refine(isParsableUrl, 'must be a valid URL (host, and a port from 1 to 65535 if given)')
      .optional(),
  ),
  PAPERPULSE_DATA_DIR: z.preprocess(blankIsUnset, z.string().default('./data')),
  HF_API_URL: z.preprocess(
    blankIsUnset,
    z
      .string()
      .refine((v) => /^https?:\/\/[^\s/]+/.test(v), 'must be an http(s) URL such as https://huggingface.co')
      .default('https://huggingface.co'),
  ),
  HF_TIMEOUT_MS: z.preprocess(
    blankIsUnset,
    z.coerce
      .number({ error: 'must be a whole number of milliseconds' })
      .int('must be a whole number of milliseconds')
      .min(500, 'must be at least 500 (milliseconds)')
      .max(120_000, 'must be at most 120000 (milliseconds)')
      .default(15_000),
  ),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === 'string' ? blankIsUnset(v.toLowerCase()) : v),
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .optional(),
  ),
  LOG_FORMAT: z.preprocess(
    (v) => (typeof v === 'string' ? blankIsUnset(v.toLowerCase()) : v),
    z.enum(['json', 'pretty'], { error: 'must be json or pretty' }).optional(),
  ),
  INGEST_CRON: z.preprocess(
    blankIsUnset,
    z
      .string()
      .refine((v) => cron.validate(v), 'must be a cron expression such as "*/30 * * * *"')
      .default('*/30 * * * *'),
  ),
  PAPERPULSE_SCHEDULER: z.preprocess(
    (v) => (typeof v === 'string' ? blankIsUnset(v.toLowerCase()) : v),
    z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  ),
  HTTP_PORT: z.preprocess(
    blankIsUnset,
    z.coerce
      .number({ error: 'must be a port number from 1 to 65535' })
      .int('must be a port number from 1 to 65535')
      .min(1, 'must be a port number from 1 to 65535')
      .max(65_535, 'must be a port number from 1 to 65535')
      .optional(),
  ),
  HTTP_HOST: z.preprocess(blankIsUnset, z.string().optional()),
  PUBLIC_URL: z.preprocess(
    blankIsUnset,
    z
      .string()
      .refine(
        (v) => /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(v),
        'must be an http(s) URL without query or fragment, such as https://papers.example.com',
      )
      .optional(),
  ),
});

/**
 * Reads and validates the core configuration.
 * @throws BotError('CONFIG_INVALID') with one line naming each bad variable and what is expected (never its value,
 *   which may be a secret).
 */
export function loadConfig(env: Env = process.env): CoreConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw configError(parsed.error);
  const c = parsed.data;
  return {
    databaseUrl: c.DATABASE_URL,
    dataDir: c.PAPERPULSE_DATA_DIR,
    hfApiUrl: c.HF_API_URL.replace(/\/+$/, ''),
    hfTimeoutMs: c.HF_TIMEOUT_MS,
    logLevel: c.LOG_LEVEL,
    logFormat: c.LOG_FORMAT,
    ingestCron: c.INGEST_CRON,
    scheduler: c.PAPERPULSE_SCHEDULER === 'on',
    httpPort: c.HTTP_PORT,
    httpHost: c.HTTP_HOST,
    publicUrl: c.PUBLIC_URL?.replace(/\/+$/, ''),
  };
}
