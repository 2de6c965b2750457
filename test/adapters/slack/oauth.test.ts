import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOT_SCOPES } from '../../../adapters/slack/manifest.js';
import { type ChannelRef, message, PlatformError } from '../../../src/index.js';
import { messageText } from '../../support/fake-slack.js';
import { OAUTH, PACING, SECRET, type SlackSetup, slackSetup } from './setup.js';

/**
 * Many workspaces: Bolt's OAuth install flow against the fake's oauth.v2.access, installations in the database,
 * commands and scheduled digests with each workspace's own token, org-wide installs, uninstalls.
 */
describe('Slack OAuth: installing to many workspaces', () => {
  let s: SlackSetup;
  beforeAll(async () => {
    s = await slackSetup({ auth: 'oauth' });
  }, 60_000);
  afterAll(async () => {
    await s.close();
  }, 60_000);

  /** The browser's trip: /slack/install → Slack (state + cookie) → /slack/oauth_redirect?code&state. */
  async function install(code: string, options: { cookie?: boolean } = {}) {
    const start = await fetch(`${s.base}/slack/install`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    const state = authorize.searchParams.get('state')!;
    const cookie = start.headers.get('set-cookie')!.split(';')[0]!;
    const callback = await fetch(
      `${s.base}/slack/oauth_redirect?code=${encodeURIComponent(code)}&state=${encodeURIComponent(state)}`,
      { headers: options.cookie === false ? {} : { cookie }, redirect: 'manual' },
    );
    return { authorize, callback, body: await callback.text() };
  }

  /** Slack's installations as stored in the platform state table (`team:T…`, `org:E…`). */
  const rows = () =>
    s.database.rows<{
      install_key: string;
      team_id: string | null;
      enterprise_id: string | null;
      is_enterprise_install: boolean;
      installation: { bot?: { token?: string } };
    }>(
      sql`select substr(key, strpos(key, ':') + 1) as install_key, value->>'teamId' as team_id,
            value->>'enterpriseId' as enterprise_id, (value->>'isEnterpriseInstall')::boolean as is_enterprise_install,
            value->'installation' as installation
          from platform_state where platform = 'slack' order by key`,
    );
  const at = (channelId: string, team: string): ChannelRef => ({ platform: 'slack', address: `${team}/${channelId}` });

  it('sends the browser to Slack with the client id, the bot scopes and a state', async () => {
    const start = await fetch(`${s.base}/slack/install`, { redirect: 'manual' });
    const url = new URL(start.headers.get('location')!);
    expect(`${url.origin}${url.pathname}`).toBe('https://slack.com/oauth/v2/authorize');
    expect(url.searchParams.get('client_id')).toBe(OAUTH.clientId);
    expect(url.searchParams.get('scope')).toBe(BOT_SCOPES.join(','));
    expect(url.searchParams.get('state')).toBeTruthy();
    expect(start.headers.get('set-cookie')).toMatch(/^slack-app-oauth-state=/);
  });

  it('stores an installation from the OAuth callback, keyed by team id, without logging its token', async () => {
    const code = s.fake.issueCode({ teamId: 'T0101', botToken: 'xoxb-T0101-secret', admins: ['UADMIN'] });
    const { callback } = await install(code);
    expect(callback.status).toBe(200);
    expect(await rows()).toMatchObject([
      {
        install_key: 'T0101',
        team_id: 'T0101',
        enterprise_id: null,
        is_enterprise_install: false,
        installation: { bot: { token: 'xoxb-T0101-secret', userId: 'UBT0101', id: 'BT0101' }, team: { id: 'T0101' } },
      },
    ]);
    expect(s.logs.entries.some((e) => e.msg === 'Slack installation stored' && e.installKey === 'T0101')).toBe(true);
    expect(s.logs.text()).not.toContain('xoxb-T0101-secret');
    expect(s.logs.text()).not.toContain(OAUTH.clientSecret);
  });

  it('refuses a callback without the browser’s state cookie, storing nothing', async () => {
    const code = s.fake.issueCode({ teamId: 'T0666', botToken: 'xoxb-T0666' });
    const { callback } = await install(code, { cookie: false });
    expect(callback.status).not.toBe(200);
    expect((await rows()).map((r) => r.install_key)).not.toContain('T0666');
  });

  it('answers commands in an installed workspace with its token (users.info for the manager check)', async () => {
    const reply = await s.command('subscribe diffusion', { team: 'T0101', user: 'UADMIN', channel: 'C0101' });
    expect(reply.text).toContain('Subscribed this channel to “diffusion”');
    const member = await s.command('digest on', { team: 'T0101', user: 'UMEMBER', channel: 'C0101' });
    expect(member.text).toContain('Only channel managers');
  });

  it('a shared channel (Slack Connect): a command from another workspace configures that workspace’s own subscription, never the first one’s', async () => {
    // The issue's defect 9: channels were keyed by channel id alone, so a signed command from T0103 naming T0101's
    // channel changed T0101's settings and re-pointed its workspace. A channel is keyed by (workspace, channel): each
    // workspace in a shared channel has its own subscription, posted with its own installation's token.
    await install(s.fake.issueCode({ teamId: 'T0103', botToken: 'xoxb-T0103', admins: ['UADMIN3'] }));
    await s.command('subscribe diffusion', { team: 'T0101', user: 'UADMIN', channel: 'CSHARED' });
    const other = await s.command('subscribe protein folding', { team: 'T0103', user: 'UADMIN3', channel: 'CSHARED' });
    expect(other.text).toContain('Subscribed this channel to “protein folding”');
    const topics = (team: string) =>
      s.database.rows<{ query: string }>(
        sql`select t.query from topics t join channels c on c.id = t.channel_pk
            where c.platform = 'slack' and c.address = ${`${team}/CSHARED`} order by t.query`,
      );
    expect((await topics('T0101')).map((r) => r.query)).toEqual(['diffusion']);
    expect((await topics('T0103')).map((r) => r.query)).toEqual(['protein folding']);
    const first = await s.command('topics', { team: 'T0101', user: 'UADMIN', channel: 'CSHARED' });
    expect(first.text).toContain('diffusion');
    expect(first.text).not.toContain('protein folding');
    // A member of the other workspace is checked against that workspace's admins, not the first one's.
    const stranger = await s.command('digest on', { team: 'T0103', user: 'UADMIN', channel: 'CSHARED' });
    expect(stranger.text).toContain('Only channel managers');
  });

  it('ignores commands from a workspace without an installation', async () => {
    const sent = await s.fake.slashCommand(s.events, SECRET, { text: 'help', team: 'T0999' });
    expect([200, 401]).toContain(sent.status);
    await new Promise((r) => setTimeout(r, 200));
    expect(s.fake.responsesTo(sent.responseId)).toHaveLength(0);
  });

  it('posts a scheduled digest with the workspace’s token; a workspace without installation fails permanently', async () => {
    await s.slack.postDigest(at('C0101', 'T0101'), message([{ type: 'heading', text: 'Daily' }]), {
      thread: false,
      alreadyPosted: [],
      onPosted: async () => {},
    });
    expect(s.fake.postsTo('C0101').map((m) => m.team)).toEqual(['T0101']);
    const err = await s.slack
      .postDigest(at('C0999', 'T0999'), message([{ type: 'heading', text: 'x' }]), {
        thread: false,
        alreadyPosted: [],
        onPosted: async () => {},
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PlatformError);
    expect(err).toMatchObject({ platformCode: 'not_installed', permanent: true });
  });

  it('keeps a rate-limited workspace from stalling another one', async () => {
    const code = s.fake.issueCode({ teamId: 'T0102', botToken: 'xoxb-T0102' });
    await install(code);
    s.fake.failNext('chat.postMessage', { status: 429, retryAfter: 8 }, { team: 'T0101' });
    const start = performance.now();
    const post = (channel: ChannelRef) =>
      s.slack.postDigest(channel, message([{ type: 'heading', text: 'x' }]), {
        thread: false,
        alreadyPosted: [],
        onPosted: async () => {},
      });
    const slow = post(at('CSLOW', 'T0101')).then(() => performance.now() - start);
    const fast = Promise.all(Array.from({ length: 5 }, (_, i) => post(at(`CFAST${i}`, 'T0102')))).then(
      () => performance.now() - start,
    );
    const [slowMs, fastMs] = await Promise.all([slow, fast]);
    expect(slowMs).toBeGreaterThanOrEqual(8 * PACING.retryAfterUnitMs! - 5);
    expect(fastMs).toBeLessThan(slowMs);
    expect(s.fake.messages.filter((m) => m.channel.startsWith('CFAST')).every((m) => m.team === 'T0102')).toBe(true);
  });

  it('installs org-wide (keyed by enterprise id) and posts in its workspaces with the org token', async () => {
    const code = s.fake.issueCode(
      { teamId: 'E0001', enterpriseId: 'E0001', botToken: 'xoxb-E0001-org', orgTeams: ['T0201', 'T0202'] },
      { isEnterpriseInstall: true },
    );
    expect((await install(code)).callback.status).toBe(200);
    expect((await rows()).find((r) => r.install_key === 'E0001')).toMatchObject({
      team_id: null,
      enterprise_id: 'E0001',
      is_enterprise_install: true,
    });
    await s.slack.postDigest(at('C0202', 'T0202'), message([{ type: 'heading', text: 'org' }]), {
      thread: false,
      alreadyPosted: [],
      onPosted: async () => {},
    });
    expect(s.fake.postsTo('C0202').map((m) => m.team)).toEqual(['E0001']);
    expect(messageText(s.fake.postsTo('C0202')[0]!)).toBe('org');
  });

  it('removes the installation on app_uninstalled and on a revoked bot token', async () => {
    expect(await s.fake.sendEvent(s.events, SECRET, { type: 'app_uninstalled' }, { team: 'T0101' })).toBe(200);
    await expect.poll(async () => (await rows()).map((r) => r.install_key)).not.toContain('T0101');
    const err = await s.slack
      .postDigest(at('C0101', 'T0101'), message([{ type: 'heading', text: 'x' }]), {
        thread: false,
        alreadyPosted: [],
        onPosted: async () => {},
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ platformCode: 'not_installed', permanent: true });

    // A revoked user token changes nothing; a revoked bot token removes the installation.
    await s.fake.sendEvent(
      s.events,
      SECRET,
      { type: 'tokens_revoked', tokens: { oauth: ['UINSTALLER'] } },
      { team: 'T0102' },
    );
    await new Promise((r) => setTimeout(r, 100));
    expect((await rows()).map((r) => r.install_key)).toContain('T0102');
    await s.fake.sendEvent(
      s.events,
      SECRET,
      { type: 'tokens_revoked', tokens: { bot: ['UBT0102'] } },
      { team: 'T0102' },
    );
    await expect.poll(async () => (await rows()).map((r) => r.install_key)).not.toContain('T0102');
  });
});
