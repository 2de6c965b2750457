import { randomBytes } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { ChannelRef } from '../ports/chat-platform.js';
import type { Database } from './client.js';
import { continuations } from './schema.js';

/** The state behind a "More" button, in the database so any process can answer the press. */
export class PgContinuationRepository {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  /** Stores `payload` until `expiresAt`; returns its id (12 URL-safe characters). */
  async create(channel: ChannelRef, payload: unknown, expiresAt: Date): Promise<string> {
    const id = randomBytes(9).toString('base64url');
    await this.database.db
      .insert(continuations)
      .values({ id, platform: channel.platform, channelId: channel.channelId, payload, expiresAt });
    return id;
  }

  /** The payload, when the id exists in this channel and has not expired. */
  async find(id: string, channel: ChannelRef, now: Date): Promise<unknown | undefined> {
    const [row] = await this.database.db
      .select({ payload: continuations.payload })
      .from(continuations)
      .where(
        and(
          eq(continuations.id, id),
          eq(continuations.platform, channel.platform),
          eq(continuations.channelId, channel.channelId),
          gt(continuations.expiresAt, now),
        ),
      );
    return row?.payload;
  }

  /** Deletes expired continuations; returns how many. */
  async purge(now: Date): Promise<number> {
    const rows = await this.database.db
      .delete(continuations)
      .where(lt(continuations.expiresAt, now))
      .returning({ id: continuations.id });
    return rows.length;
  }
}
