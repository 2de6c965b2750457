import type { DaysSetting } from './schedule.js';

/**
 * A platform's name, chosen by its adapter (`console`, `discord`, `slack`, …). The core knows no list of them: a
 * platform is whatever an adapter registers (see ports/platform.ts).
 */
export type PlatformName = string;

/**
 * A channel the bot answers in and posts to. `address` is opaque to the core: the adapter encodes it (the workspace
 * and the channel, e.g. `T0123/C0456` on Slack, `guild/channel` on Discord, `local` on the console) and decodes it
 * when it posts. Two addresses are the same channel exactly when they are equal strings.
 */
export interface ChannelRef {
  readonly platform: PlatformName;
  readonly address: string;
}

/** `slack:T0123/C0456`, `console:local`: a channel's key in logs, in the CLI's `--channel`, in button state. */
export function channelKey(channel: ChannelRef): string {
  return `${channel.platform}:${channel.address}`;
}

/** The channel a key names (`platform:address`), or undefined when it is not one. */
export function parseChannelKey(key: string): ChannelRef | undefined {
  const m = /^([a-z][a-z0-9_-]{0,31}):(\S{1,200})$/.exec(key.trim());
  return m ? { platform: m[1]!, address: m[2]! } : undefined;
}

export type DigestMode = 'all' | 'topics';

/** How a digest ranks papers: Hugging Face upvotes, or blended with the channel's learned taste (votes, saves). */
export type RankingSetting = 'hf' | 'learned';

/** A channel's digest settings: every one is changed from chat with `/papers digest <setting> <value>`. */
export interface ChannelSettings {
  readonly digestEnabled: boolean;
  /** HH:MM, local. */
  readonly postTime: string;
  readonly timezone: string;
  readonly days: DaysSetting;
  /** Papers in the top list, 1–25. */
  readonly size: number;
  readonly minUpvotes: number;
  readonly mode: DigestMode;
  /** Monday recap of last week. */
  readonly weekly: boolean;
  /** Papers in a thread under a header message. */
  readonly thread: boolean;
  /** `hf` (default) or `learned`: see src/services/taste/. */
  readonly ranking: RankingSetting;
  /** A "Rising" section: up to 3 papers gaining upvotes fastest, not already in the digest (issue 13). */
  readonly digestRising?: boolean | undefined;
  /** Instant topic alerts after each ingest (issue 13 §4). */
  readonly alerts?: boolean | undefined;
  /** Quiet hours of alerts, local: alerts post only from `from` to `to` (whole hours; may wrap past midnight). */
  readonly alertHours?: AlertHours | null | undefined;
  /** A short follow-up when a paper posted here gets its code or passes 1,000 stars (issue 13 §5). */
  readonly followups?: boolean | undefined;
}

/** Alerts' open hours in the channel's time zone: [from, to), whole hours, `to` may be 24. */
export interface AlertHours {
  readonly from: number;
  readonly to: number;
}

/** `08-20` → { from: 8, to: 20 }; undefined when it is not two hours 00–24 that differ (24 only as the end). */
export function parseAlertHours(text: string): AlertHours | undefined {
  const m = /^(\d{1,2})(?::00)?\s*-\s*(\d{1,2})(?::00)?$/.exec(text.trim());
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = Number(m[2]);
  if (from > 23 || to > 24 || from === to || (from === 0 && to === 24)) return undefined;
  return { from, to };
}

/** `08-20` */
export function formatAlertHours(hours: AlertHours): string {
  return `${String(hours.from).padStart(2, '0')}-${String(hours.to).padStart(2, '0')}`;
}

/** Whether a local hour (0–23) is within the open hours. */
export function alertHoursOpen(hours: AlertHours, localHour: number): boolean {
  return hours.from < hours.to
    ? localHour >= hours.from && localHour < hours.to
    : localHour >= hours.from || localHour < hours.to;
}

export const DEFAULT_SETTINGS: ChannelSettings = {
  digestEnabled: false,
  postTime: '09:00',
  timezone: 'UTC',
  days: 'weekdays',
  size: 5,
  minUpvotes: 0,
  mode: 'all',
  weekly: false,
  thread: false,
  ranking: 'hf',
  digestRising: false,
  alerts: false,
  alertHours: null,
  followups: true,
};

export const LIMITS = {
  sizeMin: 1,
  sizeMax: 25,
  minUpvotesMax: 100_000,
  topicsPerChannel: 25,
  topicLength: 200,
} as const;

/** A channel with its settings and delivery health. `pk` is undefined until something was stored for it. */
export interface Channel extends ChannelRef, ChannelSettings {
  readonly pk: number | undefined;
  readonly digestEnabledAt: Date | null;
  /** When alerts were last switched on: papers first seen before are never alerted. */
  readonly alertsEnabledAt?: Date | null | undefined;
  readonly consecutiveFailures: number;
  readonly pausedAt: Date | null;
  readonly pauseReason: string | null;
  /**
   * Why this channel's stored settings cannot be scheduled or its digest composed (a time zone or time that is not
   * valid, a topic that cannot be read): the delivery service skips it until fixed. Null when fine.
   */
  readonly digestProblem?: string | null | undefined;
}

export interface Topic {
  readonly id: number;
  readonly query: string;
}

/** A channel nothing was stored for yet: the default settings. */
export function defaultChannel(ref: ChannelRef): Channel {
  return {
    platform: ref.platform,
    address: ref.address,
    ...DEFAULT_SETTINGS,
    pk: undefined,
    digestEnabledAt: null,
    consecutiveFailures: 0,
    pausedAt: null,
    pauseReason: null,
  };
}
