/**
 * The Discord adapter's configuration, read from the environment it is given (never from process.env directly)
 * and validated with zod: a partial or malformed setting stops the process with one line naming the variable.
 */

import type { Client, RESTOptions } from 'discord.js';
import { z } from 'zod';
import { configError, type Env } from '../../src/index.js';
import type { InteractionTiming } from './inbound.js';

export interface DiscordAdapterConfig {
  /** The bot token (Developer Portal → Bot). Secret: never logged. */
  readonly token: string;
  /** The application id (Developer Portal → General Information), a snowflake. */
  readonly applicationId: string;
  /**
   * `auto`: this process runs every shard Discord recommends (internal sharding). Undefined when the process was
   * spawned by discord.js's ShardingManager, which tells the client its shard through SHARDS / SHARD_COUNT.
   */
  readonly shards: 'auto' | undefined;
  /** Not from the environment: knobs for tests and benchmarks (a local REST URL, injected interactions…). */
  readonly options?: DiscordAdapterOptions | undefined;
}

const blankIsUnset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

// Three base64url parts separated by dots (user id, timestamp, HMAC). Checked loosely: Discord has changed the
// parts' lengths before, and the real check is the REST call at start-up.
const TOKEN = /^[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{3,}\.[A-Za-z0-9_-]{10,}$/;
const SNOWFLAKE = /^\d{17,20}$/;

const schema = z
  .object({
    DISCORD_TOKEN: z.preprocess(
      (v) => (typeof v === 'string' ? blankIsUnset(v.trim().replace(/^Bot\s+/i, '')) : v),
      z
        .string()
        .refine(
          (v) => TOKEN.test(v),
          'must be the bot token from the Discord Developer Portal (your app → Bot → Reset Token): three dot-separated parts, no spaces',
        )
        .optional(),
    ),
    DISCORD_APPLICATION_ID: z.preprocess(
      (v) => (typeof v === 'string' ? blankIsUnset(v.trim()) : v),
      z
        .string()
        .refine(
          (v) => SNOWFLAKE.test(v),
          'must be the application id from the Discord Developer Portal (your app → General Information): 17–20 digits',
        )
        .optional(),
    ),
  })
  .superRefine((value, ctx) => {
    if (value.DISCORD_TOKEN && !value.DISCORD_APPLICATION_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['DISCORD_APPLICATION_ID'],
        message:
          'must be set when DISCORD_TOKEN is: the application id from the Discord Developer Portal (your app → General Information)',
      });
    }
    if (!value.DISCORD_TOKEN && value.DISCORD_APPLICATION_ID) {
      ctx.addIssue({
        code: 'custom',
        path: ['DISCORD_TOKEN'],
        message:
          'must be set when DISCORD_APPLICATION_ID is: the bot token from the Discord Developer Portal (your app → Bot → Reset Token)',
      });
    }
  });

/**
 * The Discord configuration, or undefined when Discord is not configured (no DISCORD_TOKEN nor
 * DISCORD_APPLICATION_ID).
 * @throws BotError CONFIG_INVALID, one line naming each variable at fault (never its value).
 */
export function parseDiscordConfig(env: Env): DiscordAdapterConfig | undefined {
  const parsed = schema.safeParse({
    DISCORD_TOKEN: env.DISCORD_TOKEN,
    DISCORD_APPLICATION_ID: env.DISCORD_APPLICATION_ID,
  });
  if (!parsed.success) throw configError(parsed.error);
  const { DISCORD_TOKEN: token, DISCORD_APPLICATION_ID: applicationId } = parsed.data;
  if (!token || !applicationId) return undefined;
  // discord.js's ShardingManager starts each shard with SHARDING_MANAGER, SHARDS and SHARD_COUNT set.
  const managed = env.SHARDING_MANAGER !== undefined && env.SHARDS !== undefined;
  return { token, applicationId, shards: managed ? undefined : 'auto' };
}

/** Knobs for tests, benchmarks and unusual deployments; production uses the defaults. */
export interface DiscordAdapterOptions {
  /** REST base URL, e.g. `http://127.0.0.1:PORT/api` for a local fake. Default: Discord's. */
  readonly api?: string | undefined;
  /** discord.js's client-side global limit (Discord grants more only to very large bots). Default 50. */
  readonly globalRequestsPerSecond?: number | undefined;
  /** Replaces discord.js's HTTP transport (`rest.makeRequest`). */
  readonly makeRequest?: RESTOptions['makeRequest'] | undefined;
  /** Retries of a 5xx or a network error by discord.js itself. Default 3. */
  readonly restRetries?: number | undefined;
  /** Per-request timeout. Default 15 s. */
  readonly restTimeoutMs?: number | undefined;
  /**
   * A rate-limit wait longer than this fails the digest post with a transient PlatformError carrying
   * `retryAfterMs`, instead of holding a delivery worker. Default 30 s.
   */
  readonly maxRateLimitWaitMs?: number | undefined;
  /** Connects the gateway. Default: `client.login(token)`, then waits for ready. Tests feed interactions instead. */
  readonly connect?: ((client: Client, token: string) => Promise<void>) | undefined;
  /** How long start() waits for the gateway to be ready. Default 60 s. */
  readonly readyTimeoutMs?: number | undefined;
  readonly timing?: Partial<InteractionTiming> | undefined;
}
