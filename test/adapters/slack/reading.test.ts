import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userKey } from '../../../src/ports/reading.js';
import { SLACK_SCOPES } from '../../support/fake-slack/documented.js';
import { type SlackSetup, slackSetup, TEAM } from './setup.js';

/**
 * `/papers saved export` in Slack: a code block in the ephemeral answer while it fits one section, else papers.bib
 * uploaded into the caller's direct message with the app (never the channel), and a clear line when the scopes
 * are missing.
 */
describe('Slack: reading list export and votes (real Bolt app)', () => {
  let s: SlackSetup;
  beforeAll(async () => {
    s = await slackSetup();
  }, 60_000);
  afterAll(async () => {
    await s.close();
  }, 60_000);

  const ids = Array.from({ length: 12 }, (_, i) => `9901.${String(i + 1).padStart(5, '0')}`);

  it('shows a short list as a code block in the ephemeral answer', async () => {
    await s.command(`save ${ids[0]}`, { user: 'UALICE' });
    const reply = await s.command('saved export', { user: 'UALICE' });
    expect(reply.body.response_type).toBe('ephemeral');
    const blocks = reply.body.blocks as { type: string; text?: { text: string } }[];
    const code = blocks.find((b) => b.text?.text.startsWith('```'))!;
    expect(code.text!.text).toContain(`eprint = {${ids[0]}}`);
    expect(code.text!.text.length).toBeLessThanOrEqual(3000);
    expect(s.fake.files.size).toBe(0);
  });

  it("uploads a long list as papers.bib into the caller's direct message, not the channel", async () => {
    s.fake.setScopes(TEAM, [...SLACK_SCOPES.defaults, SLACK_SCOPES.files, SLACK_SCOPES.im]);
    for (const id of ids.slice(1)) await s.command(`save ${id}`, { user: 'UALICE', channel: 'CPUBLIC' });
    expect(await s.core.services.readingLists.count(userKey('slack', 'UALICE'))).toBe(12);
    const reply = await s.command('saved export', { user: 'UALICE', channel: 'CPUBLIC' });
    expect(reply.body.response_type).toBe('ephemeral');
    expect(reply.text).toContain('I sent it to you as a file (papers.bib) in your direct messages with me.');
    const [file] = [...s.fake.files.values()];
    expect(file!.filename).toBe('papers.bib');
    expect(file!.completed!.channel).toBe('DUALICE');
    const bib = file!.data!.toString('utf8');
    expect(bib.match(/^@misc\{/gm)).toHaveLength(12);
    for (const id of ids) expect(bib).toContain(`eprint = {${id}}`);
    expect(s.fake.postsTo('CPUBLIC')).toHaveLength(0);
    expect(s.fake.postsTo('DUALICE')[0]!.files).toEqual([{ id: file!.id, title: 'papers.bib' }]);
  });

  it('says what is missing when the app lacks the file scopes, and shares nothing', async () => {
    s.fake.setScopes(TEAM, [...SLACK_SCOPES.defaults]);
    const before = s.fake.files.size;
    const reply = await s.command('saved export', { user: 'UALICE' });
    expect(reply.text).toContain('I could not send it as a file: the app lacks the files:write or im:write scope');
    expect(s.fake.files.size).toBe(before);
  });

  it('answers a vote through the response_url only, to the voter', async () => {
    const pressed = await s.fake.pressButton(
      s.events,
      'test-signing-secret-0123456789abcdef',
      { action_id: 'paperpulse:1', value: `vote:up:${ids[0]}` },
      { user: 'UBOB', channel: 'CVOTES', team: TEAM },
    );
    await s.fake.waitFor(() => s.fake.responsesTo(pressed.responseId).length === 1);
    const body = s.fake.responsesTo(pressed.responseId)[0]!.body;
    expect(body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(body)).toContain('👍 1 · 👎 0');
    expect(s.fake.postsTo('CVOTES')).toHaveLength(0);
  });

  it("a vote on a digest card relabels that card's buttons with the channel's counts, in place", async () => {
    const channel = await s.core.services.channels.find({ platform: 'slack', address: `${TEAM}/CDIGEST` });
    const composed = await s.core.services.digests.composeDaily(channel, '2026-11-13');
    if (!composed.ok) throw new Error(composed.reason);
    await s.slack.postDigest(channel, composed.digest.message, {
      thread: false,
      alreadyPosted: [],
      onPosted: async () => {},
    });
    const [posted] = s.fake.postsTo('CDIGEST');
    const paperId = composed.digest.paperIds[0]!;
    const pressed = await s.fake.pressButton(
      s.events,
      'test-signing-secret-0123456789abcdef',
      { action_id: 'paperpulse:x', value: `vote:up:${paperId}` },
      {
        user: 'UCAROL',
        channel: 'CDIGEST',
        team: TEAM,
        message: { ts: posted!.ts, text: posted!.text, blocks: posted!.blocks },
      },
    );
    await s.fake.waitFor(() => s.fake.responsesTo(pressed.responseId).length === 2);
    const [update, note] = s.fake.responsesTo(pressed.responseId).map((r) => r.body);
    expect(update).toMatchObject({ replace_original: true });
    const buttons = (update!.blocks as { type: string; elements?: { value: string; text: { text: string } }[] }[])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? []);
    expect(buttons.find((b) => b.value === `vote:up:${paperId}`)!.text.text).toBe('👍 1');
    expect(buttons.find((b) => b.value === `vote:down:${paperId}`)!.text.text).toBe('👎 0');
    // Every other card keeps its buttons as they were.
    expect(
      buttons
        .filter((b) => b.value.startsWith('vote:up:') && b.value !== `vote:up:${paperId}`)
        .every((b) => b.text.text === '👍 0'),
    ).toBe(true);
    expect(note).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(JSON.stringify(note)).toContain('👍 counted for');
    expect(s.fake.postsTo('CDIGEST')).toHaveLength(1);
  });
});
