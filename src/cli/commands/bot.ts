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
    // Signals are caught from the very start: one during start-up stops the bot as soon as it is up (default
    // handling would kill the process and leave the data-directory lock behind).
    const stopRequest = watchForStop(ctx.io.env);
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
    try {
      const starting = runBot({
        config: ctx.config,
        log,
        env: ctx.io.env,
        io: { stdin: ctx.io.stdin, stdout: ctx.io.stdout },
        platforms: ctx.platforms,
        schedule: ctx.config.scheduler,
      });
      // A stop asked for during start-up waits for the start to finish (then stops cleanly), but not for ever.
      void stopRequest.requested.then(() => {
        setTimeout(() => {
          log.warn(`start-up did not finish within ${START_GRACE_MS / 1000} s of the stop request; exiting`);
          process.exit(EXIT.ok);
        }, START_GRACE_MS).unref();
      });
      const bot = await starting;
      const reason = await Promise.race([bot.finished.then(() => 'end of input'), stopRequest.requested]);
      log.info({ reason }, 'shutting down');
      await bot.stop();
      return EXIT.ok;
    } finally {
      stopRequest.dispose();
    }
  },
};

/** How long a stop asked for during start-up waits for the start to finish before the process just exits. */
const START_GRACE_MS = 8_000;

/**
 * Resolves `requested` on SIGTERM, SIGINT or SIGHUP, and when the bot runs under `npm start` and npm goes away
 * (npm killed: its child would otherwise keep running, holding the data-directory lock). A second signal exits at
 * once (the lock is released by its exit handler).
 */
function watchForStop(env: Readonly<Record<string, string | undefined>>): {
  requested: Promise<string>;
  dispose(): void;
} {
  const signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
  let asked: string | undefined;
  let resolve!: (reason: string) => void;
  const requested = new Promise<string>((r) => {
    resolve = r;
  });
  const onSignal = (signal: string) => {
    if (asked) {
      process.stderr.write(`paperpulse: ${signal} again: exiting without waiting\n`);
      process.exit(EXIT.failure);
    }
    asked = signal;
    resolve(signal);
  };
  for (const signal of signals) process.on(signal, onSignal);
  const parent = process.ppid;
  const watchdog =
    env.npm_lifecycle_event !== undefined
      ? setInterval(() => {
          if (process.ppid !== parent && !asked) {
            asked = 'npm exited';
            resolve(asked);
          }
        }, 500).unref()
      : undefined;
  return {
    requested,
    dispose() {
      for (const signal of signals) process.off(signal, onSignal);
      if (watchdog) clearInterval(watchdog);
    },
  };
}

export const digestCommand: CliCommand = {
  name: 'digest',
  summary: "Print (--dry-run) or post one channel's daily digest now",
  usage: 'paperpulse digest --channel <platform:address> [--date YYYY-MM-DD] [--dry-run]',
  details:
    'Channels are written platform:address as /papers status shows them, e.g. console:local, discord:<server>/<channel>,\n' +
    'slack:<team>/<channel>. Without --date: the list the schedule would post now (the latest closed day with papers).\n' +
    'Posting goes through the same exactly-once claim as the schedule: a digest already posted is not posted again.',
  options: { channel: { type: 'string' }, date: { type: 'string' }, 'dry-run': { type: 'boolean' } },
  brief: true,
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
