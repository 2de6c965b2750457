import type { CommandDefinition } from './definition.js';
import { digest } from './digest.js';
import { helpCommand } from './help.js';
import { paper } from './paper.js';
import { type CommandRegistry, createCommandRegistry } from './registry.js';
import { moreAction, search } from './search.js';
import { status } from './status.js';
import { subscribe, topicsCommand, unsubscribe } from './topics.js';
import { trending } from './trending.js';

/** Every `/papers` subcommand, in the order /papers help lists them, and every button. */
export function createPapersCommands(): CommandRegistry {
  const defs: CommandDefinition[] = [];
  defs.push(
    helpCommand(() => defs),
    trending,
    search,
    paper,
    topicsCommand,
    subscribe,
    unsubscribe,
    digest,
    status,
  );
  return createCommandRegistry(defs, [moreAction]);
}
