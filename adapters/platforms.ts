/**
 * Which platforms run: Discord and Slack when their variables are set (both may run at once), else the console.
 * An SDK is loaded only when its platform is configured: discord.js and Bolt cost ~35 and ~22 MB of memory that a
 * console or single-platform bot does not need.
 */
import type { ChatPlatform, Database, Env, Logger } from '../src/index.js';
import { type ConsolePlatform, createConsoleAdapter } from './console/index.js';
import { parseDiscordConfig } from './discord/config.js';
import { parseSlackConfig } from './slack/config.js';

export interface PlatformSet {
  readonly platforms: ChatPlatform[];
  /** Set when the console runs: first-start notices go to it. */
  readonly console: ConsolePlatform | undefined;
}

export interface PlatformIo {
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean | undefined };
  readonly stdout: { write(text: string): unknown };
}

/** Whether any chat platform is configured (then the bot logs JSON at info, like a service). */
export function hasChatTokens(env: Env): boolean {
  return Boolean(env.DISCORD_TOKEN?.trim() || env.SLACK_BOT_TOKEN?.trim() || env.SLACK_CLIENT_ID?.trim());
}

/**
 * The platforms configured in `env`, or the console when none is.
 * @throws BotError CONFIG_INVALID naming the variable at fault (e.g. DISCORD_TOKEN without DISCORD_APPLICATION_ID).
 */
export async function createPlatforms(env: Env, io: PlatformIo, log: Logger, database: Database): Promise<PlatformSet> {
  const platforms: ChatPlatform[] = [];
  // Both configurations are checked before either SDK loads: a mistake in either stops the start with its line.
  const discordConfig = parseDiscordConfig(env);
  const slackConfig = parseSlackConfig(env);
  if (discordConfig) {
    const { createDiscordAdapter } = await import('./discord/platform.js');
    platforms.push(createDiscordAdapter(discordConfig, log.child({ platform: 'discord' })));
  }
  if (slackConfig) {
    const { createSlackAdapter } = await import('./slack/index.js');
    platforms.push(createSlackAdapter(slackConfig, log.child({ platform: 'slack' }), database));
  }
  if (platforms.length > 0) return { platforms, console: undefined };
  const consolePlatform = createConsoleAdapter({
    input: io.stdin,
    output: io.stdout,
    interactive: io.stdin.isTTY === true,
    userName: env.USER,
  });
  return { platforms: [consolePlatform], console: consolePlatform };
}
