import type { CommandDefinition } from './definition.js';
import { digest } from './digest.js';
import { feed } from './feed.js';
import { follow } from './follow.js';
import { helpCommand } from './help.js';
import { paper } from './paper.js';
import { type CommandRegistry, createCommandRegistry } from './registry.js';
import { rising } from './rising.js';
import { save, saveAction } from './save.js';
import { saved, savedClearAction, savedPageAction, unsaveAction } from './saved.js';
import { moreAction, search } from './search.js';
import { similar, similarAction } from './similar.js';
import { status } from './status.js';
import { subscribe, topicsCommand, unsubscribe } from './topics.js';
import { trending } from './trending.js';
import { vote, voteAction } from './vote.js';

/** Every `/papers` subcommand, in the order /papers help lists them, and every button. */
export function createPapersCommands(): CommandRegistry {
  const defs: CommandDefinition[] = [];
  defs.push(
    helpCommand(() => defs),
    trending,
    rising,
    search,
    paper,
    similar,
    topicsCommand,
    subscribe,
    unsubscribe,
    follow,
    digest,
    status,
    feed,
  );
  // Issue 14: reading lists and votes.
  defs.push(save, saved, vote);
  return createCommandRegistry(defs, [
    moreAction,
    similarAction,
    saveAction,
    unsaveAction,
    savedPageAction,
    savedClearAction,
    voteAction,
  ]);
}
