/**
 * Bolt's InstallationStore on the platform's own state (the core's PlatformState port), for the many-workspace
 * OAuth mode: `team:<T…>` for a workspace install, `org:<E…>` for an org-wide one (Bolt's rule: an org-wide install
 * is found by its enterprise id, any other by the team id).
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Logger, PlatformState } from '../../src/index.js';

export interface InstallationStoreOptions {
  /**
   * How long a fetched installation is reused before the database is asked again (Bolt fetches on every event).
   * Default 15 minutes.
   */
  readonly cacheTtlMs?: number | undefined;
  /**
   * How long past `cacheTtlMs` an installation is still used when the database is slower than `lookupTimeoutMs` or
   * fails (the refresh goes on behind it). Default 24 hours.
   */
  readonly staleTtlMs?: number | undefined;
  /** How long "not installed" is remembered (a workspace installed by another process shows up after it). 30 s. */
  readonly missingTtlMs?: number | undefined;
  /** Installations kept in memory at most (the least recently used go first). Default 10,000. */
  readonly maxEntries?: number | undefined;
  /**
   * How long Bolt's authorization (which runs before any listener can acknowledge) waits for the database for a
   * workspace not in the cache. Past it, the request goes on without a token and the listener acknowledges first
   * (see `pending`). Default 1.5 s: Slack's deadline is 3 s from its side, network included.
   */
  readonly lookupTimeoutMs?: number | undefined;
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

interface CachedInstallation {
  readonly value: Installation | undefined;
  /** Fresh until then. */
  readonly until: number;
  /** Still usable (when the database is slow or failing) until then. */
  readonly staleUntil: number;
}

/** Who asked (Bolt's InstallationQuery, or the context of a request Bolt authorized). */
export interface InstallationRef {
  readonly teamId?: string | undefined;
  readonly enterpriseId?: string | undefined;
  readonly isEnterpriseInstall?: boolean | undefined;
}

/**
 * Installations, cached (bounded in size) since Bolt's authorize asks on every incoming request, and read with a
 * bounded wait so that a slow database never costs Slack's 3-second acknowledgement.
 *
 * When the database does not answer within `lookupTimeoutMs` for a workspace that is not in the cache (or fails),
 * fetchInstallation answers an installation without a bot token (`pending`): Bolt then runs the listener, which
 * acknowledges at once and waits for the token through `resolve`, which joins the lookup still under way.
 *
 * NOTE: an installation holds tokens. Only ids are ever logged.
 */
export class SlackInstallationStore implements InstallationStore {
  private readonly state: PlatformState;
  private readonly log: Logger;
  private readonly ttlMs: number;
  private readonly staleTtlMs: number;
  private readonly missingTtlMs: number;
  private readonly maxEntries: number;
  private readonly lookupTimeoutMs: number;
  private readonly listTeams: InstallationStoreOptions['listTeams'];
  private readonly now: () => number;
  private readonly cache = new Map<string, CachedInstallation>();
  /** Database reads under way, one per key: later askers join them. */
  private readonly loading = new Map<string, Promise<Installation | undefined>>();
  /** Bumped by a store or delete, so that a read begun before it does not fill the cache with the old value. */
  private readonly generation = new Map<string, number>();
  private readonly orgTeams = new Map<string, Cached<ReadonlySet<string>>>();

  constructor(state: PlatformState, log: Logger, options: InstallationStoreOptions = {}) {
    this.state = state;
    this.log = log;
    this.ttlMs = options.cacheTtlMs ?? 15 * 60_000;
    this.staleTtlMs = options.staleTtlMs ?? 24 * 60 * 60_000;
    this.missingTtlMs = Math.min(options.missingTtlMs ?? 30_000, this.ttlMs);
    this.maxEntries = Math.max(1, options.maxEntries ?? 10_000);
    this.lookupTimeoutMs = options.lookupTimeoutMs ?? 1_500;
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

  /**
   * Bolt's lookup, before any listener runs: from the cache, else from the database within `lookupTimeoutMs`. A
   * slower (or failing) database gives the last known installation when there is one, else a pending one: no bot
   * token, and the listener acknowledges and waits (`resolve`).
   */
  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation<'v1' | 'v2', boolean>> {
    const key = keyOf(query);
    const fresh = this.fresh(key);
    if (fresh) return this.found(key, fresh.value);
    const lookup = this.load(key);
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      lookup.then(
        (value) => ({ kind: 'found' as const, value }),
        (err: unknown) => ({ kind: 'failed' as const, err }),
      ),
      new Promise<{ kind: 'slow' }>((resolve) => {
        timer = setTimeout(() => resolve({ kind: 'slow' }), this.lookupTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (outcome.kind === 'found') return this.found(key, outcome.value);
    const stale = this.stale(key);
    if (outcome.kind === 'failed') {
      this.log.warn({ err: outcome.err, installKey: key }, 'Slack installation lookup failed');
    } else {
      this.log.warn(
        { installKey: key, waitedMs: this.lookupTimeoutMs, cached: stale !== undefined },
        'Slack installation lookup is slow: acknowledging first',
      );
    }
    if (stale?.value) return stale.value;
    return pendingInstallation(query);
  }

  /**
   * The installation of a request Bolt let through without a token (the lookup was slow or failed): the cached one,
   * the lookup still under way, else a new one. Undefined when the workspace has no installation; rejects when the
   * database fails. The caller bounds the wait.
   */
  async resolve(ref: InstallationRef): Promise<Installation | undefined> {
    const key = keyOf(ref as InstallationQuery<boolean>);
    const fresh = this.fresh(key);
    if (fresh) return fresh.value;
    return this.load(key);
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

  /** A digest's lookup: no deadline, but a database that fails still leaves the last known installation usable. */
  private async byKey(key: string): Promise<Installation | undefined> {
    const fresh = this.fresh(key);
    if (fresh) return fresh.value;
    try {
      return await this.load(key);
    } catch (err) {
      const stale = this.stale(key);
      if (stale?.value) return stale.value;
      throw err;
    }
  }

  private found(key: string, installation: Installation | undefined): Installation {
    if (!installation) throw new Error(`no Slack installation for ${key}`);
    return installation;
  }

  private fresh(key: string): CachedInstallation | undefined {
    const cached = this.cache.get(key);
    if (!cached || cached.until <= this.now()) return undefined;
    // Least recently used goes first: a hit moves to the end.
    this.cache.delete(key);
    this.cache.set(key, cached);
    return cached;
  }

  private stale(key: string): CachedInstallation | undefined {
    const cached = this.cache.get(key);
    return cached && cached.staleUntil > this.now() ? cached : undefined;
  }

  /** One database read per key at a time; its answer fills the cache unless a store or delete came in between. */
  private load(key: string): Promise<Installation | undefined> {
    const running = this.loading.get(key);
    if (running) return running;
    const generation = this.generation.get(key) ?? 0;
    const read = (async () => {
      try {
        const stored = await this.state.get<StoredInstallation>(key);
        const installation = stored?.installation;
        if ((this.generation.get(key) ?? 0) === generation) this.remember(key, installation);
        return installation;
      } finally {
        this.loading.delete(key);
      }
    })();
    this.loading.set(key, read);
    return read;
  }

  private remember(key: string, installation: Installation | undefined): void {
    const now = this.now();
    const until = now + (installation ? this.ttlMs : this.missingTtlMs);
    this.cache.delete(key);
    this.cache.set(key, { value: installation, until, staleUntil: installation ? until + this.staleTtlMs : until });
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
  }

  private forget(key: string): void {
    this.cache.delete(key);
    this.orgTeams.delete(key);
    this.loading.delete(key);
    this.generation.set(key, (this.generation.get(key) ?? 0) + 1);
  }
}

/**
 * What Bolt is given when the database is too slow for its authorization: the workspace, no token. Bolt's
 * InstallProvider.authorize copies the team and enterprise ids into the listener's context and leaves `botToken`
 * unset, which the listener takes as "acknowledge first, then wait for `resolve`".
 */
function pendingInstallation(query: InstallationQuery<boolean>): Installation<'v2', boolean> {
  return {
    team: query.teamId ? { id: query.teamId } : undefined,
    enterprise: query.enterpriseId ? { id: query.enterpriseId } : undefined,
    user: { id: '', token: undefined, scopes: undefined },
    isEnterpriseInstall: query.isEnterpriseInstall === true,
    authVersion: 'v2',
  } as Installation<'v2', boolean>;
}

function storageKey(isEnterpriseInstall: boolean, id: string | undefined): string {
  if (!id) throw new Error('a Slack installation without a team or enterprise id cannot be stored');
  return `${isEnterpriseInstall ? 'org' : 'team'}:${id}`;
}

function keyOf(query: InstallationQuery<boolean>): string {
  return storageKey(query.isEnterpriseInstall === true, query.isEnterpriseInstall ? query.enterpriseId : query.teamId);
}
