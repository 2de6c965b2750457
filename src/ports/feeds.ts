/**
 * Storage port of a channel's private feed: the revocable token in its URL, and the papers its digests posted
 * (read back from the messages the delivery ledger stored). Implemented in src/db/pg-channel-feeds.ts.
 */
import type { ChannelRef } from '../domain/channel.js';
import type { PaperBlock } from '../messages/model.js';
import type { DeliveryKind } from './stores.js';

/** One paper card as a channel's digest posted it. */
export interface PostedCard {
  readonly deliveryId: number;
  readonly kind: DeliveryKind;
  /** List date (daily) or ISO week (weekly). */
  readonly period: string;
  readonly sentAt: Date;
  /** The card exactly as posted: the facts (upvotes, stars…) of that moment. */
  readonly card: PaperBlock;
}

export interface ChannelFeedStore {
  /** The channel's feed token, creating the channel row and the token when there is none yet. */
  tokenFor(ref: ChannelRef, now: Date): Promise<string>;
  /** Replaces the channel's token (the old URL stops working at once); returns the new one. */
  resetToken(ref: ChannelRef, now: Date): Promise<string>;
  /** The channel whose current token this is; undefined for an unknown or revoked token. */
  channelOfToken(token: string): Promise<number | undefined>;
  /**
   * The cards of the channel's posted digests (status sent), newest digest first and in posting order within one,
   * at most `limit`.
   */
  postedCards(channelPk: number, limit: number): Promise<PostedCard[]>;
}
