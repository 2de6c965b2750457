/**
 * `paperpulse saved [export | <page>] --user <platform:user id>`: one user's reading list on the command line, run
 * through the same `/papers saved` code as in chat. `export` prints the BibTeX file itself, for `> papers.bib`.
 * Whoever runs the CLI has the database, and so every list: this is the operator's tool.
 */
import { parseChannelKey } from '../../domain/channel.js';
import { toPlainText } from '../../messages/plain-text.js';
import { type CliCommand, EXIT, stringOption, UsageError } from '../cli.js';
import { styleOf } from '../colors.js';

const USAGE = 'paperpulse saved [export | <page>] --user <platform:user id> [--json]';

function userOf(value: string | undefined): { platform: string; id: string } {
  const ref = value ? parseChannelKey(value) : undefined;
  if (!ref) throw new UsageError('--user is the platform and the user id, e.g. --user slack:U0123 or discord:4000…');
  return { platform: ref.platform, id: ref.address };
}

export const savedCommand: CliCommand = {
  name: 'saved',
  summary: "Print a user's reading list, or export it as BibTeX (--user platform:id)",
  usage: USAGE,
  details:
    'Examples:\n  paperpulse saved --user slack:U0123\n  paperpulse saved export --user discord:4000000000000000001 > papers.bib',
  options: { user: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 0, max: 1 },
  brief: true,
  validate(args) {
    userOf(stringOption(args.values, 'user'));
    const what = args.positionals[0];
    if (what !== undefined && what !== 'export' && !/^\d{1,6}$/.test(what)) {
      throw new UsageError(`saved takes export or a page number, not "${what}"`);
    }
  },
  async run(ctx) {
    const user = userOf(stringOption(ctx.args.values, 'user'));
    const app = await ctx.app();
    const result = await app.dispatcher([]).dispatch({
      input: { kind: 'options', command: 'saved', values: { action: ctx.args.positionals[0] ?? '' } },
      channel: { platform: user.platform, address: 'cli' },
      user: { id: user.id, displayName: user.id },
      isManager: async () => false,
    });
    if (!result.ok) {
      ctx.io.stderr.write(`paperpulse saved: ${result.error?.message ?? result.message.text}\n`);
      return result.error?.code === 'INVALID_ARGUMENT' ? EXIT.usage : EXIT.failure;
    }
    const file = result.message.file;
    if (file) {
      ctx.io.stdout.write(file.content);
      ctx.io.stderr.write(`${toPlainText(result.message.blocks)}\n`);
    } else if (ctx.args.values.json === true) {
      ctx.io.stdout.write(`${JSON.stringify(result.data ?? {}, null, 2)}\n`);
    } else {
      ctx.io.stdout.write(`${toPlainText(result.message.blocks, styleOf(ctx.colors))}\n`);
    }
    return EXIT.ok;
  },
};
