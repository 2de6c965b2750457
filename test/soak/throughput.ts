/**
 * `npm run soak -- --throughput`: how fast one due batch is posted by 1 process and by 3, in the same run, on the
 * same Postgres. No kills, no faults: the channels (a third with the digest in a thread) on both platforms come due
 * at once, the processes are started and built first and then released together, and the batch is timed until the
 * ledger has settled. The fakes enforce the platforms' limits on real time (Slack: 1 message/s per channel and the
 * workspace cap; Discord: 50 requests/s per bot and the per-channel bucket), so what several processes can add is
 * posting to more channels at once. Messages are counted at the fakes, with duplicates and losses.
 */
import { sql } from 'drizzle-orm';
import { createDatabase, type Database } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { DEFAULT_DELIVERY_OPTIONS } from '../../src/services/delivery-service.js';
import { recreateDatabase } from '../support/databases.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { FakeSlack } from '../support/fake-slack.js';
import { childEnv } from '../support/spawn.js';
import {
  count,
  DISCORD_APP,
  DISCORD_TOKEN,
  dropDatabase,
  HISTORY_SCOPES,
  isSettled,
  type PlatformTally,
  seed,
  slackToken,
  sleep,
  team,
  VIRTUAL_START,
} from './soak.js';
import { startWorker } from './worker-process.js';

export interface ThroughputOptions {
  readonly serverUrl: string;
  /** Channels per platform. */
  readonly channels: number;
  readonly workspaces: number;
  /** The process counts to compare, in order. */
  readonly processes: readonly number[];
  /** Platform time × this (1: the platforms' real limits). */
  readonly timeScale: number;
  /** Deliveries in progress per process, and the claim slice (production defaults unless set). */
  readonly concurrency: number;
  readonly claimSlice: number;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

export const DEFAULT_THROUGHPUT: Omit<ThroughputOptions, 'serverUrl' | 'log'> = {
  channels: 300,
  workspaces: 30,
  processes: [1, 3],
  timeScale: 1,
  concurrency: DEFAULT_DELIVERY_OPTIONS.concurrency,
  claimSlice: DEFAULT_DELIVERY_OPTIONS.claimSlice,
  timeoutMs: 300_000,
};

export interface ThroughputRun {
  readonly processes: number;
  readonly settled: boolean;
  /** From the release of the processes to the settled ledger. */
  readonly seconds: number;
  /** Messages accepted at the fakes (both platforms). */
  readonly messages: number;
  readonly perSecond: number;
  /** Each platform's part of the batch: when its last digest was sent, and its messages/s. */
  readonly platforms: Record<'slack' | 'discord', { seconds: number; perSecond: number }>;
  /** Digests (channels) each process posted, from its own report. */
  readonly channelsPerProcess: number[];
  readonly slack: PlatformTally;
  readonly discord: PlatformTally;
  /** Rate-limit answers the fakes gave (the limits were reached). */
  readonly rateLimited: { slack: number; discord: number };
  /** CPU seconds of the bot processes (user + system), summed. */
  readonly cpuSeconds: number;
  /** CPU seconds of this process (the fakes and the ledger polling) during the batch. */
  readonly fakesCpuSeconds: number;
}

export async function runThroughput(options: ThroughputOptions): Promise<ThroughputRun[]> {
  const url = await recreateDatabase(options.serverUrl, `pp_soak_tp_${process.pid}`);
  const database = await createDatabase({ databaseUrl: url, dataDir: 'unused', log: createLogger('silent') });
  const runs: ThroughputRun[] = [];
  try {
    await database.migrate();
    await seed(database, options, false);
    for (const n of options.processes) {
      const run = await timeBatch(database, url, options, n);
      runs.push(run);
      options.log(
        `${n} process${n === 1 ? '' : 'es'}: ${run.messages} messages in ${run.seconds.toFixed(1)} s = ${run.perSecond.toFixed(1)} messages/s` +
          `${run.settled ? '' : ' (NOT settled)'} (slack ${run.slack.posted} in ${run.platforms.slack.seconds.toFixed(1)} s = ${run.platforms.slack.perSecond.toFixed(1)}/s, ` +
          `discord ${run.discord.posted} in ${run.platforms.discord.seconds.toFixed(1)} s = ${run.platforms.discord.perSecond.toFixed(1)}/s); channels per process ${run.channelsPerProcess.join(' + ')}; ` +
          `slack dup ${run.slack.duplicates} lost ${run.slack.lost}, discord dup ${run.discord.duplicates} lost ${run.discord.lost}; ` +
          `429s slack ${run.rateLimited.slack}, discord ${run.rateLimited.discord}; CPU: bots ${run.cpuSeconds.toFixed(1)} s, fakes ${run.fakesCpuSeconds.toFixed(1)} s`,
      );
    }
  } finally {
    await database.close();
    await dropDatabase(options.serverUrl, url);
  }
  return runs;
}

async function timeBatch(
  database: Database,
  url: string,
  options: ThroughputOptions,
  n: number,
): Promise<ThroughputRun> {
  const scale = options.timeScale;
  await database.rows(sql`delete from deliveries`);
  await database.rows(sql`delete from delivered_papers`);
  const slack = await new FakeSlack({
    channelIntervalMs: 1_000 * scale,
    workspaceWindowMs: 1_000 * scale,
    retryAfterUnitMs: 1_000 * scale,
    tierWindowMs: 60_000 * scale,
  }).start();
  for (let w = 0; w < options.workspaces; w++)
    slack.addWorkspace({ teamId: team(w), botToken: slackToken(team(w)), scopes: HISTORY_SCOPES });
  const discord = await new FakeDiscord({ token: DISCORD_TOKEN, applicationId: DISCORD_APP, timeScale: scale }).start();
  const realStart = Date.now();
  const env = childEnv({
    DATABASE_URL: url,
    SLACK_API: slack.apiUrl,
    DISCORD_API: discord.api,
    DISCORD_TOKEN,
    DISCORD_APPLICATION_ID: DISCORD_APP,
    REAL_START: String(realStart),
    VIRTUAL_START,
    TIME_SCALE: String(scale),
    LEASE_MS: String(DEFAULT_DELIVERY_OPTIONS.leaseMs),
    RETRY_MS: String(Math.round(2_000 * scale)),
    REQUEST_TIMEOUT_MS: String(Math.round(5_000 * scale)),
    RECONCILE_MS: '300',
    CONCURRENCY: String(options.concurrency),
    CLAIM_SLICE: String(options.claimSlice),
    WAIT_FOR_GO: '1',
  });
  const workers = Array.from({ length: n }, (_, i) => startWorker(`tp${n}.${i + 1}`, env, options.log));
  await Promise.all(workers.map((w) => w.ready));
  const go = performance.now();
  const parentCpu = process.cpuUsage();
  for (const w of workers) w.child.stdin!.write('go\n');
  let settled = false;
  const finished: Partial<Record<'slack' | 'discord', number>> = {};
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    const sent = await database.rows<{ platform: 'slack' | 'discord'; n: number }>(sql`
      select c.platform, count(*)::int as n from deliveries d join channels c on c.id = d.channel_pk
      where d.status = 'sent' group by c.platform`);
    for (const { platform, n } of sent)
      if (n >= options.channels && finished[platform] === undefined)
        finished[platform] = (performance.now() - go) / 1000;
    if (await isSettled(database, options.channels * 2)) {
      settled = true;
      break;
    }
    await sleep(50);
  }
  const seconds = (performance.now() - go) / 1000;
  const fakesCpu = process.cpuUsage(parentCpu);
  for (const w of workers) w.child.kill('SIGTERM');
  const reports = await Promise.all(workers.map((w) => w.done));
  const tally = await count(database, slack, discord);
  const rateLimited = {
    slack: slack.limitRejections.length,
    discord: discord.stats.rateLimited + discord.stats.globalRateLimited,
  };
  await slack.stop();
  await discord.stop();
  const messages = tally.slack.posted + tally.discord.posted;
  const rate = (posted: number, at: number | undefined) => ({
    seconds: at ?? seconds,
    perSecond: posted / (at ?? seconds),
  });
  return {
    platforms: {
      slack: rate(tally.slack.posted, finished.slack),
      discord: rate(tally.discord.posted, finished.discord),
    },
    processes: n,
    settled,
    seconds,
    messages,
    perSecond: messages / seconds,
    channelsPerProcess: reports.map((r) => r?.sent ?? 0),
    slack: tally.slack,
    discord: tally.discord,
    rateLimited,
    cpuSeconds: reports.reduce((s, r) => s + (r?.cpuSeconds ?? 0), 0),
    fakesCpuSeconds: (fakesCpu.user + fakesCpu.system) / 1e6,
  };
}
