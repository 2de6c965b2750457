import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageText, signedPost, slackSignature } from '../../support/fake-slack.js';
import { holdDatabase, SECRET, type SlackSetup, slackSetup, TEAM } from './setup.js';

/**
 * `/papers` through the real Bolt app over signed HTTP: every subcommand, public and ephemeral answers, the
 * manager rule, the More button, and refusals of requests Slack did not sign.
 */
describe('Slack /papers over HTTP (real Bolt app)', () => {
  let s: SlackSetup;
  beforeAll(async () => {
    s = await slackSetup({ managerIds: ['UTRUSTED'] });
  }, 60_000);
  afterAll(async () => {
    await s.close();
  }, 60_000);

  const channelRow = async (channel: string) =>
    (
      await s.database.rows<{ address: string; digest_enabled: boolean; post_time: string }>(
        sql`select address, digest_enabled, post_time from channels where platform = 'slack' and address like ${`%/${channel}`}`,
      )
    )[0];

  it('acknowledges first and answers through response_url afterwards', async () => {
    const { release, released: busy } = holdDatabase(s);
    const sent = await s.fake.slashCommand(s.events, SECRET, { text: 'search diffusion' });
    expect(sent.status).toBe(200);
    expect(s.fake.responsesTo(sent.responseId)).toHaveLength(0);
    release();
    await busy;
    await s.fake.waitFor(() => s.fake.responsesTo(sent.responseId).length === 1);
    expect(messageText(s.fake.responsesTo(sent.responseId)[0]!.body)).toContain('Search: “diffusion”');
  });

  it('answers /papers and /papers help with the command list, only to the caller', async () => {
    for (const text of ['', 'help']) {
      const reply = await s.command(text);
      expect(reply.body.response_type).toBe('ephemeral');
      expect(reply.text).toContain('PaperPulse: Hugging Face Daily Papers in this channel');
      expect(reply.text).toContain('/papers search — ');
      expect(reply.text).toContain('/papers digest — ');
    }
  });

  it('shows an answer to the whole channel when asked with public', async () => {
    const reply = await s.command('trending public');
    expect(reply.body.response_type).toBe('in_channel');
    expect(reply.text).toContain('Fri 13 Nov 2026');
  });

  it('shows trending papers as Block Kit cards with a plain-text fallback', async () => {
    const reply = await s.command('trending week 2026-11-09 3');
    const blocks = reply.body.blocks as { type: string }[];
    expect(blocks[0]).toMatchObject({ type: 'header' });
    expect(blocks.filter((b) => b.type === 'section').length).toBeGreaterThanOrEqual(3);
    expect(typeof reply.body.text).toBe('string');
    expect(reply.text).toMatch(/\*1\. <https:\/\/huggingface\.co\/papers\/\d{4}\.\d{5}\|/);
  });

  it('explains a mistake in one line with the usage', async () => {
    const reply = await s.command('trending week 2026-W99');
    expect(reply.text).toMatch(/^:warning: [“"]2026-W99[”"] is not a week/);
    expect(reply.text).toContain('Usage: /papers trending [day|week|month]');
    expect((await s.command('frobnicate')).text).toMatch(/[“"]frobnicate[”"] is not a \/papers command\./);
  });

  it('looks a paper up by id', async () => {
    const reply = await s.command('paper 9901.00103');
    expect(reply.text).toContain('Diffuse and Disperse: Image Generation with Representation Regularization');
    expect(reply.text).toContain('<https://arxiv.org/pdf/9901.00103|PDF>');
  });

  it('pages a search with the More button, and answers a stale or foreign button politely', async () => {
    const first = await s.command('search diffusion');
    expect(first.text).toContain('Results 1–5');
    // Each card has its actions block (Save); the page's More button is in the last one.
    const actions = (first.body.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).filter(
      (b) => b.type === 'actions',
    );
    expect(actions[0]!.elements![0]!.value).toMatch(/^save:\d{4}\.\d{5}$/);
    const more = actions.at(-1)!.elements![0]!;
    expect(more.action_id).toBe('paperpulse:0');
    expect(more.value).toMatch(/^more:[A-Za-z0-9_-]{12}$/);

    const pressed = await s.fake.pressButton(s.events, SECRET, more);
    expect(pressed.status).toBe(200);
    await s.fake.waitFor(() => s.fake.responsesTo(pressed.responseId).length === 1);
    const page2 = s.fake.responsesTo(pressed.responseId)[0]!.body;
    expect(page2).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(messageText(page2)).toContain('Results 6–10');

    const stale = await s.fake.pressButton(s.events, SECRET, { action_id: 'paperpulse:0', value: 'more:AAAAAAAAAAAA' });
    await s.fake.waitFor(() => s.fake.responsesTo(stale.responseId).length === 1);
    expect(messageText(s.fake.responsesTo(stale.responseId)[0]!.body)).toContain('This search has expired');

    const foreign = await s.fake.pressButton(s.events, SECRET, { action_id: 'someone_else' });
    await s.fake.waitFor(() => s.fake.responsesTo(foreign.responseId).length === 1);
    expect(messageText(s.fake.responsesTo(foreign.responseId)[0]!.body)).toContain('That button is not one of mine');
  });

  it('refuses settings to a member who is not an admin or owner, and writes nothing', async () => {
    const reply = await s.command('subscribe diffusion', { user: 'UMEMBER', channel: 'CREFUSED' });
    expect(reply.text).toContain("Only channel managers can change this channel's settings");
    expect(reply.text).toContain('workspace admins and owners');
    expect(await channelRow('CREFUSED')).toBeUndefined();
  });

  it('lets workspace admins, owners and SLACK_MANAGER_IDS change settings; the channel is keyed by its team', async () => {
    const admin = await s.command('subscribe optimal transport', { user: 'UADMIN', channel: 'CADMIN' });
    expect(admin.text).toContain('Subscribed this channel to “optimal transport”');
    expect(await channelRow('CADMIN')).toMatchObject({ address: `${TEAM}/CADMIN` });
    const owner = await s.command('digest on', { user: 'UOWNER', channel: 'COWNER' });
    expect(owner.text).toMatch(/digest is on/i);
    expect(await channelRow('COWNER')).toMatchObject({ address: `${TEAM}/COWNER`, digest_enabled: true });
    const trusted = await s.command('digest time 07:30', { user: 'UTRUSTED', channel: 'COWNER' });
    expect(trusted.text).toContain('07:30');
    expect(await channelRow('COWNER')).toMatchObject({ post_time: '07:30' });
  });

  it('asks users.info only for settings commands, once per user while cached', async () => {
    const before = s.fake.calls.get('users.info') ?? 0;
    // Reading commands never need to know whether the user manages the channel.
    await s.command('topics', { user: 'UCACHED', channel: 'CADMIN' });
    await s.command('status', { user: 'UCACHED', channel: 'CADMIN' });
    await s.command('search diffusion', { user: 'UCACHED', channel: 'CADMIN' });
    expect((s.fake.calls.get('users.info') ?? 0) - before).toBe(0);
    // Settings do, once per user while the answer is cached.
    await s.command('digest size 4', { user: 'UCACHED', channel: 'CADMIN' });
    await s.command('digest size 5', { user: 'UCACHED', channel: 'CADMIN' });
    expect((s.fake.calls.get('users.info') ?? 0) - before).toBe(1);
    // SLACK_MANAGER_IDS need no lookup at all.
    await s.command('digest size 5', { user: 'UTRUSTED', channel: 'CADMIN' });
    expect((s.fake.calls.get('users.info') ?? 0) - before).toBe(1);
  });

  it('lists, unsubscribes, previews and reports status', async () => {
    expect((await s.command('topics', { channel: 'CADMIN' })).text).toContain('1. optimal transport');
    const gone = await s.command('unsubscribe optimal transport', { user: 'UADMIN', channel: 'CADMIN' });
    expect(gone.text).toContain('optimal transport');
    expect((await s.command('topics', { channel: 'CADMIN' })).text).not.toContain('1. optimal transport');
    const preview = await s.command('digest preview', { channel: 'COWNER' });
    expect(preview.text).toContain('Hugging Face Daily Papers');
    const status = await s.command('status', { channel: 'COWNER' });
    expect(status.text).toMatch(/07:30/);
  });

  it('treats a user as a non-manager when users.info fails, and asks again next time', async () => {
    s.fake.failNext('users.info', { error: 'ratelimited' });
    const refused = await s.command('digest off', { user: 'UADMIN2', channel: 'CFAIL' });
    expect(refused.text).toContain('Only channel managers');
    expect(s.logs.entries.some((e) => e.msg.startsWith('users.info failed') && e.userId === 'UADMIN2')).toBe(true);
    const calls = s.fake.calls.get('users.info') ?? 0;
    await s.command('digest off', { user: 'UADMIN2', channel: 'CFAIL' });
    expect(s.fake.calls.get('users.info')).toBe(calls + 1);
  });

  it('refuses unsigned, stale, tampered and wrongly signed requests with 401, and runs nothing', async () => {
    const body = new URLSearchParams({
      command: '/papers',
      text: 'digest on',
      team_id: TEAM,
      channel_id: 'CFORGED',
      user_id: 'UADMIN',
      user_name: 'mallory',
      response_url: s.fake.responseUrl('forged'),
      trigger_id: 't',
      api_app_id: 'A0001',
    }).toString();
    const form = 'application/x-www-form-urlencoded';
    const now = Math.floor(Date.now() / 1000);
    expect((await signedPost(s.events, SECRET, body, form, { signature: null })).status).toBe(401);
    expect((await signedPost(s.events, SECRET, body, form, { timestamp: now - 301 })).status).toBe(401);
    const tampered = slackSignature(SECRET, now, body.replace('digest+on', 'digest+off'));
    expect((await signedPost(s.events, SECRET, body, form, { timestamp: now, signature: tampered })).status).toBe(401);
    expect((await signedPost(s.events, 'not-the-secret', body, form)).status).toBe(401);
    // A correct signature 4 minutes old is still accepted (the limit is 5).
    expect((await signedPost(s.events, SECRET, body, form, { timestamp: now - 240 })).status).toBe(200);
    await s.fake.waitFor(() => s.fake.responsesTo('forged').length === 1);
    expect(s.fake.responsesTo('forged')).toHaveLength(1);
    expect(await channelRow('CFORGED')).toMatchObject({ digest_enabled: true });
  });

  const signedCommand = (text: string, channel: string, responseId: string) =>
    new URLSearchParams({
      command: '/papers',
      text,
      team_id: TEAM,
      channel_id: channel,
      user_id: 'UADMIN',
      user_name: 'ada',
      response_url: s.fake.responseUrl(responseId),
      trigger_id: 't',
      api_app_id: 'A0001',
    }).toString();
  const FORM = 'application/x-www-form-urlencoded';
  const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

  it('a signed request replayed within the 5-minute window is not applied again', async () => {
    const body = signedCommand('digest on', 'CREPLAY', 'replay-1');
    const timestamp = Math.floor(Date.now() / 1000) - 10;
    expect((await signedPost(s.events, SECRET, body, FORM, { timestamp })).status).toBe(200);
    await s.fake.waitFor(() => s.fake.responsesTo('replay-1').length === 1);
    expect(await channelRow('CREPLAY')).toMatchObject({ digest_enabled: true });
    // The manager turns it off; the captured "digest on" is sent again, byte for byte.
    await s.command('digest off', { user: 'UADMIN', channel: 'CREPLAY' });
    expect(await channelRow('CREPLAY')).toMatchObject({ digest_enabled: false });
    const replay = await signedPost(s.events, SECRET, body, FORM, { timestamp });
    expect(replay.status).toBe(200);
    await settle();
    expect(s.fake.responsesTo('replay-1')).toHaveLength(1);
    expect(await channelRow('CREPLAY')).toMatchObject({ digest_enabled: false });
  });

  it('a signed request dated 6 minutes in the future is refused with 401 and runs nothing', async () => {
    const body = signedCommand('digest on', 'CFUTURE', 'future-1');
    const timestamp = Math.floor(Date.now() / 1000) + 360;
    expect((await signedPost(s.events, SECRET, body, FORM, { timestamp })).status).toBe(401);
    await settle();
    expect(s.fake.responsesTo('future-1')).toHaveLength(0);
    expect(await channelRow('CFUTURE')).toBeUndefined();
    // Within the allowed skew (30 s ahead) it is served.
    const near = signedCommand('digest on', 'CFUTURE', 'future-2');
    expect((await signedPost(s.events, SECRET, near, FORM, { timestamp: timestamp - 330 })).status).toBe(200);
    await s.fake.waitFor(() => s.fake.responsesTo('future-2').length === 1);
  });

  it('a retried delivery (X-Slack-Retry-Num) of the same request is ignored', async () => {
    const body = signedCommand('digest on', 'CRETRY', 'retry-1');
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await signedPost(s.events, SECRET, body, FORM, { timestamp })).status).toBe(200);
    await s.fake.waitFor(() => s.fake.responsesTo('retry-1').length === 1);
    const retried = await signedPost(s.events, SECRET, body, FORM, {
      timestamp,
      headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
    });
    expect(retried.status).toBe(200);
    await settle();
    expect(s.fake.responsesTo('retry-1')).toHaveLength(1);
    expect(s.logs.entries.some((e) => e.msg.startsWith('ignored a Slack request already handled'))).toBe(true);
  });

  it('serves a health check and 404s anything else', async () => {
    expect((await fetch(`${s.base}/healthz`)).status).toBe(200);
    expect((await fetch(`${s.base}/nope`)).status).toBe(404);
  });

  it('never logs the bot token or the signing secret', () => {
    expect(s.logs.text()).not.toContain('xoxb-');
    expect(s.logs.text()).not.toContain(SECRET);
  });
});
