/**
 * The Discord adapter: `/papers` slash commands and digests through discord.js. This file is what the registry
 * loads; it is light, and loads discord.js only when the platform is created (it costs ~35 MB of memory a console
 * or Slack-only process does not need).
 */
import type { PlatformModule, PlatformTraits } from '../../src/index.js';
import { discordGuildId } from './address.js';
import type { DiscordAdapterConfig } from './config.js';

export const DISCORD_TRAITS: PlatformTraits = {
  managers: 'members with the Manage Channels or Manage Server permission',
  // Interaction tokens are valid for 15 minutes (discord-api-docs, receiving-and-responding.mdx).
  buttonTtlMs: 15 * 60_000,
  threads: true,
  groupOf: discordGuildId,
};

export const discordModule: PlatformModule<DiscordAdapterConfig> = {
  name: 'discord',
  traits: DISCORD_TRAITS,
  async configure(env) {
    const { parseDiscordConfig } = await import('./config.js');
    const config = parseDiscordConfig(env);
    return config ? { on: true, config } : { on: false, reason: 'DISCORD_TOKEN not set' };
  },
  async create(config, context) {
    const { DiscordPlatform } = await import('./platform.js');
    return new DiscordPlatform(config, context, DISCORD_TRAITS);
  },
};
