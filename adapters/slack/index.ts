// PLACEHOLDER, to be replaced by the Slack adapter (issue 5): the composition root's seam for it.
import type { ChatPlatform, CliCommand, Database, Env, Logger } from '../../src/index.js';

/** The Slack platform when SLACK_BOT_TOKEN (or OAuth) is configured, else undefined. @throws BotError CONFIG_INVALID */
export function createSlackFromEnv(_env: Env, _log: Logger, _database: Database): ChatPlatform | undefined {
  return undefined;
}

/** `paperpulse slack:manifest`. */
export const slackCliCommands: CliCommand[] = [];
