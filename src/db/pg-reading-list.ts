import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { type ChannelRef, channelKey } from '../domain/channel.js';
import type { ReadingListStore, SavedEntry } from '../ports/reading.js';
import type { Database } from './client.js';
import { toPaper } from './pg-paper-store.js';
import { papers, savedPapers } from './schema.js';

/** Reading lists: every query is keyed by the user, so one user's list is never reached through another's key. */
export class PgReadingList implements ReadingListStore {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  async save(user: string, paperId: string, channel: ChannelRef | undefined, now: Date): Promise<boolean> {
    const rows = await this.database.db
      .insert(savedPapers)
      .values({ userKey: user, paperId, channelKey: channel ? channelKey(channel) : null, savedAt: now })
      .onConflictDoNothing()
      .returning({ paperId: savedPapers.paperId });
    return rows.length === 1;
  }

  async remove(user: string, paperId: string): Promise<boolean> {
    const rows = await this.database.db
      .delete(savedPapers)
      .where(and(eq(savedPapers.userKey, user), eq(savedPapers.paperId, paperId)))
      .returning({ paperId: savedPapers.paperId });
    return rows.length === 1;
  }

  async list(user: string, options: { limit: number; offset: number }): Promise<SavedEntry[]> {
    const rows = await this.database.db
      .select({ paper: papers, savedAt: savedPapers.savedAt })
      .from(savedPapers)
      .innerJoin(papers, eq(papers.id, savedPapers.paperId))
      .where(eq(savedPapers.userKey, user))
      .orderBy(desc(savedPapers.savedAt), desc(savedPapers.paperId))
      .limit(options.limit)
      .offset(options.offset);
    return rows.map((r) => ({ paper: toPaper(r.paper), savedAt: r.savedAt }));
  }

  async count(user: string): Promise<number> {
    const [row] = await this.database.db.select({ n: count() }).from(savedPapers).where(eq(savedPapers.userKey, user));
    return Number(row?.n ?? 0);
  }

  async all(user: string): Promise<SavedEntry[]> {
    const rows = await this.database.db
      .select({ paper: papers, savedAt: savedPapers.savedAt })
      .from(savedPapers)
      .innerJoin(papers, eq(papers.id, savedPapers.paperId))
      .where(eq(savedPapers.userKey, user))
      .orderBy(asc(savedPapers.savedAt), asc(savedPapers.paperId));
    return rows.map((r) => ({ paper: toPaper(r.paper), savedAt: r.savedAt }));
  }

  async clear(user: string): Promise<number> {
    const rows = await this.database.db
      .delete(savedPapers)
      .where(eq(savedPapers.userKey, user))
      .returning({ paperId: savedPapers.paperId });
    return rows.length;
  }

  async savedInChannel(channel: ChannelRef, limit: number): Promise<string[]> {
    const rows = await this.database.db
      .select({ paperId: savedPapers.paperId, last: sql<Date>`max(${savedPapers.savedAt})` })
      .from(savedPapers)
      .where(eq(savedPapers.channelKey, channelKey(channel)))
      .groupBy(savedPapers.paperId)
      .orderBy(desc(sql`max(${savedPapers.savedAt})`), asc(savedPapers.paperId))
      .limit(limit);
    return rows.map((r) => r.paperId);
  }
}
