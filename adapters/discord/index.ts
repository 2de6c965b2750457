/**
 * The Discord adapter (issue 4): `/papers` slash commands and daily digests through discord.js. The composition
 * root (adapters/platforms.ts, adapters/main.ts) uses the two exports below; tests and benchmarks use
 * createDiscordAdapter with a local REST URL.
 */
import type { ChatPlatform, CliCommand, Env, Logger } from '../../src/index.js';
import { parseDiscordConfig } from './config.js';
import { createDiscordCliCommands } from './deploy-commands.js';
import { createDiscordAdapter } from './platform.js';

export { type DiscordConfig, parseDiscordConfig } from './config.js';
export { BOT_PERMISSIONS, createDiscordCliCommands, inviteUrl } from './deploy-commands.js';
export { createDiscordAdapter, type DiscordAdapterOptions, DiscordPlatform } from './platform.js';

/**
 * The Discord platform when DISCORD_TOKEN is set, else undefined.
 * @throws BotError CONFIG_INVALID naming the variable when the configuration is partial or malformed.
 */
export function createDiscordFromEnv(env: Env, log: Logger): ChatPlatform | undefined {
  const config = parseDiscordConfig(env);
  return config ? createDiscordAdapter(config, log) : undefined;
}

/** `paperpulse discord:deploy-commands`. */
export const discordCliCommands: CliCommand[] = createDiscordCliCommands();
