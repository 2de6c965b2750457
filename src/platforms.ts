/**
 * The platform registry: which chat platforms this installation knows, and which of them the environment turns on.
 */
import type { Env } from './config.js';
import type { PlatformName } from './domain/channel.js';
import type { PlatformModule, PlatformRegistry } from './ports/platform.js';

/** An empty registry: platforms are registered on it (the built-in ones, a test platform, a third-party adapter). */
export function createPlatformRegistry(): PlatformRegistry {
  const byName = new Map<PlatformName, PlatformModule<unknown>>();
  const registry: PlatformRegistry = {
    register<C>(module: PlatformModule<C>) {
      if (!/^[a-z][a-z0-9_-]{0,31}$/.test(module.name)) throw new Error(`invalid platform name "${module.name}"`);
      if (byName.has(module.name)) throw new Error(`platform "${module.name}" is registered twice`);
      byName.set(module.name, module as unknown as PlatformModule<unknown>);
    },
    get: (name) => byName.get(name),
    list: () => [...byName.values()],
  };
  return registry;
}

/** One platform's verdict: on (with its configuration) or off, and why. */
export interface PlatformChoice {
  readonly module: PlatformModule<unknown>;
  readonly on: boolean;
  readonly config?: unknown;
  /** Why it is off ("DISCORD_TOKEN not set"), or why it is on when that is not obvious ("no chat platform set"). */
  readonly reason: string | undefined;
}

/**
 * Which platforms `env` turns on: every one whose variables are set, and the fallback (the console) when none is.
 * Every platform's configuration is checked before any is created, so a mistake in one stops the start with its line.
 *
 * @throws BotError CONFIG_INVALID naming the variable at fault.
 */
export async function choosePlatforms(registry: PlatformRegistry, env: Env): Promise<PlatformChoice[]> {
  const choices = await Promise.all(
    registry.list().map(async (module): Promise<PlatformChoice> => {
      if (module.fallback) return { module, on: false, reason: undefined };
      const setup = await module.configure(env);
      return setup.on
        ? { module, on: true, config: setup.config, reason: undefined }
        : { module, on: false, reason: setup.reason };
    }),
  );
  const anyOn = choices.some((c) => c.on);
  return Promise.all(
    choices.map(async (choice) => {
      if (!choice.module.fallback) return choice;
      if (anyOn) return { ...choice, reason: 'a chat platform is on' };
      const setup = await choice.module.configure(env);
      return setup.on
        ? { module: choice.module, on: true, config: setup.config, reason: 'no chat platform is configured' }
        : { module: choice.module, on: false, reason: setup.reason };
    }),
  );
}

/** "discord: off (DISCORD_TOKEN not set) · slack: on" */
export function describeChoices(choices: readonly PlatformChoice[]): string {
  return choices.map((c) => `${c.module.name}: ${c.on ? 'on' : 'off'}${c.reason ? ` (${c.reason})` : ''}`).join(' · ');
}
