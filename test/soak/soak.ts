/**
 * The exactly-once soak: several real bot processes (worker.ts) on one Postgres, the real Slack and Discord
 * adapters against the local fakes with injected faults (5xx, 429, hung connections, answers lost after acceptance,
 * 5xx after acceptance), many channels due at the same moment, a poison channel row per platform, and SIGKILL of
 * a random process at a random moment while it posts, then a restart. Each trial is one due batch; it ends when the
 * ledger has settled (every healthy digest sent). Duplicates and losses are counted at the fakes, per channel,
 * against what the digest renders to; nothing is taken from the ledger's own claims.
 *
 * Meanwhile the processes ingest (the scheduled refresh and a backfill of nine fixture days, under the shared
 * `ingest` lock) from a local Hugging Face that fails a share of its list requests with 5xx, 429 + Retry-After,
 * hung connections and bodies that stall or reset mid-transfer. A trial settles when every healthy digest is sent
 * and the archive holds the fixture days; the archive is then checked against the fixture's records (every paper
 * once, on its day, in its place, with its title, abstract, authors and upvotes), not against the ingest's counts.
 */
import type { Installation } from '@slack/bolt';
import { sql } from 'drizzle-orm';
import { renderMessage as renderDiscord } from '../../adapters/discord/render.js';
import { SlackInstallationStore } from '../../adapters/slack/installation-store.js';
import { renderMessage as renderSlack } from '../../adapters/slack/render.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase, type Database } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import type { OutgoingMessage } from '../../src/messages/model.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { type ArchiveCheck, archiveComplete, checkArchive } from '../support/archive-check.js';
import { recreateDatabase } from '../support/databases.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { FakeHuggingFace } from '../support/fake-huggingface.js';
import { FakeSlack, SLACK_SCOPES } from '../support/fake-slack.js';
import { listsOn } from '../support/fixtures.js';
import { prng } from '../support/prng.js';
import { childEnv } from '../support/spawn.js';
import { startWorker, type WorkerProcess } from './worker-process.js';

export interface SoakOptions {
  /** A Postgres server (the soak creates and drops its own database there). */
  readonly serverUrl: string;
  readonly trials: number;
  /** Healthy channels per platform (plus one poison row each). */
  readonly channels: number;
  readonly workspaces: number;
  /** Bot processes at once. */
  readonly workers: number;
  /** SIGKILLs per trial, each followed by a restart. */
  readonly killsPerTrial: number;
  /** Share of message-creating requests that fail (split between the fault kinds). */
  readonly faultRate: number;
  readonly seed: number;
  /** Platform time (rate windows, Retry-After units) × this: 0.2 runs Slack's 1 message/s per channel at 5/s. */
  readonly timeScale: number;
  readonly leaseMs: number;
  readonly settleTimeoutMs: number;
  /** Share of Hugging Face list requests that fail (5xx, 429, hang, stalled body, reset body). */
  readonly hfFaultRate: number;
  /** Added to every Hugging Face answer (real ms): keeps the ingest going while the digests are posted. */
  readonly hfLatencyMs: number;
  readonly log: (line: string) => void;
}

export const DEFAULT_SOAK: Omit<SoakOptions, 'serverUrl' | 'log'> = {
  trials: 32,
  channels: 60,
  workspaces: 6,
  workers: 3,
  killsPerTrial: 1,
  faultRate: 0.2,
  seed: 1,
  timeScale: 0.2,
  leaseMs: 4_000,
  settleTimeoutMs: 120_000,
  hfFaultRate: 0.2,
  hfLatencyMs: 100,
};

export interface PlatformTally {
  expected: number;
  posted: number;
  duplicates: number;
  lost: number;
}

export interface TrialResult {
  trial: number;
  kills: number;
  settled: boolean;
  settleMs: number;
  slack: PlatformTally;
  discord: PlatformTally;
  /** Processes that sent at least one digest (of those stopped cleanly), and how many were stopped cleanly. */
  workersSending: number;
  workersReporting: number;
  poisonPosted: number;
  poisonRecorded: boolean;
  archive: ArchiveCheck;
  /** Failed ingest runs that gave up before the client's last retry (their error does not end "after N attempts"). */
  ingestGaveUpEarly: string[];
  /** When the archive first held the fixture days (undefined: never). */
  archiveMs: number | undefined;
}

export interface SoakResult {
  trials: TrialResult[];
  kills: number;
  slack: PlatformTally;
  discord: PlatformTally;
  settleMedianMs: number;
  settleMaxMs: number;
  /** When the archive was complete, median and max over the trials. */
  archiveMedianMs: number;
  archiveMaxMs: number;
  unsettled: number;
  faults: { slack: Record<string, number>; discord: Record<string, number>; huggingface: Record<string, number> };
  /** Summed over the trials; `missing`, `extra`, `wrong` as counts, with the first few listed. */
  archive: {
    expected: number;
    stored: number;
    missing: number;
    extra: number;
    wrong: number;
    /** Ingest runs that failed before the client's last retry. */
    gaveUpEarly: number;
    examples: string[];
  };
}

export const VIRTUAL_START = '2026-11-16T09:00:20Z';
const PERIOD = '2026-11-13';
export const DISCORD_TOKEN = 'soak.discord.token';
export const DISCORD_APP = '123456789012345678';
const GUILD = '2000000000000000001';
export const slackToken = (team: string) => `xoxb-${team}-soak`;
export const team = (w: number) => `TS${String(w).padStart(3, '0')}`;
const slackChannel = (i: number) => `C${String(i).padStart(5, '0')}`;
const discordChannel = (i: number) => String(3_300_000_000_000_000_000n + BigInt(i));
export const HISTORY_SCOPES = [...SLACK_SCOPES.defaults, SLACK_SCOPES.history.public, SLACK_SCOPES.history.private];
/** The days the processes ingest from the local Hugging Face: nine weekday lists before the digest's day. */
const HF_DAYS = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'].concat(
  '2026-11-09',
  '2026-11-10',
  '2026-11-11',
  '2026-11-12',
);
/** The fixture's lists on those days: sample lists other than the digest day's (no paper on both). */
const hfLists = (): Map<string, Record<string, unknown>[]> => {
  const records = listsOn([PERIOD, ...HF_DAYS]);
  const byDay = new Map<string, Record<string, unknown>[]>(HF_DAYS.map((d) => [d, []]));
  for (const r of records) byDay.get(String(r.publishedAt).slice(0, 10))?.push(r);
  return byDay;
};

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const url = await recreateDatabase(options.serverUrl, `pp_soak_${process.pid}`);
  const silent = createLogger('silent');
  const database = await createDatabase({ databaseUrl: url, dataDir: 'unused', log: silent });
  const trials: TrialResult[] = [];
  const faults = {
    slack: {} as Record<string, number>,
    discord: {} as Record<string, number>,
    huggingface: {} as Record<string, number>,
  };
  try {
    await database.migrate();
    await seed(database, options);
    for (let t = 1; t <= options.trials; t++) {
      const trial = await runTrial(database, url, options, t, faults);
      trials.push(trial);
      options.log(
        `trial ${String(t).padStart(2)}: kills ${trial.kills}, settled ${trial.settled ? `in ${(trial.settleMs / 1000).toFixed(1)} s` : 'NO'}, ` +
          `slack ${trial.slack.posted}/${trial.slack.expected} dup ${trial.slack.duplicates} lost ${trial.slack.lost}, ` +
          `discord ${trial.discord.posted}/${trial.discord.expected} dup ${trial.discord.duplicates} lost ${trial.discord.lost}, ` +
          `processes sending ${trial.workersSending}/${trial.workersReporting}, poison posted ${trial.poisonPosted}${trial.poisonRecorded ? ' (recorded)' : ' (NOT recorded)'}, ` +
          `archive ${trial.archive.stored}/${trial.archive.expected}${trial.archiveMs === undefined ? '' : ` at ${(trial.archiveMs / 1000).toFixed(1)} s`}${archiveComplete(trial.archive) ? '' : ` INCOMPLETE: missing ${trial.archive.missing.length}, extra ${trial.archive.extra.length}, wrong ${trial.archive.wrong.length}`}`,
      );
    }
  } finally {
    await database.close();
    await dropDatabase(options.serverUrl, url);
  }
  const sum = (pick: (t: TrialResult) => PlatformTally): PlatformTally =>
    trials.reduce(
      (acc, t) => {
        const p = pick(t);
        return {
          expected: acc.expected + p.expected,
          posted: acc.posted + p.posted,
          duplicates: acc.duplicates + p.duplicates,
          lost: acc.lost + p.lost,
        };
      },
      { expected: 0, posted: 0, duplicates: 0, lost: 0 },
    );
  const settles = trials.map((t) => t.settleMs).sort((a, b) => a - b);
  const archives = trials.map((t) => t.archiveMs ?? options.settleTimeoutMs).sort((a, b) => a - b);
  return {
    trials,
    kills: trials.reduce((n, t) => n + t.kills, 0),
    slack: sum((t) => t.slack),
    discord: sum((t) => t.discord),
    settleMedianMs: settles[Math.floor(settles.length / 2)] ?? 0,
    settleMaxMs: settles.at(-1) ?? 0,
    archiveMedianMs: archives[Math.floor(archives.length / 2)] ?? 0,
    archiveMaxMs: archives.at(-1) ?? 0,
    unsettled: trials.filter((t) => !t.settled).length,
    faults,
    archive: {
      expected: trials.reduce((n, t) => n + t.archive.expected, 0),
      stored: trials.reduce((n, t) => n + t.archive.stored, 0),
      missing: trials.reduce((n, t) => n + t.archive.missing.length, 0),
      extra: trials.reduce((n, t) => n + t.archive.extra.length, 0),
      wrong: trials.reduce((n, t) => n + t.archive.wrong.length, 0),
      gaveUpEarly: trials.reduce((n, t) => n + t.ingestGaveUpEarly.length, 0),
      examples: trials
        .flatMap((t) =>
          [...t.archive.missing, ...t.archive.extra, ...t.archive.wrong, ...t.ingestGaveUpEarly].map(
            (e) => `trial ${t.trial}: ${e}`,
          ),
        )
        .slice(0, 5),
    },
  };
}

/** The papers, the Slack installations and the channels (a third of them with the digest in a thread). */
export async function seed(
  database: Database,
  options: Pick<SoakOptions, 'channels' | 'workspaces'>,
  poison = true,
): Promise<void> {
  const log = createLogger('silent');
  const paper = buildApp(database, { config: loadConfig({}), log, clock: new FixedClock('2026-11-15T12:00:00Z') });
  await paper.services.ingest.importRecords(listsOn([PERIOD]), 'soak');
  const store = new SlackInstallationStore(paper.platformState.scope('slack'), log);
  for (let w = 0; w < options.workspaces; w++) await store.storeInstallation(install(team(w)));
  for (let i = 0; i < options.channels; i++) {
    const thread = i % 3 === 0;
    await database.rows(sql`insert into channels (platform, address, digest_enabled, digest_enabled_at, size, thread)
      values ('slack', ${`${team(i % options.workspaces)}/${slackChannel(i)}`}, true, '2026-11-15T00:00:00Z', 3, ${thread}),
             ('discord', ${`${GUILD}/${discordChannel(i)}`}, true, '2026-11-15T00:00:00Z', 3, ${thread})`);
  }
  if (!poison) return;
  // The poison rows: a time zone that does not exist, a time that is not one.
  await database.rows(sql`insert into channels (platform, address, digest_enabled, digest_enabled_at, size, timezone, post_time)
    values ('slack', ${`${team(0)}/CPOISON`}, true, '2026-11-15T00:00:00Z', 3, 'Mars/Olympus', '09:00'),
           ('discord', ${`${GUILD}/${discordChannel(999_999)}`}, true, '2026-11-15T00:00:00Z', 3, 'UTC', '25:99')`);
}

function install(teamId: string): Installation<'v2', false> {
  return {
    team: { id: teamId, name: teamId },
    enterprise: undefined,
    user: { id: 'UINSTALLER', token: undefined, scopes: undefined },
    bot: { token: slackToken(teamId), scopes: HISTORY_SCOPES, id: `B${teamId}`, userId: `UB${teamId}` },
    tokenType: 'bot',
    isEnterpriseInstall: false,
    appId: 'A0001',
    authVersion: 'v2',
  };
}

type Worker = WorkerProcess;

async function runTrial(
  database: Database,
  url: string,
  options: SoakOptions,
  t: number,
  faults: SoakResult['faults'],
): Promise<TrialResult> {
  const scale = options.timeScale;
  const random = prng(options.seed * 1_000 + t);
  const mix = (seed: number) => ({
    seed,
    serverError: options.faultRate * 0.25,
    rateLimited: options.faultRate * 0.2,
    hang: options.faultRate * 0.1,
    lostAnswer: options.faultRate * 0.25,
    acceptedError: options.faultRate * 0.2,
  });
  const slack = await new FakeSlack({
    channelIntervalMs: 1_000 * scale,
    workspaceWindowMs: 1_000 * scale,
    retryAfterUnitMs: 1_000 * scale,
    tierWindowMs: 60_000 * scale,
    faults: mix(options.seed * 7 + t),
  }).start();
  for (let w = 0; w < options.workspaces; w++)
    slack.addWorkspace({ teamId: team(w), botToken: slackToken(team(w)), scopes: HISTORY_SCOPES });
  const discord = await new FakeDiscord({
    token: DISCORD_TOKEN,
    applicationId: DISCORD_APP,
    timeScale: scale,
    faults: mix(options.seed * 13 + t),
  }).start();
  await database.rows(sql`delete from deliveries`);
  await database.rows(sql`delete from delivered_papers`);
  await database.rows(sql`update channels set digest_problem = null, digest_problem_at = null`);
  // The ingest starts from nothing in every trial: the fixture days' papers and the runs are forgotten.
  const lists = hfLists();
  const hfIds = [...lists.values()].flat().map((r) => (r.paper as { id: string }).id);
  await database.rows(
    sql`delete from papers where id in (${sql.join(
      hfIds.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  await database.rows(sql`delete from ingest_runs`);
  const hfShare = options.hfFaultRate;
  const hf = await new FakeHuggingFace({
    latencyMs: options.hfLatencyMs,
    faults: {
      seed: options.seed * 17 + t,
      serverError: hfShare * 0.3,
      rateLimited: hfShare * 0.2,
      hang: hfShare * 0.15,
      stall: hfShare * 0.15,
      reset: hfShare * 0.2,
      retryAfterSeconds: 1,
    },
  }).start();
  for (const [day, list] of lists) hf.lists.set(day, list);

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
    LEASE_MS: String(options.leaseMs),
    RETRY_MS: String(Math.round(2_000 * scale)),
    REQUEST_TIMEOUT_MS: String(Math.round(5_000 * scale)),
    RECONCILE_MS: '300',
    HF_API: hf.url,
    HF_FROM: HF_DAYS[0]!,
    HF_TO: HF_DAYS.at(-1)!,
    HF_TIMEOUT_MS: String(Math.round(15_000 * scale)),
    // Pages of 10: a day is three requests, and a list can fail between its pages.
    HF_PAGE_SIZE: '10',
    INGEST_MS: '1000',
  });
  let seq = 0;
  const start = (): Worker => startWorker(`w${t}.${++seq}`, env, options.log);
  const workers: Worker[] = Array.from({ length: options.workers }, start);
  const all: Worker[] = [...workers];

  // Expected messages, roughly, to aim the kills at the middle of the posting.
  const roughTotal = options.channels * 2 * 1.4;
  const accepted = () => slack.messages.length + discord.faultCounters.considered;
  let kills = 0;
  const killTargets = Array.from({ length: options.killsPerTrial }, () => 0.1 + random() * 0.6)
    .sort((a, b) => a - b)
    .map((f) => Math.max(1, Math.round(f * roughTotal)));
  const deadline = realStart + options.settleTimeoutMs;
  let settled = false;
  let deliveredMs: number | undefined;
  let archivedMs: number | undefined;
  while (Date.now() < deadline) {
    if (kills < killTargets.length && accepted() >= killTargets[kills]!) {
      const victim = workers.splice(Math.floor(random() * workers.length), 1)[0]!;
      victim.child.kill('SIGKILL');
      kills++;
      await sleep(300);
      const replacement = start();
      workers.push(replacement);
      all.push(replacement);
    }
    if (kills >= killTargets.length && deliveredMs === undefined && (await isSettled(database, options.channels * 2)))
      deliveredMs = Date.now() - realStart;
    if (archivedMs === undefined && archiveComplete(await checkArchive(database, lists)))
      archivedMs = Date.now() - realStart;
    if (deliveredMs !== undefined && archivedMs !== undefined) {
      settled = true;
      break;
    }
    await sleep(100);
  }
  const settleMs = deliveredMs ?? Date.now() - realStart;
  for (const w of workers) w.child.kill('SIGTERM');
  const reports = await Promise.all(all.map((w) => w.done));
  const stoppedCleanly = workers.length;
  const cleanReports = (await Promise.all(workers.map((w) => w.done))).filter((r) => r !== undefined);

  const tally = await count(database, slack, discord);
  const archive = await checkArchive(database, lists);
  // A list that failed must have failed after every retry, whatever broke (a stalled or reset body included).
  const gaveUp = await database.rows<{ error: string }>(
    sql`select error from ingest_runs where status = 'failed' and error !~ 'after [0-9]+ attempts$'`,
  );
  for (const [name, fake] of [
    ['slack', slack],
    ['discord', discord],
    ['huggingface', hf],
  ] as const)
    for (const [k, v] of Object.entries(fake.faultCounters)) faults[name][k] = (faults[name][k] ?? 0) + v;
  await slack.stop();
  await discord.stop();
  await hf.stop();
  void reports;
  return {
    trial: t,
    kills,
    settled,
    settleMs,
    ...tally,
    archive,
    ingestGaveUpEarly: gaveUp.map((r) => r.error),
    archiveMs: archivedMs,
    workersSending: cleanReports.filter((r) => r.sent > 0).length,
    workersReporting: stoppedCleanly,
  };
}

/** Every healthy digest sent, nothing in progress. */
export async function isSettled(database: Database, healthy: number): Promise<boolean> {
  const [row] = await database.rows<{ sent: number; active: number }>(sql`
    select count(*) filter (where status = 'sent')::int as sent,
           count(*) filter (where status in ('claimed', 'posting', 'retry'))::int as active
    from deliveries`);
  return row!.sent >= healthy && row!.active === 0;
}

/** What reached the fakes, per channel, against what each digest renders to. */
export async function count(
  database: Database,
  slack: FakeSlack,
  discord: FakeDiscord,
): Promise<Pick<TrialResult, 'slack' | 'discord' | 'poisonPosted' | 'poisonRecorded'>> {
  const rows = await database.rows<{
    platform: string;
    address: string;
    thread: boolean;
    message: OutgoingMessage | null;
    problem: string | null;
    status: string | null;
  }>(sql`
    select c.platform, c.address, c.thread, d.message, c.digest_problem as problem, d.status
    from channels c left join deliveries d on d.channel_pk = c.id`);
  const out = {
    slack: { expected: 0, posted: 0, duplicates: 0, lost: 0 },
    discord: { expected: 0, posted: 0, duplicates: 0, lost: 0 },
    poisonPosted: 0,
    poisonRecorded: true,
  };
  for (const row of rows) {
    const [workspace, channel] = row.address.split('/') as [string, string];
    const posts =
      row.platform === 'slack'
        ? slack.postsTo(channel, workspace).map((m) => `${m.threadTs ? 't' : 'r'}${JSON.stringify(m.blocks)}`)
        : discordPosts(discord, channel);
    if (row.problem !== null || row.address.endsWith('CPOISON') || row.address.endsWith(discordChannel(999_999))) {
      out.poisonPosted += posts.length;
      if (row.problem === null) out.poisonRecorded = false;
      continue;
    }
    const tally = out[row.platform as 'slack' | 'discord'];
    // A digest never composed (lost before it was stored) is counted as one lost part.
    const expected = row.message
      ? row.platform === 'slack'
        ? renderSlack(row.message, { thread: row.thread }).length
        : renderDiscord(row.message, { thread: row.thread }).length
      : 1;
    const distinct = new Set(posts).size;
    tally.expected += expected;
    tally.posted += posts.length;
    tally.duplicates += posts.length - distinct + Math.max(0, distinct - expected);
    tally.lost += Math.max(0, expected - distinct);
  }
  return out;
}

/** A Discord channel's messages and its digest thread's (the thread's id is its header's). */
function discordPosts(discord: FakeDiscord, channelId: string): string[] {
  const root = discord.messagesIn(channelId);
  const thread = root.flatMap((m) => discord.messagesIn(m.id));
  return [...root, ...thread].map((m) =>
    JSON.stringify(m.body, (k, v) => (k === 'nonce' || k === 'enforce_nonce' ? undefined : v)),
  );
}

export async function dropDatabase(serverUrl: string, url: string): Promise<void> {
  const { default: postgres } = await import('postgres');
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  } finally {
    await admin.end();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
