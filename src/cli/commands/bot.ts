/** `paperpulse start` (the bot) and `paperpulse digest` (one channel's digest, now). */
import { channelKey, parseChannelKey } from '../../domain/channel.js';
import { isIsoDate } from '../../domain/days.js';
import { BotError } from '../../errors.js';
import { type CliCommand, EXIT, stringOption, UsageError } from '../cli.js';

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'Run the bot: Discord and/or Slack when configured, else the console channel',
  usage: 'paperpulse start',
  details:
    'With no chat platform configured this runs the console adapter: the terminal is channel console:local.\n' +
    'When stdin is not a terminal, commands are read line by line and the bot exits at end of input.',
  defaultLogLevel: 'info',
  service: true,
  async run(ctx) {
    const [{ runBot }, { choosePlatforms }, { createLogger }] = await Promise.all([
      import('../../app.js'),
      import('../../platforms.js'),
      import('../../logger.js'),
    ]);
    // The console is for a person: readable lines, and only warnings unless LOG_LEVEL or LOG_FORMAT say otherwise.
    const consoleOnly = (await choosePlatforms(ctx.platforms, ctx.io.env)).every((c) => !c.on || c.module.fallback);
    const log = consoleOnly
      ? createLogger(ctx.config.logLevel ?? 'warn', {
          human: ctx.config.logFormat !== 'json',
          write: (line) => ctx.io.stderr.write(`${line}\n`),
        })
      : ctx.log;
    const bot = await runBot({
      config: ctx.config,
      log,
      env: ctx.io.env,
      io: { stdin: ctx.io.stdin, stdout: ctx.io.stdout },
      platforms: ctx.platforms,
      schedule: ctx.config.scheduler,
    });
    const signalled = new Promise<string>((resolve) => {
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve(signal));
    });
    const reason = await Promise.race([bot.finished.then(() => 'end of input'), signalled]);
    log.info({ reason }, 'shutting down');
    await bot.stop();
    return EXIT.ok;
  },
};

export const digestCommand: CliCommand = {
  name: 'digest',
  summary: "Print (--dry-run) or post one channel's daily digest now",
  usage: 'paperpulse digest --channel <platform:address> [--date YYYY-MM-DD] [--dry-run]',
  details:
    'Channels are written platform:address as /papers status shows them, e.g. console:local, discord:<server>/<channel>,\n' +
    'slack:<team>/<channel>. Without --date: the list the schedule would post now (the latest closed day with papers).\n' +
    'Posting goes through the same exactly-once claim as the schedule: a digest already posted is not posted again.',
  options: { channel: { type: 'string' }, date: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  validate(args) {
    const key = stringOption(args.values, 'channel');
    if (!key || !parseChannelKey(key)) {
      throw new UsageError('--channel must be <platform:address>, e.g. console:local or slack:T0123/C0456');
    }
    const date = stringOption(args.values, 'date');
    if (date !== undefined && !isIsoDate(date)) throw new UsageError(`--date must be YYYY-MM-DD, not "${date}"`);
  },
  async run(ctx) {
    const ref = parseChannelKey(stringOption(ctx.args.values, 'channel')!)!;
    const module = ctx.platforms.get(ref.platform);
    if (!module) {
      const known = ctx.platforms.list().map((m) => m.name);
      throw new UsageError(`there is no platform "${ref.platform}" (known: ${known.join(', ')})`);
    }
    const date = stringOption(ctx.args.values, 'date');
    const dryRun = ctx.args.values['dry-run'] === true;
    const setup = dryRun ? undefined : await module.configure(ctx.io.env);
    if (setup && !setup.on) {
      throw new BotError(
        `cannot post to ${channelKey(ref)}: ${ref.platform} is off here (${setup.reason})`,
        'CONFIG_INVALID',
      );
    }
    const app = await ctx.app();
    const { channels, digests, clock } = app.services;
    let channel = await channels.find(ref);
    const period = date ?? (await digests.dailyPeriod(clock.now()));
    if (!period) {
      ctx.io.stdout.write('Nothing to post: no closed Daily Papers list with papers in the last few days.\n');
      return EXIT.ok;
    }
    if (!setup) {
      const composed = await digests.composeDaily(channel, period);
      ctx.io.stdout.write(composed.ok ? `${composed.digest.message.text}\n` : `Nothing to post: ${composed.reason}.\n`);
      return EXIT.ok;
    }
    if (channel.pk === undefined) {
      if (!module.traits.implicitChannels) {
        throw new BotError(
          `PaperPulse knows no channel ${channelKey(ref)}: it is created by the first /papers command there`,
          'INVALID_ARGUMENT',
        );
      }
      await channels.ensure(ref, clock.now());
      channel = await channels.find(ref);
    }
    const { DeliveryService } = await import('../../services/delivery-service.js');
    const platform = await module.create(setup.on ? setup.config : undefined, {
      log: ctx.log.child({ platform: module.name }),
      state: app.platformState.scope(module.name),
      io: { stdin: ctx.io.stdin, stdout: ctx.io.stdout },
      commands: app.commands.list,
    });
    const delivery = new DeliveryService({
      channels,
      deliveries: app.services.deliveries,
      digests,
      platforms: new Map([[platform.name, platform]]),
      clock,
      log: ctx.log.child({ component: 'delivery' }),
    });
    try {
      const outcome = await delivery.deliverOne(channel, 'daily', period);
      const line = `${channelKey(ref)} ${period}: ${outcome.status} (${outcome.detail})`;
      if (outcome.status === 'failed' || outcome.status === 'retry') {
        ctx.io.stderr.write(`paperpulse digest: ${line}\n`);
        return EXIT.failure;
      }
      ctx.io.stdout.write(`${line}\n`);
      return EXIT.ok;
    } finally {
      await platform.stop();
    }
  },
};
