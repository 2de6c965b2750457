/**
 * Seeded fault injection for the fake platforms, for soak tests: a given share of the matching requests fails in one
 * of the ways a real network and a real platform fail. The same seed gives the same faults for the same sequence of
 * requests, so a failing run can be replayed.
 *
 * - `serverError`: a 5xx answer (500, 502 or 503); nothing was done.
 * - `rateLimited`: a 429 in the platform's shape; nothing was done.
 * - `hang`: the connection is accepted and never answered; nothing was done. The client's own timeout ends it.
 * - `lostAnswer`: the request is carried out and recorded, then the connection is destroyed before any answer: the
 *   client cannot know it succeeded (the case idempotency keys and read-backs exist for).
 * - `acceptedError`: the request is carried out and recorded, then answered with a 5xx (a gateway or load balancer
 *   in front of the platform timing out after the platform did the work): the client sees a failure that was not one.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { prng } from './prng.js';

export type FaultKind = 'serverError' | 'rateLimited' | 'hang' | 'lostAnswer' | 'acceptedError';

/** Shares of matching requests (0–1 each, summing to at most 1) and the seed. */
export interface FaultOptions {
  readonly seed: number;
  readonly serverError?: number | undefined;
  readonly rateLimited?: number | undefined;
  readonly hang?: number | undefined;
  readonly lostAnswer?: number | undefined;
  readonly acceptedError?: number | undefined;
  /** Which requests may fail (default: the fake's message-creating route). */
  readonly match?: ((method: string, path: string) => boolean) | undefined;
}

/** How many requests were considered and what happened to them. */
export interface FaultCounters {
  considered: number;
  passed: number;
  serverError: number;
  rateLimited: number;
  hang: number;
  lostAnswer: number;
  acceptedError: number;
}

const KINDS: readonly FaultKind[] = ['serverError', 'rateLimited', 'hang', 'lostAnswer', 'acceptedError'];
const SERVER_ERRORS = [500, 502, 503] as const;

/** Draws the fault for each matching request. */
export class FaultInjector {
  readonly counters: FaultCounters = {
    considered: 0,
    passed: 0,
    serverError: 0,
    rateLimited: 0,
    hang: 0,
    lostAnswer: 0,
    acceptedError: 0,
  };
  /** Responses held open by `hang`, ended at stop(). */
  private readonly hung = new Set<ServerResponse>();
  private options: FaultOptions | undefined;
  private random: () => number = () => 1;
  private readonly defaultMatch: (method: string, path: string) => boolean;

  constructor(defaultMatch: (method: string, path: string) => boolean) {
    this.defaultMatch = defaultMatch;
  }

  /** Starts (or, with undefined, stops) injecting; resets the random sequence to the seed. */
  configure(options: FaultOptions | undefined): void {
    const total = KINDS.reduce((n, k) => n + (options?.[k] ?? 0), 0);
    if (total > 1) throw new Error(`fault rates add up to ${total}, more than 1`);
    this.options = options;
    this.random = options ? prng(options.seed) : () => 1;
  }

  /** The fault for this request, if any (counted). */
  draw(method: string, path: string): FaultKind | undefined {
    const options = this.options;
    if (!options || !(options.match ?? this.defaultMatch)(method, path)) return undefined;
    this.counters.considered++;
    let r = this.random();
    for (const kind of KINDS) {
      const rate = options[kind] ?? 0;
      if (r < rate) {
        this.counters[kind]++;
        return kind;
      }
      r -= rate;
    }
    this.counters.passed++;
    return undefined;
  }

  /** The 5xx status for a `serverError` (one of 500, 502, 503, seeded). */
  serverErrorStatus(): number {
    return SERVER_ERRORS[Math.floor(this.random() * SERVER_ERRORS.length)] ?? 503;
  }

  /** Holds the connection open without answering until the client gives up (or the fake stops). */
  hang(req: IncomingMessage, res: ServerResponse): void {
    this.hung.add(res);
    const release = () => this.hung.delete(res);
    req.socket.once('close', release);
    res.once('close', release);
  }

  /** Destroys the connection without an answer (after the work was done). */
  loseAnswer(res: ServerResponse): void {
    res.socket?.destroy();
  }

  /** Connections currently held by `hang`. */
  get hanging(): number {
    return this.hung.size;
  }

  /** Ends every hung connection (the fake is stopping). */
  releaseAll(): void {
    for (const res of this.hung) res.socket?.destroy();
    this.hung.clear();
  }
}
