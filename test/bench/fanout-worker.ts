/**
 * The bot side of the fan-out benchmark, in its own process so its memory is measured alone: one digest reconcile
 * at NOW through the real Discord or Slack adapter (pointed at the parent's fake API), reporting how long it took,
 * what the delivery service did, and the peak RSS sampled every 50 ms. Output: one JSON line on stdout.
 */
import { DISCORD_TRAITS } from '../../adapters/discord/index.js';
import { DiscordPlatform } from '../../adapters/discord/platform.js';
import { SLACK_TRAITS } from '../../adapters/slack/index.js';
import { SlackPlatform } from '../../adapters/slack/platform.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/client.js';
import type { ChatPlatform } from '../../src/index.js';
import { createLogger } from '../../src/logger.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { testCore } from '../support/services.js';

const env = process.env;
const log = createLogger('warn');
let peak = 0;
const sample = () => {
  peak = Math.max(peak, process.memoryUsage().rss);
};
const sampler = setInterval(sample, 50);
if (env.CPU_PROFILE) {
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  process.once('beforeExit', () => {});
  (globalThis as { stopProfile?: () => Promise<void> }).stopProfile = async () => {
    const { profile } = await session.post('Profiler.stop');
    (await import('node:fs')).writeFileSync(env.CPU_PROFILE!, JSON.stringify(profile));
  };
}

const database = await createDatabase({
  databaseUrl: env.DATABASE_URL,
  dataDir: 'unused',
  log,
  maxConnections: Number(env.POOL ?? 10),
});
let platform: ChatPlatform;
if (env.PLATFORM === 'discord') {
  platform = new DiscordPlatform(
    {
      token: env.DISCORD_TOKEN!,
      applicationId: env.DISCORD_APPLICATION_ID!,
      shards: undefined,
      options: { api: env.DISCORD_API, globalRequestsPerSecond: Number(env.RATE) },
    },
    { log },
    DISCORD_TRAITS,
  );
} else {
  const app = buildApp(database, { config: loadConfig({}), log });
  platform = new SlackPlatform(
    {
      transport: { kind: 'http', signingSecret: 'bench-signing-secret-0123456789' },
      auth: {
        kind: 'oauth',
        clientId: '1.2',
        clientSecret: 'bench-secret',
        stateSecret: 'bench-state-secret-0123',
        redirectUri: undefined,
      },
      port: 0,
      managerIds: [],
      apiUrl: env.SLACK_API,
      options: { slackApiUrl: env.SLACK_API },
    },
    { log, state: app.platformState.scope('slack') },
    SLACK_TRAITS,
  );
}
const clock = new FixedClock(env.NOW!);
const paper = buildApp(database, { config: loadConfig({}), log, clock });
const core = testCore(paper, [platform], env.CONCURRENCY ? { concurrency: Number(env.CONCURRENCY) } : {});
sample();
const started = performance.now();
const report = await core.delivery.reconcile();
const seconds = (performance.now() - started) / 1000;
await (globalThis as { stopProfile?: () => Promise<void> }).stopProfile?.();
sample();
clearInterval(sampler);
await platform.stop();
await database.close();
const cpu = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({ seconds, report, peakRssMb: Math.round(peak / 2 ** 20), cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`,
);
process.exit(0);
