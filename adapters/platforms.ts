/**
 * Which platforms run: Discord and Slack when their variables are set (both may run at once), else the console.
 */
import type { ChatPlatform, Database, Env, Logger } from '../src/index.js';
import { type ConsolePlatform, createConsoleAdapter } from './console/index.js';
import { createDiscordFromEnv } from './discord/index.js';
import { createSlackFromEnv } from './slack/index.js';

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
export function createPlatforms(env: Env, io: PlatformIo, log: Logger, database: Database): PlatformSet {
  const platforms: ChatPlatform[] = [];
  const discord = createDiscordFromEnv(env, log.child({ platform: 'discord' }));
  if (discord) platforms.push(discord);
  const slack = createSlackFromEnv(env, log.child({ platform: 'slack' }), database);
  if (slack) platforms.push(slack);
  if (platforms.length > 0) return { platforms, console: undefined };
  const consolePlatform = createConsoleAdapter({
    input: io.stdin,
    output: io.stdout,
    interactive: io.stdin.isTTY === true,
    userName: env.USER,
  });
  return { platforms: [consolePlatform], console: consolePlatform };
}
