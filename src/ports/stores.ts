/**
 * Storage ports: what the services and commands need from the database, implemented in src/db/ (Postgres through
 * Drizzle, on PGlite or a server). Nothing outside src/db/ and the composition root knows a table.
 */
import type { Channel, ChannelRef, ChannelSettings, PlatformName, Topic } from '../domain/channel.js';
import type { ListedPaper, Paper } from '../domain/paper.js';
import type { OutgoingMessage } from '../messages/model.js';

/** What one upsert did, per paper. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

/** Papers and their Daily Papers list entries. Every write is idempotent. */
export interface PaperStore {
  /**
   * Upserts listed papers; each entry lands on `listDate` when given (an API fetch of that date), else on the date
   * the record names (an import). Storing the same records again changes no row and adds a metrics snapshot, taken
   * at `capturedAt` (default: now). `bulk`: part of a bulk import, whose `afterBulkImport` rebuilds what the
   * per-row bookkeeping (document frequencies) skips.
   */
  upsertListed(
    items: readonly ListedPaper[],
    listDate?: string,
    capturedAt?: Date,
    options?: { readonly bulk?: boolean | undefined },
  ): Promise<UpsertCounts>;
  /** After a bulk import: index maintenance and fresh planner statistics. */
  afterBulkImport(): Promise<void>;
  findById(id: string): Promise<Paper | undefined>;
  /** The papers found, in the order of `ids`. */
  findByIds(ids: readonly string[]): Promise<Paper[]>;
  /** The list dates a paper sits on, newest first. */
  listDatesOf(id: string): Promise<string[]>;
  countPapers(): Promise<number>;
  /** The newest list date on or before `onOrBefore` that has papers, if any. */
  latestListDate(onOrBefore?: string): Promise<string | undefined>;
  /** The oldest list date with papers, if any. */
  earliestListDate(): Promise<string | undefined>;
  /** Papers on the lists from `from` to `to` (inclusive), each once, by upvotes. */
  listedBetween(from: string, to: string, limit: number, minUpvotes?: number): Promise<Paper[]>;
  /** How many papers sit on the lists from `from` to `to`. */
  countListedBetween(from: string, to: string): Promise<number>;
}

/** Channels, their settings and their topics. */
export interface ChannelStore {
  /** The channel as stored, or its defaults when nothing was stored yet (nothing is written). */
  find(ref: ChannelRef): Promise<Channel>;
  findByPk(pk: number): Promise<Channel | undefined>;
  /** Changes settings, creating the channel row when needed; returns the channel after the change. */
  update(ref: ChannelRef, patch: Partial<ChannelSettings> & { clearPause?: boolean }, now: Date): Promise<Channel>;
  /** The channel's stored primary key, creating the row when needed. */
  ensure(ref: ChannelRef, now: Date): Promise<number>;
  /** Channels of these platforms whose digest is on and not paused. */
  listDigestChannels(platforms: readonly PlatformName[]): Promise<Channel[]>;
  /** Channels of these platforms, not paused, with alerts on, or follow-ups on and the digest on (issue 13). */
  listAlertChannels(platforms: readonly PlatformName[]): Promise<Channel[]>;
  topics(channelPk: number | undefined): Promise<Topic[]>;
  /** Adds a topic; false when the channel already has it (any case). */
  addTopic(channelPk: number, query: string, userId: string): Promise<boolean>;
  removeTopic(topicId: number): Promise<void>;
  /**
   * Records (or, with null, clears) why the channel's digest cannot be scheduled or composed; true when the stored
   * reason changed (log only then).
   */
  setDigestProblem(pk: number, problem: string | null, now: Date): Promise<boolean>;
  /** Records a permanent delivery failure; pauses the digest at `pauseAfter` in a row. Returns the new count. */
  recordPermanentFailure(pk: number, reason: string, now: Date, pauseAfter: number): Promise<number>;
}

/**
 * 'daily' and 'weekly' digests; 'alert': instant topic alerts (period `alert-<n>`, the channel's n-th); 'followup':
 * a code-release follow-up (period `<paper id>:repo` or `<paper id>:stars`).
 */
export type DeliveryKind = 'daily' | 'weekly' | 'alert' | 'followup';

/** Where a channel's alerts stand, read in one statement (one snapshot). */
export interface AlertState {
  /** The highest n of the channel's `alert-<n>` deliveries (0: none yet). */
  readonly lastSeq: number;
  /** Whether that alert is still being delivered (claimed, posting or retrying): the next one waits for it. */
  readonly inProgress: boolean;
  /** Papers first listed from `since` on a list from `listedFrom`, not yet posted to the channel, newest first. */
  readonly fresh: string[];
}

/** A code-release event on a paper posted to a channel. */
export interface FollowupEvent {
  readonly channelPk: number;
  readonly paperId: string;
  readonly event: 'repo' | 'stars';
  /** When the event was seen (the ingest that stored it). */
  readonly at: Date;
}
export type DeliveryStatus = 'claimed' | 'posting' | 'sent' | 'retry' | 'failed' | 'skipped' | 'empty';

export interface DeliveryKey {
  readonly channelPk: number;
  readonly kind: DeliveryKind;
  /** List date (daily), ISO week (weekly), `alert-<n>` (alert), `<paper id>:<event>` (followup). */
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
  /** When the delivery was first claimed: parts of any attempt were posted after this. */
  readonly createdAt: Date;
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

/** `channelPk|kind|period`: a delivery key as a map key. */
export function deliveryKeyString(key: DeliveryKey): string {
  return `${key.channelPk}|${key.kind}|${key.period}`;
}

/**
 * The exactly-once delivery ledger. A delivery is claimed by creating its unique (channel, kind, period) row; only
 * the creating process gets it. The holder's lease is extended while it works; a row whose lease ran out (its
 * process died) or whose retry is due is taken over with a new token, which fences the old holder out of every
 * later write. Every write of a held delivery returns false (or does nothing) when the claim was lost.
 */
export interface DeliveryLedger {
  /** The keys (deliveryKeyString) among `keys` that already have a row, whatever its status. */
  existing(keys: readonly DeliveryKey[]): Promise<Set<string>>;
  /**
   * Claims many deliveries at once; returns the ones this process got. `paperIds` (same order as `keys`, optional):
   * the papers each delivery covers, fixed at the claim (alerts), so a takeover posts the same ones.
   */
  claimMany(
    keys: readonly DeliveryKey[],
    slotAts: readonly Date[],
    leaseUntil: Date,
    now: Date,
    paperIds?: readonly (readonly string[])[],
  ): Promise<HeldDelivery[]>;
  /** Claims one delivery; undefined when its row already exists. */
  claim(key: DeliveryKey, slotAt: Date, leaseUntil: Date, now: Date): Promise<HeldDelivery | undefined>;
  /** Records a delivery that will not be posted ('skipped': too late; 'empty': nothing to post). */
  record(key: DeliveryKey, slotAt: Date, status: 'skipped' | 'empty', reason: string, now: Date): Promise<boolean>;
  /** Takes over at most `limit` deliveries of these platforms whose holder is gone or whose retry is due. */
  takeOver(now: Date, leaseUntil: Date, limit: number, platforms: readonly PlatformName[]): Promise<HeldDelivery[]>;
  /** Stores the composed message and marks the delivery as being posted. */
  startPosting(
    d: HeldDelivery,
    message: OutgoingMessage,
    paperIds: string[],
    leaseUntil: Date,
    now: Date,
  ): Promise<boolean>;
  /** Appends the id of a part just posted. */
  addMessageId(d: HeldDelivery, messageId: string, now: Date): Promise<boolean>;
  /** Renews one delivery's lease (before each part is posted); false when the claim was lost. */
  renewLease(d: HeldDelivery, leaseUntil: Date): Promise<boolean>;
  /** Extends the leases of deliveries still being worked on. */
  extendLeases(held: readonly HeldDelivery[], leaseUntil: Date): Promise<void>;
  /** Marks it sent, remembers its papers for the channel, and clears the channel's failure count, atomically. */
  markSent(d: HeldDelivery, paperIds: readonly string[], now: Date): Promise<void>;
  /** Nothing to post after all: recorded, never retried. */
  markEmpty(d: HeldDelivery, reason: string, now: Date): Promise<void>;
  markFailed(d: HeldDelivery, error: string, now: Date): Promise<void>;
  markRetry(d: HeldDelivery, error: string, nextAttemptAt: Date, now: Date): Promise<void>;
  /** Gives a claim back untouched (the digest was switched off meanwhile): another run may claim it. */
  release(d: HeldDelivery): Promise<void>;
  /** The channel's most recent digest delivery, daily or weekly (any status). */
  last(channelPk: number): Promise<DeliveryRecord | undefined>;
  findByKey(key: DeliveryKey): Promise<DeliveryRecord | undefined>;
  /**
   * What composing a channel's digest needs, in one round trip: the channel's topics (in order) and which of
   * `paperIds` were already posted there.
   */
  digestContext(
    channelPk: number | undefined,
    paperIds: readonly string[],
  ): Promise<{ topics: Topic[]; delivered: Set<string>; alerted: Set<string> }>;
  /**
   * A channel's alert state in one statement: its last alert and the papers first seen from `since` on lists from
   * `listedFrom` not yet posted there (by a digest or an alert).
   */
  alertState(channelPk: number, since: Date, listedFrom: string): Promise<AlertState>;
  /**
   * Code-release events due in these channels: a paper posted there (a sent delivery) within `windowMs` before
   * `now` whose repository appeared, or whose stars first passed 1,000, after it was posted, and that has no
   * follow-up delivery yet. At most `limit`.
   */
  followupsDue(channelPks: readonly number[], now: Date, windowMs: number, limit: number): Promise<FollowupEvent[]>;
  /** The message id to reply under for a follow-up: the thread root of the threaded digest that posted the paper. */
  threadRootOf(channelPk: number, paperId: string): Promise<string | undefined>;
}

/** The state behind a button (e.g. "More" on a search), in the database so any process can answer the press. */
export interface ContinuationStore {
  /** Stores `payload` until `expiresAt`; returns its id (12 URL-safe characters). */
  create(channel: ChannelRef, payload: unknown, expiresAt: Date): Promise<string>;
  /** The payload, when the id exists for this channel and has not expired. */
  find(id: string, channel: ChannelRef, now: Date): Promise<unknown | undefined>;
  /** Deletes expired continuations; returns how many. */
  purge(now: Date): Promise<number>;
}

/** One platform's own key-value state (e.g. Slack installations). Values are JSON. */
export interface PlatformState {
  get<T>(key: string): Promise<T | undefined>;
  put(key: string, value: unknown): Promise<void>;
  /** True when something was deleted. */
  delete(key: string): Promise<boolean>;
  /** Every entry whose key starts with `prefix`, in key order. */
  list<T>(prefix: string): Promise<{ key: string; value: T }[]>;
}

/** Every platform's state; each platform is given only its own scope. */
export interface PlatformStateStore {
  scope(platform: PlatformName): PlatformState;
}

/** The outcome counts of one ingest, as recorded. */
export interface IngestCounts extends UpsertCounts {
  fetched: number;
  skipped: number;
}

/** The record of ingest runs: what was fetched when, so a backfill resumes and the schedule refetches only what changes. */
export interface IngestRunStore {
  /** Records the start of one list's ingest; returns its id. */
  start(listDate: string, source: string, now: Date): Promise<number>;
  finish(id: number, outcome: { closed: boolean; counts: IngestCounts } | { error: string }, now: Date): Promise<void>;
  /** Records a whole file import. */
  recordImport(source: string, counts: IngestCounts, error: string | undefined, now: Date): Promise<void>;
  /** The dates from `from` to `to` already fetched after their list closed (fetching again would change nothing). */
  completeDates(from: string, to: string): Promise<Set<string>>;
}

/** Work that one process at a time may do (the scheduled ingest). */
export interface Locks {
  /**
   * Runs `fn` while holding the lock `name`, or returns `{ acquired: false }` at once when another process holds
   * it. Postgres: an advisory lock; PGlite: in-process (the data-dir lock already makes this the only process).
   */
  tryWithLock<T>(name: string, fn: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }>;
}
