import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { OutgoingMessage } from '../messages/model.js';
import type { Database } from './client.js';
import { channels, deliveredPapers, deliveries } from './schema.js';

export type DeliveryKind = 'daily' | 'weekly';
export type DeliveryStatus = 'claimed' | 'posting' | 'sent' | 'retry' | 'failed' | 'skipped' | 'empty';

export interface DeliveryKey {
  readonly channelPk: number;
  readonly kind: DeliveryKind;
  /** List date (daily) or ISO week (weekly). */
  readonly period: string;
}

/** A delivery this process holds: `token` proves it, and every write is conditioned on it. */
export interface HeldDelivery extends DeliveryKey {
  readonly id: number;
  readonly token: string;
  readonly slotAt: Date;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly message: OutgoingMessage | null;
  readonly paperIds: string[];
  readonly messageIds: string[];
}

export interface DeliveryRecord extends DeliveryKey {
  readonly id: number;
  readonly status: DeliveryStatus;
  readonly slotAt: Date;
  readonly messageIds: string[];
  readonly error: string | null;
  readonly attempts: number;
  readonly updatedAt: Date;
  readonly sentAt: Date | null;
}

const keyOf = (k: DeliveryKey) => `${k.channelPk}|${k.kind}|${k.period}`;

/**
 * The exactly-once delivery ledger (table `deliveries`). A delivery is claimed by inserting its unique
 * (channel, kind, period) row; only the inserting process gets it. The holder's lease is extended while it works;
 * a row whose lease ran out (its process died) or whose retry is due is taken over with a new token, which fences
 * the old holder out of every later write.
 */
export class PgDeliveryRepository {
  private readonly database: Database;
  constructor(database: Database) {
    this.database = database;
  }

  /** The keys among `keys` that already have a row (any status). */
  async existing(keys: readonly DeliveryKey[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const pks = [...new Set(keys.map((k) => k.channelPk))];
    const periods = [...new Set(keys.map((k) => k.period))];
    const rows = await this.database.db
      .select({ channelPk: deliveries.channelPk, kind: deliveries.kind, period: deliveries.period })
      .from(deliveries)
      .where(and(inArray(deliveries.channelPk, pks), inArray(deliveries.period, periods)));
    return new Set(rows.map((r) => keyOf(r as DeliveryKey)));
  }

  /** Claims a delivery; undefined when another process (or an earlier run) already has its row. */
  async claim(key: DeliveryKey, slotAt: Date, leaseUntil: Date, now: Date): Promise<HeldDelivery | undefined> {
    const token = randomUUID();
    const rows = await this.database.db
      .insert(deliveries)
      .values({ ...key, slotAt, status: 'claimed', claimToken: token, leaseUntil, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning();
    return rows[0] ? toHeld(rows[0]) : undefined;
  }

  /** Records a delivery that will not be posted ('skipped': too late; 'empty': nothing to post). */
  async record(
    key: DeliveryKey,
    slotAt: Date,
    status: 'skipped' | 'empty',
    reason: string,
    now: Date,
  ): Promise<boolean> {
    const rows = await this.database.db
      .insert(deliveries)
      .values({ ...key, slotAt, status, error: reason, createdAt: now, updatedAt: now })
      .onConflictDoNothing()
      .returning({ id: deliveries.id });
    return rows.length === 1;
  }

  /**
   * Takes over deliveries whose holder is gone (lease expired) or whose retry is due, at most `limit`, skipping
   * rows another process is taking over at this very moment.
   */
  async takeOver(now: Date, leaseUntil: Date, limit: number, platforms: readonly string[]): Promise<HeldDelivery[]> {
    if (platforms.length === 0) return [];
    const nowIso = now.toISOString();
    const ours = sql.join(
      platforms.map((p) => sql`${p}`),
      sql`, `,
    );
    const rows = await this.database.db
      .update(deliveries)
      .set({
        claimToken: sql`gen_random_uuid()::text`,
        leaseUntil,
        status: sql`case when ${deliveries.status} = 'retry' then 'claimed' else ${deliveries.status} end`,
        updatedAt: now,
      })
      .where(
        sql`${deliveries.id} in (select id from deliveries where
          ((status in ('claimed', 'posting') and lease_until < ${nowIso}::timestamptz)
          or (status = 'retry' and next_attempt_at <= ${nowIso}::timestamptz))
          and channel_pk in (select id from channels where platform in (${ours}))
          order by id limit ${limit} for update skip locked)`,
      )
      .returning();
    return rows.map(toHeld);
  }

  /** Stores the composed message and marks the delivery as being posted. False when the claim was lost. */
  async startPosting(
    d: HeldDelivery,
    message: OutgoingMessage,
    paperIds: string[],
    leaseUntil: Date,
    now: Date,
  ): Promise<boolean> {
    const rows = await this.database.db
      .update(deliveries)
      .set({
        status: 'posting',
        message,
        paperIds,
        leaseUntil,
        attempts: sql`${deliveries.attempts} + 1`,
        updatedAt: now,
      })
      .where(and(eq(deliveries.id, d.id), eq(deliveries.claimToken, d.token)))
      .returning({ id: deliveries.id });
    return rows.length === 1;
  }

  /** Appends the id of a part just posted. False when the claim was lost. */
  async addMessageId(d: HeldDelivery, messageId: string, now: Date): Promise<boolean> {
    const rows = await this.database.db
      .update(deliveries)
      .set({ messageIds: sql`${deliveries.messageIds} || ${JSON.stringify([messageId])}::jsonb`, updatedAt: now })
      .where(and(eq(deliveries.id, d.id), eq(deliveries.claimToken, d.token)))
      .returning({ id: deliveries.id });
    return rows.length === 1;
  }

  /** Extends the leases of deliveries still being worked on. */
  async extendLeases(held: readonly HeldDelivery[], leaseUntil: Date): Promise<void> {
    for (const d of held) {
      await this.database.db
        .update(deliveries)
        .set({ leaseUntil })
        .where(and(eq(deliveries.id, d.id), eq(deliveries.claimToken, d.token)));
    }
  }

  /** Marks the delivery sent, remembers its papers for the channel, and clears the channel's failure count. */
  async markSent(d: HeldDelivery, paperIds: readonly string[], now: Date): Promise<void> {
    await this.database.db.transaction(async (tx) => {
      const rows = await tx
        .update(deliveries)
        .set({ status: 'sent', sentAt: now, updatedAt: now, error: null, leaseUntil: null })
        .where(and(eq(deliveries.id, d.id), eq(deliveries.claimToken, d.token)))
        .returning({ id: deliveries.id });
      if (rows.length === 0) return;
      if (paperIds.length > 0) {
        await tx
          .insert(deliveredPapers)
          .values(paperIds.map((paperId) => ({ channelPk: d.channelPk, paperId, deliveryId: d.id })))
          .onConflictDoNothing();
      }
      await tx.update(channels).set({ consecutiveFailures: 0 }).where(eq(channels.id, d.channelPk));
    });
  }

  /** Nothing to post after all (e.g. every paper already posted): recorded, never retried. */
  async markEmpty(d: HeldDelivery, reason: string, now: Date): Promise<void> {
    await this.database.db
      .update(deliveries)
      .set({ status: 'empty', error: reason, updatedAt: now, leaseUntil: null })
      .where(and(eq(deliveries.id, d.id), eq(deliveries.claimToken, d.token)));
  }

  async markFailed(d: HeldDelivery, error: string, now: Date): Promise<void> {
    await this.database.db
      .update(deliveries)
      .set({ status: 'failed', error, updatedAt: now, leaseUntil: null })
      .where(and(eq(deliveries.id, d.id), eq(deliveries.claimToken, d.token)));
  }

  async markRetry(d: HeldDelivery, error: string, nextAttemptAt: Date, now: Date): Promise<void> {
    await this.database.db
      .update(deliveries)
      .set({ status: 'retry', error, nextAttemptAt, updatedAt: now, leaseUntil: null })
      .where(and(eq(deliveries.id, d.id), eq(deliveries.claimToken, d.token)));
  }

  /** Gives a claim back untouched (the channel's digest was switched off meanwhile): another run may claim it. */
  async release(d: HeldDelivery): Promise<void> {
    await this.database.db
      .delete(deliveries)
      .where(and(eq(deliveries.id, d.id), eq(deliveries.claimToken, d.token), eq(deliveries.status, 'claimed')));
  }

  /** The channel's most recent delivery (any status). */
  async last(channelPk: number): Promise<DeliveryRecord | undefined> {
    const [row] = await this.database.db
      .select()
      .from(deliveries)
      .where(eq(deliveries.channelPk, channelPk))
      .orderBy(desc(deliveries.slotAt), desc(deliveries.id))
      .limit(1);
    return row ? toRecord(row) : undefined;
  }

  async findByKey(key: DeliveryKey): Promise<DeliveryRecord | undefined> {
    const [row] = await this.database.db
      .select()
      .from(deliveries)
      .where(
        and(eq(deliveries.channelPk, key.channelPk), eq(deliveries.kind, key.kind), eq(deliveries.period, key.period)),
      );
    return row ? toRecord(row) : undefined;
  }

  /** Which of `paperIds` were already posted to the channel. */
  async deliveredAmong(channelPk: number | undefined, paperIds: readonly string[]): Promise<Set<string>> {
    if (channelPk === undefined || paperIds.length === 0) return new Set();
    const rows = await this.database.db
      .select({ paperId: deliveredPapers.paperId })
      .from(deliveredPapers)
      .where(and(eq(deliveredPapers.channelPk, channelPk), inArray(deliveredPapers.paperId, [...paperIds])));
    return new Set(rows.map((r) => r.paperId));
  }
}

export { keyOf as deliveryKeyString };

type Row = typeof deliveries.$inferSelect;

function toHeld(row: Row): HeldDelivery {
  return {
    id: row.id,
    channelPk: row.channelPk,
    kind: row.kind as DeliveryKind,
    period: row.period,
    token: row.claimToken!,
    slotAt: row.slotAt,
    status: row.status as DeliveryStatus,
    attempts: row.attempts,
    message: (row.message as OutgoingMessage | null) ?? null,
    paperIds: row.paperIds,
    messageIds: row.messageIds,
  };
}

function toRecord(row: Row): DeliveryRecord {
  return {
    id: row.id,
    channelPk: row.channelPk,
    kind: row.kind as DeliveryKind,
    period: row.period,
    status: row.status as DeliveryStatus,
    slotAt: row.slotAt,
    messageIds: row.messageIds,
    error: row.error,
    attempts: row.attempts,
    updatedAt: row.updatedAt,
    sentAt: row.sentAt,
  };
}
