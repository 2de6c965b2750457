/**
 * Discord failures as the core understands them. A channel that is gone (404 Unknown Channel) or where the bot
 * lost access (403 Missing Access / Missing Permissions) fails permanently: the core pauses the digest after a few
 * of those instead of retrying, which would spend Discord's invalid-request budget (10,000 401/403/429 per 10
 * minutes per IP, then a Cloudflare ban). Everything else is transient and retried later.
 */
import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { type ChannelRef, channelKey, PlatformError } from '../../src/index.js';

/** Discord JSON error codes the adapter acts on (discord-api-docs, topics/opcodes-and-status-codes). */
export const DISCORD_CODES = {
  unknownChannel: 10003,
  unknownMessage: 10008,
  unknownInteraction: 10062,
  missingAccess: 50001,
  cannotExecuteOnChannelType: 50024,
  missingPermissions: 50013,
  invalidFormBody: 50035,
  interactionAlreadyAcknowledged: 40060,
  threadAlreadyCreated: 160004,
} as const;

const PERMANENT: ReadonlySet<number> = new Set([
  DISCORD_CODES.unknownChannel,
  DISCORD_CODES.missingAccess,
  DISCORD_CODES.missingPermissions,
]);

/** The Discord JSON error code of a REST failure, if it has one. */
export function discordCode(err: unknown): number | undefined {
  return err instanceof DiscordAPIError && typeof err.code === 'number' ? err.code : undefined;
}

/**
 * What may be logged about a REST failure. discord.js errors carry the request URL (which holds the interaction
 * token for interaction routes) and the request body; neither belongs in a log line.
 */
export function safeError(err: unknown): Record<string, unknown> {
  if (err instanceof DiscordAPIError) {
    return { name: 'DiscordAPIError', status: err.status, code: err.code, method: err.method, message: err.message };
  }
  if (err instanceof HTTPError) return { name: 'HTTPError', status: err.status, method: err.method };
  if (err instanceof RateLimitError) {
    return { name: 'RateLimitError', route: err.route, retryAfterMs: err.retryAfter, global: err.global };
  }
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { message: String(err) };
}

/**
 * A REST failure as a PlatformError: permanent for a channel that is gone or forbidden, transient (with
 * `retryAfterMs` when Discord said how long to wait) for everything else.
 */
export function toPlatformError(err: unknown, what: string): PlatformError {
  if (err instanceof PlatformError) return err;
  if (err instanceof DiscordAPIError) {
    const code = typeof err.code === 'number' ? err.code : undefined;
    const permanent =
      code !== undefined &&
      PERMANENT.has(code) &&
      (err.status === 403 || err.status === 404 || code === DISCORD_CODES.unknownChannel);
    return new PlatformError(
      'discord',
      String(code ?? err.status),
      `Discord refused to ${what}: ${err.message} (HTTP ${err.status}${code !== undefined ? `, code ${code}` : ''})`,
      { permanent, cause: err },
    );
  }
  if (err instanceof RateLimitError) {
    const wait = Math.max(err.retryAfter, err.timeToReset, 0);
    return new PlatformError(
      'discord',
      'rate_limited',
      `Discord rate-limited ${what}: retry in ${Math.ceil(wait / 1000)} s`,
      {
        permanent: false,
        retryAfterMs: wait,
        cause: err,
      },
    );
  }
  if (err instanceof HTTPError) {
    return new PlatformError('discord', `http_${err.status}`, `Discord failed to ${what}: HTTP ${err.status}`, {
      permanent: false,
      cause: err,
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new PlatformError('discord', 'network', `could not reach Discord to ${what}: ${message}`, {
    permanent: false,
    cause: err,
  });
}

/** A channel this adapter cannot address: the core asked Discord to post somewhere that is not a Discord channel. */
export function notADiscordChannel(channel: ChannelRef): PlatformError {
  return new PlatformError('discord', 'unknown_channel', `not a Discord channel: ${channelKey(channel)}`, {
    permanent: true,
  });
}
