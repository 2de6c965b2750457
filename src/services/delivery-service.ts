import { type Channel, channelKey, type PlatformName } from '../domain/channel.js';
import { addDays, isoWeekday, isoWeekOf, latestClosedDay } from '../domain/days.js';
import { passedSlots, type Slot } from '../domain/schedule.js';
import { describeError, PlatformError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Clock } from '../ports/clock.js';
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

  /** One reconcile pass. Never throws; a pass already running in this process is joined, not repeated. */
  reconcile(): Promise<ReconcileReport> {
    this.running ??= this.pass()
      .catch((err: unknown) => {
        this.deps.log.error({ err }, 'digest reconcile failed; the next tick retries');
        return emptyReport();
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
    await this.deliverAll([held], report, true);
    const after = await this.deps.deliveries.findByKey(key);
    return {
      status: after?.status ?? 'unknown',
      detail: after?.error ?? `${after?.messageIds.length ?? 0} message(s)`,
    };
  }

  private async pass(): Promise<ReconcileReport> {
    const report = emptyReport();
    const now = this.deps.clock.now();
    const started = performance.now();
    const held = await this.claimDue(now, report);
    const stale = await this.deps.deliveries.takeOver(now, new Date(now.getTime() + this.options.leaseMs), 500, [
      ...this.deps.platforms.keys(),
    ]);
    report.tookOver = stale.length;
    report.claimMs = Math.round(performance.now() - started);
    for (const d of stale) this.deps.log.info({ delivery: d.id, status: d.status }, 'taking over a delivery');
    try {
      await this.deliverAll([...held, ...stale], report);
    } finally {
      this.known.clear();
    }
    if (report.claimed + report.tookOver + report.skippedLate > 0) this.deps.log.info(report, 'digest reconcile done');
    return report;
  }

  /** Finds the due digests not yet delivered and claims them; skips (and logs) the ones too late. */
  private async claimDue(now: Date, report: ReconcileReport): Promise<HeldDelivery[]> {
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
      for (const slot of passedSlots(channel, now)) {
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
    // Shuffled, so several processes reconciling together claim different channels first.
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
    const held = await this.deps.deliveries.claimMany(
      toClaim.map((t) => t.key),
      toClaim.map((t) => t.slot.at),
      new Date(now.getTime() + this.options.leaseMs),
      now,
    );
    report.claimed += held.length;
    for (const t of toClaim) this.known.set(t.key.channelPk, t.channel);
    return interleaveByGroup(held, (d) => {
      const c = this.known.get(d.channelPk);
      const group = c && this.deps.platforms.get(c.platform)?.traits.groupOf?.(c.address);
      return c ? `${c.platform}:${group ?? ''}` : '';
    });
  }

  private async deliverAll(held: HeldDelivery[], report: ReconcileReport, explicit = false): Promise<void> {
    if (held.length === 0) return;
    const inFlight = new Set<HeldDelivery>();
    const heartbeat = setInterval(() => {
      const until = new Date(this.deps.clock.now().getTime() + this.options.leaseMs);
      this.deps.deliveries.extendLeases([...inFlight], until).catch((err: unknown) => {
        this.deps.log.warn({ err }, 'could not extend delivery leases');
      });
    }, this.options.heartbeatMs);
    heartbeat.unref();
    try {
      let next = 0;
      const worker = async () => {
        while (next < held.length) {
          const d = held[next++]!;
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
      await Promise.all(Array.from({ length: Math.min(this.options.concurrency, held.length) }, worker));
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Composes (or reuses the stored message), posts and records one delivery. `explicit`: asked for by hand, so
   * posted even when the channel's digest is off.
   */
  private async deliver(d: HeldDelivery, report: ReconcileReport, explicit: boolean): Promise<void> {
    const { channels, deliveries, digests, clock, log } = this.deps;
    const channel = this.known.get(d.channelPk) ?? (await channels.findByPk(d.channelPk));
    const platform = channel && this.deps.platforms.get(channel.platform);
    if (!channel || !platform) return;
    const where = { channel: channelKey(channel), kind: d.kind, period: d.period, delivery: d.id };
    if (!explicit && d.status === 'claimed' && (!channel.digestEnabled || channel.pausedAt)) {
      await deliveries.release(d);
      return;
    }
    let message = d.message;
    let paperIds = d.paperIds;
    if (!message) {
      const composed =
        d.kind === 'daily'
          ? await digests.composeDaily(channel, d.period)
          : await digests.composeWeekly(channel, d.period);
      if (!composed.ok) {
        await deliveries.markEmpty(d, composed.reason, clock.now());
        report.empty++;
        log.info({ ...where, reason: composed.reason }, 'nothing to post');
        return;
      }
      message = composed.digest.message;
      paperIds = composed.digest.paperIds;
    }
    const started = await deliveries.startPosting(
      d,
      message,
      paperIds,
      new Date(clock.now().getTime() + this.options.leaseMs),
      clock.now(),
    );
    if (!started) return;
    const attempt = d.attempts + 1;
    try {
      const posted = await platform.postDigest(channel, message, {
        thread: channel.thread,
        alreadyPosted: d.messageIds,
        onPosted: async (messageId) => {
          if (!(await deliveries.addMessageId(d, messageId, clock.now()))) throw new LostClaim();
        },
      });
      await deliveries.markSent(d, paperIds, clock.now());
      report.sent++;
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
        log.error({ ...where, err, attempt }, 'digest failed; giving up');
        return;
      }
      const backoff = Math.min(this.options.maxRetryDelayMs, this.options.retryDelayMs * 2 ** (attempt - 1));
      const delay = Math.max(backoff, err instanceof PlatformError ? (err.retryAfterMs ?? 0) : 0);
      await deliveries.markRetry(d, problem, new Date(clock.now().getTime() + delay), clock.now());
      report.retrying++;
      log.warn({ ...where, err, attempt, retryInMs: delay }, 'digest post failed; will retry');
    }
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
