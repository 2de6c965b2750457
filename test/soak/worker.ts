/**
 * One bot process of the soak (test/soak/run.ts): the real Slack (OAuth, installations in the database) and Discord
 * adapters pointed at the parent's fakes, and the core's delivery service reconciling every RECONCILE_MS on the
 * shared Postgres, as `paperpulse start` does on its cron tick. Its clock runs in real time from VIRTUAL_START at
 * REAL_START, so every process agrees on "now" and leases expire in real time. With HF_API it also ingests, as
 * `paperpulse start` does on INGEST_CRON, every INGEST_MS under the shared `ingest` lock: the scheduled refresh, then
 * a resumable backfill of HF_FROM…HF_TO, from the parent's faulting Hugging Face, while the digests are posted.
 * With WAIT_FOR_GO it prints `ready` once built and starts when a line arrives on stdin (the throughput runs start
 * every process at the same moment). On SIGTERM it prints what it delivered (one JSON line) and exits; on SIGKILL
 * it just dies, mid-post (or mid-ingest).
 */
import { DISCORD_TRAITS } from '../../adapters/discord/index.js';
import { DiscordPlatform } from '../../adapters/discord/platform.js';
import { SLACK_TRAITS } from '../../adapters/slack/index.js';
import { SlackPlatform } from '../../adapters/slack/platform.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/client.js';
import { HfClient } from '../../src/huggingface/client.js';
import { createLogger } from '../../src/logger.js';
import type { Clock } from '../../src/ports/clock.js';
import { testCore } from '../support/services.js';

const env = process.env;
const log = createLogger((env.LOG_LEVEL as 'warn' | undefined) ?? 'error');
const realStart = Number(env.REAL_START);
const virtualStart = Date.parse(env.VIRTUAL_START!);
const clock: Clock = { now: () => new Date(virtualStart + (Date.now() - realStart)) };
const scale = Number(env.TIME_SCALE ?? '1');

const database = await createDatabase({ databaseUrl: env.DATABASE_URL, dataDir: 'unused', log, maxConnections: 5 });
// Hugging Face's timeout and backoff on the soak's time scale (15 s and 0.5–8 s in production); Retry-After is
// honoured as sent (whole seconds).
const source = env.HF_API
  ? new HfClient({
      baseUrl: env.HF_API,
      log,
      timeoutMs: Number(env.HF_TIMEOUT_MS),
      baseDelayMs: 500 * scale,
      maxDelayMs: 8_000 * scale,
      pageSize: Number(env.HF_PAGE_SIZE ?? '100'),
    })
  : undefined;
const app = buildApp(database, { config: loadConfig({}), log, clock, source });
const slack = new SlackPlatform(
  {
    transport: { kind: 'http', signingSecret: 'soak-signing-secret-0123456789' },
    auth: {
      kind: 'oauth',
      clientId: '1.2',
      clientSecret: 'soak-secret',
      stateSecret: 'soak-state-secret-0123',
      redirectUri: undefined,
    },
    port: 0,
    managerIds: [],
    apiUrl: env.SLACK_API,
    options: {
      slackApiUrl: env.SLACK_API,
      requestTimeoutMs: Number(env.REQUEST_TIMEOUT_MS),
      pacing: {
        channelIntervalMs: 1_000 * scale,
        workspaceMessages: 5,
        workspaceWindowMs: 1_000 * scale,
        retryAfterUnitMs: 1_000 * scale,
        maxRateLimitWaitMs: 30_000 * scale,
        maxRateLimitRetries: 5,
      },
    },
  },
  { log, state: app.platformState.scope('slack') },
  SLACK_TRAITS,
);
const discord = new DiscordPlatform(
  {
    token: env.DISCORD_TOKEN!,
    applicationId: env.DISCORD_APPLICATION_ID!,
    shards: undefined,
    options: {
      api: env.DISCORD_API,
      connect: async () => {},
      restTimeoutMs: Number(env.REQUEST_TIMEOUT_MS),
      // Retries are the core's (each one read back first); discord.js's own would repost within the nonce window.
      restRetries: 1,
    },
  },
  { log },
  DISCORD_TRAITS,
);
const core = testCore(app, [slack, discord], {
  leaseMs: Number(env.LEASE_MS),
  heartbeatMs: Math.max(200, Number(env.LEASE_MS) / 4),
  retryDelayMs: Number(env.RETRY_MS),
  maxRetryDelayMs: Number(env.RETRY_MS) * 4,
  maxAttempts: 50,
  concurrency: Number(env.CONCURRENCY ?? '32'),
  claimSlice: Number(env.CLAIM_SLICE ?? '8'),
});

let sent = 0;
let claimed = 0;
let tookOver = 0;
let ingestedDays = 0;
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
});
if (env.WAIT_FOR_GO) {
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.stdin.once('data', () => resolve()));
}
const cpuAtStart = process.cpuUsage();
const ingestLoop = async () => {
  while (!stopping) {
    await app.locks
      .tryWithLock('ingest', async () => {
        await app.services.ingest.refresh();
        const range = await app.services.ingest.ingestRange(env.HF_FROM!, env.HF_TO!, { resume: true });
        ingestedDays += range.days.length;
      })
      .catch((err: unknown) => log.error({ err }, 'soak ingest failed'));
    await new Promise((r) => setTimeout(r, Number(env.INGEST_MS ?? '1000')));
  }
};
// Not awaited at the end: a fetch in progress when the parent stops the process is cut off, as in a crash.
if (env.HF_API) void ingestLoop();
while (!stopping) {
  const report = await core.delivery.reconcile();
  sent += report.sent;
  claimed += report.claimed;
  tookOver += report.tookOver;
  await new Promise((r) => setTimeout(r, Number(env.RECONCILE_MS ?? '500')));
}
const cpu = process.cpuUsage(cpuAtStart);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
process.stdout.write(`${JSON.stringify({ worker: env.WORKER, sent, claimed, tookOver, ingestedDays, cpuSeconds })}\n`);
await Promise.allSettled([slack.stop(), discord.stop()]);
await database.close();
process.exit(0);
