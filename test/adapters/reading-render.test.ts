/** A learned pick's reason and the vote buttons, as each platform shows them, within its limits. */
import { describe, expect, it } from 'vitest';
import { renderMessage as renderDiscord } from '../../adapters/discord/render.js';
import { renderPaper as renderSlackPaper } from '../../adapters/slack/render.js';
import { message, type PaperBlock, toPlainText } from '../../src/index.js';
import { saveAction, voteActions } from '../../src/messages/reading-actions.js';
import { bigCard } from '../contract/chat-platform.contract.js';
import { validateMessage } from '../support/fake-discord.js';
import { checkSlackBlocks } from '../support/fake-slack.js';

const card: PaperBlock = {
  ...bigCard(0),
  actions: [saveAction('2601.10000'), ...voteActions('2601.10000', { up: 3, down: 1 })],
  reason: { before: 'like papers on ', emphasis: 'sparse_autoencoders *x*', after: ' this channel upvoted' },
};

describe('reason lines and vote buttons', () => {
  it('Discord: the reason in italics (escaped) in the card, buttons labelled by position with the counts', () => {
    const [part] = renderDiscord(message([card]));
    expect(part!.embeds![0]!.description).toContain(
      '✨ like papers on _sparse\\_autoencoders \\*x\\*_ this channel upvoted',
    );
    expect(part!.components![0]!.components.map((b) => [b.label, b.custom_id])).toEqual([
      ['1 · Save', 'save:2601.10000'],
      ['1 · 👍 3', 'vote:up:2601.10000'],
      ['1 · 👎 1', 'vote:down:2601.10000'],
    ]);
    expect(validateMessage(part as never)).toBeUndefined();
  });

  it('Slack: the reason in a context element, the buttons in the card’s actions block', () => {
    const blocks = renderSlackPaper(card, false);
    const context = blocks.find((b) => b.type === 'context') as unknown as { elements: { text: string }[] };
    expect(context.elements.some((e) => e.text.startsWith('✨ like papers on _sparse'))).toBe(true);
    const actions = blocks.find((b) => b.type === 'actions') as unknown as {
      elements: { value: string; text: { text: string } }[];
    };
    expect(actions.elements.map((e) => [e.text.text, e.value])).toEqual([
      ['Save', 'save:2601.10000'],
      ['👍 3', 'vote:up:2601.10000'],
      ['👎 1', 'vote:down:2601.10000'],
    ]);
    expect(checkSlackBlocks(blocks as never)).toBeUndefined();
  });

  it('plain text (console, CLI): the reason with *emphasis* under the card', () => {
    expect(toPlainText([card])).toContain('   ✨ like papers on *sparse_autoencoders *x** this channel upvoted');
  });
});
