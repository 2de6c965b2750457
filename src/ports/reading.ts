/**
 * Ports of the reading lists (each chat user's saved papers) and of the channel votes the taste model learns from.
 * Implemented in src/db/pg-reading-list.ts and src/db/pg-votes.ts.
 *
 * A user is `platform:user id` (see `userKey`): every read and write names the user, so one user's list can never be
 * reached with another's key.
 */
import type { ChannelRef } from '../domain/channel.js';
import type { Paper } from '../domain/paper.js';

/** `discord:4000…`, `slack:U0123`, `console:ada`: whose reading list. */
export function userKey(platform: string, userId: string): string {
  return `${platform}:${userId}`;
}

export interface SavedEntry {
  readonly paper: Paper;
  readonly savedAt: Date;
}

export interface ReadingListStore {
  /** Saves a paper to the user's list; false when it was already there (nothing changes). */
  save(user: string, paperId: string, channel: ChannelRef | undefined, now: Date): Promise<boolean>;
  /** Removes a paper from the user's list; false when it was not there. */
  remove(user: string, paperId: string): Promise<boolean>;
  /** The user's list, newest first. */
  list(user: string, options: { limit: number; offset: number }): Promise<SavedEntry[]>;
  count(user: string): Promise<number>;
  /** Every saved paper of the user, oldest first (the export's order, so keys stay stable as the list grows). */
  all(user: string): Promise<SavedEntry[]>;
  /** Empties the user's list; returns how many papers it held. */
  clear(user: string): Promise<number>;
  /** The papers saved in a channel (by anyone), each once: the channel's taste model counts them as liked. */
  savedInChannel(channel: ChannelRef, limit: number): Promise<string[]>;
}

/** A channel's count of votes on a paper. */
export interface VoteCount {
  readonly up: number;
  readonly down: number;
}

/** One paper's net label in a channel: the sum of its votes (positive: liked). */
export interface ChannelLabel {
  readonly paperId: string;
  readonly score: number;
}

export interface VoteStore {
  /**
   * Records the user's vote (1 or -1) on a paper in a channel, replacing an earlier one. Returns the vote it
   * replaced (undefined when none) and the channel's counts after it.
   */
  vote(
    channel: ChannelRef,
    paperId: string,
    userId: string,
    vote: 1 | -1,
    now: Date,
  ): Promise<{ previous: 1 | -1 | undefined; counts: VoteCount }>;
  /** The channel's counts for these papers (papers without votes are left out). */
  counts(channel: ChannelRef, paperIds: readonly string[]): Promise<Map<string, VoteCount>>;
  /** How many votes the channel has (all papers, all users). */
  total(channel: ChannelRef): Promise<number>;
  /** The channel's voted papers with their net score, newest vote first. */
  labels(channel: ChannelRef, limit: number): Promise<ChannelLabel[]>;
}
