import { alertHoursOpen, type Channel, channelKey, type PlatformName } from '../domain/channel.js';
import { addDays, isoWeekday, isoWeekOf, latestClosedDay, toIsoDate } from '../domain/days.js';
import { passedSlots, type Slot, scheduleProblem, wallClock } from '../domain/schedule.js';
import { describeError, PlatformError, UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { OutgoingMessage } from '../messages/model.js';
import type { Clock } from '../ports/clock.js';
import { type Metrics, noMetrics } from '../ports/metrics.js';
import type { ChatPlatform } from '../ports/platform.js';
import {
  type ChannelStore,
  type DeliveryKey,
  type DeliveryLedger,
  deliveryKeyString,
  type HeldDelivery,
} from '../ports/stores.js';
import type { DigestService } from './digest-service.js';

export interface DeliveryOptions {
  /** A post later than this after its time is skipped (and logged) instead of sent. */
  readonly lateLimitMs: number;
  /** How long a claim is held without a heartbeat; a dead process's claims are taken over after this. */
  readonly leaseMs: number;
  /** How often leases of deliveries in progress are extended. */
  readonly heartbeatMs: number;
  /** Attempts for a transiently failing delivery before it is given up. */
  readonly maxAttempts: number;
  /** First retry delay; doubles per attempt up to maxRetryDelayMs. */
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  /** Permanent failures in a row that pause a channel's digest. */
  readonly pauseAfter: number;
  /**
   * Deliveries in progress at once in this process. High, because most of their time is spent waiting on a
   * platform's rate limits: Slack allows ~5 messages/s per workspace, so 50 workspaces need 250 in flight to reach
   * it (measured: 64 in flight reached 0.67 of that bound, 256 reached 0.9); the platforms' own queues keep the
   * actual request rate within limits.
   */
  readonly concurrency: number;
  /**
   * Deliveries claimed (or taken over) per statement. Claims are taken a slice at a time as workers free up, so
   * several processes share one due batch (each claims slices of it) and a process that dies holds at most what it
   * had claimed and not finished, not the whole batch.
   */
  readonly claimSlice: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  lateLimitMs: 6 * 3_600_000,
  leaseMs: 120_000,
  heartbeatMs: 30_000,
  maxAttempts: 5,
  retryDelayMs: 60_000,
  maxRetryDelayMs: 30 * 60_000,
  pauseAfter: 3,
  concurrency: 256,
  claimSlice: 32,
};

export interface ReconcileReport {
  /** Time spent finding and claiming the due digests, before the first post. */
  claimMs: number;
  claimed: number;
  tookOver: number;
  sent: number;
  empty: number;
  skippedLate: number;
  retrying: number;
  failed: number;
}

export interface DeliveryServiceDeps {
  readonly channels: ChannelStore;
  readonly deliveries: DeliveryLedger;
  readonly digests: DigestService;
  /** The platforms this process can post to; channels of other platforms are left to other processes. */
  readonly platforms: ReadonlyMap<PlatformName, ChatPlatform>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly options?: Partial<DeliveryOptions> | undefined;
  /** Counts digests delivered, failed and retried, and the messages posted. */
  readonly metrics?: Metrics | undefined;
}

/** Thrown inside a delivery when another process has taken it over: stop quietly, post nothing more. */
class LostClaim extends Error {}

/**
 * Exactly-once digest delivery, reconciled from the database: what is due and not yet delivered is claimed (a
 * unique row per channel and period), composed, posted part by part (each part's id recorded before the next is
 * sent) and marked sent. Run it on every cron tick and at start-up; any number of processes may run it at once.
 */
export class DeliveryService {
  private readonly deps: DeliveryServiceDeps;
  private readonly options: DeliveryOptions;
  private running: Promise<ReconcileReport> | undefined;
  /** Channels read by the current pass, so a delivery need not read its channel again. */
  private readonly known = new Map<number, Channel>();

  constructor(deps: DeliveryServiceDeps) {
    this.deps = deps;
    this.options = { ...DEFAULT_DELIVERY_OPTIONS, ...deps.options };
  }

  /**
   * One reconcile pass. Never throws; a pass already running in this process is joined, not repeated. A pass that
   * fails part way reports what it did before it failed (claims it made are delivered or taken over later).
   */
  reconcile(): Promise<ReconcileReport> {
    const report = emptyReport();
    this.running ??= this.pass(report)
      .catch((err: unknown) => {
        this.deps.log.error({ err, ...report }, 'digest reconcile failed; the next tick retries');
        return report;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /**
   * Delivers one channel's digest for one period now (`paperpulse digest`), through the same claim as the
   * schedule: a digest already delivered (or being delivered) is not posted again.
   */
  async deliverOne(
    channel: Channel,
    kind: DeliveryKey['kind'],
    period: string,
  ): Promise<{ status: string; detail: string }> {
    const now = this.deps.clock.now();
    const key: DeliveryKey = { channelPk: channel.pk!, kind, period };
    const held = await this.deps.deliveries.claim(key, now, new Date(now.getTime() + this.options.leaseMs), now);
    if (!held) {
      const existing = await this.deps.deliveries.findByKey(key);
      return {
        status: 'exists',
        detail: `already ${existing?.status ?? 'claimed'} (${existing?.updatedAt.toISOString() ?? '?'})`,
      };
    }
    const report = emptyReport();
    let given = false;
    await this.deliverAll(
      async () => {
        if (given) return [];
        given = true;
        return [held];
      },
      report,
      true,
    );
    const after = await this.deps.deliveries.findByKey(key);
    return {
      status: after?.status ?? 'unknown',
      detail: after?.error ?? `${after?.messageIds.length ?? 0} message(s)`,
    };
  }

  private async pass(report: ReconcileReport): Promise<ReconcileReport> {
    const started = performance.now();
    // Shuffled (so replicas claim different slices first), then round-robin across rate-limit groups: claimed a
    // slice at a time, a random order let some workspaces run out while others still had a queue at the end of a
    // fan-out (Slack, 10,000 channels in 50 workspaces: 0.83 of the limit against 0.96 interleaved).
    const todo: Due[] = interleaveByGroup(
      [...(await this.findDue(this.deps.clock.now(), report)), ...(await this.findAlerts(this.deps.clock.now()))],
      (d) => this.groupKey(d.channel),
    );
    const platforms = [...this.deps.platforms.keys()];
    const slice = Math.max(1, this.options.claimSlice);
    const leaseUntil = () => new Date(this.deps.clock.now().getTime() + this.options.leaseMs);
    let staleLeft = true;
    let first = true;
    // The next slice of work: deliveries whose holder died (or whose retry is due) first, then new claims.
    const next = async (): Promise<HeldDelivery[]> => {
      try {
        while (staleLeft) {
          const stale = await this.deps.deliveries.takeOver(this.deps.clock.now(), leaseUntil(), slice, platforms);
          if (stale.length < slice) staleLeft = false;
          if (stale.length === 0) continue;
          report.tookOver += stale.length;
          for (const d of stale) this.deps.log.info({ delivery: d.id, status: d.status }, 'taking over a delivery');
          return stale;
        }
        while (todo.length > 0) {
          const batch = todo.splice(0, slice);
          const now = this.deps.clock.now();
          const held = await this.deps.deliveries.claimMany(
            batch.map((t) => t.key),
            batch.map((t) => t.slot.at),
            leaseUntil(),
            now,
            batch.map((t) => t.paperIds ?? []),
          );
          report.claimed += held.length;
          for (const t of batch) this.known.set(t.key.channelPk, t.channel);
          // In the slice's order (the ledger returns its rows in key order, i.e. workspace by workspace).
          const position = new Map(batch.map((t, i) => [deliveryKeyString(t.key), i]));
          held.sort((a, b) => position.get(deliveryKeyString(a))! - position.get(deliveryKeyString(b))!);
          if (held.length > 0) return held;
        }
        return [];
      } finally {
        if (first) report.claimMs = Math.round(performance.now() - started);
        first = false;
      }
    };
    try {
      await this.deliverAll(next, report);
    } finally {
      this.known.clear();
    }
    if (report.claimed + report.tookOver + report.skippedLate > 0) this.deps.log.info(report, 'digest reconcile done');
    return report;
  }

  /** The rate-limit group of a channel: its platform and, where the platform has them, its workspace or server. */
  private groupKey(channel: Pick<Channel, 'platform' | 'address'>): string {
    return `${channel.platform}:${this.deps.platforms.get(channel.platform)?.traits.groupOf?.(channel.address) ?? ''}`;
  }

  /**
   * Records why one channel cannot be scheduled or composed, logging it only when the stored reason changed (so a
   * bad row is logged once, not on every tick of every process). Never throws: the other channels go on.
   */
  private async channelProblem(channel: Channel, reason: string): Promise<void> {
    // An error may quote the bad value in full (a topic of a megabyte): the stored reason is kept short.
    const problem = reason.length > 300 ? `${reason.slice(0, 299)}…` : reason;
    try {
      if (
        channel.pk !== undefined &&
        (await this.deps.channels.setDigestProblem(channel.pk, problem, this.deps.clock.now()))
      )
        this.deps.log.warn({ channel: channelKey(channel), problem }, `digest skipped for this channel: ${problem}`);
    } catch (err) {
      this.deps.log.warn({ err, channel: channelKey(channel) }, 'could not record a channel problem');
    }
  }

  /**
   * The instant alerts and code-release follow-ups due now (issue 13), found on the same pass as the digests and
   * claimed, posted, taken over and guarded in the same way. An alert is the channel's next `alert-<n>`, claimed
   * with its papers (so a takeover posts the same ones); it waits while the channel's previous alert is still in
   * progress, so two alerts never cover the same paper, and the unique key makes two processes that read the same
   * state claim one alert between them. Each channel is checked on its own: a bad topic or time zone costs only it.
   */
  private async findAlerts(now: Date): Promise<Due[]> {
    const { channels, deliveries, digests } = this.deps;
    const listed = await channels.listAlertChannels([...this.deps.platforms.keys()]);
    const due: Due[] = [];
    const slot = (channel: Channel): Slot => ({ at: now, localDate: wallClock(now, channel.timezone).date });
    const followupChannels = new Map<number, Channel>();
    for (const channel of listed) {
      if (channel.followups !== false && (channel.digestEnabled || channel.alerts))
        followupChannels.set(channel.pk!, channel);
      if (!channel.alerts) continue;
      try {
        const hours = channel.alertHours;
        if (hours && !alertHoursOpen(hours, Number(wallClock(now, channel.timezone).time.slice(0, 2)))) continue;
        const windowStart = now.getTime() - ALERT_WINDOW_MS;
        const since = new Date(Math.max(channel.alertsEnabledAt?.getTime() ?? now.getTime(), windowStart));
        const state = await deliveries.alertState(channel.pk!, since, addDays(toIsoDate(now), -ALERT_LIST_DAYS));
        if (state.inProgress || state.fresh.length === 0) continue;
        const matches = await digests.alertMatches(channel, state.fresh);
        const paperIds = state.fresh.filter((id) => matches.has(id)).slice(0, ALERT_PAPERS_MAX);
        if (paperIds.length === 0) continue;
        const key: DeliveryKey = { channelPk: channel.pk!, kind: 'alert', period: `alert-${state.lastSeq + 1}` };
        due.push({ key, slot: slot(channel), channel, paperIds });
      } catch (err) {
        if (!isDataError(err)) throw err;
        await this.channelProblem(channel, `its alerts cannot be composed: ${describeError(err)}`);
      }
    }
    const events = await deliveries.followupsDue(
      [...followupChannels.keys()],
      now,
      FOLLOWUP_WINDOW_MS,
      FOLLOWUPS_PER_PASS,
    );
    for (const e of events) {
      const channel = followupChannels.get(e.channelPk)!;
      const key: DeliveryKey = { channelPk: e.channelPk, kind: 'followup', period: `${e.paperId}:${e.event}` };
      due.push({ key, slot: { at: now, localDate: toIsoDate(now) }, channel, paperIds: [e.paperId] });
    }
    return shuffle(due);
  }

  /**
   * Finds the due digests not yet delivered, shuffled (so processes reconciling together claim different slices
   * first); records (and logs) the ones too late. Every channel is checked on its own: one whose stored settings
   * cannot be scheduled is skipped and recorded (channelProblem), and the others are found as usual.
   */
  private async findDue(now: Date, report: ReconcileReport): Promise<Due[]> {
    const channels = await this.deps.channels.listDigestChannels([...this.deps.platforms.keys()]);
    const periods = new Map<string, Promise<string | undefined>>();
    const dailyPeriod = (slot: Slot) => {
      const closed = latestClosedDay(slot.at);
      const cached = periods.get(closed) ?? this.deps.digests.dailyPeriod(slot.at);
      periods.set(closed, cached);
      return cached;
    };
    const due = new Map<string, { key: DeliveryKey; slot: Slot; channel: Channel }>();
    for (const channel of channels) {
      let slots: Slot[];
      try {
        const problem = scheduleProblem(channel);
        if (problem) {
          await this.channelProblem(channel, problem);
          continue;
        }
        slots = passedSlots(channel, now);
      } catch (err) {
        await this.channelProblem(channel, `its schedule cannot be computed: ${describeError(err)}`);
        continue;
      }
      for (const slot of slots) {
        if (channel.digestEnabledAt && slot.at < channel.digestEnabledAt) continue;
        const daily = await dailyPeriod(slot);
        if (daily)
          due.set(deliveryKeyString({ channelPk: channel.pk!, kind: 'daily', period: daily }), {
            key: { channelPk: channel.pk!, kind: 'daily', period: daily },
            slot,
            channel,
          });
        if (channel.weekly && isoWeekday(slot.localDate) === 1) {
          const key: DeliveryKey = {
            channelPk: channel.pk!,
            kind: 'weekly',
            period: isoWeekOf(addDays(slot.localDate, -7)),
          };
          due.set(deliveryKeyString(key), { key, slot, channel });
        }
      }
    }
    const existing = await this.deps.deliveries.existing([...due.values()].map((d) => d.key));
    const todo = shuffle([...due.entries()].filter(([k]) => !existing.has(k)).map(([, v]) => v));
    const toClaim: typeof todo = [];
    for (const item of todo) {
      const { key, slot, channel } = item;
      const lateMs = now.getTime() - slot.at.getTime();
      if (lateMs <= this.options.lateLimitMs) {
        toClaim.push(item);
        continue;
      }
      const reason = `${Math.round(lateMs / 60_000)} minutes late (the limit is ${this.options.lateLimitMs / 3_600_000} hours)`;
      if (await this.deps.deliveries.record(key, slot.at, 'skipped', reason, now)) {
        report.skippedLate++;
        this.deps.log.warn(
          { channel: channelKey(channel), kind: key.kind, period: key.period, slotAt: slot.at },
          `digest skipped: ${reason}`,
        );
      }
    }
    return toClaim;
  }

  /**
   * Delivers what `next` hands out, a slice at a time, with at most `concurrency` deliveries in progress; `next`
   * is asked for more only when the slice in hand is used up, and an empty answer ends the pass.
   */
  private async deliverAll(
    next: () => Promise<HeldDelivery[]>,
    report: ReconcileReport,
    explicit = false,
  ): Promise<void> {
    const queue: HeldDelivery[] = [];
    const inFlight = new Set<HeldDelivery>();
    let exhausted = false;
    let failure: { err: unknown } | undefined;
    let refilling: Promise<void> | undefined;
    const take = async (): Promise<HeldDelivery | undefined> => {
      for (;;) {
        const d = queue.shift();
        if (d) return d;
        if (exhausted) return undefined;
        refilling ??= next()
          .then((items) => {
            if (items.length === 0) exhausted = true;
            queue.push(...items);
          })
          .catch((err: unknown) => {
            exhausted = true;
            failure ??= { err };
          })
          .finally(() => {
            refilling = undefined;
          });
        await refilling;
      }
    };
    const heartbeat = setInterval(() => {
      const until = new Date(this.deps.clock.now().getTime() + this.options.leaseMs);
      this.deps.deliveries.extendLeases([...inFlight, ...queue], until).catch((err: unknown) => {
        this.deps.log.warn({ err }, 'could not extend delivery leases');
      });
    }, this.options.heartbeatMs);
    heartbeat.unref();
    try {
      const worker = async () => {
        for (let d = await take(); d; d = await take()) {
          inFlight.add(d);
          try {
            await this.deliver(d, report, explicit);
          } catch (err) {
            // deliver() handles its own failures; this is a bug or the database going away.
            this.deps.log.error(
              { err, delivery: d.id },
              'delivery crashed; its lease will expire and it will be retried',
            );
          } finally {
            inFlight.delete(d);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency) }, worker));
    } finally {
      clearInterval(heartbeat);
    }
    if (failure) throw failure.err;
  }

  /**
   * Composes (or reuses the stored message), posts and records one delivery. `explicit`: asked for by hand, so
   * posted even when the channel's digest is off.
   */
  /** A delivery that cannot be composed or posted because of its data: failed, recorded on the channel, logged once. */
  private async poisoned(d: HeldDelivery, channel: Channel, problem: string, report: ReconcileReport): Promise<void> {
    await this.deps.deliveries.markFailed(d, problem, this.deps.clock.now());
    report.failed++;
    await this.channelProblem(channel, problem);
  }

  private async deliver(d: HeldDelivery, report: ReconcileReport, explicit: boolean): Promise<void> {
    const { channels, deliveries, digests, clock, log } = this.deps;
    const metrics = this.deps.metrics ?? noMetrics;
    const channel = this.known.get(d.channelPk) ?? (await channels.findByPk(d.channelPk));
    const platform = channel && this.deps.platforms.get(channel.platform);
    if (!channel || !platform) return;
    const where = { channel: channelKey(channel), kind: d.kind, period: d.period, delivery: d.id };
    if (!explicit && d.status === 'claimed' && (!wanted(channel, d.kind) || channel.pausedAt)) {
      await deliveries.release(d);
      return;
    }
    let message = d.message;
    let paperIds = d.paperIds;
    const stored = message ? storedMessageProblem(message) : undefined;
    if (stored) {
      // A stored message that cannot be posted (a row edited by hand or written by another version): this channel's
      // digest fails, recorded and shown in its status; the others go on.
      await this.poisoned(d, channel, `the stored digest message cannot be posted: ${stored}`, report);
      return;
    }
    if (!message) {
      let composed: Awaited<ReturnType<DigestService['composeDaily']>>;
      try {
        composed =
          d.kind === 'daily'
            ? await digests.composeDaily(channel, d.period)
            : d.kind === 'weekly'
              ? await digests.composeWeekly(channel, d.period)
              : d.kind === 'alert'
                ? await digests.composeAlert(channel, d.period, d.paperIds)
                : await digests.composeFollowup(d.period);
      } catch (err) {
        if (!isDataError(err)) throw err;
        // A stored topic (or setting) the composition cannot use: only this channel is affected.
        await this.poisoned(d, channel, `the digest cannot be composed: ${describeError(err)}`, report);
        return;
      }
      if (!composed.ok) {
        await deliveries.markEmpty(d, composed.reason, clock.now());
        report.empty++;
        log.info({ ...where, reason: composed.reason }, 'nothing to post');
        return;
      }
      message = composed.digest.message;
      paperIds = composed.digest.paperIds;
    }
    if (channel.digestProblem) await channels.setDigestProblem(d.channelPk, null, clock.now());
    // The lease this process last wrote for the delivery (startPosting, then beforePost).
    let leasedUntil = clock.now().getTime() + this.options.leaseMs;
    const started = await deliveries.startPosting(d, message, paperIds, new Date(leasedUntil), clock.now());
    if (!started) return;
    const attempt = d.attempts + 1;
    // A follow-up answers in the thread of the digest that posted the paper, when the channel has threads on; an
    // alert is one compact message, never split into a header and a thread.
    const replyTo =
      d.kind === 'followup' && channel.thread && platform.traits.threads
        ? await deliveries.threadRootOf(d.channelPk, paperIds[0] ?? '')
        : undefined;
    try {
      const posted = await platform.postDigest(channel, message, {
        thread: (d.kind === 'daily' || d.kind === 'weekly') && channel.thread,
        ...(replyTo ? { replyTo } : {}),
        alreadyPosted: d.messageIds,
        onPosted: async (messageId) => {
          metrics.messagesPosted(channel.platform, 1);
          if (!(await deliveries.addMessageId(d, messageId, clock.now()))) throw new LostClaim();
        },
        beforePost: async () => {
          // Another process takes the claim over only once the lease has expired by its clock. While more than half
          // of the lease we wrote is left by ours, it cannot have (clocks closer than half a lease, as leases assume
          // anyway), so the part is posted without a round trip: a digest of one part (most of them) needs none.
          // Past that, the lease is renewed, and a holder that stalled beyond it learns here that it lost the claim.
          const now = clock.now().getTime();
          if (leasedUntil - now > this.options.leaseMs / 2) return;
          leasedUntil = now + this.options.leaseMs;
          if (!(await deliveries.renewLease(d, new Date(leasedUntil)))) throw new LostClaim();
        },
        // Any earlier attempt (attempts counts them) may have posted parts it never recorded.
        delivery: { id: d.id, since: d.createdAt, resumed: d.attempts > 0 },
      });
      // A follow-up is about a paper already posted: it does not post the paper again.
      await deliveries.markSent(d, d.kind === 'followup' ? [] : paperIds, clock.now());
      report.sent++;
      metrics.digest(channel.platform, 'delivered');
      log.info({ ...where, messages: posted.messageIds.length }, 'digest posted');
    } catch (err) {
      if (err instanceof LostClaim) {
        log.warn(where, 'another process took this delivery over; stopped');
        return;
      }
      const problem = describeError(err);
      if (err instanceof PlatformError && err.permanent) {
        await deliveries.markFailed(d, problem, clock.now());
        report.failed++;
        metrics.digest(channel.platform, 'failed');
        const failures = await channels.recordPermanentFailure(
          d.channelPk,
          problem,
          clock.now(),
          this.options.pauseAfter,
        );
        log.warn(
          { ...where, err, failures },
          failures >= this.options.pauseAfter
            ? 'digest paused after repeated permanent failures'
            : 'digest failed permanently',
        );
        return;
      }
      if (attempt >= this.options.maxAttempts) {
        await deliveries.markFailed(d, `${problem} (gave up after ${attempt} attempts)`, clock.now());
        report.failed++;
        metrics.digest(channel.platform, 'failed');
        log.error({ ...where, err, attempt }, 'digest failed; giving up');
        return;
      }
      const backoff = Math.min(this.options.maxRetryDelayMs, this.options.retryDelayMs * 2 ** (attempt - 1));
      const delay = Math.max(backoff, err instanceof PlatformError ? (err.retryAfterMs ?? 0) : 0);
      await deliveries.markRetry(d, problem, new Date(clock.now().getTime() + delay), clock.now());
      report.retrying++;
      metrics.digest(channel.platform, 'retried');
      log.warn({ ...where, err, attempt, retryInMs: delay }, 'digest post failed; will retry');
    }
  }
}

/**
 * Whether an error thrown while composing comes from the data (a stored topic or setting the query cannot use: a
 * UserError from parsing it, a type or range error, a Postgres data exception (SQLSTATE class 22), syntax error
 * (42) or program limit (54)) rather than from the database or network being away: the former is this channel's
 * problem and is not retried, the latter is retried after the lease.
 */
function isDataError(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof UserError || e instanceof TypeError || e instanceof RangeError) return true;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(22|42|54)[0-9A-Z]{3}$/.test(code)) return true;
  }
  return false;
}

/** Why a stored message cannot be posted, or undefined when it has the shape of an OutgoingMessage. */
export function storedMessageProblem(message: OutgoingMessage): string | undefined {
  const m = message as unknown as Record<string, unknown>;
  if (typeof m !== 'object' || m === null) return 'it is not an object';
  if (typeof m.text !== 'string') return 'it has no text';
  if (!Array.isArray(m.blocks)) return 'it has no list of blocks';
  for (const [i, b] of (m.blocks as unknown[]).entries()) {
    const block = b as Record<string, unknown> | null;
    if (typeof block !== 'object' || block === null) return `block ${i + 1} is not an object`;
    switch (block.type) {
      case 'divider':
        break;
      case 'heading':
      case 'text':
      case 'note':
        if (typeof block.text !== 'string') return `block ${i + 1} (${block.type}) has no text`;
        break;
      case 'paper':
        if (typeof block.id !== 'string' || typeof block.title !== 'string' || typeof block.url !== 'string')
          return `block ${i + 1} (paper) has no id, title or url`;
        if (!Array.isArray(block.authors) || !Array.isArray(block.topics))
          return `block ${i + 1} (paper) has no authors or topics list`;
        break;
      default:
        return `block ${i + 1} has the unknown type ${JSON.stringify(String(block.type)).slice(0, 40)}`;
    }
  }
  return undefined;
}

/** Something due: its ledger key, when it was due, its channel, and (alerts) the papers fixed at the claim. */
interface Due {
  readonly key: DeliveryKey;
  readonly slot: Slot;
  readonly channel: Channel;
  readonly paperIds?: readonly string[] | undefined;
}

/** How far back an alert looks for newly listed papers (quiet hours may hold them up to a day). */
export const ALERT_WINDOW_MS = 48 * 3_600_000;
/** Only papers on the lists of the last few days are "newly listed" (a backfill of old lists alerts nothing). */
const ALERT_LIST_DAYS = 3;
/** The most papers in one alert; more wait for the next one (a minute later). */
export const ALERT_PAPERS_MAX = 20;
/** Follow-ups are posted for papers posted to the channel within this window. */
export const FOLLOWUP_WINDOW_MS = 30 * 24 * 3_600_000;
/** Follow-ups found per pass; more are found by the next one. */
const FOLLOWUPS_PER_PASS = 1_000;

/** Whether the channel still wants a delivery of this kind (a claim made before a setting was turned off is given back). */
function wanted(channel: Channel, kind: DeliveryKey['kind']): boolean {
  switch (kind) {
    case 'alert':
      return channel.alerts === true;
    case 'followup':
      return channel.followups !== false && (channel.digestEnabled || channel.alerts === true);
    default:
      return channel.digestEnabled;
  }
}

function emptyReport(): ReconcileReport {
  return { claimMs: 0, claimed: 0, tookOver: 0, sent: 0, empty: 0, skippedLate: 0, retrying: 0, failed: 0 };
}

/**
 * Orders deliveries round-robin across rate-limit groups (Slack workspaces, Discord servers: see
 * PlatformTraits.groupOf), so every group progresses at the same pace: a platform limit per group then never leaves
 * one group with all the remaining work.
 */
export function interleaveByGroup<T>(items: readonly T[], groupOf: (item: T) => string): T[] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = groupOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const queues = [...groups.values()];
  const out: T[] = [];
  for (let round = 0; out.length < items.length; round++) {
    for (const queue of queues) if (round < queue.length) out.push(queue[round]!);
  }
  return out;
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
