/**
 * The metrics port: what the core counts and times, in its own words. The Prometheus implementation is
 * src/http/metrics.ts (prom-client); services, the dispatcher and the adapters record through this interface only,
 * so none of them imports a metrics library, and tests and the CLI use `noMetrics`.
 */

/** How a command ended: answered, refused with a user-facing reason (bad input, not permitted), or failed. */
export type CommandOutcome = 'ok' | 'refused' | 'error';

/** What became of one digest delivery attempt. */
export type DigestOutcome = 'delivered' | 'failed' | 'retried';

export interface Metrics {
  /** A `/papers` command (or a button press, named `action`) answered after `seconds`. */
  commandHandled(command: string, outcome: CommandOutcome, seconds: number): void;
  /** One digest delivery attempt ended this way on this platform. */
  digest(platform: string, outcome: DigestOutcome): void;
  /** Messages posted to a platform (the parts of a digest). */
  messagesPosted(platform: string, count: number): void;
  /** A request waited `seconds` for a platform's (or Hugging Face's) rate limit. */
  rateLimitWait(target: string, seconds: number): void;
  /** One ingest of one list ended; `papers` were stored (inserted or updated) when it succeeded. */
  ingestRun(outcome: 'ok' | 'failed', papers: number, at: Date): void;
}

/** Records nothing: the default wherever no metrics endpoint is configured. */
export const noMetrics: Metrics = {
  commandHandled() {},
  digest() {},
  messagesPosted() {},
  rateLimitWait() {},
  ingestRun() {},
};
