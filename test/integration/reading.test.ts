import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import type { ChannelRef } from '../../src/domain/channel.js';
import type { PaperBlock } from '../../src/messages/model.js';
import type { CommandDispatcher } from '../../src/ports/commands.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { drivers, type TestDatabase } from '../support/databases.js';
import { sample, sampleByDate } from '../support/fixtures.js';
import { testApp, typed } from '../support/services.js';

const channel: ChannelRef = { platform: 'slack', address: 'T1/CREAD' };
const other: ChannelRef = { platform: 'slack', address: 'T1/COTHER' };

describe.each(drivers)('reading lists and votes on $name', (driver) => {
  let database: TestDatabase;
  let app: App;
  let dispatcher: CommandDispatcher;
  const clock = new FixedClock('2026-11-16T12:00:00Z');
  const ids = [...sampleByDate().values()].flat().map((i) => (i.paper as { id: string }).id);
  const run = async (text: string, user = 'UADA', where = channel) => dispatcher.dispatch(typed(where, text, { user }));
  const press = async (actionId: string, user = 'UADA', where = channel) =>
    dispatcher.dispatchAction({
      actionId,
      user: { id: user, displayName: user },
      channel: where,
      isManager: async () => true,
    });

  beforeAll(async () => {
    database = await driver.open();
    app = testApp(database, { clock });
    await app.services.ingest.importRecords(sample(), 'sample');
    dispatcher = app.dispatcher([]);
  });
  afterAll(() => database.close());

  it('saves a paper once, privately, and says so the second time', async () => {
    const first = await run(`save ${ids[0]}`);
    expect(first.ok).toBe(true);
    expect(first.ephemeral).toBe(true);
    expect(first.message.text).toMatch(/^Saved “.+” to your reading list \(1 paper\)/);
    const again = await run(`save https://arxiv.org/abs/${ids[0]}v2`);
    expect(again.message.text).toMatch(/is already in your list\.$/);
    expect(await app.services.readingLists.count('slack:UADA')).toBe(1);
  });

  it('refuses a bad id with the usage, and an unknown paper clearly', async () => {
    const bad = await run('save not-a-paper');
    expect(bad.ok).toBe(false);
    expect(bad.message.text).toContain('Usage: /papers save');
  });

  it('lists newest first, 10 a page, with Remove buttons and page buttons', async () => {
    for (const [i, id] of ids.slice(1, 12).entries()) {
      clock.set(new Date(Date.parse('2026-11-16T12:00:00Z') + (i + 1) * 60_000));
      await press(`save:${id}`);
    }
    const page1 = await run('saved');
    expect(page1.ephemeral).toBe(true);
    expect(page1.message.text).toContain('Your reading list · 12 papers · page 1 of 2');
    const lines = page1.message.text.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(lines).toHaveLength(10);
    const titleOf = async (id: string) => (await app.services.papers.findById(id))!.title;
    expect(lines[0]).toBe(`1. ${await titleOf(ids[11]!)}`);
    expect(page1.message.actions?.map((a) => a.id)).toEqual([
      ...ids
        .slice(2, 12)
        .reverse()
        .map((id) => `unsave:${id}`),
      'saved-page:2',
    ]);
    const page2 = await press('saved-page:2');
    expect(page2.message.text).toContain('page 2 of 2');
    expect(page2.message.text).toContain(`12. ${await titleOf(ids[0]!)}`);
    expect((await run('saved 3')).message.text).toContain('Your list has 2 pages; there is no page 3.');
  });

  it('removes by number, by id and by button; a gone entry is said to be gone', async () => {
    const byNumber = await run('saved remove 1');
    expect(byNumber.message.text).toMatch(/^Removed “.+” from your list \(11 papers left\)/);
    expect((await run(`saved remove ${ids[10]}`)).message.text).toContain('(10 papers left)');
    expect((await press(`unsave:${ids[9]}`)).message.text).toContain('(9 papers left)');
    const gone = await press(`unsave:${ids[9]}`);
    expect(gone.ok).toBe(false);
    expect(gone.message.text).toMatch(/is not in your list \(any more\)/);
    expect((await run('saved remove 99')).message.text).toContain('Your list has 9 papers; there is no number 99.');
  });

  it("keeps each user's list theirs: another user cannot read, remove, export or clear it", async () => {
    const before = await app.services.readingLists.count('slack:UADA');
    expect((await run('saved', 'UBOB')).message.text).toContain('Your list is empty');
    // Bob presses Ada's Remove buttons (forged or forwarded): nothing of Ada's changes.
    const forged = await press(`unsave:${ids[0]}`, 'UBOB');
    expect(forged.ok).toBe(false);
    expect((await run('saved remove 1', 'UBOB')).ok).toBe(false);
    expect((await run('saved export', 'UBOB')).message.text).toContain('Your list is empty: nothing to export.');
    expect((await press(`saved-clear:${clock.now().getTime()}`, 'UBOB')).message.text).toContain('already empty');
    // The same user id on another platform is another person.
    expect((await run('saved', 'UADA', { platform: 'discord', address: 'G/C' })).message.text).toContain(
      'Your list is empty',
    );
    expect(await app.services.readingLists.count('slack:UADA')).toBe(before);
  });

  it('exports BibTeX: @misc arXiv entries with stable unique keys and escaped specials', async () => {
    const result = await run('saved export');
    const file = result.message.file!;
    expect(file.name).toBe('papers.bib');
    const entries = file.content.trim().split(/\n\n/);
    expect(entries).toHaveLength(9);
    const keys = entries.map((e) => /^@misc\{([^,]+),/.exec(e)![1]);
    expect(new Set(keys).size).toBe(9);
    expect(entries[0]).toContain(`eprint = {${ids[0]}}`);
    expect(entries[0]).toContain('archivePrefix = {arXiv}');
    expect(entries[0]).toContain(`url = {https://arxiv.org/abs/${ids[0]}}`);
    expect(entries[0]).toMatch(/year = \{2026\}/);
    expect(entries[0]).toMatch(/author = \{[^}]+ and [^}]+\}/);
    // Stable: the same list exports the same keys.
    expect((await run('saved export')).message.file!.content).toBe(file.content);
  });

  it('clears only after the confirmation button, which expires', async () => {
    const ask = await run('saved clear');
    expect(ask.message.text).toContain('This erases all 9 papers of your reading list');
    const button = ask.message.actions![0]!;
    expect(await app.services.readingLists.count('slack:UADA')).toBe(9);
    clock.set(new Date(clock.now().getTime() + 16 * 60_000));
    expect((await press(button.id)).message.text).toContain('This confirmation has expired');
    expect(await app.services.readingLists.count('slack:UADA')).toBe(9);
    const fresh = (await run('saved clear')).message.actions![0]!;
    expect((await press(fresh.id)).message.text).toContain('Your reading list is erased (9 papers)');
    expect(await app.services.readingLists.count('slack:UADA')).toBe(0);
  });

  it('counts one vote per user per paper per channel, changeable', async () => {
    const up = await press(`vote:up:${ids[0]}`, 'U1');
    expect(up.ephemeral).toBe(true);
    expect(up.message.text).toContain('This channel: 👍 1 · 👎 0.');
    expect((await press(`vote:up:${ids[0]}`, 'U1')).message.text).toMatch(/You had already voted 👍.*👍 1 · 👎 0/);
    expect((await press(`vote:down:${ids[0]}`, 'U1')).message.text).toMatch(/is now 👎.*👍 0 · 👎 1/);
    expect((await run(`vote ${ids[0]} up`, 'U2')).message.text).toContain('👍 1 · 👎 1');
    // Another channel counts its own votes.
    expect((await press(`vote:up:${ids[0]}`, 'U1', other)).message.text).toContain('👍 1 · 👎 0');
    expect(await app.services.votes.total(channel)).toBe(2);
    expect((await press('vote:up:9999.99999', 'U1')).message.text).toContain('is not in the archive');
  });

  it('learns the channel taste: learned digest, reasons, status and preview', async () => {
    expect((await run('digest ranking learned')).message.text).toContain('blends Hugging Face upvotes');
    // Below 20 votes the learned digest is the hf one.
    const early = await run('digest preview 2026-11-13');
    expect(early.message.text).toContain('the learned ranking starts at 20');
    // The channel likes optimization and dislikes everything about vision, on the first lists.
    const byDate = sampleByDate();
    const train = [...byDate.entries()].filter(([d]) => d < '2026-11-13').flatMap(([, l]) => l);
    let n = 0;
    for (const item of train) {
      const p = item.paper as { id: string; title: string; summary: string };
      const text = `${p.title} ${p.summary}`.toLowerCase();
      const liked = /optimi[sz]|convergence|gradient/.test(text);
      const disliked = /image|video|3d|visual|vision/.test(text);
      if (liked === disliked) continue;
      await press(`vote:${liked ? 'up' : 'down'}:${p.id}`, `U${n++ % 5}`);
      if (n >= 40) break;
    }
    const status = await run('status');
    expect(status.message.text).toMatch(/Ranking: learned \(upvotes blended.*votes in this channel: 4\d/);
    expect(status.message.text).toMatch(/Learned: likes .*(optimi|gradient|convergence)/);
    const preview = await run('digest preview 2026-11-13');
    expect(preview.message.text).toContain("Ranked with this channel's votes.");
    const cards = preview.message.blocks.filter((b): b is PaperBlock => b.type === 'paper');
    expect(cards.some((c) => c.reason)).toBe(true);
    const reason = cards.find((c) => c.reason)!.reason!;
    expect(`${reason.before}${reason.emphasis}${reason.after}`).toMatch(
      /^(like papers on .+ this channel upvoted|by .+|from .+)/,
    );
    expect(preview.message.text).toMatch(/Learned ranking (compared with upvotes|: the same papers)/);
    // Cards carry Save, Similar and the channel's vote counts.
    expect(cards[0]!.actions?.map((a) => a.id)).toEqual([
      `save:${cards[0]!.id}`,
      `similar:${cards[0]!.id}`,
      `vote:up:${cards[0]!.id}`,
      `vote:down:${cards[0]!.id}`,
    ]);
    // The hf channel next door ranks by upvotes, whatever this channel voted.
    const hf = await run('digest preview 2026-11-13', 'UADA', other);
    expect(hf.message.text).not.toContain('Ranked with');
  });
});
