/**
 * Bolt's InstallationStore on our database (table `slack_installations`), for the many-workspace OAuth mode.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import { eq } from 'drizzle-orm';
import { type Database, type Logger, slackInstallations } from '../../src/index.js';

export interface InstallationStoreOptions {
  /** How long a fetched installation is reused before the database is asked again (Bolt fetches on every event). */
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

interface Cached<T> {
  readonly value: T;
  readonly until: number;
}

/**
 * Stores one row per installation, keyed by team id, or enterprise id for an org-wide install (Bolt's rule), with
 * Bolt's Installation JSON. Fetches are cached briefly, since Bolt's authorize asks on every incoming request.
 *
 * NOTE: an installation holds tokens. Only ids are ever logged.
 */
export class PgInstallationStore implements InstallationStore {
  private readonly database: Database;
  private readonly log: Logger;
  private readonly ttlMs: number;
  private readonly listTeams: InstallationStoreOptions['listTeams'];
  private readonly now: () => number;
  private readonly cache = new Map<string, Cached<Installation | undefined>>();
  private readonly orgTeams = new Map<string, Cached<ReadonlySet<string>>>();

  constructor(database: Database, log: Logger, options: InstallationStoreOptions = {}) {
    this.database = database;
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
    const installKey = isEnterpriseInstall ? enterpriseId : teamId;
    if (!installKey) throw new Error('a Slack installation without a team or enterprise id cannot be stored');
    const row = {
      installKey,
      teamId: teamId ?? null,
      enterpriseId: enterpriseId ?? null,
      isEnterpriseInstall,
      installation: installation as unknown as Record<string, unknown>,
      updatedAt: new Date(),
    };
    await this.database.db
      .insert(slackInstallations)
      .values(row)
      .onConflictDoUpdate({
        target: slackInstallations.installKey,
        set: {
          teamId: row.teamId,
          enterpriseId: row.enterpriseId,
          isEnterpriseInstall,
          installation: row.installation,
          updatedAt: row.updatedAt,
        },
      });
    this.forget(installKey);
    this.log.info({ installKey, teamId, enterpriseId, isEnterpriseInstall }, 'Slack installation stored');
  }

  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
    const key = keyOf(query);
    const installation = await this.byKey(key);
    if (!installation) throw new Error(`no Slack installation for ${key}`);
    return installation;
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const key = keyOf(query);
    await this.database.db.delete(slackInstallations).where(eq(slackInstallations.installKey, key));
    this.forget(key);
    this.log.info({ installKey: key }, 'Slack installation deleted');
  }

  /**
   * The bot token to post in workspace `teamId` without an incoming event (scheduled digests): the workspace's
   * own installation, else an org-wide installation that covers it. Undefined when PaperPulse is not installed there.
   */
  async botCredentials(teamId: string): Promise<BotCredentials | undefined> {
    const own = await this.byKey(teamId);
    if (own?.bot?.token) return { botToken: own.bot.token, installKey: teamId };
    if (!this.listTeams) return undefined;
    const orgs = await this.database.db
      .select({ installKey: slackInstallations.installKey })
      .from(slackInstallations)
      .where(eq(slackInstallations.isEnterpriseInstall, true));
    for (const { installKey } of orgs) {
      const org = await this.byKey(installKey);
      const token = org?.bot?.token;
      if (!token) continue;
      if ((await this.teamsOf(installKey, token)).has(teamId)) return { botToken: token, installKey };
    }
    return undefined;
  }

  private async teamsOf(installKey: string, token: string): Promise<ReadonlySet<string>> {
    const cached = this.orgTeams.get(installKey);
    if (cached && cached.until > this.now()) return cached.value;
    const teams = new Set(await this.listTeams!(token));
    // Workspaces join an org install over time: re-ask every ten minutes.
    this.orgTeams.set(installKey, { value: teams, until: this.now() + 10 * 60_000 });
    return teams;
  }

  private async byKey(key: string): Promise<Installation | undefined> {
    const cached = this.cache.get(key);
    if (cached && cached.until > this.now()) return cached.value;
    const [row] = await this.database.db
      .select({ installation: slackInstallations.installation })
      .from(slackInstallations)
      .where(eq(slackInstallations.installKey, key));
    const installation = row ? (row.installation as unknown as Installation) : undefined;
    this.cache.set(key, { value: installation, until: this.now() + this.ttlMs });
    return installation;
  }

  private forget(key: string): void {
    this.cache.delete(key);
    this.orgTeams.delete(key);
  }
}

/** Bolt's rule: an org-wide install is found by its enterprise id, any other by the team id. */
function keyOf(query: InstallationQuery<boolean>): string {
  const key = query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
  if (!key) throw new Error('a Slack installation query needs a team id (or an enterprise id for an org install)');
  return key;
}
