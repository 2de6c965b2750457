import { describe, expect, it } from 'vitest';
import { renderDigest, renderReply, typedActions } from '../../../adapters/console/render.js';
import { message, type PaperBlock, PLAIN } from '../../../src/index.js';

const card = (over: Partial<PaperBlock> = {}): PaperBlock => ({
  type: 'paper',
  id: '2511.01234',
  title: 'Scaling Laws for Diffusion',
  url: 'https://huggingface.co/papers/2511.01234',
  tldr: 'Bigger is better.',
  authors: ['Ada Lovelace'],
  upvotes: 3,
  comments: 1,
  arxivUrl: 'https://arxiv.org/abs/2511.01234',
  pdfUrl: 'https://arxiv.org/pdf/2511.01234',
  topics: [],
  position: 1,
  ...over,
});

const style = { ...PLAIN, cardActions: typedActions(PLAIN) };

describe('the console renderer', () => {
  it('shows a card’s buttons as the commands to type, under the card, and leaves buttons without one out', () => {
    const text = renderReply(
      {
        ok: true,
        ephemeral: true,
        message: message([
          card({
            actions: [
              { type: 'button', id: 'save:2511.01234', label: 'Save', command: '/papers save 2511.01234' },
              { type: 'button', id: 'similar:2511.01234', label: 'Similar', command: '/papers similar 2511.01234' },
              { type: 'button', id: 'vote:x', label: '👍' },
            ],
          }),
        ]),
      },
      style,
    );
    expect(text.split('\n').at(-2)).toBe('   ↳ save: /papers save 2511.01234 · similar: /papers similar 2511.01234');
  });

  it('says how to see the next page when the answer has a More button', () => {
    const result = {
      ok: true,
      ephemeral: true,
      message: message([card()], [{ type: 'button', id: 'more:x', label: 'More', role: 'more' }]),
    };
    expect(renderReply(result, style)).toMatch(/\n\(type “more” for the next page\)\n$/);
    expect(renderReply({ ...result, message: message([card()]) }, style)).not.toContain('more');
  });

  it('frames a digest and shows its cards’ buttons the same way', () => {
    const digest = renderDigest(
      message([
        { type: 'heading', text: 'Hugging Face Daily Papers · Fri 13 Nov 2026' },
        card({ actions: [{ type: 'button', id: 'save:1', label: 'Save', command: '/papers save 2511.01234' }] }),
      ]),
      style,
    );
    expect(digest).toMatch(
      /^\n━━━ Digest for console:local ━━━\nHugging Face Daily Papers · Fri 13 Nov 2026\n1\. Scaling Laws/,
    );
    expect(digest).toContain('   ↳ save: /papers save 2511.01234\n━━━');
  });

  it('shows a card’s extra lines under the authors, at most 3', () => {
    const text = renderReply(
      {
        ok: true,
        ephemeral: true,
        message: message([card({ lines: ['🏛 NVIDIA · submitted by @akhaliq', 'two', 'three', 'four'] })]),
      },
      style,
    );
    expect(text).toContain('   Ada Lovelace\n   🏛 NVIDIA · submitted by @akhaliq\n   two\n   three\n');
    expect(text).not.toContain('four');
  });
});
