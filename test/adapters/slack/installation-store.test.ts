import type { Installation } from '@slack/bolt';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackInstallationStore } from '../../../adapters/slack/installation-store.js';
import { PgPlatformStateStore } from '../../../src/db/pg-platform-state.js';
import { drivers, silentLog, type TestDatabase } from '../../support/databases.js';

const teamInstall = (teamId: string, token: string): Installation<'v2', false> => ({
  team: { id: teamId, name: `Team ${teamId}` },
  enterprise: undefined,
  user: { id: 'UINSTALLER', token: undefined, scopes: undefined },
  bot: { token, scopes: ['commands', 'chat:write'], id: `B${teamId}`, userId: `UB${teamId}` },
  tokenType: 'bot',
  isEnterpriseInstall: false,
  appId: 'A0001',
  authVersion: 'v2',
});

const orgInstall = (enterpriseId: string, token: string): Installation<'v2', true> => ({
  team: undefined,
  enterprise: { id: enterpriseId, name: 'Org' },
  user: { id: 'UINSTALLER', token: undefined, scopes: undefined },
  bot: { token, scopes: ['commands'], id: 'BORG', userId: 'UBORG' },
  isEnterpriseInstall: true,
  enterpriseUrl: 'https://org.enterprise.slack.com/',
  appId: 'A0001',
  authVersion: 'v2',
});

describe.each(drivers)('Slack installation store on $name', (driver) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.close();
    database = undefined;
  });

  it('stores, fetches and deletes a workspace installation by team id', async () => {
    database = await driver.open();
    const store = new SlackInstallationStore(slackState(database), silentLog, { cacheTtlMs: 0 });
    await store.storeInstallation(teamInstall('T1', 'xoxb-1'));
    expect(
      await store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false }),
    ).toEqual(teamInstall('T1', 'xoxb-1'));
    expect(await store.botCredentials('T1')).toEqual({ botToken: 'xoxb-1', installKey: 'T1' });
    await store.deleteInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false });
    await expect(
      store.fetchInstallation({ teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false }),
    ).rejects.toThrow('no Slack installation for team:T1');
    expect(await store.botCredentials('T1')).toBeUndefined();
  });

  it('replaces a reinstall (new token) in place, and another process sees it once its cache expires', async () => {
    database = await driver.open();
    let now = 0;
    const store = new SlackInstallationStore(slackState(database), silentLog, { cacheTtlMs: 1_000, now: () => now });
    const other = new SlackInstallationStore(slackState(database), silentLog, { cacheTtlMs: 1_000, now: () => now });
    await store.storeInstallation(teamInstall('T1', 'xoxb-old'));
    expect(await other.botCredentials('T1')).toMatchObject({ botToken: 'xoxb-old' });
    await store.storeInstallation(teamInstall('T1', 'xoxb-new'));
    expect(await store.botCredentials('T1')).toMatchObject({ botToken: 'xoxb-new' });
    expect(await other.botCredentials('T1')).toMatchObject({ botToken: 'xoxb-old' });
    now = 1_001;
    expect(await other.botCredentials('T1')).toMatchObject({ botToken: 'xoxb-new' });
    expect(await database.rows(sqlCount())).toEqual([{ n: 1 }]);
  });

  it('keys an org-wide installation by enterprise id and finds its token for the workspaces it covers', async () => {
    database = await driver.open();
    const asked: string[] = [];
    const store = new SlackInstallationStore(slackState(database), silentLog, {
      listTeams: async (token: string) => {
        asked.push(token);
        return ['T7', 'T8'];
      },
    });
    await store.storeInstallation(orgInstall('E1', 'xoxb-org'));
    await store.storeInstallation(teamInstall('T9', 'xoxb-9'));
    expect(
      await store.fetchInstallation({ teamId: undefined, enterpriseId: 'E1', isEnterpriseInstall: true }),
    ).toMatchObject({ enterprise: { id: 'E1' }, isEnterpriseInstall: true });
    expect(await store.botCredentials('T8')).toEqual({ botToken: 'xoxb-org', installKey: 'E1' });
    expect(await store.botCredentials('T7')).toEqual({ botToken: 'xoxb-org', installKey: 'E1' });
    expect(await store.botCredentials('T9')).toEqual({ botToken: 'xoxb-9', installKey: 'T9' });
    expect(await store.botCredentials('T404')).toBeUndefined();
    // The org's workspace list is asked once and cached.
    expect(asked).toEqual(['xoxb-org']);
  });

  it('keeps at most maxEntries installations in memory, the least recently used going first', async () => {
    database = await driver.open();
    let reads = 0;
    const state = slackState(database);
    const counted = {
      ...state,
      get: <T>(key: string) => {
        reads++;
        return state.get<T>(key);
      },
    };
    const store = new SlackInstallationStore(counted, silentLog, { maxEntries: 2 });
    for (const t of ['T1', 'T2', 'T3']) await store.storeInstallation(teamInstall(t, `xoxb-${t}`));
    const q = (teamId: string) => ({ teamId, enterpriseId: undefined, isEnterpriseInstall: false });
    await store.fetchInstallation(q('T1'));
    await store.fetchInstallation(q('T2'));
    await store.fetchInstallation(q('T1')); // T1 is now the most recently used
    expect(reads).toBe(2);
    await store.fetchInstallation(q('T3')); // evicts T2
    await store.fetchInstallation(q('T1'));
    expect(reads).toBe(3);
    await store.fetchInstallation(q('T2'));
    expect(reads).toBe(4);
  });

  it('gives Bolt a pending installation (no token) when the database is slower than the bound, then resolves it', async () => {
    database = await driver.open();
    const state = slackState(database);
    let delayMs = 0;
    const slow = {
      ...state,
      get: async <T>(key: string) => {
        await new Promise((r) => setTimeout(r, delayMs));
        return state.get<T>(key);
      },
    };
    const store = new SlackInstallationStore(slow, silentLog, { lookupTimeoutMs: 50 });
    await store.storeInstallation(teamInstall('T1', 'xoxb-1'));
    delayMs = 300;
    const q = { teamId: 'T1', enterpriseId: undefined, isEnterpriseInstall: false };
    const pending = await store.fetchInstallation(q);
    expect(pending.bot).toBeUndefined();
    expect(pending.team).toEqual({ id: 'T1' });
    expect((await store.resolve(q))?.bot?.token).toBe('xoxb-1');
    // Once read, it is cached: no wait, the real installation.
    expect((await store.fetchInstallation(q)).bot?.token).toBe('xoxb-1');
  });

  it('refuses an installation with neither a team nor an enterprise', async () => {
    database = await driver.open();
    const store = new SlackInstallationStore(slackState(database), silentLog);
    await expect(store.storeInstallation({ ...teamInstall('T1', 'x'), team: undefined } as never)).rejects.toThrow(
      'without a team or enterprise id',
    );
  });
});

/** Slack's scope of the platform state, on the real table. */
function slackState(database: TestDatabase) {
  return new PgPlatformStateStore(database).scope('slack');
}

function sqlCount() {
  return sql`select count(*)::int as n from platform_state where platform = 'slack'`;
}
