import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { ChannelRef } from '../domain/channel.js';
import type { ChannelLabel, VoteCount, VoteStore } from '../ports/reading.js';
import type { Database } from './client.js';
import { channels, paperVotes } from './schema.js';

/** Channel votes on papers: one row per (channel, paper, user), so a user's vote counts once and can change. */
export class PgVoteStore implements VoteStore {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  async vote(
    channel: ChannelRef,
    paperId: string,
    userId: string,
    vote: 1 | -1,
    now: Date,
  ): Promise<{ previous: 1 | -1 | undefined; counts: VoteCount }> {
    return this.database.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(channels)
        .values({ platform: channel.platform, address: channel.address })
        .onConflictDoUpdate({ target: [channels.platform, channels.address], set: { platform: channel.platform } })
        .returning({ id: channels.id });
      const channelPk = row!.id;
      const [before] = await tx
        .select({ vote: paperVotes.vote })
        .from(paperVotes)
        .where(
          and(eq(paperVotes.channelPk, channelPk), eq(paperVotes.paperId, paperId), eq(paperVotes.userId, userId)),
        );
      await tx
        .insert(paperVotes)
        .values({ channelPk, paperId, userId, vote, votedAt: now })
        .onConflictDoUpdate({
          target: [paperVotes.channelPk, paperVotes.paperId, paperVotes.userId],
          set: { vote, votedAt: now },
        });
      const [c] = await tx
        .select({
          up: sql<number>`count(*) filter (where ${paperVotes.vote} = 1)`,
          down: sql<number>`count(*) filter (where ${paperVotes.vote} = -1)`,
        })
        .from(paperVotes)
        .where(and(eq(paperVotes.channelPk, channelPk), eq(paperVotes.paperId, paperId)));
      return {
        previous: before ? (before.vote === 1 ? 1 : -1) : undefined,
        counts: { up: Number(c?.up ?? 0), down: Number(c?.down ?? 0) },
      };
    });
  }

  async counts(channel: ChannelRef, paperIds: readonly string[]): Promise<Map<string, VoteCount>> {
    const result = new Map<string, VoteCount>();
    if (paperIds.length === 0) return result;
    const rows = await this.database.db
      .select({
        paperId: paperVotes.paperId,
        up: sql<number>`count(*) filter (where ${paperVotes.vote} = 1)`,
        down: sql<number>`count(*) filter (where ${paperVotes.vote} = -1)`,
      })
      .from(paperVotes)
      .innerJoin(channels, eq(channels.id, paperVotes.channelPk))
      .where(
        and(
          eq(channels.platform, channel.platform),
          eq(channels.address, channel.address),
          inArray(paperVotes.paperId, [...paperIds]),
        ),
      )
      .groupBy(paperVotes.paperId);
    for (const r of rows) result.set(r.paperId, { up: Number(r.up), down: Number(r.down) });
    return result;
  }

  async total(channel: ChannelRef): Promise<number> {
    const [row] = await this.database.db
      .select({ n: count() })
      .from(paperVotes)
      .innerJoin(channels, eq(channels.id, paperVotes.channelPk))
      .where(and(eq(channels.platform, channel.platform), eq(channels.address, channel.address)));
    return Number(row?.n ?? 0);
  }

  async labels(channel: ChannelRef, limit: number): Promise<ChannelLabel[]> {
    const rows = await this.database.db
      .select({ paperId: paperVotes.paperId, score: sql<number>`sum(${paperVotes.vote})` })
      .from(paperVotes)
      .innerJoin(channels, eq(channels.id, paperVotes.channelPk))
      .where(and(eq(channels.platform, channel.platform), eq(channels.address, channel.address)))
      .groupBy(paperVotes.paperId)
      .orderBy(desc(sql`max(${paperVotes.votedAt})`), paperVotes.paperId)
      .limit(limit);
    return rows.map((r) => ({ paperId: r.paperId, score: Number(r.score) }));
  }
}
