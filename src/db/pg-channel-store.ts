import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import {
  type Channel,
  type ChannelRef,
  type ChannelSettings,
  defaultChannel,
  formatAlertHours,
  type PlatformName,
  parseAlertHours,
  type Topic,
} from '../domain/channel.js';
import type { DaysSetting } from '../domain/schedule.js';
import type { ChannelStore } from '../ports/stores.js';
import type { Database } from './client.js';
import { channels, topics } from './schema.js';

type ChannelRow = typeof channels.$inferSelect;

/** Channels, their settings and their topics. */
export class PgChannelStore implements ChannelStore {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  /** The channel as stored, or its defaults when nothing was stored yet (nothing is written). */
  async find(ref: ChannelRef): Promise<Channel> {
    const [row] = await this.database.db
      .select()
      .from(channels)
      .where(and(eq(channels.platform, ref.platform), eq(channels.address, ref.address)));
    return row ? toChannel(row) : defaultChannel(ref);
  }

  async findByPk(pk: number): Promise<Channel | undefined> {
    const [row] = await this.database.db.select().from(channels).where(eq(channels.id, pk));
    return row ? toChannel(row) : undefined;
  }

  /** Changes settings, creating the channel row when needed; returns the channel after the change. */
  async update(
    ref: ChannelRef,
    patch: Partial<ChannelSettings> & { clearPause?: boolean },
    now: Date,
  ): Promise<Channel> {
    const { clearPause, ...settings } = patch;
    const { alertHours, ...plain } = settings;
    const set: Partial<typeof channels.$inferInsert> = { ...plain, updatedAt: now };
    if (alertHours !== undefined) set.alertHours = alertHours ? formatAlertHours(alertHours) : null;
    if (settings.digestEnabled === true) set.digestEnabledAt = now;
    if (settings.alerts === true) set.alertsEnabledAt = now;
    if (clearPause) Object.assign(set, { pausedAt: null, pauseReason: null, consecutiveFailures: 0 });
    // A setting changed by a command is valid: a problem recorded with the old settings is checked again.
    if (Object.keys(settings).length > 0) Object.assign(set, { digestProblem: null, digestProblemAt: null });
    const [row] = await this.database.db
      .insert(channels)
      .values({ platform: ref.platform, address: ref.address, ...set })
      .onConflictDoUpdate({ target: [channels.platform, channels.address], set })
      .returning();
    return toChannel(row!);
  }

  /** The channel's stored primary key, creating the row when needed. */
  async ensure(ref: ChannelRef, now: Date): Promise<number> {
    const existing = await this.find(ref);
    if (existing.pk !== undefined) return existing.pk;
    return (await this.update(ref, {}, now)).pk!;
  }

  async listDigestChannels(platforms: readonly PlatformName[]): Promise<Channel[]> {
    if (platforms.length === 0) return [];
    const rows = await this.database.db
      .select()
      .from(channels)
      .where(
        and(eq(channels.digestEnabled, true), isNull(channels.pausedAt), inArray(channels.platform, [...platforms])),
      );
    return rows.map(toChannel);
  }

  /** Channels of these platforms, not paused, with alerts on, or follow-ups on and the digest or alerts on. */
  async listAlertChannels(platforms: readonly PlatformName[]): Promise<Channel[]> {
    if (platforms.length === 0) return [];
    const rows = await this.database.db
      .select()
      .from(channels)
      .where(
        and(
          or(eq(channels.alerts, true), and(eq(channels.followups, true), eq(channels.digestEnabled, true))),
          isNull(channels.pausedAt),
          inArray(channels.platform, [...platforms]),
        ),
      );
    return rows.map(toChannel);
  }

  async topics(channelPk: number | undefined): Promise<Topic[]> {
    if (channelPk === undefined) return [];
    return this.database.db
      .select({ id: topics.id, query: topics.query })
      .from(topics)
      .where(eq(topics.channelPk, channelPk))
      .orderBy(asc(topics.id));
  }

  /** Adds a topic; false when the channel already has it (any case). */
  async addTopic(channelPk: number, query: string, userId: string): Promise<boolean> {
    const rows = await this.database.db
      .insert(topics)
      .values({ channelPk, query, createdBy: userId })
      .onConflictDoNothing()
      .returning({ id: topics.id });
    return rows.length === 1;
  }

  async removeTopic(topicId: number): Promise<void> {
    await this.database.db.delete(topics).where(eq(topics.id, topicId));
  }

  /**
   * Records (or, with null, clears) why the channel's digest cannot be scheduled or composed. True when this changed
   * the stored reason: the caller logs only then, so a bad row is logged once, not on every tick of every process.
   */
  async setDigestProblem(pk: number, problem: string | null, now: Date): Promise<boolean> {
    const rows = await this.database.db
      .update(channels)
      .set({ digestProblem: problem, digestProblemAt: problem === null ? null : now })
      .where(and(eq(channels.id, pk), sql`${channels.digestProblem} is distinct from ${problem}`))
      .returning({ id: channels.id });
    return rows.length === 1;
  }

  /** Records a permanent delivery failure; pauses the digest at `pauseAfter` in a row. Returns the new count. */
  async recordPermanentFailure(pk: number, reason: string, now: Date, pauseAfter: number): Promise<number> {
    const [row] = await this.database.db
      .update(channels)
      .set({
        consecutiveFailures: sql`${channels.consecutiveFailures} + 1`,
        pausedAt: sql`case when ${channels.consecutiveFailures} + 1 >= ${pauseAfter} then ${now.toISOString()}::timestamptz else ${channels.pausedAt} end`,
        pauseReason: sql`case when ${channels.consecutiveFailures} + 1 >= ${pauseAfter} then ${reason} else ${channels.pauseReason} end`,
        updatedAt: now,
      })
      .where(eq(channels.id, pk))
      .returning({ failures: channels.consecutiveFailures });
    return row?.failures ?? 0;
  }
}

function toChannel(row: ChannelRow): Channel {
  return {
    platform: row.platform,
    address: row.address,
    pk: row.id,
    digestEnabled: row.digestEnabled,
    digestEnabledAt: row.digestEnabledAt,
    postTime: row.postTime,
    timezone: row.timezone,
    days: row.days as DaysSetting,
    size: row.size,
    minUpvotes: row.minUpvotes,
    mode: row.mode === 'topics' ? 'topics' : 'all',
    weekly: row.weekly,
    thread: row.thread,
    ranking: row.ranking === 'learned' ? 'learned' : 'hf',
    digestRising: row.digestRising,
    alerts: row.alerts,
    alertsEnabledAt: row.alertsEnabledAt,
    // A stored value that is not valid (edited by hand) means no quiet hours; the delivery records it as a problem.
    alertHours: row.alertHours === null ? null : (parseAlertHours(row.alertHours) ?? null),
    followups: row.followups,
    consecutiveFailures: row.consecutiveFailures,
    pausedAt: row.pausedAt,
    pauseReason: row.pauseReason,
    digestProblem: row.digestProblem,
  };
}
