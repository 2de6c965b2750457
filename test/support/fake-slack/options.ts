/**
 * The fake Slack's options and their defaults: the documented values from documented.ts unless a test scales them
 * down or opts into something stricter.
 */
import type { FaultOptions } from '../fault-injection.js';
import {
  SLACK_ACK,
  SLACK_BLOCKS,
  SLACK_HISTORY,
  SLACK_METADATA,
  SLACK_RATE_LIMITS,
  SLACK_RESPONSE_URL,
} from './documented.js';

export interface FakeWorkspace {
  readonly teamId: string;
  readonly botToken: string;
  readonly teamName?: string | undefined;
  /** For an org-wide install: the enterprise, and the workspaces the org token covers (auth.teams.list). */
  readonly enterpriseId?: string | undefined;
  readonly orgTeams?: readonly string[] | undefined;
  /** users.info answers: ids of admins and owners; anyone else is a plain member. */
  readonly admins?: readonly string[] | undefined;
  readonly owners?: readonly string[] | undefined;
  /** Added to every answer to this workspace's token (a slow workspace). */
  readonly latencyMs?: number | undefined;
  /**
   * The bot token's scopes (checked by conversations.history and files.*). Default: the scopes of the install code
   * (issueCode), else PaperPulse's manifest scopes — without `channels:history` and `files:write`.
   */
  readonly scopes?: readonly string[] | undefined;
}

export interface FakeSlackOptions {
  /** chat.postMessage: one message per this interval per channel (Slack: 1 s). */
  readonly channelIntervalMs?: number | undefined;
  /** chat.postMessage: messages a channel may take at once before the interval applies (undocumented; default 1). */
  readonly channelBurst?: number | undefined;
  /** At most this many accepted messages per workspace in any window of `workspaceWindowMs` (undocumented; 5/s). */
  readonly workspaceMessages?: number | undefined;
  readonly workspaceWindowMs?: number | undefined;
  /** Milliseconds per second of Retry-After (1000; scaled down in tests). */
  readonly retryAfterUnitMs?: number | undefined;
  /** Total block text that triggers msg_blocks_too_long (bolt-js #2509: about 13.2k). */
  readonly maxBlockText?: number | undefined;
  /** Refuse mrkdwn with a `<` or `>` that is not a link or mention (Slack would show it mangled). Default on. */
  readonly strictMrkdwn?: boolean | undefined;
  /** Image URLs Slack "cannot download" (invalid_blocks). */
  readonly brokenImage?: ((url: string) => boolean) | undefined;
  /** OAuth app credentials accepted by oauth.v2.access. */
  readonly oauth?: { readonly clientId: string; readonly clientSecret: string } | undefined;
  /** App-level tokens accepted by apps.connections.open. */
  readonly appTokens?: readonly string[] | undefined;
  /** How long the app has to acknowledge a slash command, interaction or event (Slack: 3 s). */
  readonly ackTimeoutMs?: number | undefined;
  /** Events API retry delays after a failed or late delivery (Slack: 0, 1 min, 5 min), when a test asks for retries. */
  readonly eventRetryDelaysMs?: readonly number[] | undefined;
  /** Uses of one response_url (Slack: 5) within its lifetime (Slack: 30 min). */
  readonly responseUrlMaxUses?: number | undefined;
  readonly responseUrlTtlMs?: number | undefined;
  /** conversations.history requests per workspace per `tierWindowMs` (Tier 3: 50 per minute). */
  readonly historyPerMinute?: number | undefined;
  /** conversations.history `limit` ceiling and default (999 and 100; non-Marketplace apps: 15). */
  readonly historyMaxLimit?: number | undefined;
  readonly historyDefaultLimit?: number | undefined;
  /** files.getUploadURLExternal / files.completeUploadExternal per workspace per `tierWindowMs` (Tier 4: 100). */
  readonly filesPerMinute?: number | undefined;
  /** The window of the per-minute tiers (60 s; scaled down in tests). */
  readonly tierWindowMs?: number | undefined;
  /** Metadata size (bytes of its JSON) above which chat.postMessage answers metadata_too_large (undocumented: none). */
  readonly maxMetadataBytes?: number | undefined;
  /**
   * A metadata `event_type` Slack does not accept: `warn` (documented: the message is posted, the metadata dropped,
   * with an `invalid_metadata_schema` warning) or `error` (the call fails with invalid_metadata_schema).
   */
  readonly invalidMetadata?: 'warn' | 'error' | undefined;
  /** Seeded random faults from the start (see injectFaults). */
  readonly faults?: FaultOptions | undefined;
}

/** FakeSlackOptions with the defaults filled in. */
export interface ResolvedOptions {
  readonly channelIntervalMs: number;
  readonly channelBurst: number;
  readonly workspaceMessages: number;
  readonly workspaceWindowMs: number;
  readonly retryAfterUnitMs: number;
  readonly maxBlockText: number;
  readonly strictMrkdwn: boolean;
  readonly appTokens: readonly string[];
  readonly brokenImage: ((url: string) => boolean) | undefined;
  readonly oauth: { readonly clientId: string; readonly clientSecret: string } | undefined;
  readonly ackTimeoutMs: number;
  readonly eventRetryDelaysMs: readonly number[];
  readonly responseUrlMaxUses: number;
  readonly responseUrlTtlMs: number;
  readonly historyPerMinute: number;
  readonly historyMaxLimit: number;
  readonly historyDefaultLimit: number;
  readonly filesPerMinute: number;
  readonly tierWindowMs: number;
  readonly maxMetadataBytes: number;
  readonly invalidMetadata: 'warn' | 'error';
}

export function resolveOptions(options: FakeSlackOptions = {}): ResolvedOptions {
  return {
    channelIntervalMs: options.channelIntervalMs ?? SLACK_RATE_LIMITS.channelIntervalMs,
    channelBurst: options.channelBurst ?? SLACK_RATE_LIMITS.channelBurst,
    workspaceMessages: options.workspaceMessages ?? SLACK_RATE_LIMITS.workspaceMessages,
    workspaceWindowMs: options.workspaceWindowMs ?? SLACK_RATE_LIMITS.workspaceWindowMs,
    retryAfterUnitMs: options.retryAfterUnitMs ?? SLACK_RATE_LIMITS.retryAfterUnitMs,
    maxBlockText: options.maxBlockText ?? SLACK_BLOCKS.totalText,
    strictMrkdwn: options.strictMrkdwn ?? true,
    appTokens: options.appTokens ?? [],
    brokenImage: options.brokenImage,
    oauth: options.oauth,
    ackTimeoutMs: options.ackTimeoutMs ?? SLACK_ACK.timeoutMs,
    eventRetryDelaysMs: options.eventRetryDelaysMs ?? SLACK_ACK.eventRetryDelaysMs,
    responseUrlMaxUses: options.responseUrlMaxUses ?? SLACK_RESPONSE_URL.maxUses,
    responseUrlTtlMs: options.responseUrlTtlMs ?? SLACK_RESPONSE_URL.ttlMs,
    historyPerMinute: options.historyPerMinute ?? SLACK_RATE_LIMITS.historyPerMinute,
    historyMaxLimit: options.historyMaxLimit ?? SLACK_HISTORY.maxLimit,
    historyDefaultLimit: options.historyDefaultLimit ?? SLACK_HISTORY.defaultLimit,
    filesPerMinute: options.filesPerMinute ?? SLACK_RATE_LIMITS.filesPerMinute,
    tierWindowMs: options.tierWindowMs ?? SLACK_RATE_LIMITS.windowMs,
    maxMetadataBytes: options.maxMetadataBytes ?? SLACK_METADATA.maxBytes,
    invalidMetadata: options.invalidMetadata ?? 'warn',
  };
}
