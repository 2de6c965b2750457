/**
 * Bolt's InstallationStore on the platform's own state (the core's PlatformState port), for the many-workspace
 * OAuth mode: `team:<T…>` for a workspace install, `org:<E…>` for an org-wide one (Bolt's rule: an org-wide install
 * is found by its enterprise id, any other by the team id).
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Logger, PlatformState } from '../../src/index.js';

export interface InstallationStoreOptions {
  /** How long a fetched installation is reused before the store is asked again (Bolt fetches on every event). */
  readonly cacheTtlMs?: number | undefined;
  /**
   * The workspaces an org-wide installation covers (`auth.teams.list` with its token); used to find the token for
   * a scheduled digest in a workspace that has no installation of its own.
   */
  readonly listTeams?: ((botToken: string) => Promise<readonly string[]>) | undefined;
  readonly now?: (() => number) | undefined;
}

/** A workspace's bot token, and which installation it came from. */
export interface BotCredentials {
  readonly botToken: string;
  /** The installation's key: the team id, or the enterprise id of an org-wide install. */
  readonly installKey: string;
}

/** What is stored per installation. */
interface StoredInstallation {
  readonly teamId: string | null;
  readonly enterpriseId: string | null;
  readonly isEnterpriseInstall: boolean;
  readonly installation: Installation;
}

interface Cached<T> {
  readonly value: T;
  readonly until: number;
}

/**
 * Installations, with fetches cached briefly, since Bolt's authorize asks on every incoming request.
 *
 * NOTE: an installation holds tokens. Only ids are ever logged.
 */
export class SlackInstallationStore implements InstallationStore {
  private readonly state: PlatformState;
  private readonly log: Logger;
  private readonly ttlMs: number;
  private readonly listTeams: InstallationStoreOptions['listTeams'];
  private readonly now: () => number;
  private readonly cache = new Map<string, Cached<Installation | undefined>>();
  private readonly orgTeams = new Map<string, Cached<ReadonlySet<string>>>();

  constructor(state: PlatformState, log: Logger, options: InstallationStoreOptions = {}) {
    this.state = state;
    this.log = log;
    this.ttlMs = options.cacheTtlMs ?? 60_000;
    this.listTeams = options.listTeams;
    this.now = options.now ?? Date.now;
  }

  async storeInstallation<AuthVersion extends 'v1' | 'v2'>(
    installation: Installation<AuthVersion, boolean>,
  ): Promise<void> {
    const enterpriseId = installation.enterprise?.id;
    const teamId = installation.team?.id;
    const isEnterpriseInstall = installation.isEnterpriseInstall === true;
    const key = storageKey(isEnterpriseInstall, isEnterpriseInstall ? enterpriseId : teamId);
    const stored: StoredInstallation = {
      teamId: teamId ?? null,
      enterpriseId: enterpriseId ?? null,
      isEnterpriseInstall,
      installation: installation as unknown as Installation,
    };
    await this.state.put(key, stored);
    this.forget(key);
    this.log.info(
      { installKey: isEnterpriseInstall ? enterpriseId : teamId, teamId, enterpriseId, isEnterpriseInstall },
      'Slack installation stored',
    );
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
    const key = keyOf(query);
    const installation = await this.byKey(key);
    if (!installation) throw new Error(`no Slack installation for ${key}`);
    return installation;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const key = keyOf(query);
    await this.state.delete(key);
    this.forget(key);
    this.log.info({ installKey: key }, 'Slack installation deleted');
  }

  /**
   * The bot token to post in workspace `teamId` without an incoming event (scheduled digests): the workspace's
   * own installation, else an org-wide installation that covers it. Undefined when PaperPulse is not installed there.
   */
  async botCredentials(teamId: string): Promise<BotCredentials | undefined> {
    const own = await this.byKey(storageKey(false, teamId));
    if (own?.bot?.token) return { botToken: own.bot.token, installKey: teamId };
    if (!this.listTeams) return undefined;
    for (const { key } of await this.state.list<StoredInstallation>('org:')) {
      const org = await this.byKey(key);
      const token = org?.bot?.token;
      if (!token) continue;
      if ((await this.teamsOf(key, token)).has(teamId)) return { botToken: token, installKey: key.slice(4) };
    }
    return undefined;
  }

  private async teamsOf(key: string, token: string): Promise<ReadonlySet<string>> {
    const cached = this.orgTeams.get(key);
    if (cached && cached.until > this.now()) return cached.value;
    const teams = new Set(await this.listTeams!(token));
    // Workspaces join an org install over time: re-ask every ten minutes.
    this.orgTeams.set(key, { value: teams, until: this.now() + 10 * 60_000 });
    return teams;
  }

  private async byKey(key: string): Promise<Installation | undefined> {
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) return cached.value;
    const stored = await this.state.get<StoredInstallation>(key);
    const installation = stored?.installation;
    this.cache.set(key, { value: installation, until: this.now() + this.ttlMs });
    return installation;
  }

  private forget(key: string): void {
    this.cache.delete(key);
    this.orgTeams.delete(key);
  }
}

function storageKey(isEnterpriseInstall: boolean, id: string | undefined): string {
  if (!id) throw new Error('a Slack installation without a team or enterprise id cannot be stored');
  return `${isEnterpriseInstall ? 'org' : 'team'}:${id}`;
}

function keyOf(query: InstallationQuery<boolean>): string {
  return storageKey(query.isEnterpriseInstall === true, query.isEnterpriseInstall ? query.enterpriseId : query.teamId);
}
