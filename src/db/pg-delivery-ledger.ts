import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Topic } from '../domain/channel.js';
import type { OutgoingMessage } from '../messages/model.js';
import {
  type AlertState,
  type DeliveryKey,
  type DeliveryKind,
  type DeliveryLedger,
  type DeliveryRecord,
  type DeliveryStatus,
  deliveryKeyString,
  type FollowupEvent,
  type HeldDelivery,
} from '../ports/stores.js';
import type { Database } from './client.js';
import { textArray } from './pg-paper-store.js';
import { deliveries } from './schema.js';

/**
 * The exactly-once delivery ledger (table `deliveries`; see DeliveryLedger). A claim is the insert of the unique
 * (channel, kind, period) row; the claim token fences a process whose lease expired out of every later write.
 */
export class PgDeliveryLedger implements DeliveryLedger {
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
    return new Set(rows.map((r) => deliveryKeyString(r as DeliveryKey)));
  }

  /**
   * Claims many deliveries in one statement; returns the ones this process got (a row that already exists, from
   * another process or an earlier run, is skipped). 10,000 due channels are one round trip, not 10,000.
   * The rows are inserted in key order: two processes claiming overlapping slices at once then wait on each other's
   * uncommitted rows in the same order, never in a circle (unordered, Postgres aborts one with "deadlock detected").
   */
  async claimMany(
    keys: readonly DeliveryKey[],
    slotAts: readonly Date[],
    leaseUntil: Date,
    now: Date,
    paperIds?: readonly (readonly string[])[],
  ): Promise<HeldDelivery[]> {
    if (keys.length === 0) return [];
    const rows = await this.database.query<Parameters<typeof fromRaw>[0]>(
      `insert into deliveries (channel_pk, kind, period, slot_at, status, claim_token, lease_until, created_at, updated_at, paper_ids)
       select k.channel_pk, k.kind, k.period, k.slot_at, 'claimed', gen_random_uuid()::text, $5::timestamptz, $6::timestamptz, $6::timestamptz, k.paper_ids::jsonb
       from unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[], $7::text[]) as k(channel_pk, kind, period, slot_at, paper_ids)
       order by k.channel_pk, k.kind, k.period
       on conflict do nothing
       returning ${RETURNING}`,
      [
        `{${keys.map((k) => k.channelPk).join(',')}}`,
        textArray(keys.map((k) => k.kind)),
        textArray(keys.map((k) => k.period)),
        textArray(slotAts.map((d) => d.toISOString())),
        leaseUntil.toISOString(),
        now.toISOString(),
        textArray(keys.map((_, i) => JSON.stringify(paperIds?.[i] ?? []))),
      ],
    );
    return rows.map(fromRaw);
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
    // Scans only deliveries in progress (partial index deliveries_active), then checks each expired one's platform
    // by its channel's key: the plan stays cheap even when statistics are stale right after a burst of new rows.
    const rows = await this.database.query<Parameters<typeof fromRaw>[0]>(
      `update deliveries set claim_token = gen_random_uuid()::text, lease_until = $2::timestamptz,
         status = case when status = 'retry' then 'claimed' else status end, updated_at = $1::timestamptz
       where id in (
         select d.id from deliveries d
         where d.status in ('claimed', 'posting', 'retry')
           and ((d.status in ('claimed', 'posting') and d.lease_until < $1::timestamptz)
             or (d.status = 'retry' and d.next_attempt_at <= $1::timestamptz))
           -- OFFSET 0 keeps this a per-row check on the few expired rows; as a join, the planner may drive it
           -- from channels with a bad estimate (measured: 16 s for 10,000 channels with stale statistics).
           and exists (select 1 from channels c where c.id = d.channel_pk and c.platform = any($3::text[]) offset 0)
         order by d.id limit $4::int
         for update of d skip locked)
       returning ${RETURNING}`,
      [now.toISOString(), leaseUntil.toISOString(), textArray(platforms), limit],
    );
    return rows.map(fromRaw);
  }

  /** Stores the composed message and marks the delivery as being posted. False when the claim was lost. */
  async startPosting(
    d: HeldDelivery,
    message: OutgoingMessage,
    paperIds: string[],
    leaseUntil: Date,
    now: Date,
  ): Promise<boolean> {
    const rows = await this.database.query(
      `update deliveries set status = 'posting', message = $1::jsonb, paper_ids = $2::jsonb, lease_until = $3::timestamptz,
         attempts = attempts + 1, updated_at = $4::timestamptz
       where id = $5::int and claim_token = $6 returning id`,
      [JSON.stringify(message), JSON.stringify(paperIds), leaseUntil.toISOString(), now.toISOString(), d.id, d.token],
    );
    return rows.length === 1;
  }

  /** Appends the id of a part just posted. False when the claim was lost. */
  async addMessageId(d: HeldDelivery, messageId: string, now: Date): Promise<boolean> {
    const rows = await this.database.query(
      `update deliveries set message_ids = message_ids || $1::jsonb, updated_at = $2::timestamptz
       where id = $3::int and claim_token = $4 returning id`,
      [JSON.stringify([messageId]), now.toISOString(), d.id, d.token],
    );
    return rows.length === 1;
  }

  /**
   * Renews one delivery's lease before a part is posted, so a slow holder keeps its claim and a holder whose claim
   * was taken over learns it before posting anything more. False when the claim was lost.
   */
  async renewLease(d: HeldDelivery, leaseUntil: Date): Promise<boolean> {
    const rows = await this.database.query(
      `update deliveries set lease_until = $1::timestamptz where id = $2::int and claim_token = $3 returning id`,
      [leaseUntil.toISOString(), d.id, d.token],
    );
    return rows.length === 1;
  }

  /** Extends the leases of deliveries still being worked on (one statement for all of them). */
  async extendLeases(held: readonly HeldDelivery[], leaseUntil: Date): Promise<void> {
    if (held.length === 0) return;
    await this.database.query(
      `update deliveries d set lease_until = $1::timestamptz
       from unnest($2::int[], $3::text[]) as h(id, token) where d.id = h.id and d.claim_token = h.token`,
      [leaseUntil.toISOString(), `{${held.map((d) => d.id).join(',')}}`, textArray(held.map((d) => d.token))],
    );
  }

  /**
   * Marks the delivery sent, remembers its papers for the channel, and clears the channel's failure count: one
   * statement, so it is atomic without a transaction's extra round trips. Nothing happens when the claim was lost.
   */
  async markSent(d: HeldDelivery, paperIds: readonly string[], now: Date): Promise<void> {
    // A paper alerted earlier and now in a digest is remembered as the digest's (it is no longer "alerted earlier",
    // and a follow-up answers in the digest's thread); otherwise the first delivery that posted a paper keeps it.
    await this.database.query(
      `with sent as (
         update deliveries set status = 'sent', sent_at = $1::timestamptz, updated_at = $1::timestamptz, error = null,
           lease_until = null
         where id = $2::int and claim_token = $3
         returning id, channel_pk
       ), remembered as (
         insert into delivered_papers (channel_pk, paper_id, delivery_id)
         select sent.channel_pk, p.paper_id, sent.id from sent, unnest($4::text[]) as p(paper_id)
         on conflict (channel_pk, paper_id) do update set delivery_id = excluded.delivery_id
         where $5::text in ('daily', 'weekly')
           and delivered_papers.delivery_id in (select a.id from deliveries a where a.id = delivered_papers.delivery_id and a.kind = 'alert')
       )
       update channels set consecutive_failures = 0
       where id in (select channel_pk from sent) and consecutive_failures <> 0`,
      [now.toISOString(), d.id, d.token, textArray(paperIds), d.kind],
    );
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

  /** The channel's most recent digest delivery, daily or weekly (any status; alerts and follow-ups left out). */
  async last(channelPk: number): Promise<DeliveryRecord | undefined> {
    const [row] = await this.database.db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.channelPk, channelPk), inArray(deliveries.kind, ['daily', 'weekly'])))
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

  /**
   * What composing a channel's digest needs from the database, in one round trip: the channel's topics (in
   * order) and which of `paperIds` were already posted there.
   */
  async digestContext(
    channelPk: number | undefined,
    paperIds: readonly string[],
  ): Promise<{ topics: Topic[]; delivered: Set<string>; alerted: Set<string> }> {
    if (channelPk === undefined) return { topics: [], delivered: new Set(), alerted: new Set() };
    const [row] = await this.database.query<{
      topics: { id: number; query: string }[] | null;
      delivered: string[] | null;
      alerted: string[] | null;
    }>(
      `with posted as (
         select dp.paper_id, d.kind from delivered_papers dp join deliveries d on d.id = dp.delivery_id
         where dp.channel_pk = $1::int and dp.paper_id = any($2::text[])
       )
       select
         (select json_agg(json_build_object('id', t.id, 'query', t.query) order by t.id) from topics t where t.channel_pk = $1::int) as topics,
         (select array_agg(paper_id) from posted where kind <> 'alert') as delivered,
         (select array_agg(paper_id) from posted where kind = 'alert') as alerted`,
      [channelPk, textArray(paperIds)],
    );
    return {
      topics: row?.topics ?? [],
      delivered: new Set(row?.delivered ?? []),
      alerted: new Set(row?.alerted ?? []),
    };
  }

  /** A channel's last alert and the papers newly listed since `since` not yet posted there, in one statement. */
  async alertState(channelPk: number, since: Date, listedFrom: string): Promise<AlertState> {
    const [row] = await this.database.query<{ last_seq: number | null; in_progress: boolean; fresh: string[] | null }>(
      `with alerts as (
         select substring(period from 7)::int as seq, status from deliveries
         where channel_pk = $1::int and kind = 'alert' and period ~ '^alert-[0-9]{1,9}$'
       )
       select
         (select max(seq) from alerts) as last_seq,
         exists (select 1 from alerts where status in ('claimed', 'posting', 'retry')) as in_progress,
         (select array_agg(paper_id order by seen desc, paper_id) from (
            select e.paper_id, max(e.first_seen_at) as seen from daily_entries e
            where e.list_date >= $3::date and e.first_seen_at >= $2::timestamptz
              -- listed before \`since\` (on any list): not new
              and not exists (select 1 from daily_entries o where o.paper_id = e.paper_id and o.first_seen_at < $2::timestamptz)
              and not exists (select 1 from delivered_papers dp where dp.channel_pk = $1::int and dp.paper_id = e.paper_id)
            group by e.paper_id
          ) x) as fresh`,
      [channelPk, since.toISOString(), listedFrom],
    );
    return { lastSeq: row?.last_seq ?? 0, inProgress: row?.in_progress ?? false, fresh: row?.fresh ?? [] };
  }

  /** Code-release events due in these channels (see DeliveryLedger.followupsDue). */
  async followupsDue(
    channelPks: readonly number[],
    now: Date,
    windowMs: number,
    limit: number,
  ): Promise<FollowupEvent[]> {
    if (channelPks.length === 0) return [];
    const rows = await this.database.query<{ channel_pk: number; paper_id: string; event: string; at: string | Date }>(
      `select dp.channel_pk, dp.paper_id, ev.event, ev.at
       from delivered_papers dp
       join deliveries d on d.id = dp.delivery_id and d.status = 'sent'
       join papers p on p.id = dp.paper_id
       cross join lateral (values ('repo', p.github_repo_at), ('stars', p.stars_1k_at)) as ev(event, at)
       where dp.channel_pk = any($1::int[])
         and d.sent_at >= $2::timestamptz - make_interval(secs => $3::float8 / 1000)
         and ev.at is not null and ev.at > d.sent_at and ev.at <= $2::timestamptz
         -- A repository that arrives with 1,000 stars already is one follow-up (the repository's), not two.
         and (ev.event = 'repo' or p.github_repo_at is null or p.stars_1k_at > p.github_repo_at)
         and not exists (select 1 from deliveries f where f.channel_pk = dp.channel_pk and f.kind = 'followup'
                         and f.period = dp.paper_id || ':' || ev.event)
       order by ev.at, dp.channel_pk, dp.paper_id
       limit $4::int`,
      [`{${channelPks.join(',')}}`, now.toISOString(), windowMs, limit],
    );
    return rows.map((r) => ({
      channelPk: r.channel_pk,
      paperId: r.paper_id,
      event: r.event === 'stars' ? 'stars' : 'repo',
      at: new Date(r.at),
    }));
  }

  /** The first message of the digest that posted the paper to the channel (its thread root when threaded). */
  async threadRootOf(channelPk: number, paperId: string): Promise<string | undefined> {
    const [row] = await this.database.query<{ root: string | null }>(
      `select d.message_ids->>0 as root from delivered_papers dp join deliveries d on d.id = dp.delivery_id
       where dp.channel_pk = $1::int and dp.paper_id = $2 and d.kind = 'daily' and d.status = 'sent'`,
      [channelPk, paperId],
    );
    return row?.root ?? undefined;
  }
}

type Row = typeof deliveries.$inferSelect;

/** The columns a held delivery needs (Drizzle's names). */
type HeldRow = Pick<
  Row,
  | 'id'
  | 'channelPk'
  | 'kind'
  | 'period'
  | 'claimToken'
  | 'slotAt'
  | 'status'
  | 'attempts'
  | 'message'
  | 'paperIds'
  | 'messageIds'
  | 'createdAt'
>;

/** The raw-SQL RETURNING list for a HeldRow: snake_case columns under Drizzle's names. */
const RETURNING =
  'id, channel_pk as "channelPk", kind, period, claim_token as "claimToken", slot_at as "slotAt", status, attempts, ' +
  'message, paper_ids as "paperIds", message_ids as "messageIds", created_at as "createdAt"';

/** A HeldRow from raw SQL: PGlite may return timestamps as strings. */
function fromRaw(
  row: Omit<HeldRow, 'slotAt' | 'createdAt'> & { slotAt: string | Date; createdAt: string | Date },
): HeldDelivery {
  return toHeld({ ...row, slotAt: new Date(row.slotAt), createdAt: new Date(row.createdAt) });
}

function toHeld(row: HeldRow): HeldDelivery {
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
    createdAt: row.createdAt,
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
