/**
 * Issue 14 through every platform: reading lists (save, list, remove, export, clear) private to each user, and
 * channel votes counted once per user, answered to the voter without a channel message.
 */
import { expect, it } from 'vitest';
import type { ChatPlatform } from '../../src/index.js';
import type { Action } from '../../src/messages/model.js';
import { userKey } from '../../src/ports/reading.js';
import type { FixedClock } from '../fakes/fixed-clock.js';
import type { TestCore } from '../support/services.js';
import type { PlatformHarness } from './chat-platform.contract.js';

const A = '9901.00073'; // Sparsity-Constrained Optimal Transport
const B = '9901.00002'; // Gradient-Normalized Smoothness for Optimization with Approximate Hessians

const button = (id: string, command: string): Action => ({ type: 'button', id, label: id, command });
const saveButton = (paper: string) => button(`save:${paper}`, `/papers save ${paper}`);
const removeButton = (paper: string) => button(`unsave:${paper}`, `/papers saved remove ${paper}`);
const voteButton = (dir: 'up' | 'down', paper: string) =>
  button(`vote:${dir}:${paper}`, `/papers vote ${paper} ${dir}`);

export function readingListContract(get: () => { h: PlatformHarness; core: TestCore; platform: ChatPlatform }): void {
  const keys = () => {
    const { h, platform } = get();
    return { manager: userKey(platform.name, h.users.manager), member: userKey(platform.name, h.users.member) };
  };

  it('reading list: saves privately, once, with the command and the Save button', async () => {
    const { h, core } = get();
    expect(h.users.manager).not.toBe(h.users.member);
    expect(await h.command('save', A)).toContain(
      'Saved “Sparsity-Constrained Optimal Transport” to your reading list (1 paper)',
    );
    expect(await h.command('save', `https://arxiv.org/abs/${A}`)).toContain('is already in your list.');
    (core.services.clock as FixedClock).advance(60_000);
    expect(await h.press(saveButton(B))).toContain('to your reading list (2 papers)');
    expect(await h.press(saveButton(B))).toContain('is already in your list.');
    expect(await h.command('save', 'nonsense')).toContain('Usage: /papers save');
    expect(await core.services.readingLists.count(keys().manager)).toBe(2);
  });

  it("reading list: nobody reads or changes another user's list, by command or by a forged button", async () => {
    const { h, core } = get();
    const member = await h.command('saved', '', { manager: false });
    expect(member).toContain('Your list is empty');
    expect(member).not.toContain('Sparsity-Constrained');
    expect(await h.press(removeButton(A), { manager: false })).toContain('is not in your list (any more)');
    expect(await h.command('saved', 'remove 1', { manager: false })).toContain('Your list is empty');
    expect(await h.command('saved', 'export', { manager: false })).toContain('nothing to export');
    expect(await h.command('saved', 'clear', { manager: false })).toContain('already empty');
    // The member saves their own paper: it is in their list only.
    expect(await h.press(saveButton(A), { manager: false })).toContain('(1 paper)');
    expect(await core.services.readingLists.count(keys().manager)).toBe(2);
    expect(await core.services.readingLists.count(keys().member)).toBe(1);
    const mine = await h.command('saved', '');
    expect(mine).toContain('Your reading list · 2 papers');
    expect(mine).toMatch(/1\. Gradient-Normalized Smoothness[\s\S]*2\. Sparsity-Constrained Optimal Transport/);
  });

  it('reading list: exports BibTeX to its owner', async () => {
    const { h } = get();
    const seen = await h.command('saved', 'export');
    expect(seen).toContain('Your reading list as BibTeX: 2 entries');
    const bib = await h.exported?.();
    const text = bib ?? seen;
    expect(text).toContain(`eprint = {${A}}`);
    expect(text).toContain('archivePrefix = {arXiv}');
    expect(text).toMatch(/@misc\{[a-z0-9]+-9901\.00002,/);
  });

  it('reading list: removes by number, and clears only once confirmed', async () => {
    const { h, core } = get();
    expect(await h.command('saved', 'remove 1')).toContain('Removed “Gradient-Normalized Smoothness');
    expect(await h.command('saved', 'remove 5')).toContain('there is no number 5');
    const ask = await h.command('saved', 'clear');
    expect(ask).toContain('This erases all 1 paper of your reading list');
    expect(await core.services.readingLists.count(keys().manager)).toBe(1);
    const confirm = button(`saved-clear:${core.services.clock.now().getTime()}`, '/papers saved clear confirm');
    expect(await h.press(confirm)).toContain('Your reading list is erased (1 paper)');
    expect(await core.services.readingLists.count(keys().manager)).toBe(0);
    expect(await core.services.readingLists.count(keys().member)).toBe(1);
  });

  it('votes: once per user per paper, changeable, answered to the voter without a channel message', async () => {
    const { h, core } = get();
    const before = (await h.posted()).length;
    expect(await h.press(voteButton('up', A))).toContain('This channel: 👍 1 · 👎 0.');
    expect(await h.press(voteButton('up', A))).toContain('You had already voted 👍');
    expect(await h.press(voteButton('up', A), { manager: false })).toContain('This channel: 👍 2 · 👎 0.');
    expect(await h.press(voteButton('down', A))).toContain('is now 👎. This channel: 👍 1 · 👎 1.');
    expect(await h.press(voteButton('up', '9999.99999'))).toContain('is not in the archive');
    expect(await core.services.votes.total(h.channel)).toBe(2);
    expect((await h.posted()).length).toBe(before);
  });
}
