/**
 * `/papers saved [page | remove <n|id> | export | clear]`: the caller's own reading list, always answered to the
 * caller only. Every read and write is keyed by the caller (platform + user id), and so are the buttons (Remove,
 * pages, the erase confirmation): a button pressed by someone else, or a forged id, acts on the presser's own list.
 */
import { toBibtex } from '../domain/bibtex.js';
import { paperUrl, parsePaperRef } from '../domain/paper.js';
import { UserError } from '../errors.js';
import type { Action, Block } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import { SAVED_CLEAR_PREFIX, SAVED_PAGE_PREFIX, UNSAVE_PREFIX } from '../messages/reading-actions.js';
import type { ActionInvocation, CommandInvocation } from '../ports/commands.js';
import type { PlatformTraits } from '../ports/platform.js';
import { userKey } from '../ports/reading.js';
import {
  type ActionDefinition,
  type CommandDefinition,
  type CommandOutput,
  type CoreServices,
  never,
} from './definition.js';
import { quote } from './parse.js';

/** Papers a page of the list shows. */
export const SAVED_PAGE_SIZE = 10;
export const BIBTEX_FILE = 'papers.bib';

const USAGE = '/papers saved [page] | saved remove <n | arXiv id> | saved export | saved clear';

export const saved: CommandDefinition = {
  name: 'saved',
  description: 'Your reading list (only you see it): pages, remove <n|id>, export (BibTeX), clear',
  usage: USAGE,
  options: [
    {
      name: 'action',
      type: 'string',
      description: 'A page number, remove <n | arXiv id>, export or clear',
      rest: true,
      maxLength: 300,
    },
  ],
  managerOnly: never,
  async execute({ args, invocation, services, platform, now }) {
    const words = (typeof args.action === 'string' ? args.action.trim() : '').split(/\s+/).filter(Boolean);
    const [verb = '', ...rest] = words;
    const user = ownerOf(invocation);
    const lower = verb.toLowerCase();
    if (lower === '' || /^\d{1,6}$/.test(verb)) {
      if (rest.length > 0)
        throw new UserError(`saved takes one page number, not ${quote(words.join(' '))}.`, { usage: USAGE });
      return privately(await page(services, user, lower === '' ? 1 : Number(verb)));
    }
    if (lower === 'remove') return privately(await remove(services, user, rest.join(' ')));
    if (lower === 'export') {
      if (rest.length > 0) throw new UserError('saved export takes no value.', { usage: USAGE });
      return privately(await exportList(services, user));
    }
    if (lower === 'clear') {
      if (rest.length === 1 && rest[0]!.toLowerCase() === 'confirm') return privately(await clear(services, user));
      if (rest.length > 0)
        throw new UserError(`saved clear takes no value, not ${quote(rest.join(' '))}.`, { usage: USAGE });
      return privately(await askToClear(services, user, platform, now));
    }
    throw new UserError(`${quote(verb)} is not something /papers saved does.`, { usage: USAGE });
  },
};

const privately = (output: CommandOutput): CommandOutput =>
  'blocks' in output ? { message: output, ephemeral: true } : { ...output, ephemeral: true };

/** The caller's list key: their platform user id, never anything from the input. */
function ownerOf(invocation: CommandInvocation | ActionInvocation): string {
  return userKey(invocation.channel.platform, invocation.user.id);
}

async function page(services: CoreServices, user: string, n: number): Promise<CommandOutput> {
  const total = await services.readingLists.count(user);
  if (total === 0) {
    return message([
      { type: 'heading', text: 'Your reading list' },
      { type: 'text', text: 'Your list is empty. Save a paper with its Save button or /papers save <arXiv id>.' },
    ]);
  }
  const pages = Math.ceil(total / SAVED_PAGE_SIZE);
  if (n < 1 || n > pages) {
    throw new UserError(`Your list has ${pages} page${pages === 1 ? '' : 's'}; there is no page ${n}.`, {
      usage: USAGE,
    });
  }
  const offset = (n - 1) * SAVED_PAGE_SIZE;
  const entries = await services.readingLists.list(user, { limit: SAVED_PAGE_SIZE, offset });
  const lines = entries.map(
    (e, i) =>
      `${offset + i + 1}. ${e.paper.title}\n   ${paperUrl(e.paper.id)} · arXiv ${e.paper.id} · saved ${e.savedAt.toISOString().slice(0, 10)}`,
  );
  const blocks: Block[] = [
    {
      type: 'heading',
      text: `Your reading list · ${total} paper${total === 1 ? '' : 's'}${pages > 1 ? ` · page ${n} of ${pages}` : ''}`,
    },
    { type: 'text', text: lines.join('\n') },
    {
      type: 'text',
      text: `Remove one with its button or /papers saved remove <n>; /papers saved export gives BibTeX.${n < pages ? ` Older: /papers saved ${n + 1}.` : ''}`,
    },
  ];
  const actions: Action[] = entries.map((e, i) => ({
    type: 'button',
    id: `${UNSAVE_PREFIX}${e.paper.id}`,
    label: `Remove ${offset + i + 1}`,
    command: `/papers saved remove ${e.paper.id}`,
  }));
  if (n > 1)
    actions.push({
      type: 'button',
      id: `${SAVED_PAGE_PREFIX}${n - 1}`,
      label: 'Newer',
      command: `/papers saved ${n - 1}`,
    });
  if (n < pages)
    actions.push({
      type: 'button',
      id: `${SAVED_PAGE_PREFIX}${n + 1}`,
      label: 'Older',
      command: `/papers saved ${n + 1}`,
    });
  return {
    message: message(blocks, actions),
    data: {
      total,
      page: n,
      pages,
      papers: entries.map((e) => ({ id: e.paper.id, title: e.paper.title, savedAt: e.savedAt.toISOString() })),
    },
  };
}

/** `remove <n>` (its place in the list, newest first) or `remove <arXiv id>`. */
async function remove(services: CoreServices, user: string, what: string): Promise<CommandOutput> {
  if (!what) throw new UserError('saved remove needs a number from /papers saved or an arXiv id.', { usage: USAGE });
  let paperId: string | undefined;
  let title: string | undefined;
  if (/^\d{1,6}$/.test(what)) {
    const n = Number(what);
    const [entry] = n >= 1 ? await services.readingLists.list(user, { limit: 1, offset: n - 1 }) : [];
    if (!entry) {
      const total = await services.readingLists.count(user);
      throw new UserError(
        total === 0
          ? 'Your list is empty.'
          : `Your list has ${total} paper${total === 1 ? '' : 's'}; there is no number ${n}.`,
        { usage: USAGE },
      );
    }
    paperId = entry.paper.id;
    title = entry.paper.title;
  } else {
    paperId = parsePaperRef(what);
    if (!paperId)
      throw new UserError(`${quote(what)} is not a number from /papers saved nor an arXiv id.`, { usage: USAGE });
  }
  return removeById(services, user, paperId, title);
}

async function removeById(
  services: CoreServices,
  user: string,
  paperId: string,
  known?: string,
): Promise<CommandOutput> {
  const title = known ?? (await services.papers.findById(paperId))?.title;
  const removed = await services.readingLists.remove(user, paperId);
  if (!removed)
    throw new UserError(`${title ? quote(title) : paperId} is not in your list (any more).`, { code: 'NOT_FOUND' });
  const left = await services.readingLists.count(user);
  return message([
    {
      type: 'text',
      text: `Removed ${title ? quote(title) : paperId} from your list (${left} paper${left === 1 ? '' : 's'} left).`,
    },
  ]);
}

async function exportList(services: CoreServices, user: string): Promise<CommandOutput> {
  const entries = await services.readingLists.all(user);
  if (entries.length === 0) return message([{ type: 'text', text: 'Your list is empty: nothing to export.' }]);
  const content = toBibtex(entries.map((e) => e.paper));
  const out = message([
    {
      type: 'text',
      text: `Your reading list as BibTeX: ${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} (${BIBTEX_FILE}).`,
    },
  ]);
  return {
    message: { ...out, file: { name: BIBTEX_FILE, content, mimeType: 'application/x-bibtex' } },
    data: { entries: entries.length, bibtex: content },
  };
}

async function askToClear(
  services: CoreServices,
  user: string,
  platform: PlatformTraits,
  now: Date,
): Promise<CommandOutput> {
  const total = await services.readingLists.count(user);
  if (total === 0) return message([{ type: 'text', text: 'Your list is already empty.' }]);
  const minutes = Math.round(platform.buttonTtlMs / 60_000);
  return message(
    [
      {
        type: 'note',
        tone: 'warning',
        text: `This erases all ${total} paper${total === 1 ? '' : 's'} of your reading list, and cannot be undone. Press Erase my list within ${minutes} minutes to confirm (or type /papers saved clear confirm).`,
      },
    ],
    [
      {
        type: 'button',
        id: `${SAVED_CLEAR_PREFIX}${now.getTime()}`,
        label: 'Erase my list',
        command: '/papers saved clear confirm',
      },
    ],
  );
}

async function clear(services: CoreServices, user: string): Promise<CommandOutput> {
  const erased = await services.readingLists.clear(user);
  return message([
    {
      type: 'text',
      text:
        erased === 0
          ? 'Your list was already empty.'
          : `Your reading list is erased (${erased} paper${erased === 1 ? '' : 's'}). Nothing of it is kept.`,
    },
  ]);
}

const STALE = 'That button is not one of mine any more; run the command again.';

/** A Remove button: `unsave:<arXiv id>`, from the presser's own list. */
export const unsaveAction: ActionDefinition = {
  prefix: UNSAVE_PREFIX,
  async run(rest, { invocation, services }) {
    const id = parsePaperRef(rest);
    if (!id) throw new UserError(STALE);
    return privately(await removeById(services, ownerOf(invocation), id));
  },
};

/** Newer / Older: `saved-page:<n>` of the presser's own list. */
export const savedPageAction: ActionDefinition = {
  prefix: SAVED_PAGE_PREFIX,
  async run(rest, { invocation, services }) {
    if (!/^\d{1,6}$/.test(rest)) throw new UserError(STALE);
    const user = ownerOf(invocation);
    const total = await services.readingLists.count(user);
    const pages = Math.max(1, Math.ceil(total / SAVED_PAGE_SIZE));
    return privately(await page(services, user, Math.min(Number(rest), pages)));
  },
};

/** Erase my list: `saved-clear:<when it was asked, ms>`, good for the platform's button lifetime. */
export const savedClearAction: ActionDefinition = {
  prefix: SAVED_CLEAR_PREFIX,
  async run(rest, { invocation, services, platform, now }) {
    if (!/^\d{1,15}$/.test(rest)) throw new UserError(STALE);
    const asked = Number(rest);
    if (asked > now.getTime() || now.getTime() - asked > platform.buttonTtlMs) {
      throw new UserError('This confirmation has expired; run /papers saved clear again.');
    }
    return privately(await clear(services, ownerOf(invocation)));
  },
};
