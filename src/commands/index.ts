import type { CommandDefinition } from './definition.js';
import { digest } from './digest.js';
import { helpCommand } from './help.js';
import { paper } from './paper.js';
import { createCommandRegistry } from './registry.js';
import { search } from './search.js';
import { status } from './status.js';
import { subscribe, topicsCommand, unsubscribe } from './topics.js';
import { trending } from './trending.js';

/** Every `/papers` subcommand, in the order /papers help lists them. */
export function createPapersCommands() {
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
  return createCommandRegistry(defs);
}
