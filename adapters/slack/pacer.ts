/**
 * Outbound pacing for chat.postMessage: about one message per second per channel, a cap per workspace, and a
 * workspace-wide pause after a 429, each workspace on its own (https://docs.slack.dev/apis/web-api/rate-limits:
 * chat.postMessage "1 per second per channel, short bursts allowed"). One workspace being slow or
 * rate limited never delays another: they share nothing.
 */

/** How fast digests go out. Tests and benchmarks scale these down. */
export interface SlackPacing {
  /** Minimum gap between two messages to one channel, counted from the previous one's answer. */
  readonly channelIntervalMs: number;
  /** At most this many messages per workspace in any window of `workspaceWindowMs`. */
  readonly workspaceMessages: number;
  readonly workspaceWindowMs: number;
  /** Milliseconds per second of a 429's Retry-After (1000; tests scale time down). */
  readonly retryAfterUnitMs: number;
  /**
   * A 429 asking for a longer wait is handed to the core as a transient failure with retryAfterMs, and so is every
   * message to that workspace while the pause lasts: the core's workers go on with other workspaces meanwhile.
   */
  readonly maxRateLimitWaitMs: number;
  /** 429s in a row on one message before it is handed to the core. */
  readonly maxRateLimitRetries: number;
}

/**
 * Slack: "one message per second per channel", plus an unpublished workspace-wide limit; 5 per second per
 * workspace is a cautious guess that 429 handling corrects if it is too high.
 */
export const DEFAULT_PACING: SlackPacing = {
  channelIntervalMs: 1_000,
  workspaceMessages: 5,
  workspaceWindowMs: 1_000,
  retryAfterUnitMs: 1_000,
  maxRateLimitWaitMs: 30_000,
  maxRateLimitRetries: 5,
};

interface Waiter {
  readonly channel: string;
  readonly grant: (release: () => void) => void;
}

/**
 * The pacing state of one workspace. `acquire(channel)` resolves when a message may be sent there; call the
 * returned release once Slack answered. Waiters are served in order, except that one whose channel is not ready
 * yet does not hold up the others.
 */
export class WorkspacePacer {
  private readonly pacing: SlackPacing;
  private readonly now: () => number;
  private readonly waiters: Waiter[] = [];
  /** Per channel: when its next message may go (previous answer + interval). */
  private readonly channelReadyAt = new Map<string, number>();
  private readonly busy = new Set<string>();
  /** Answer times of the recent messages (for the window), and how many are still in flight. */
  private recent: number[] = [];
  private inFlight = 0;
  private pausedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = 0;

  constructor(pacing: SlackPacing, now: () => number = () => performance.now()) {
    this.pacing = pacing;
    this.now = now;
  }

  /** Waits for a slot to post to `channel`. The release must be called exactly once, after Slack's answer. */
  acquire(channel: string): Promise<() => void> {
    return new Promise((resolve) => {
      this.waiters.push({ channel, grant: resolve });
      this.pump();
    });
  }

  /** A 429: nothing goes to this workspace for `ms`. */
  pause(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.pump();
  }

  /** How much longer this workspace is paused after a 429 (0 when it is not). */
  pausedForMs(): number {
    return Math.max(0, this.pausedUntil - this.now());
  }

  /** Messages waiting for a slot (for tests and logs). */
  get waiting(): number {
    return this.waiters.length;
  }

  private release(channel: string): void {
    const at = this.now();
    this.inFlight--;
    this.busy.delete(channel);
    this.recent.push(at);
    this.channelReadyAt.set(channel, at + this.pacing.channelIntervalMs);
    this.pump();
  }

  /** Grants every waiter that may go now, then sleeps until the next one may. */
  private pump(): void {
    const now = this.now();
    this.recent = this.recent.filter((t) => t + this.pacing.workspaceWindowMs > now);
    let wakeAt = Number.POSITIVE_INFINITY;
    if (now < this.pausedUntil) {
      wakeAt = this.pausedUntil;
    } else {
      for (let i = 0; i < this.waiters.length; ) {
        // Messages in flight count against the window until their answer has aged out of it.
        if (this.inFlight + this.recent.length >= this.pacing.workspaceMessages) {
          if (this.recent.length > 0) wakeAt = Math.min(wakeAt, this.recent[0]! + this.pacing.workspaceWindowMs);
          break;
        }
        const waiter = this.waiters[i]!;
        const readyAt = this.channelReadyAt.get(waiter.channel) ?? 0;
        if (this.busy.has(waiter.channel) || readyAt > now) {
          if (!this.busy.has(waiter.channel)) wakeAt = Math.min(wakeAt, readyAt);
          i++;
          continue;
        }
        this.waiters.splice(i, 1);
        this.inFlight++;
        this.busy.add(waiter.channel);
        if (this.channelReadyAt.get(waiter.channel) !== undefined && readyAt <= now) {
          this.channelReadyAt.delete(waiter.channel);
        }
        let released = false;
        waiter.grant(() => {
          if (released) return;
          released = true;
          this.release(waiter.channel);
        });
      }
    }
    if (this.waiters.length > 0 && Number.isFinite(wakeAt)) this.wakeAt(wakeAt);
  }

  private wakeAt(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.pump();
      },
      Math.max(0, at - this.now()),
    );
  }
}

/** One WorkspacePacer per workspace, created on first use. */
export class SlackPacer {
  readonly pacing: SlackPacing;
  private readonly workspaces = new Map<string, WorkspacePacer>();

  constructor(pacing: Partial<SlackPacing> = {}) {
    this.pacing = { ...DEFAULT_PACING, ...pacing };
  }

  workspace(key: string): WorkspacePacer {
    let pacer = this.workspaces.get(key);
    if (!pacer) {
      pacer = new WorkspacePacer(this.pacing);
      this.workspaces.set(key, pacer);
    }
    return pacer;
  }
}
