/**
 * The Slack adapter: `/papers` in Slack and digests posted with Block Kit, through Bolt (Socket Mode or HTTP) on one
 * workspace's bot token or on OAuth installations in many workspaces. This file is what the registry loads; it is
 * light, and loads Bolt only when the platform is created.
 */
import type { PlatformModule, PlatformTraits } from '../../src/index.js';
import { slackTeamId } from './address.js';
import type { SlackAdapterConfig } from './config.js';

export const SLACK_TRAITS: PlatformTraits = {
  managers: 'workspace admins and owners, and the people this app was configured to trust',
  // A response_url can be used for 30 minutes after the interaction (docs.slack.dev, handling user interaction).
  buttonTtlMs: 30 * 60_000,
  threads: true,
  groupOf: slackTeamId,
};

export const slackModule: PlatformModule<SlackAdapterConfig> = {
  name: 'slack',
  traits: SLACK_TRAITS,
  async configure(env) {
    const { parseSlackConfig } = await import('./config.js');
    const config = parseSlackConfig(env);
    return config ? { on: true, config } : { on: false, reason: 'no SLACK_BOT_TOKEN or SLACK_CLIENT_ID set' };
  },
  async create(config, context) {
    const { SlackPlatform } = await import('./platform.js');
    return new SlackPlatform(config, context, SLACK_TRAITS);
  },
};
