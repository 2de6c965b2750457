/**
 * Digest fan-out at scale: 10,000 channels due in the same minute, delivered by one bot process through the real
 * Discord and Slack adapters against the local fake APIs, which enforce the platforms' limits:
 * - Discord: a global requests/second limit (Discord's is 50/s per bot; the benchmark scales time by
 *   DISCORD_TIME_SCALE, raising both the fake's limit and discord.js's client-side limiter to match) and
 *   per-channel buckets;
 * - Slack: 1 message/s per channel and a cap per workspace (the adapter's default, 5 messages/s; Slack does not
 *   publish it), over SLACK_WORKSPACES workspaces installed through OAuth.
 * Each digest is one message (size 3), so the best rate the limits allow is the global rate (Discord) or
 * workspaces × cap (Slack); ratio_to_limit = achieved messages/s ÷ that bound. Duplicates and losses are counted
 * at the fake.
 */
import { spawn } from 'node:child_process';
import type { Installation } from '@slack/bolt';
import { sql } from 'drizzle-orm';
import { SlackInstallationStore } from '../../adapters/slack/installation-store.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { recreateDatabase } from '../support/databases.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { FakeSlack } from '../support/fake-slack.js';
import { listsOn } from '../support/fixtures.js';

export const CHANNELS = 10_000;
/** Discord's global limit is 50 requests/s; ×4 keeps the run near a minute (the ratio is what counts). */
export const DISCORD_TIME_SCALE = 4;
export const DISCORD_GLOBAL_PER_SECOND = 50;
export const SLACK_WORKSPACES = 50;
/** The Slack adapter's default workspace pace (adapters/slack/pacer.ts DEFAULT_PACING). */
export const SLACK_PER_WORKSPACE_PER_SECOND = 5;

/** The figures of one platform's run; `bound` is the best messages/s the limits allow (one message a channel). */
function outcome(run: WorkerResult, bound: number, duplicates: number, lost: number) {
  const messages = CHANNELS - lost;
  return {
    channels: CHANNELS,
    seconds: round(run.seconds),
    messages_per_s: round(messages / run.seconds),
    limit_per_s: bound,
    ratio_to_limit: round(messages / run.seconds / bound),
    duplicates,
    lost,
    peak_rss_mb: run.peakRssMb,
    bot_cpu_seconds: round(run.cpuSeconds),
    claim_seconds: round(run.report.claimMs / 1000),
  };
}
/** The channels' posting time is 09:00 UTC; the reconcile runs 20 seconds after. */
const NOW = '2026-11-16T09:00:20Z';
const TOKEN = 'bench.discord.token';
const APP_ID = '123456789012345678';

interface WorkerResult {
  seconds: number;
  cpuSeconds: number;
  report: { claimMs: number; claimed: number; sent: number; failed: number; retrying: number };
  peakRssMb: number;
}

export interface FanoutResults {
  results: Record<string, Record<string, number>>;
  peakRssMb: number;
}

export async function fanoutBench(options: { adminUrl: string; log: (line: string) => void }): Promise<FanoutResults> {
  const url = await recreateDatabase(options.adminUrl, 'paperpulse_bench_fanout');
  const log = createLogger('warn');
  const database = await createDatabase({ databaseUrl: url, dataDir: 'unused', log });
  await database.migrate();
  const paper = buildApp(database, {
    config: loadConfig({}),
    log,
    clock: new FixedClock('2026-11-15T12:00:00Z'),
  });
  await paper.services.ingest.importRecords(listsOn(['2026-11-13']), 'bench');
  const teams = Array.from({ length: SLACK_WORKSPACES }, (_, i) => `TB${String(i).padStart(4, '0')}`);
  const store = new SlackInstallationStore(paper.platformState.scope('slack'), log);
  for (const team of teams) await store.storeInstallation(install(team));
  // The channels: digest on since yesterday, 09:00 UTC on weekdays, 3 papers (one message on either platform).
  await database.rows(sql`
    insert into channels (platform, address, digest_enabled, digest_enabled_at, size)
    select 'discord', 'G' || (i % 100) || '/' || (900000000000000000 + i)::text, true, '2026-11-15T00:00:00Z', 3
    from generate_series(1, ${CHANNELS}) i`);
  await database.rows(sql`
    insert into channels (platform, address, digest_enabled, digest_enabled_at, size)
    select 'slack', 'TB' || lpad((i % ${SLACK_WORKSPACES})::text, 4, '0') || '/C' || i, true, '2026-11-15T00:00:00Z', 3
    from generate_series(1, ${CHANNELS}) i`);
  await database.close();

  const results: Record<string, Record<string, number>> = {};
  let peakRssMb = 0;

  // --- Discord --------------------------------------------------------------------------------------------
  const rate = DISCORD_GLOBAL_PER_SECOND * DISCORD_TIME_SCALE;
  const discord = await new FakeDiscord({ token: TOKEN, applicationId: APP_ID, globalPerSecond: rate }).start();
  try {
    options.log(`fan-out: ${CHANNELS} Discord channels at ${rate} requests/s…`);
    const run = await worker({
      DATABASE_URL: url,
      PLATFORM: 'discord',
      DISCORD_API: discord.api,
      RATE: String(rate),
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: APP_ID,
      NOW,
    });
    let lost = 0;
    for (let i = 1; i <= CHANNELS; i++)
      if (discord.messagesIn(String(900000000000000000n + BigInt(i))).length === 0) lost++;
    results.discord = {
      ...outcome(run, rate, discord.duplicates().length, lost),
      time_scale: DISCORD_TIME_SCALE,
    };
    peakRssMb = Math.max(peakRssMb, run.peakRssMb);
  } finally {
    await discord.stop();
  }

  // --- Slack ----------------------------------------------------------------------------------------------
  const slack = await new FakeSlack({
    channelIntervalMs: 1_000,
    workspaceMessages: SLACK_PER_WORKSPACE_PER_SECOND,
    workspaceWindowMs: 1_000,
  }).start();
  try {
    for (const team of teams) slack.addWorkspace({ teamId: team, botToken: token(team) });
    const bound = SLACK_WORKSPACES * SLACK_PER_WORKSPACE_PER_SECOND;
    options.log(`fan-out: ${CHANNELS} Slack channels in ${SLACK_WORKSPACES} workspaces (bound ${bound} messages/s)…`);
    const run = await worker({
      DATABASE_URL: url,
      PLATFORM: 'slack',
      SLACK_API: slack.apiUrl,
      NOW,
      ...profile('slack'),
    });
    const tally = slack.tally();
    let lost = 0;
    for (let i = 1; i <= CHANNELS; i++) {
      if (!tally.perChannel.get(`TB${String(i % SLACK_WORKSPACES).padStart(4, '0')}/C${i}`)) lost++;
    }
    results.slack = { ...outcome(run, bound, tally.duplicates, lost), workspaces: SLACK_WORKSPACES };
    peakRssMb = Math.max(peakRssMb, run.peakRssMb);
  } finally {
    await slack.stop();
  }
  return { results, peakRssMb };
}

function worker(env: Record<string, string>): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/fanout-worker.ts'], {
      cwd: new URL('../..', import.meta.url).pathname,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        POOL: process.env.BENCH_POOL ?? '10',
        CONCURRENCY: process.env.BENCH_CONCURRENCY ?? '128',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`fan-out worker exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as WorkerResult);
    });
  });
}

const token = (team: string) => `xoxb-${team}-bench`;

function install(team: string): Installation<'v2', false> {
  return {
    team: { id: team, name: team },
    enterprise: undefined,
    user: { id: 'UINSTALLER', token: undefined, scopes: undefined },
    bot: { token: token(team), scopes: ['commands', 'chat:write'], id: `B${team}`, userId: `UB${team}` },
    tokenType: 'bot',
    isEnterpriseInstall: false,
    appId: 'A0001',
    authVersion: 'v2',
  };
}

/** BENCH_CPU_PROFILE=dir writes a CPU profile of each fan-out worker there. */
const profile = (name: string): Record<string, string> =>
  process.env.BENCH_CPU_PROFILE ? { CPU_PROFILE: `${process.env.BENCH_CPU_PROFILE}/fanout-${name}.cpuprofile` } : {};

const round = (n: number) => Math.round(n * 100) / 100;
