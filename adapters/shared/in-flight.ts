/**
 * What every adapter shares: the work it has in progress (commands being answered), so stop() can let it finish
 * for a bounded time before the connection and the database close.
 */

/** How long stop() lets commands in progress answer, on every platform, before it disconnects anyway. */
export const STOP_GRACE_MS = 5_000;

/** Work in progress: each tracked promise is waited for by `idle()` and, for at most a grace period, by `drain()`. */
export class InFlight {
  private readonly work = new Set<Promise<unknown>>();

  /** Tracks `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    this.work.add(work);
    const forget = () => this.work.delete(work);
    work.then(forget, forget);
    return work;
  }

  get size(): number {
    return this.work.size;
  }

  /** Resolves once everything tracked so far (and anything it started meanwhile) has settled. */
  async idle(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
  }

  /** Waits for the work in progress, for at most `graceMs`. */
  async drain(graceMs = STOP_GRACE_MS): Promise<void> {
    if (this.work.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
      timer.unref();
    });
    await Promise.race([this.idle(), timeout]);
    clearTimeout(timer);
  }
}
