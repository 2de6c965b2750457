/**
 * Who may change a channel's settings on Slack: workspace admins and owners, and the user ids in
 * SLACK_MANAGER_IDS.
 */
import type { Logger } from '../../src/index.js';

/** The `users.info` fields that matter here. */
export interface SlackUserRoles {
  readonly is_admin?: boolean | undefined;
  readonly is_owner?: boolean | undefined;
  readonly is_primary_owner?: boolean | undefined;
}

export interface ManagerCheckOptions {
  /** User ids that are managers everywhere (SLACK_MANAGER_IDS). */
  readonly managerIds: readonly string[];
  /** Calls `users.info` for a user with the workspace's token. */
  readonly fetchUser: (token: string, userId: string) => Promise<SlackUserRoles | undefined>;
  /** How long an answer is reused: roles change rarely, and users.info costs a request (Tier 4). */
  readonly ttlMs?: number | undefined;
  /** Answers kept at most; the oldest go first. */
  readonly maxEntries?: number | undefined;
  readonly now?: (() => number) | undefined;
  readonly log: Logger;
}

/**
 * Decides `isManager` for a command, with a TTL cache per (team, user). When Slack cannot answer, the user is not a
 * manager (the safe side) and the answer is not cached, so the next command asks again.
 */
export class ManagerCheck {
  private readonly options: ManagerCheckOptions;
  private readonly ids: ReadonlySet<string>;
  private readonly cache = new Map<string, { manager: boolean; until: number }>();
  private readonly now: () => number;

  constructor(options: ManagerCheckOptions) {
    this.options = options;
    this.ids = new Set(options.managerIds);
    this.now = options.now ?? Date.now;
  }

  async isManager(teamId: string, userId: string, token: string | undefined): Promise<boolean> {
    if (this.ids.has(userId)) return true;
    const key = `${teamId}:${userId}`;
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) return cached.manager;
    if (!token) return false;
    let roles: SlackUserRoles | undefined;
    try {
      roles = await this.options.fetchUser(token, userId);
    } catch (err) {
      this.options.log.warn({ err, teamId, userId }, 'users.info failed; treating the user as not a channel manager');
      return false;
    }
    const manager = Boolean(roles?.is_admin || roles?.is_owner || roles?.is_primary_owner);
    this.cache.delete(key);
    this.cache.set(key, { manager, until: this.now() + (this.options.ttlMs ?? 10 * 60_000) });
    const max = this.options.maxEntries ?? 10_000;
    while (this.cache.size > max) this.cache.delete(this.cache.keys().next().value!);
    return manager;
  }
}
