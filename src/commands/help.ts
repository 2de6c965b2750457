import { message } from '../messages/plain-text.js';
import { type CommandDefinition, never, publicOption } from './definition.js';

/** `/papers help`, generated from the registry so it never drifts from the commands. */
export function helpCommand(all: () => readonly CommandDefinition[]): CommandDefinition {
  return {
    name: 'help',
    description: 'What PaperPulse can do, and how to ask',
    usage: '/papers help [public]',
    options: [publicOption],
    managerOnly: never,
    async execute() {
      const lines = all().map((d) => `${d.usage}\n    ${d.description}`);
      return message([
        { type: 'heading', text: 'PaperPulse: Hugging Face Daily Papers in this channel' },
        { type: 'text', text: lines.join('\n') },
        {
          type: 'text',
          text: 'Answers are shown only to you; add “public” at the end to show one to everyone. subscribe, unsubscribe and digest settings are for channel managers.',
        },
      ]);
    },
  };
}
