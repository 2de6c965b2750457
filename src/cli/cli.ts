/**
 * The `paperpulse` command line: one runner for every command. Arguments are checked before anything is opened or
 * loaded (a usage error costs no database), and the database is opened only by commands that ask for it.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import type { App } from '../app.js';
import type { CoreConfig, Env } from '../config.js';
import { BotError, describeError, UserError } from '../errors.js';
import type { Logger, LogLevel } from '../logger.js';
import type { PlatformRegistry } from '../ports/platform.js';
import { nearest } from '../text.js';
import { type Colors, colorsFor } from './colors.js';

/** Where the CLI reads and writes; the real process in production, buffers in tests. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean | undefined };
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
  /** Colours for output on a terminal (none when NO_COLOR is set or output is not a terminal). */
  readonly colors: Colors;
  /** The platforms this installation knows. */
  readonly platforms: PlatformRegistry;
  /** Opens the database (migrating it) and the core; closed by the runner when the command ends. */
  app(): Promise<App>;
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
  /**
   * A service (the bot): JSON log lines unless a person is at a terminal. Other commands are run by people and log
   * readable lines. LOG_FORMAT overrides both.
   */
  readonly service?: boolean | undefined;
  /**
   * A command that opens the database, answers and exits (a search, a list): with CliSetup.tuneRuntime, the embedded
   * database's WebAssembly then runs on V8's baseline compiler only (Liftoff). Optimizing PGlite's hot functions
   * (TurboFan) pays back in a bot that runs for days, not in a command that ends within a second: without it the
   * database opens ~30% faster and the process peaks ~45 MB lower. Not for the bot, the MCP server or bulk imports.
   */
  readonly brief?: boolean | undefined;
  /** Checks the arguments before anything is loaded or opened. @throws UsageError */
  validate?(args: CliArgs): void;
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

export interface CliSetup {
  readonly commands: readonly CliCommand[];
  readonly platforms: PlatformRegistry;
  /** `paperpulse --version`. */
  readonly version: string;
  /**
   * Process-wide runtime settings for `brief` commands (V8 flags): set by the executable (adapters/main.ts), never in
   * tests, which run many commands in one shared process.
   */
  readonly tuneRuntime?: boolean | undefined;
}

/**
 * Runs `paperpulse <command> …`. Never throws: every failure becomes one line on stderr and an exit code
 * (0 success, 1 runtime failure, 2 usage error).
 */
export async function runCli(argv: readonly string[], io: CliIo, setup: CliSetup): Promise<number> {
  const { commands } = setup;
  const colors = colorsFor(io.stdout, io.env);
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v' || name === 'version') {
    io.stdout.write(`paperpulse ${setup.version}\n`);
    return EXIT.ok;
  }
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    const command = topic ? commands.find((c) => c.name === topic) : undefined;
    io.stdout.write(command ? commandHelp(command, colors) : generalHelp(commands, setup.version, colors));
    return name ? EXIT.ok : EXIT.usage;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const near = nearest(
      name,
      commands.map((c) => c.name),
    );
    io.stderr.write(
      `paperpulse: unknown command "${name}"${near ? `; did you mean "${near}"?` : ''} (paperpulse --help lists them)\n`,
    );
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command, colors));
    return EXIT.ok;
  }
  let args: CliArgs;
  try {
    args = parseCommandArgs(command, rest);
    command.validate?.(args);
  } catch (err) {
    io.stderr.write(`paperpulse ${name}: ${usageMessage(err, command)}\nusage: ${command.usage}\n`);
    return EXIT.usage;
  }

  // Only now is anything loaded: the configuration, the logger, and (when the command asks) the database.
  // V8 reads the flag when it compiles a WebAssembly module: PGlite's is compiled when the database opens, later.
  if (setup.tuneRuntime && command.brief) setFlagsFromString('--liftoff-only');
  const [{ loadConfig }, { createLogger }] = await Promise.all([import('../config.js'), import('../logger.js')]);
  let config: CoreConfig;
  try {
    config = loadConfig(io.env);
  } catch (err) {
    io.stderr.write(`paperpulse: ${describeError(err)}\n`);
    return EXIT.failure;
  }
  const fallbackLevel =
    typeof command.defaultLogLevel === 'function' ? command.defaultLogLevel(io.env) : command.defaultLogLevel;
  const terminal = io.stderr.isTTY === true || io.stdout.isTTY === true;
  const human = config.logFormat ? config.logFormat === 'pretty' : !command.service || terminal;
  const log = createLogger(config.logLevel ?? fallbackLevel ?? 'warn', {
    human,
    write: (line) => io.stderr.write(`${line}\n`),
  });
  let app: Promise<App> | undefined;
  const ctx: CliContext = {
    args,
    io,
    config,
    log,
    colors,
    platforms: setup.platforms,
    app: () => {
      app ??= import('../app.js').then(({ openApp }) => openApp({ config, log }));
      return app;
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
    if (app) await (await app.catch(() => undefined))?.close();
  }
}

/** Parses and counts a command's arguments. @throws UsageError */
function parseCommandArgs(command: CliCommand, rest: readonly string[]): CliArgs {
  const parsed = parseArgs({ args: [...rest], options: command.options ?? {}, allowPositionals: true, strict: true });
  const args = { values: parsed.values as CliArgs['values'], positionals: parsed.positionals };
  const { min, max } = command.positionals ?? { min: 0, max: 0 };
  if (args.positionals.length < min) throw new UsageError('missing argument');
  if (args.positionals.length > max) throw new UsageError(`unexpected argument "${args.positionals[max]}"`);
  return args;
}

function usageMessage(err: unknown, command: CliCommand): string {
  if (err instanceof UsageError) return err.message;
  const code = (err as { code?: string }).code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'(-{1,2}[^']+)'/.exec(message)?.[1] ?? '';
    const near = nearest(given.replace(/^-+/, ''), Object.keys(command.options ?? {}));
    return `unknown option ${given}${near ? `; did you mean --${near}?` : ''}`;
  }
  // node:util parseArgs errors: "Option '--limit <value>' argument missing. …" → keep the first sentence.
  return message.split(/\.\s/)[0]!.replace(/\.$/, '');
}

function generalHelp(commands: readonly CliCommand[], version: string, c: Colors): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    `${c.bold('PaperPulse')} ${version}: Hugging Face Daily Papers in your team chat.`,
    '',
    `usage: paperpulse <command> [options]   (paperpulse <command> --help for details)`,
    '',
    ...commands.map((command) => `  ${c.cyan(command.name.padEnd(width))}  ${command.summary}`),
    '',
    'Configuration comes from the environment and ./.env (see .env.example). Exit codes: 0 ok, 1 failure, 2 usage error.',
    '',
  ].join('\n');
}

function commandHelp(command: CliCommand, c: Colors): string {
  return [
    `usage: ${c.bold(command.usage)}`,
    '',
    command.summary,
    ...(command.details ? ['', command.details] : []),
    '',
  ].join('\n');
}

/** A validated integer option, or the default. @throws UsageError */
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
