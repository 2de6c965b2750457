/**
 * The Slack adapter: `/papers` in Slack and digests posted with Block Kit, through Bolt (Socket Mode or HTTP) on one
 * workspace's bot token or on OAuth installations in many workspaces.
 */
import type { ChatPlatform, CliCommand, Database, Env, Logger } from '../../src/index.js';
import { parseSlackConfig, type SlackAdapterConfig } from './config.js';
import { slackManifestCommand } from './manifest.js';
import { type SlackAdapterDeps, SlackPlatform } from './platform.js';

export type { SlackAdapterConfig } from './config.js';
export { parseSlackConfig } from './config.js';
export type { SlackPacing } from './pacer.js';
export { type SlackAdapterDeps, SlackPlatform } from './platform.js';

/**
 * The Slack platform for a parsed configuration. `deps` points it at a fake Slack and scales its pacing in tests.
 *
 * @example
 * const slack = createSlackAdapter(config, log, database, { slackApiUrl: fake.apiUrl, port: 0, host: '127.0.0.1' });
 * await slack.start(core.dispatcher);
 */
export function createSlackAdapter(
  config: SlackAdapterConfig,
  log: Logger,
  database: Database,
  deps: SlackAdapterDeps = {},
): SlackPlatform {
  return new SlackPlatform(config, log, database, deps);
}

/**
 * The Slack platform when Slack variables are set (SLACK_BOT_TOKEN or SLACK_CLIENT_ID…), else undefined.
 * @throws BotError CONFIG_INVALID with one line naming the variable at fault.
 */
export function createSlackFromEnv(env: Env, log: Logger, database: Database): ChatPlatform | undefined {
  const config = parseSlackConfig(env);
  return config ? createSlackAdapter(config, log, database) : undefined;
}

/** `paperpulse slack:manifest`. */
export const slackCliCommands: CliCommand[] = [slackManifestCommand];
