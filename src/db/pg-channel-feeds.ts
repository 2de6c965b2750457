import { randomBytes } from 'node:crypto';
import type { ChannelRef } from '../domain/channel.js';
import type { PaperBlock } from '../messages/model.js';
import type { ChannelFeedStore, PostedCard } from '../ports/feeds.js';
import type { DeliveryKind } from '../ports/stores.js';
import type { Database } from './client.js';

/** A new feed token: 24 random bytes, 32 URL-safe characters. */
export function newFeedToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Channel feeds on Postgres: the token is a column of `channels` (unique), and the posted cards are read from the
 * messages the delivery ledger stored with each sent digest, so a feed shows exactly what was posted, weekly recaps
 * included.
 */
export class PgChannelFeedStore implements ChannelFeedStore {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  async tokenFor(ref: ChannelRef, now: Date): Promise<string> {
    const [row] = await this.database.query<{ token: string }>(
      `insert into channels (platform, address, feed_token, created_at, updated_at)
       values ($1, $2, $3, $4::timestamptz, $4::timestamptz)
       on conflict (platform, address) do update set feed_token = coalesce(channels.feed_token, excluded.feed_token)
       returning feed_token as token`,
      [ref.platform, ref.address, newFeedToken(), now.toISOString()],
    );
    return row!.token;
  }

  async resetToken(ref: ChannelRef, now: Date): Promise<string> {
    const [row] = await this.database.query<{ token: string }>(
      `insert into channels (platform, address, feed_token, created_at, updated_at)
       values ($1, $2, $3, $4::timestamptz, $4::timestamptz)
       on conflict (platform, address) do update set feed_token = excluded.feed_token, updated_at = excluded.updated_at
       returning feed_token as token`,
      [ref.platform, ref.address, newFeedToken(), now.toISOString()],
    );
    return row!.token;
  }

  async channelOfToken(token: string): Promise<number | undefined> {
    const [row] = await this.database.query<{ id: number }>(`select id from channels where feed_token = $1`, [token]);
    return row?.id;
  }

  async postedCards(channelPk: number, limit: number): Promise<PostedCard[]> {
    // Every sent digest holds at least one card, so the newest `limit` digests hold the newest `limit` cards.
    const rows = await this.database.query<{
      id: number;
      kind: string;
      period: string;
      sent_at: string | Date;
      block: unknown;
    }>(
      `select d.id, d.kind, d.period, d.sent_at, b.block
       from (select id, kind, period, sent_at, message from deliveries
             where channel_pk = $1::int and status = 'sent' and message is not null and kind in ('daily', 'weekly')
             order by sent_at desc nulls last, id desc limit $2::int) d,
            jsonb_array_elements(d.message -> 'blocks') with ordinality as b(block, ord)
       where b.block ->> 'type' = 'paper'
       order by d.sent_at desc nulls last, d.id desc, b.ord
       limit $2::int`,
      [channelPk, limit],
    );
    return rows.flatMap((r) =>
      isPaperBlock(r.block)
        ? [
            {
              deliveryId: r.id,
              kind: r.kind as DeliveryKind,
              period: r.period,
              sentAt: new Date(r.sent_at),
              card: r.block,
            },
          ]
        : [],
    );
  }
}

/** A stored card with the fields a feed entry needs (messages are ours, but stored JSON is checked anyway). */
function isPaperBlock(value: unknown): value is PaperBlock {
  const b = value as Partial<PaperBlock> | null;
  return (
    typeof b === 'object' &&
    b !== null &&
    typeof b.id === 'string' &&
    typeof b.title === 'string' &&
    typeof b.url === 'string' &&
    Array.isArray(b.authors) &&
    typeof b.upvotes === 'number'
  );
}
