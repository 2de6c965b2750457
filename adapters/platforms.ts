/**
 * Which platforms run: Discord and Slack when their variables are set (both may run at once), else the console.
 */
import type { ChatPlatform, Env, Logger } from '../src/index.js';
import { type ConsolePlatform, createConsoleAdapter } from './console/index.js';

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
  return Boolean(env.DISCORD_TOKEN?.trim() || env.SLACK_BOT_TOKEN?.trim());
}

/** The platforms configured in `env`; the console when none is. @throws BotError CONFIG_INVALID */
export function createPlatforms(env: Env, io: PlatformIo, _log: Logger): PlatformSet {
  const platforms: ChatPlatform[] = [];
  if (platforms.length > 0) return { platforms, console: undefined };
  const consolePlatform = createConsoleAdapter({
    input: io.stdin,
    output: io.stdout,
    interactive: io.stdin.isTTY === true,
    userName: env.USER,
  });
  return { platforms: [consolePlatform], console: consolePlatform };
}
