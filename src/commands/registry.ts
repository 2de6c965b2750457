import { nearest } from '../text.js';
import type { ActionDefinition, CommandDefinition } from './definition.js';

export interface CommandRegistry {
  readonly list: readonly CommandDefinition[];
  get(name: string): CommandDefinition | undefined;
  /** The command name closest to a misspelled one, if any is close. */
  suggest(name: string): string | undefined;
  /** The button handler whose prefix starts this action id. */
  action(actionId: string): ActionDefinition | undefined;
}

/** The `/papers` subcommands and buttons; a duplicate or malformed name is a programming error, caught at start. */
export function createCommandRegistry(
  defs: readonly CommandDefinition[],
  actions: readonly ActionDefinition[] = [],
): CommandRegistry {
  const byName = new Map<string, CommandDefinition>();
  for (const def of defs) {
    if (!/^[a-z][a-z-]{0,31}$/.test(def.name)) throw new Error(`invalid command name "${def.name}"`);
    if (def.description.length > 100) throw new Error(`description of "${def.name}" is over 100 characters`);
    if (byName.has(def.name)) throw new Error(`duplicate command "${def.name}"`);
    const names = new Set<string>();
    for (const option of def.options) {
      if (names.has(option.name)) throw new Error(`duplicate option "${option.name}" in "${def.name}"`);
      if (option.description.length > 100)
        throw new Error(`option "${option.name}" of "${def.name}": description over 100 characters`);
      names.add(option.name);
    }
    byName.set(def.name, def);
  }
  for (const a of actions) {
    if (!/^[a-z][a-z-]*:$/.test(a.prefix)) throw new Error(`invalid action prefix "${a.prefix}"`);
    if (actions.filter((b) => b.prefix.startsWith(a.prefix)).length > 1) {
      throw new Error(`action prefix "${a.prefix}" is ambiguous`);
    }
  }
  return {
    list: [...byName.values()],
    get: (name) => byName.get(name.toLowerCase()),
    suggest: (name) => nearest(name.toLowerCase(), [...byName.keys()]),
    action: (actionId) => actions.find((a) => actionId.startsWith(a.prefix)),
  };
}
