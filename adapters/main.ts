/**
 * Composition root: the one module that knows the core and every adapter. `src/` never imports from here.
 */
import {
  BotError,
  type CliCommand,
  channelKey,
  createCore,
  EXIT,
  type PlatformName,
  paperCommands,
  runBot,
  runCli,
  stringOption,
  UsageError,
} from '../src/index.js';
import { createDiscordCliCommands } from './discord/deploy-commands.js';
import { createPlatforms, hasChatTokens, type PlatformSet } from './platforms.js';
import { slackManifestCommand } from './slack/manifest.js';

const start: CliCommand = {
  name: 'start',
  summary: 'Run the bot: Discord and/or Slack when configured, else the console channel',
  usage: 'paperpulse start',
  details:
    'With no DISCORD_TOKEN or SLACK_BOT_TOKEN this runs the console adapter: the terminal is channel console:local.\n' +
    'When stdin is not a terminal, commands are read line by line and the bot exits at end of input.',
  defaultLogLevel: (env) => (hasChatTokens(env) ? 'info' : 'warn'),
  jsonLogs: hasChatTokens,
  async run(ctx) {
    let set: PlatformSet | undefined;
    const notify = (line: string) => (set?.console ? set.console.notice(line) : ctx.log.info(line));
    const bot = await runBot({
      config: ctx.config,
      log: ctx.log,
      platforms: async (database) => {
        set = await createPlatforms(ctx.io.env, { stdin: ctx.io.stdin, stdout: ctx.io.stdout }, ctx.log, database);
        return set.platforms;
      },
      notify: (line) => notify(line),
      schedule: ctx.config.scheduler,
    });
    const signalled = new Promise<string>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
    });
    const reason = await Promise.race([bot.finished.then(() => 'end of input'), signalled]);
    ctx.log.info({ reason }, 'shutting down');
    await bot.stop();
    return EXIT.ok;
  },
};

const digestCommand: CliCommand = {
  name: 'digest',
  summary: "Print (--dry-run) or post one channel's daily digest now",
  usage: 'paperpulse digest --channel <platform:id> [--date YYYY-MM-DD] [--dry-run]',
  details:
    'Channels: console:local, discord:<channel id>, slack:<channel id>. Without --date: the list the schedule would\n' +
    'post now (the latest closed day with papers). Posting goes through the same exactly-once claim as the schedule.',
  options: { channel: { type: 'string' }, date: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  async run(ctx) {
    const key = stringOption(ctx.args.values, 'channel');
    const m = key ? /^(console|discord|slack):(\S+)$/.exec(key) : null;
    if (!m)
      throw new UsageError('--channel must be <platform:id>, e.g. console:local, discord:123456789, slack:C0123ABC');
    const date = stringOption(ctx.args.values, 'date');
    if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date))
      throw new UsageError(`--date must be YYYY-MM-DD, not "${date}"`);
    const ref = { platform: m[1] as PlatformName, channelId: m[2]! };
    const dryRun = ctx.args.values['dry-run'] === true;
    const services = await ctx.services();
    const set = await createPlatforms(
      ctx.io.env,
      { stdin: ctx.io.stdin, stdout: ctx.io.stdout },
      ctx.log,
      services.database,
    );
    const platform = set.platforms.find((p) => p.name === ref.platform);
    if (!platform && !dryRun) {
      throw new BotError(
        `cannot post to ${channelKey(ref)}: the ${ref.platform} adapter is not configured here`,
        'CONFIG_INVALID',
      );
    }
    const core = createCore(services, platform ? [platform] : []);
    let channel = await core.services.channels.find(ref);
    if (channel.pk === undefined) {
      if (ref.platform !== 'console') {
        throw new BotError(
          `PaperPulse knows no channel ${channelKey(ref)}: it is created by the first /papers command there`,
          'INVALID_ARGUMENT',
        );
      }
      await core.services.channels.ensure(ref, services.clock.now());
      channel = await core.services.channels.find(ref);
    }
    const period = date ?? (await core.services.digests.dailyPeriod(services.clock.now()));
    if (!period) {
      ctx.io.stdout.write('Nothing to post: no closed Daily Papers list with papers in the last few days.\n');
      return EXIT.ok;
    }
    if (dryRun) {
      const composed = await core.services.digests.composeDaily(channel, period);
      ctx.io.stdout.write(composed.ok ? `${composed.digest.message.text}\n` : `Nothing to post: ${composed.reason}.\n`);
      return EXIT.ok;
    }
    const outcome = await core.delivery.deliverOne(channel, 'daily', period);
    const line = `${channelKey(ref)} ${period}: ${outcome.status} (${outcome.detail})`;
    if (outcome.status === 'failed' || outcome.status === 'retry') {
      ctx.io.stderr.write(`paperpulse digest: ${line}\n`);
      return EXIT.failure;
    }
    ctx.io.stdout.write(`${line}\n`);
    return EXIT.ok;
  },
};

const commands = [start, ...paperCommands, digestCommand, ...createDiscordCliCommands(), slackManifestCommand];

process.exitCode = await runCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env },
  commands,
);
