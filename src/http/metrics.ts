/**
 * Prometheus metrics (prom-client) behind the core's Metrics port, and the `/metrics` route that exposes them.
 * Each call builds its own registry, so several bots (tests) in one process never share a counter.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Metrics } from '../ports/metrics.js';
import type { HttpRoute } from './route.js';

export interface PrometheusMetrics {
  /** What the core records through. */
  readonly metrics: Metrics;
  /** GET /metrics: the Prometheus text exposition of `registry`. */
  readonly route: HttpRoute;
  readonly registry: Registry;
}

/** Command latency buckets, in seconds: most answers take milliseconds, Discord's deadline is 3 s. */
const COMMAND_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Names are `paperpulse_*`; process memory, CPU and the event loop come from prom-client's default metrics. */
export function createPrometheusMetrics(): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const commands = new Counter({
    name: 'paperpulse_commands_total',
    help: '/papers commands (and button presses, command="action") by outcome: ok, refused (user error), error',
    labelNames: ['command', 'outcome'] as const,
    registers,
  });
  const commandSeconds = new Histogram({
    name: 'paperpulse_command_duration_seconds',
    help: 'Time from receiving a /papers command to its answer being ready',
    labelNames: ['command'] as const,
    buckets: COMMAND_BUCKETS,
    registers,
  });
  const digests = new Counter({
    name: 'paperpulse_digests_total',
    help: 'Digest delivery attempts by platform and outcome: delivered, failed (for good), retried (will retry)',
    labelNames: ['platform', 'outcome'] as const,
    registers,
  });
  const messages = new Counter({
    name: 'paperpulse_messages_posted_total',
    help: 'Messages posted, by platform (each part of a digest is one)',
    labelNames: ['platform'] as const,
    registers,
  });
  const rateLimitWaits = new Counter({
    name: 'paperpulse_rate_limit_waits_total',
    help: 'Times a request waited for a rate limit, by target (discord, slack, huggingface)',
    labelNames: ['target'] as const,
    registers,
  });
  const rateLimitSeconds = new Counter({
    name: 'paperpulse_rate_limit_wait_seconds_total',
    help: 'Seconds spent waiting for rate limits, by target',
    labelNames: ['target'] as const,
    registers,
  });
  const ingestRuns = new Counter({
    name: 'paperpulse_ingest_runs_total',
    help: 'Ingests of one Daily Papers list, by outcome (ok, failed)',
    labelNames: ['outcome'] as const,
    registers,
  });
  const papersIngested = new Counter({
    name: 'paperpulse_papers_ingested_total',
    help: 'Papers inserted or updated by ingests',
    registers,
  });
  const lastIngest = new Gauge({
    name: 'paperpulse_last_successful_ingest_timestamp_seconds',
    help: 'Unix time of the last successful ingest of a list (0: none since start)',
    registers,
  });
  lastIngest.set(0);

  // Every label a command can take is a registered command name (the dispatcher bounds it), so the series are few.
  const label = (text: string) => text.slice(0, 40);
  const metrics: Metrics = {
    commandHandled(command, outcome, seconds) {
      commands.inc({ command: label(command), outcome });
      commandSeconds.observe({ command: label(command) }, seconds);
    },
    digest(platform, outcome) {
      digests.inc({ platform: label(platform), outcome });
    },
    messagesPosted(platform, count) {
      if (count > 0) messages.inc({ platform: label(platform) }, count);
    },
    rateLimitWait(target, seconds) {
      rateLimitWaits.inc({ target: label(target) });
      if (seconds > 0) rateLimitSeconds.inc({ target: label(target) }, seconds);
    },
    ingestRun(outcome, papers, at) {
      ingestRuns.inc({ outcome });
      if (outcome === 'ok') {
        if (papers > 0) papersIngested.inc(papers);
        lastIngest.set(at.getTime() / 1000);
      }
    },
  };

  const route: HttpRoute = async (_req, res, url) => {
    if (url.pathname !== '/metrics') return false;
    const body = await registry.metrics();
    res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
    res.end(body);
    return true;
  };
  return { metrics, route, registry };
}
