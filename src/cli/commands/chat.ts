/**
 * CLI commands that are `/papers` commands: the same command code as in chat, run through the same dispatcher, with
 * the neutral message printed as text, or the command's data as JSON (`--json`).
 */
import { createPapersCommands } from '../../commands/index.js';
import { parseArgs } from '../../commands/parse.js';
import type { ChannelRef } from '../../domain/channel.js';
import { UserError } from '../../errors.js';
import { toPlainText } from '../../messages/plain-text.js';
import type { OptionValue } from '../../ports/commands.js';
import { type CliArgs, type CliCommand, type CliOptions, EXIT, UsageError } from '../cli.js';
import { styleOf } from '../colors.js';

/** The channel CLI commands run in: settings commands are not offered here, so nothing is ever stored for it. */
export const CLI_CHANNEL: ChannelRef = { platform: 'cli', address: 'local' };

export interface ChatCommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly details?: string | undefined;
  readonly options?: CliOptions | undefined;
  readonly positionals?: { readonly min: number; readonly max: number } | undefined;
  /** The `/papers` subcommand it runs. */
  readonly command: string;
  /** The subcommand's option values from the command-line arguments. @throws UsageError */
  values(args: CliArgs): Record<string, OptionValue | undefined>;
  /** What `--json` prints, from the command's data. */
  json(data: unknown): unknown;
  /**
   * Checks the values as the subcommand will (a search query's filters, a paper id), so that a mistake is a usage
   * error before the database is opened. @throws UserError
   */
  check?(values: Record<string, OptionValue | undefined>): void;
}

/** A CLI command that runs a `/papers` command. */
export function chatCommand(spec: ChatCommandSpec): CliCommand {
  const values = (args: CliArgs) =>
    Object.fromEntries(Object.entries(spec.values(args)).filter(([, v]) => v !== undefined));
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    details: spec.details,
    options: { ...spec.options, json: { type: 'boolean' } },
    positionals: spec.positionals,
    brief: true,
    validate(args) {
      const def = createPapersCommands().get(spec.command)!;
      try {
        const given = values(args);
        parseArgs(def, { kind: 'options', values: given });
        spec.check?.(given);
      } catch (err) {
        if (err instanceof UserError) throw new UsageError(err.message);
        throw err;
      }
    },
    async run(ctx) {
      const app = await ctx.app();
      const user = ctx.io.env.USER ?? 'cli';
      const result = await app.dispatcher([]).dispatch({
        input: { kind: 'options', command: spec.command, values: values(ctx.args) },
        channel: CLI_CHANNEL,
        user: { id: user, displayName: user },
        isManager: async () => true,
      });
      if (!result.ok) {
        const problem = result.error?.message ?? result.message.text;
        ctx.io.stderr.write(`paperpulse ${spec.name}: ${problem}\n`);
        if (result.error?.code === 'INVALID_ARGUMENT') {
          ctx.io.stderr.write(`usage: ${spec.usage}\n`);
          return EXIT.usage;
        }
        return EXIT.failure;
      }
      if (ctx.args.values.json === true) {
        ctx.io.stdout.write(`${JSON.stringify(spec.json(result.data), null, 2)}\n`);
      } else {
        ctx.io.stdout.write(`${toPlainText(result.message.blocks, styleOf(ctx.colors))}\n`);
      }
      return EXIT.ok;
    },
  };
}
