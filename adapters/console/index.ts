/**
 * The console adapter: the terminal as one chat channel, what runs when no chat platform is configured. This file
 * is what the registry loads; it is light, and loads the rest when the console is created.
 */
import type { PlatformModule, PlatformTraits } from '../../src/index.js';
import type { ConsoleAdapterConfig } from './config.js';

export const CONSOLE_TRAITS: PlatformTraits = {
  managers: 'the person at the terminal',
  // "more" works as long as the session lasts; an hour is plenty.
  buttonTtlMs: 60 * 60_000,
  threads: false,
  implicitChannels: true,
};

export const consoleModule: PlatformModule<ConsoleAdapterConfig> = {
  name: 'console',
  traits: CONSOLE_TRAITS,
  fallback: true,
  async configure(env) {
    const { parseConsoleConfig } = await import('./config.js');
    return { on: true, config: parseConsoleConfig(env) };
  },
  async create(config, context) {
    const { ConsolePlatform } = await import('./platform.js');
    const { consoleStyle } = await import('./render.js');
    return new ConsolePlatform(config, context, CONSOLE_TRAITS, {
      style: consoleStyle(context.io.stdout, config.colorEnv),
    });
  },
};
