/** `/papers save <id|URL>` and the Save button on every card: the paper goes to the caller's own reading list. */

import type { ChannelRef } from '../domain/channel.js';
import { parsePaperRef } from '../domain/paper.js';
import { UserError } from '../errors.js';
import { message } from '../messages/plain-text.js';
import { SAVE_PREFIX } from '../messages/reading-actions.js';
import type { ChatUser } from '../ports/commands.js';
import { userKey } from '../ports/reading.js';
import { type ActionDefinition, type CommandDefinition, type CoreServices, never } from './definition.js';
import { lookUpPaper, paperIdFrom } from './paper-ref.js';
import { quote } from './parse.js';

/** The most papers one reading list holds. */
export const MAX_SAVED = 5_000;

export const save: CommandDefinition = {
  name: 'save',
  description: 'Save a paper to your own reading list (only you see it)',
  usage: '/papers save <arXiv id | arxiv.org or huggingface.co URL>',
  options: [
    { name: 'id', type: 'string', description: 'arXiv id (2410.17243) or paper URL', required: true, maxLength: 300 },
  ],
  managerOnly: never,
  async execute({ args, invocation, services, now }) {
    const id = paperIdFrom(String(args.id), save.usage);
    const found = await lookUpPaper(services, id);
    return {
      message: await saveFor(services, invocation.user, invocation.channel, found.id, found.title, now),
      ephemeral: true,
    };
  },
};

async function saveFor(
  services: CoreServices,
  user: ChatUser,
  channel: ChannelRef,
  paperId: string,
  title: string,
  now: Date,
) {
  const key = userKey(channel.platform, user.id);
  const count = await services.readingLists.count(key);
  if (count >= MAX_SAVED) {
    throw new UserError(`Your reading list is full (${MAX_SAVED} papers); remove some with /papers saved remove.`);
  }
  const added = await services.readingLists.save(key, paperId, channel, now);
  if (!added) return message([{ type: 'text', text: `${quote(title)} is already in your list.` }]);
  return message([
    {
      type: 'text',
      text: `Saved ${quote(title)} to your reading list (${count + 1} paper${count === 0 ? '' : 's'}). /papers saved shows it; only you can see it.`,
    },
  ]);
}

/** The Save button: its id is `save:<arXiv id>`; the presser saves to their own list. */
export const saveAction: ActionDefinition = {
  prefix: SAVE_PREFIX,
  async run(rest, { invocation, services, now }) {
    const id = parsePaperRef(rest);
    if (!id) throw new UserError('That button is not one of mine any more; run the command again.');
    const paper = await services.papers.findById(id);
    if (!paper) throw new UserError(`Paper ${id} is no longer in the archive; /papers save ${id} fetches it again.`);
    return {
      message: await saveFor(services, invocation.user, invocation.channel, paper.id, paper.title, now),
      ephemeral: true,
    };
  },
};
