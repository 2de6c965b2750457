import { UserError } from '../errors.js';
import { message } from '../messages/plain-text.js';
import { nearest } from '../text.js';
import { type CommandDefinition, never, publicOption } from './definition.js';
import { quote } from './parse.js';

/** `/papers help [command]`, generated from the registry so it never drifts from the commands. */
export function helpCommand(all: () => readonly CommandDefinition[]): CommandDefinition {
  const help: CommandDefinition = {
    name: 'help',
    description: 'What PaperPulse can do, and how to ask; or one command in detail',
    usage: '/papers help [command] [public]',
    options: [
      { name: 'command', type: 'string', description: 'A command to explain, e.g. search', maxLength: 40 },
      publicOption,
    ],
    managerOnly: never,
    async execute({ args }) {
      const wanted = typeof args.command === 'string' ? args.command.toLowerCase().replace(/^\/?papers\s+/, '') : '';
      if (wanted) {
        const def = all().find((d) => d.name === wanted);
        if (!def) {
          const near = nearest(
            wanted,
            all().map((d) => d.name),
          );
          throw new UserError(
            `${quote(wanted)} is not a /papers command${near ? ` (did you mean ${near}?)` : ''}; /papers help lists them all.`,
          );
        }
        const options = def.options
          .filter((o) => o.name !== 'public' && !o.cliOnly)
          .map((o) => `  ${o.name}${o.required ? '' : ' (optional)'}: ${o.description}`);
        return message([
          { type: 'heading', text: `/papers ${def.name}` },
          { type: 'text', text: [def.description, '', `Usage: ${def.usage}`, ...options].join('\n') },
        ]);
      }
      // One line a command, so the overview fits one Discord message (2,000 characters); help <command> has the usage.
      const lines = all().map((d) => `/papers ${d.name} — ${d.description}`);
      return message([
        { type: 'heading', text: 'PaperPulse: Hugging Face Daily Papers in this channel' },
        { type: 'text', text: lines.join('\n') },
        {
          type: 'text',
          text: 'Answers are shown only to you; add “public” at the end to show one to everyone. subscribe, unsubscribe and digest settings are for channel managers. /papers help <command> explains one command.',
        },
      ]);
    },
  };
  return help;
}
