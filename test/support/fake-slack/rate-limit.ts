/**
 * Slack's rate limits as the fake enforces them (https://docs.slack.dev/apis/web-api/rate-limits): chat.postMessage's
 * one message per second per channel (with an optional burst) and a workspace-wide cap, and the per-minute tiers of
 * other methods, each per workspace. Over a limit Slack answers HTTP 429 with `Retry-After` in whole seconds.
 */

/** Whole seconds of Retry-After for a wait of `waitMs`, in units of `unitMs` (1000 on Slack; smaller in tests). */
export function retryAfterSeconds(waitMs: number, unitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / unitMs));
}

interface Tokens {
  tokens: number;
  at: number;
}

/**
 * chat.postMessage pacing for one workspace's channels and the workspace as a whole. `check` says whether a message
 * may go now (and how long to wait if not) without taking anything; `take` records an accepted message.
 */
export class PostPacer {
  private readonly channels = new Map<string, Tokens>();
  private readonly recent = new Map<string, number[]>();
  private readonly limits: () => {
    channelIntervalMs: number;
    channelBurst: number;
    workspaceMessages: number;
    workspaceWindowMs: number;
  };

  constructor(limits: PostPacer['limits']) {
    this.limits = limits;
  }

  /** Undefined when a message to `team`/`channel` may be accepted now, else the reason and the wait. */
  check(team: string, channel: string, now: number): { reason: 'channel' | 'workspace'; waitMs: number } | undefined {
    const { channelIntervalMs, channelBurst, workspaceMessages, workspaceWindowMs } = this.limits();
    const tokens = this.tokensAt(`${team}/${channel}`, now, channelIntervalMs, channelBurst);
    if (tokens < 1) return { reason: 'channel', waitMs: (1 - tokens) * channelIntervalMs };
    const recent = (this.recent.get(team) ?? []).filter((t) => t > now - workspaceWindowMs);
    this.recent.set(team, recent);
    if (recent.length >= workspaceMessages)
      return { reason: 'workspace', waitMs: recent[0]! + workspaceWindowMs - now };
    return undefined;
  }

  /** Records an accepted message. */
  take(team: string, channel: string, now: number): void {
    const { channelIntervalMs, channelBurst } = this.limits();
    const key = `${team}/${channel}`;
    this.channels.set(key, { tokens: this.tokensAt(key, now, channelIntervalMs, channelBurst) - 1, at: now });
    const recent = this.recent.get(team) ?? [];
    recent.push(now);
    this.recent.set(team, recent);
  }

  /** A token bucket: `burst` tokens, one more every `intervalMs`. */
  private tokensAt(key: string, now: number, intervalMs: number, burst: number): number {
    const state = this.channels.get(key);
    if (!state) return burst;
    return Math.min(burst, state.tokens + (now - state.at) / intervalMs);
  }
}

/** A per-minute tier for one method: at most `perWindow` calls per workspace in any `windowMs`. */
export class TierLimiter {
  private readonly calls = new Map<string, number[]>();
  private readonly limit: () => { perWindow: number; windowMs: number };

  constructor(limit: TierLimiter['limit']) {
    this.limit = limit;
  }

  /** Counts a call by `team`; the wait in ms when it is over the tier (the call is then not counted). */
  take(team: string, now: number): number | undefined {
    const { perWindow, windowMs } = this.limit();
    const calls = (this.calls.get(team) ?? []).filter((t) => t > now - windowMs);
    this.calls.set(team, calls);
    if (calls.length >= perWindow) return calls[0]! + windowMs - now;
    calls.push(now);
    return undefined;
  }
}
