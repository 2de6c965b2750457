/**
 * Slack Web API clients, one per token, and the bot token of a workspace (its own, or OAuth installations').
 */
import { WebClient, type WebClientOptions } from '@slack/web-api';
import { type ChannelRef, channelKey, type Logger, PlatformError } from '../../src/index.js';
import { parseSlackAddress } from './address.js';
import { boltLogger } from './bolt-logger.js';
import type { SlackAdapterConfig } from './config.js';
import type { BotCredentials, SlackInstallationStore } from './installation-store.js';
import type { SlackUserRoles } from './managers.js';

export class SlackClients {
  private readonly config: SlackAdapterConfig;
  private readonly log: Logger;
  private readonly apiUrl: string | undefined;
  private readonly clients = new Map<string, WebClient>();
  /** The installation store (OAuth mode only). */
  installations: SlackInstallationStore | undefined;
  /** The workspace of SLACK_BOT_TOKEN (token mode), once auth.test has said it. */
  workspaceKey = 'default';

  constructor(config: SlackAdapterConfig, log: Logger) {
    this.config = config;
    this.log = log;
    this.apiUrl = config.options?.slackApiUrl ?? config.apiUrl;
  }

  /** Web API base URL for Bolt's own clients. */
  get slackApiUrl(): string | undefined {
    return this.apiUrl;
  }

  /**
   * One client per token, so one workspace's requests never queue behind another's. No retries inside the client:
   * 429s are handled by the pacer (WebClient would pause its whole queue), the rest by the core's retry schedule.
   */
  clientFor(token: string): WebClient {
    let client = this.clients.get(token);
    if (!client) {
      const options: WebClientOptions = {
        logger: boltLogger(this.log),
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        timeout: this.config.options?.requestTimeoutMs ?? 30_000,
        ...(this.apiUrl ? { slackApiUrl: this.apiUrl } : {}),
      };
      client = new WebClient(token, options);
      this.clients.set(token, client);
    }
    return client;
  }

  /** The token to post to `channel` with, and the installation it comes from (for pacing per workspace). */
  async credentialsFor(channel: ChannelRef): Promise<BotCredentials> {
    const { auth } = this.config;
    if (auth.kind === 'token') return { botToken: auth.botToken, installKey: this.workspaceKey };
    const teamId = parseSlackAddress(channel.address)?.teamId;
    if (!teamId) {
      throw new PlatformError('slack', 'no_workspace', `${channelKey(channel)} names no workspace to find its token`, {
        permanent: true,
      });
    }
    let found: BotCredentials | undefined;
    try {
      found = await this.installations!.botCredentials(teamId);
    } catch (err) {
      throw new PlatformError(
        'slack',
        'installation_lookup_failed',
        `looking up the installation of ${teamId} failed`,
        {
          permanent: false,
          cause: err,
        },
      );
    }
    if (!found) {
      throw new PlatformError('slack', 'not_installed', `PaperPulse is not installed in Slack workspace ${teamId}`, {
        permanent: true,
      });
    }
    return found;
  }

  async fetchUser(token: string, userId: string): Promise<SlackUserRoles | undefined> {
    const result = await this.clientFor(token).users.info({ user: userId });
    return result.user;
  }

  /** The workspaces an org-wide installation covers (auth.teams.list, all pages). */
  async listOrgTeams(token: string): Promise<string[]> {
    const teams: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.clientFor(token).auth.teams.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const team of page.teams ?? []) if (team.id) teams.push(team.id);
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return teams;
  }
}
