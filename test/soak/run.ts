/**
 * `npm run soak`: the exactly-once soak (soak.ts) with its settings from the environment, printed with the results.
 * Needs a Postgres server (TEST_DATABASE_URL): several processes cannot share the embedded PGlite.
 *
 *   SOAK_TRIALS (32)  SOAK_CHANNELS per platform (60)  SOAK_WORKSPACES (6)  SOAK_WORKERS (3)
 *   SOAK_KILLS per trial (1)  SOAK_FAULTS share of message requests (0.2)  SOAK_SEED (1)  SOAK_TIME_SCALE (0.2)
 *   SOAK_HF_FAULTS share of Hugging Face list requests (0.2)  SOAK_HF_LATENCY_MS per Hugging Face answer (100)
 *
 * Exit 1 when a duplicate or a lost part appears, a trial does not settle, the poison rows are mishandled, or the
 * archive does not end holding exactly the fixture days, or a list was given up before the client's last retry.
 *
 * `npm run soak -- --throughput` instead times one due batch with 1 and with 3 processes (throughput.ts), no kills
 * and no faults: SOAK_CHANNELS per platform (300), SOAK_WORKSPACES (30), SOAK_TIME_SCALE (1: real platform time),
 * SOAK_CONCURRENCY and SOAK_CLAIM_SLICE per process (the production defaults). Exit 1 on a duplicate, a loss, a
 * batch that does not settle, or a process of the 3 that posted nothing.
 */
import { DEFAULT_SOAK, runSoak, type SoakOptions } from './soak.js';
import { DEFAULT_THROUGHPUT, runThroughput } from './throughput.js';

const serverUrl = process.env.TEST_DATABASE_URL?.trim();
if (!serverUrl) {
  process.stderr.write(
    'npm run soak needs a Postgres server: set TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres); several bot processes cannot share the embedded PGlite.\n',
  );
  process.exit(2);
}
const num = (name: string, fallback: number) => {
  const v = process.env[name];
  return v === undefined || v === '' ? fallback : Number(v);
};
if (process.argv.includes('--throughput')) {
  const options = {
    ...DEFAULT_THROUGHPUT,
    serverUrl,
    channels: num('SOAK_CHANNELS', DEFAULT_THROUGHPUT.channels),
    workspaces: num('SOAK_WORKSPACES', DEFAULT_THROUGHPUT.workspaces),
    timeScale: num('SOAK_TIME_SCALE', DEFAULT_THROUGHPUT.timeScale),
    concurrency: num('SOAK_CONCURRENCY', DEFAULT_THROUGHPUT.concurrency),
    claimSlice: num('SOAK_CLAIM_SLICE', DEFAULT_THROUGHPUT.claimSlice),
    log: (line: string) => process.stdout.write(`${line}\n`),
  };
  const { serverUrl: _url, log: _l, ...settings } = options;
  process.stdout.write(
    `throughput settings: ${JSON.stringify(settings)}; cores ${(await import('node:os')).cpus().length}\n`,
  );
  const runs = await runThroughput(options);
  const [one, three] = [runs[0]!, runs.at(-1)!];
  process.stdout.write(
    `\nthroughput: 1 process ${one.perSecond.toFixed(1)} messages/s, ${three.processes} processes ${three.perSecond.toFixed(1)} messages/s, ratio ${(three.perSecond / one.perSecond).toFixed(2)}; ` +
      `channels per process (${three.processes}): ${three.channelsPerProcess.join(', ')}\n`,
  );
  const problems = runs.flatMap((r) => [
    ...(r.settled ? [] : [`${r.processes} process(es): the batch did not settle`]),
    ...(r.slack.duplicates + r.discord.duplicates + r.slack.lost + r.discord.lost > 0
      ? [`${r.processes} process(es): duplicates or lost parts`]
      : []),
    ...(r.channelsPerProcess.some((c) => c === 0)
      ? [
          `${r.processes} process(es): a process posted nothing (the batch was not shared; more channels than SOAK_CLAIM_SLICE × processes are needed)`,
        ]
      : []),
  ]);
  for (const problem of problems) process.stdout.write(`FAILED: ${problem}\n`);
  process.exit(problems.length > 0 ? 1 : 0);
}
const options: SoakOptions = {
  ...DEFAULT_SOAK,
  serverUrl,
  trials: num('SOAK_TRIALS', DEFAULT_SOAK.trials),
  channels: num('SOAK_CHANNELS', DEFAULT_SOAK.channels),
  workspaces: num('SOAK_WORKSPACES', DEFAULT_SOAK.workspaces),
  workers: num('SOAK_WORKERS', DEFAULT_SOAK.workers),
  killsPerTrial: num('SOAK_KILLS', DEFAULT_SOAK.killsPerTrial),
  faultRate: num('SOAK_FAULTS', DEFAULT_SOAK.faultRate),
  seed: num('SOAK_SEED', DEFAULT_SOAK.seed),
  timeScale: num('SOAK_TIME_SCALE', DEFAULT_SOAK.timeScale),
  hfFaultRate: num('SOAK_HF_FAULTS', DEFAULT_SOAK.hfFaultRate),
  hfLatencyMs: num('SOAK_HF_LATENCY_MS', DEFAULT_SOAK.hfLatencyMs),
  log: (line) => process.stdout.write(`${line}\n`),
};
const { serverUrl: _hidden, log: _log, ...shown } = options;
process.stdout.write(`soak settings: ${JSON.stringify(shown)}\n`);
const started = Date.now();
const r = await runSoak(options);
const line = (name: string, p: { expected: number; posted: number; duplicates: number; lost: number }) =>
  `${name}: posted ${p.posted} / expected ${p.expected}, duplicates ${p.duplicates}, lost ${p.lost}`;
const poisonBad = r.trials.filter((t) => t.poisonPosted > 0 || !t.poisonRecorded).length;
const sharing = r.trials.filter((t) => t.workersSending >= 2).length;
process.stdout.write(
  [
    '',
    `trials ${r.trials.length}, kills ${r.kills} (SIGKILL while posting; each process posts to both platforms), unsettled ${r.unsettled}`,
    line('slack', r.slack),
    line('discord', r.discord),
    `settle time: median ${(r.settleMedianMs / 1000).toFixed(1)} s, max ${(r.settleMaxMs / 1000).toFixed(1)} s`,
    `poison rows: ${poisonBad === 0 ? 'skipped and recorded in every trial, healthy channels posted' : `mishandled in ${poisonBad} trials`}`,
    `sharing: in ${sharing} of ${r.trials.length} trials at least 2 of the processes stopped cleanly had posted`,
    `archive: ${r.archive.stored} / ${r.archive.expected} fixture list entries stored, missing ${r.archive.missing}, extra ${r.archive.extra}, wrong ${r.archive.wrong}, lists given up before the last retry ${r.archive.gaveUpEarly}${r.archive.examples.length ? ` (${r.archive.examples.join('; ')})` : ''}; complete after median ${(r.archiveMedianMs / 1000).toFixed(1)} s, max ${(r.archiveMaxMs / 1000).toFixed(1)} s`,
    `faults injected: slack ${JSON.stringify(r.faults.slack)}; discord ${JSON.stringify(r.faults.discord)}`,
    `hugging face faults injected: ${JSON.stringify(r.faults.huggingface)}`,
    `took ${Math.round((Date.now() - started) / 1000)} s`,
    '',
  ].join('\n'),
);
const failed =
  r.slack.duplicates + r.discord.duplicates + r.slack.lost + r.discord.lost > 0 ||
  r.unsettled > 0 ||
  poisonBad > 0 ||
  r.archive.missing + r.archive.extra + r.archive.wrong + r.archive.gaveUpEarly > 0;
process.exit(failed ? 1 : 0);
