// PLACEHOLDER, to be replaced by the Discord adapter (issue 4): the composition root's seam for it.
import type { ChatPlatform, CliCommand, Env, Logger } from '../../src/index.js';

/** The Discord platform when DISCORD_TOKEN is set, else undefined. @throws BotError CONFIG_INVALID */
export function createDiscordFromEnv(_env: Env, _log: Logger): ChatPlatform | undefined {
  return undefined;
}

/** `paperpulse discord:deploy-commands`. */
export const discordCliCommands: CliCommand[] = [];
