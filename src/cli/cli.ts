import { type ParseArgsConfig, parseArgs } from 'node:util';
import { openPaperServices, type PaperServices } from '../app.js';
import { type CoreConfig, type Env, loadConfig } from '../config.js';
import { BotError, describeError, UserError } from '../errors.js';
import { createLogger, type Logger, type LogLevel } from '../logger.js';

/** Where the CLI reads and writes; a real process in production, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; isTTY?: boolean | undefined };
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean | undefined };
  readonly env: Env;
}

export type CliOptions = NonNullable<ParseArgsConfig['options']>;

export interface CliArgs {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

export interface CliContext {
  readonly args: CliArgs;
  readonly io: CliIo;
  readonly config: CoreConfig;
  readonly log: Logger;
  /** Opens the database (migrating it) and the services; closed by the CLI when the command ends. */
  services(): Promise<PaperServices>;
}

/** One `paperpulse <name>` command. */
export interface CliCommand {
  readonly name: string;
  /** One line for `paperpulse --help`. */
  readonly summary: string;
  /** `paperpulse search <query> [--limit N] [--json]` */
  readonly usage: string;
  /** Extra lines for `paperpulse <name> --help`. */
  readonly details?: string | undefined;
  readonly options?: CliOptions | undefined;
  readonly positionals?: { readonly min: number; readonly max: number } | undefined;
  /** Log level when LOG_LEVEL is unset; commands default to warn, the bot to info. */
  readonly defaultLogLevel?: LogLevel | ((env: Env) => LogLevel) | undefined;
  /** JSON log lines (a service) instead of readable ones (a person at a terminal). */
  readonly jsonLogs?: ((env: Env) => boolean) | undefined;
  /** Returns the exit code. */
  run(ctx: CliContext): Promise<number>;
}

/** A mistake in how the CLI was called: exit code 2, with the usage line. */
export class UsageError extends UserError {
  override get name(): string {
    return 'UsageError';
  }
}

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Runs `paperpulse <command> …`. Never throws: every failure becomes one line on stderr and an exit code
 * (0 success, 1 runtime failure, 2 usage error).
 */
export async function runCli(argv: readonly string[], io: CliIo, commands: readonly CliCommand[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(generalHelp(commands));
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`paperpulse: unknown command "${name}"; run paperpulse --help for the list\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  let args: CliArgs;
  try {
    const parsed = parseArgs({
      args: [...rest],
      options: command.options ?? {},
      allowPositionals: true,
      strict: true,
    });
    args = { values: parsed.values as CliArgs['values'], positionals: parsed.positionals };
    const { min, max } = command.positionals ?? { min: 0, max: 0 };
    if (args.positionals.length < min) throw new UsageError('missing argument');
    if (args.positionals.length > max) throw new UsageError(`unexpected argument "${args.positionals[max]}"`);
  } catch (err) {
    io.stderr.write(`paperpulse ${name}: ${usageMessage(err)}\nusage: ${command.usage}\n`);
    return EXIT.usage;
  }

  let config: CoreConfig;
  try {
    config = loadConfig(io.env);
  } catch (err) {
    io.stderr.write(`paperpulse: ${describeError(err)}\n`);
    return EXIT.failure;
  }
  const fallbackLevel =
    typeof command.defaultLogLevel === 'function' ? command.defaultLogLevel(io.env) : command.defaultLogLevel;
  const log = createLogger(config.logLevel ?? fallbackLevel ?? 'warn', { human: !command.jsonLogs?.(io.env) });
  let services: PaperServices | undefined;
  const ctx: CliContext = {
    args,
    io,
    config,
    log,
    services: async () => {
      services ??= await openPaperServices({ config, log });
      return services;
    },
  };
  try {
    return await command.run(ctx);
  } catch (err) {
    const usage = err instanceof UsageError || (err instanceof UserError && err.code === 'INVALID_ARGUMENT');
    io.stderr.write(`paperpulse ${name}: ${describeError(err)}\n${usage ? `usage: ${command.usage}\n` : ''}`);
    if (!(err instanceof BotError)) log.debug({ err }, 'command failed');
    return usage ? EXIT.usage : EXIT.failure;
  } finally {
    await services?.database.close();
  }
}

function usageMessage(err: unknown): string {
  if (err instanceof UsageError) return err.message;
  // node:util parseArgs errors: "Unknown option '--x'. …" → keep the first sentence.
  const message = err instanceof Error ? err.message : String(err);
  return message.split(/\.\s/)[0]!.replace(/\.$/, '');
}

function generalHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'PaperPulse: Hugging Face Daily Papers in your team chat.',
    '',
    'usage: paperpulse <command> [options]   (paperpulse <command> --help for details)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Configuration comes from the environment (see .env.example). Exit codes: 0 ok, 1 failure, 2 usage error.',
    '',
  ].join('\n');
}

function commandHelp(command: CliCommand): string {
  return [`usage: ${command.usage}`, '', command.summary, ...(command.details ? ['', command.details] : []), ''].join(
    '\n',
  );
}

/** A validated integer option, or the default. */
export function intOption(
  values: CliArgs['values'],
  name: string,
  range: { min: number; max: number; default: number },
): number {
  const raw = values[name];
  if (raw === undefined) return range.default;
  const text = String(raw);
  if (!/^\d+$/.test(text) || Number(text) < range.min || Number(text) > range.max) {
    throw new UsageError(`--${name} must be a whole number from ${range.min} to ${range.max}, not "${text}"`);
  }
  return Number(text);
}

export function stringOption(values: CliArgs['values'], name: string): string | undefined {
  const raw = values[name];
  return typeof raw === 'string' ? raw : undefined;
}
