import type { CommandDefinition } from './definition.js';

export interface CommandRegistry {
  readonly list: readonly CommandDefinition[];
  get(name: string): CommandDefinition | undefined;
}

/** The `/papers` subcommands; a duplicate or malformed name is a programming error, caught at start. */
export function createCommandRegistry(defs: readonly CommandDefinition[]): CommandRegistry {
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
  return { list: [...byName.values()], get: (name) => byName.get(name.toLowerCase()) };
}
