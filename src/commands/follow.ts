import { UserError } from '../errors.js';
import type { CommandDefinition } from './definition.js';
import { subscribe } from './topics.js';

/**
 * `/papers follow <author name>` and `/papers follow org <name>`: short forms of `/papers subscribe author:"…"` /
 * `org:"…"`; the topic is stored in search syntax, so /papers topics shows it and digests and alerts match it.
 */
export const follow: CommandDefinition = {
  name: 'follow',
  description: 'Follow an author or a Hugging Face organization (a topic)',
  usage: '/papers follow <author name> | follow org <name>',
  options: [
    {
      name: 'kind',
      type: 'string',
      description: 'author (default) or org',
      choices: ['author', 'org'],
    },
    {
      name: 'name',
      type: 'string',
      description: 'The author\'s name ("Tri Dao") or the organization (nvidia)',
      required: true,
      rest: true,
      maxLength: 100,
    },
  ],
  managerOnly: () => true,
  async execute(ctx) {
    const kind = ctx.args.kind === 'org' ? 'org' : 'author';
    const name = String(ctx.args.name ?? '')
      .replace(/"/g, '')
      .replace(/\s+/g, ' ')
      .trim();
    if (!/[\p{L}\p{N}]/u.test(name)) {
      throw new UserError(
        kind === 'org'
          ? 'Name the organization to follow, e.g. /papers follow org nvidia.'
          : 'Name the author to follow, e.g. /papers follow Tri Dao.',
        { usage: follow.usage },
      );
    }
    return subscribe.execute({ ...ctx, args: { topic: `${kind}:"${name}"` } });
  },
};
