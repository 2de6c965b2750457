import { describe, expect, it } from 'vitest';
import { SLACK_BUDGET, SLACK_LIMITS } from '../../../adapters/slack/limits.js';
import {
  blockTextLength,
  formatMrkdwn,
  link,
  mrkdwn,
  renderMessage,
  renderPaper,
  type SlackBlock,
  type SlackMessage,
  withoutImages,
} from '../../../adapters/slack/render.js';
import { message, type OutgoingMessage, type PaperBlock } from '../../../src/index.js';
import { bigCard, bigDigest } from '../../contract/chat-platform.contract.js';
import { checkSlackBlocks } from '../../support/fake-slack.js';

const card = (over: Partial<PaperBlock> = {}): PaperBlock => ({
  type: 'paper',
  id: '2511.01234',
  title: 'Scaling Laws for Diffusion',
  url: 'https://huggingface.co/papers/2511.01234',
  tldr: 'Bigger is better.',
  authors: ['Ada Lovelace', 'Alan Turing'],
  upvotes: 312,
  comments: 4,
  arxivUrl: 'https://arxiv.org/abs/2511.01234',
  pdfUrl: 'https://arxiv.org/pdf/2511.01234',
  topics: [],
  ...over,
});

/** Every limit of limits.ts, checked on one rendered message. */
function expectWithinLimits(part: SlackMessage): void {
  expect(part.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
  expect(blockTextLength(part.blocks)).toBeLessThanOrEqual(SLACK_BUDGET.messageBlockText);
  expect(part.text.length).toBeGreaterThan(0);
  expect(part.text.length).toBeLessThanOrEqual(SLACK_BUDGET.fallbackText);
  for (const block of part.blocks) {
    if (block.type === 'header') expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (block.type === 'section') {
      expect(block.text.text.length).toBeGreaterThan(0);
      expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      if (block.accessory) expect(block.accessory.alt_text.length).toBeLessThanOrEqual(SLACK_LIMITS.altText);
    }
    if (block.type === 'context') {
      expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
      for (const e of block.elements) expect(e.text.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElementText);
    }
    if (block.type === 'actions') {
      expect(block.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.actionsElements);
      for (const b of block.elements) {
        expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
        expect(b.value.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
      }
    }
  }
}

describe('Slack renderer: blocks', () => {
  it('renders a heading, text, notes and a divider as exact Block Kit', () => {
    const out = renderMessage(
      message([
        { type: 'heading', text: 'Search: “diffusion”' },
        { type: 'text', text: 'Results 1–5\nUsage: /papers search <query> [since:YYYY-MM-DD]' },
        { type: 'note', tone: 'info', text: 'No exact matches; these titles look similar.' },
        { type: 'note', tone: 'warning', text: '“x” is not a week.' },
        { type: 'note', tone: 'error', text: 'Something went wrong.' },
        { type: 'divider' },
      ]),
    );
    expect(out).toEqual([
      {
        text: 'Search: “diffusion”\nResults 1–5\nUsage: /papers search &lt;query&gt; [since:YYYY-MM-DD]\nNo exact matches; these titles look similar.\n⚠ “x” is not a week.\n✖ Something went wrong.',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Search: “diffusion”', emoji: true } },
          {
            type: 'section',
            text: { type: 'mrkdwn', text: 'Results 1–5\nUsage: /papers search &lt;query&gt; [since:YYYY-MM-DD]' },
          },
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: 'No exact matches; these titles look similar.' }],
          },
          { type: 'section', text: { type: 'mrkdwn', text: ':warning: “x” is not a week.' } },
          { type: 'section', text: { type: 'mrkdwn', text: ':x: Something went wrong.' } },
          { type: 'divider' },
        ],
      },
    ]);
  });

  it('renders a paper card: linked title, authors, TL;DR, thumbnail, facts and topics', () => {
    const blocks = renderPaper(
      card({
        position: 1,
        authors: ['A', 'B', 'C', 'D'],
        github: { url: 'https://github.com/x/y', stars: 1234 },
        projectPage: 'https://x.github.io/y',
        thumbnailUrl: 'https://cdn.example/2511.01234.png',
        topics: ['optimal transport', 'diffusion'],
        published: '2025-11-03',
      }),
    );
    expect(blocks).toEqual([
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: '*1. <https://huggingface.co/papers/2511.01234|Scaling Laws for Diffusion>*\nA, B, C et al.\nBigger is better.',
        },
        accessory: {
          type: 'image',
          image_url: 'https://cdn.example/2511.01234.png',
          alt_text: 'Scaling Laws for Diffusion',
        },
      },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: '▲ 312 · 4 comments · 2025-11-03 · <https://github.com/x/y|code> (★ 1234) · <https://x.github.io/y|project page> · <https://arxiv.org/abs/2511.01234|arXiv> · <https://arxiv.org/pdf/2511.01234|PDF>',
          },
          { type: 'mrkdwn', text: 'Topics: optimal transport, diffusion' },
        ],
      },
    ]);
  });

  it('shows at most 3 extra card lines under the TL;DR, escaped and cut to 200', () => {
    const [section] = renderPaper({
      ...bigCard(1),
      thumbnailUrl: undefined,
      lines: ['🏛 A & B', 'z'.repeat(400), '3', '4'],
    });
    const text = (section as { text: { text: string } }).text.text.split('\n');
    expect(text[3]).toBe('🏛 A &amp; B');
    expect(text[4]).toHaveLength(200);
    expect(text[5]).toBe('3');
    expect(text.join('\n')).not.toContain('\n4\n');
  });

  it('escapes &, < and > in paper text, neutralises *_~` outside URLs, and never links an unsafe URL', () => {
    const blocks = renderPaper(
      card({
        title: 'A <b>bold</b> & *new* _take_ on ~x~ `code`',
        tldr: '> not a quote\nsee https://github.com/a_b/c_d for x_y',
        authors: ['O<Brien'],
        url: 'https://huggingface.co/papers/x|y>z',
        projectPage: 'javascript:alert(1)',
        comments: 1,
      }),
    );
    expect(blocks[0]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text:
          '*<https://huggingface.co/papers/x%7Cy%3Ez|A &lt;b&gt;bold&lt;/b&gt; &amp; ∗new∗ ˍtakeˍ on ∼x∼ ˋcodeˋ>*\n' +
          'O&lt;Brien\n' +
          '\u00ad&gt; not a quote\nsee https://github.com/a_b/c_d for xˍy',
      },
    });
    // Not linked: only http(s) URLs are.
    expect((blocks[1] as unknown as { elements: { text: string }[] }).elements[0]!.text).toBe(
      '▲ 312 · 1 comment · project page · <https://arxiv.org/abs/2511.01234|arXiv> · <https://arxiv.org/pdf/2511.01234|PDF>',
    );
  });

  it('cuts a long title, TL;DR and authors line with an ellipsis, within their budgets', () => {
    const [section] = renderPaper(bigCard(3), false) as [Extract<SlackBlock, { type: 'section' }>];
    const [titleLine, authors, tldr] = section.text.text.split('\n') as [string, string, string];
    expect(titleLine).toMatch(/^\*4\. <https:\/\/huggingface\.co\/papers\/2601\.10003\|Paper 3: A very long title/);
    expect(titleLine).toMatch(/…>\*$/);
    expect(titleLine.length).toBeLessThanOrEqual(SLACK_BUDGET.paperTitle + 60);
    expect(authors).toBe('Author 0 of 3, Author 1 of 3, Author 2 of 3 et al.');
    expect(tldr.length).toBeLessThanOrEqual(SLACK_BUDGET.paperTldr);
    expect(tldr.length).toBeGreaterThan(SLACK_BUDGET.paperTldr - 10);
    expect(tldr.endsWith('…')).toBe(true);
    expect(section.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
  });

  it('keeps a facts line with absurd URLs inside a context element by leaving out whole links, never cutting one', () => {
    const long = `https://example.org/${'p'.repeat(990)}`;
    const blocks = renderPaper(card({ github: { url: long, stars: 1 }, projectPage: long }));
    const facts = (blocks[1] as unknown as { elements: { text: string }[] }).elements[0]!.text;
    expect(facts.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElementText);
    expect(facts.split('<').length).toBe(facts.split('>').length);
    expect(facts).toContain('<https://arxiv.org/abs/2511.01234|arXiv>');
    expect(facts.endsWith('<https://arxiv.org/pdf/2511.01234|PDF>')).toBe(true);
  });

  it('cuts a header to 150 characters with an ellipsis', () => {
    const [part] = renderMessage(message([{ type: 'heading', text: `H${'e'.repeat(200)}` }]));
    expect(part!.blocks).toEqual([
      { type: 'header', text: { type: 'plain_text', text: `H${'e'.repeat(148)}…`, emoji: true } },
    ]);
  });

  it('splits a text over 3000 characters into sections between lines, losing nothing', () => {
    const lines = Array.from({ length: 120 }, (_, i) => `line ${i}: ${'x'.repeat(40)}`);
    const [part] = renderMessage(message([{ type: 'text', text: lines.join('\n') }]));
    const sections = part!.blocks as Extract<SlackBlock, { type: 'section' }>[];
    expect(sections.length).toBeGreaterThanOrEqual(2);
    for (const s of sections) expect(s.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(sections.map((s) => s.text.text).join('\n')).toBe(lines.join('\n'));
  });

  it('splits one huge line of characters that expand when escaped, each piece fitting once escaped', () => {
    const parts = renderMessage(message([{ type: 'text', text: '&'.repeat(7_000) }]));
    expect(parts.length).toBe(3); // 35,000 escaped characters, at most 12,000 per message
    for (const part of parts) expectWithinLimits(part);
    const sections = parts.flatMap((p) => p.blocks) as Extract<SlackBlock, { type: 'section' }>[];
    for (const s of sections) {
      expect(s.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect(s.text.text).toMatch(/^(&amp;)+$/);
    }
    expect(sections.reduce((n, s) => n + s.text.text.length / 5, 0)).toBe(7_000);
  });

  it('cuts mrkdwn after escaping, never inside an entity or a surrogate pair', () => {
    expect(mrkdwn('&'.repeat(10), 12)).toBe('&amp;&amp;…');
    expect(mrkdwn('😀😀😀😀', 6)).toBe('😀😀…');
    expect(mrkdwn('  short  ', 100)).toBe('short');
    expect(formatMrkdwn('a>b\n>quote')).toBe('a&gt;b\n\u00ad&gt;quote');
    expect(link('https://x.org/a?b=1&c=2', 'x')).toBe('<https://x.org/a?b=1&amp;c=2|x>');
  });
});

describe('Slack renderer: buttons', () => {
  it('puts the core’s action id in the button value, with a unique action_id, on the last message', () => {
    const out = renderMessage(
      message([{ type: 'text', text: 'Results 1–5' }], [{ type: 'button', id: 'more:abc', label: 'More' }]),
    );
    expect(out).toEqual([
      {
        text: 'Results 1–5',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: 'Results 1–5' } },
          {
            type: 'actions',
            elements: [
              {
                type: 'button',
                action_id: 'paperpulse:0',
                text: { type: 'plain_text', text: 'More', emoji: true },
                value: 'more:abc',
              },
            ],
          },
        ],
      },
    ]);
  });

  it('cuts labels to 75 characters, keeps at most 25 buttons and leaves out one whose id is too long', () => {
    const actions = [
      { type: 'button' as const, id: 'x'.repeat(2_001), label: 'too long an id' },
      ...Array.from({ length: 30 }, (_, i) => ({ type: 'button' as const, id: `a${i}`, label: `L${'l'.repeat(100)}` })),
    ];
    const [part] = renderMessage(message([{ type: 'text', text: 't' }], actions));
    const buttons = (part!.blocks.at(-1) as Extract<SlackBlock, { type: 'actions' }>).elements;
    expect(buttons).toHaveLength(25);
    expect(buttons[0]).toEqual({
      type: 'button',
      action_id: 'paperpulse:0',
      text: { type: 'plain_text', text: `L${'l'.repeat(73)}…`, emoji: true },
      value: 'a0',
    });
    expect(new Set(buttons.map((b) => b.action_id)).size).toBe(25);
    expectWithinLimits(part!);
  });

  it('moves the last paper to a new message when the buttons do not fit the last one', () => {
    // 24 small cards = 48 blocks + heading = 49: the actions block would make 50 and still fit; 25 cards do not.
    const papers = Array.from({ length: 25 }, (_, i) => card({ id: `p${i}`, title: `T${i}`, tldr: 's' }));
    const out = renderMessage(
      message([{ type: 'heading', text: 'H' }, ...papers], [{ type: 'button', id: 'more:1', label: 'More' }]),
    );
    expect(out.map((p) => p.blocks.length)).toEqual([49, 3]);
    expect(out[1]!.blocks.map((b) => b.type)).toEqual(['section', 'context', 'actions']);
    for (const part of out) expectWithinLimits(part);
  });
});

describe('Slack renderer: a card’s own buttons', () => {
  it('puts them in an actions block right under the card, action ids unique in the message', () => {
    const actions = (id: string) => [
      { type: 'button' as const, id: `save:${id}`, label: 'Save' },
      { type: 'button' as const, id: `similar:${id}`, label: 'Similar' },
    ];
    const [part] = renderMessage(
      message(
        [
          card({ id: '2511.00001', actions: actions('2511.00001') }),
          card({ id: '2511.00002', actions: actions('2511.00002') }),
        ],
        [{ type: 'button', id: 'more:x', label: 'More', role: 'more' }],
      ),
    );
    expect(part!.blocks.map((b) => b.type)).toEqual([
      'section',
      'context',
      'actions',
      'section',
      'context',
      'actions',
      'actions',
    ]);
    expect(part!.blocks[2]).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: 'paperpulse:2511.00001:0',
          text: { type: 'plain_text', text: 'Save', emoji: true },
          value: 'save:2511.00001',
        },
        {
          type: 'button',
          action_id: 'paperpulse:2511.00001:1',
          text: { type: 'plain_text', text: 'Similar', emoji: true },
          value: 'similar:2511.00001',
        },
      ],
    });
    const ids = part!.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.action_id) : []));
    expect(new Set(ids).size).toBe(ids.length);
    expectWithinLimits(part!);
    // …and the fake Slack, which checks blocks as Slack documents them, takes it.
    expect(checkSlackBlocks(part!.blocks as unknown as Record<string, unknown>[])).toBeUndefined();
  });

  it('counts them toward the 50 blocks of a message: 20 cards with buttons split into two messages', () => {
    const cards = Array.from({ length: 20 }, (_, i) =>
      card({ id: `2511.${10000 + i}`, actions: [{ type: 'button', id: `save:${i}`, label: 'Save' }] }),
    );
    const parts = renderMessage(message(cards));
    expect(parts.map((p) => p.blocks.length)).toEqual([48, 12]);
    for (const part of parts) {
      expectWithinLimits(part);
      expect(checkSlackBlocks(part.blocks as unknown as Record<string, unknown>[])).toBeUndefined();
    }
  });
});

describe('Slack renderer: splitting', () => {
  const titlesIn = (part: SlackMessage) =>
    part.blocks.flatMap((b) =>
      b.type === 'section' ? [...b.text.text.matchAll(/\|(Paper \d+):/g)].map((m) => m[1]) : [],
    );

  it('splits a big digest between papers: every part within every limit, each paper once and in order', () => {
    const out = renderMessage(bigDigest(25, 10));
    expect(out.length).toBeGreaterThan(2);
    for (const part of out) expectWithinLimits(part);
    expect(out.flatMap(titlesIn)).toEqual(Array.from({ length: 35 }, (_, i) => `Paper ${i}`));
    // A paper's card (section) and its facts (context) stay together.
    for (const part of out) {
      part.blocks.forEach((b, i) => {
        if (b.type === 'section' && b.text.text.includes('|Paper ')) expect(part.blocks[i + 1]?.type).toBe('context');
      });
    }
  });

  it('splits 30 small papers by block count (50 per message)', () => {
    const papers = Array.from({ length: 30 }, (_, i) => card({ id: `p${i}`, title: `Paper ${i}: t`, tldr: 's' }));
    const out = renderMessage(message(papers));
    expect(out.map((p) => p.blocks.length)).toEqual([50, 10]);
    expect(out.flatMap(titlesIn)).toHaveLength(30);
  });

  it('never ends a message with a heading: "For your topics" moves to the next message with its papers', () => {
    const out = renderMessage(bigDigest(25, 10));
    for (const part of out.slice(0, -1)) expect(part.blocks.at(-1)?.type).not.toBe('header');
    const topics = out.findIndex((p) => p.blocks.some((b) => b.type === 'header' && b.text.text === 'For your topics'));
    const at = out[topics]!.blocks.findIndex((b) => b.type === 'header' && b.text.text === 'For your topics');
    expect(out[topics]!.blocks[at + 1]?.type).toBe('section');
  });

  it('in thread mode puts the header (heading and intro) alone in the first message', () => {
    const out = renderMessage(bigDigest(3), { thread: true });
    expect(out[0]!.blocks).toEqual([
      {
        type: 'header',
        text: { type: 'plain_text', text: 'Hugging Face Daily Papers · Fri 13 Nov 2026', emoji: true },
      },
      { type: 'section', text: { type: 'mrkdwn', text: 'Top 3 of 3 papers featured on Hugging Face.' } },
    ]);
    expect(out[0]!.text).toBe(
      'Hugging Face Daily Papers · Fri 13 Nov 2026\nTop 3 of 3 papers featured on Hugging Face.',
    );
    expect(out.slice(1).flatMap(titlesIn)).toEqual(['Paper 0', 'Paper 1', 'Paper 2']);
  });

  it('gives each part a short plain-text fallback that is escaped like mrkdwn', () => {
    const out = renderMessage(bigDigest(25));
    for (const part of out) {
      expect(part.text.length).toBeLessThanOrEqual(SLACK_BUDGET.fallbackText);
      expect(part.text).not.toMatch(/[<>]/);
    }
    expect(out[0]!.text.startsWith('Hugging Face Daily Papers · Fri 13 Nov 2026\nTop 25 of 25')).toBe(true);
  });

  it('renders an empty message as its text alone', () => {
    const empty: OutgoingMessage = { text: 'nothing <here>', blocks: [] };
    expect(renderMessage(empty)).toEqual([{ text: 'nothing &lt;here&gt;', blocks: [] }]);
  });

  it('drops thumbnails on request, keeping everything else', () => {
    const [part] = renderMessage(message([card({ thumbnailUrl: 'https://cdn.example/t.png' })]));
    const plain = withoutImages(part!);
    expect(plain.blocks[0]).toEqual({ type: 'section', text: (part!.blocks[0] as { text: unknown }).text });
    expect(plain.blocks[1]).toEqual(part!.blocks[1]);
    expect(renderMessage(message([card({ thumbnailUrl: 'https://cdn.example/t.png' })]), { images: false })).toEqual([
      plain,
    ]);
  });
});
