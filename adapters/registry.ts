/**
 * The platforms this installation knows, loaded by name: each adapter's index.ts is light, and its SDK loads only
 * when the environment turns it on. A new platform is a folder beside these and one line here.
 */
import { type CliCommand, createPlatformRegistry, type PlatformRegistry } from '../src/index.js';
import { consoleModule } from './console/index.js';
import { discordCliCommands } from './discord/deploy-commands.js';
import { discordModule } from './discord/index.js';
import { slackModule } from './slack/index.js';
import { slackManifestCommand } from './slack/manifest.js';

/** A registry of the built-in platforms; tests register more on it. */
export function builtinPlatforms(): PlatformRegistry {
  const registry = createPlatformRegistry();
  registry.register(discordModule);
  registry.register(slackModule);
  registry.register(consoleModule);
  return registry;
}

/** The platforms' own `paperpulse` commands. */
export const platformCliCommands: readonly CliCommand[] = [...discordCliCommands, slackManifestCommand];
