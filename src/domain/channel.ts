import type { ChannelRef } from '../ports/chat-platform.js';
import type { DaysSetting } from './schedule.js';

export type DigestMode = 'all' | 'topics';

/** A channel's digest settings (product.md §3). */
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
  readonly consecutiveFailures: number;
  readonly pausedAt: Date | null;
  readonly pauseReason: string | null;
}

export interface Topic {
  readonly id: number;
  readonly query: string;
}
