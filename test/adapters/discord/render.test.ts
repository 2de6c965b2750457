/**
 * The Discord renderer: exact JSON for a card and a message, and every Discord limit (content 2000, 10 embeds and
 * 6000 characters per message, title 256, description 4096, 25 fields of 1024, field name 256, footer 2048,
 * author 256, custom id 100, button label 80), each checked on its own and by the same validator the fake Discord
 * API uses.
 */
import { describe, expect, it } from 'vitest';
import { COMPONENT_LIMITS, EMBED_LIMITS, MESSAGE_LIMITS } from '../../../adapters/discord/limits.js';
import {
  clip,
  embedLength,
  PAPER_COLOR,
  paperEmbed,
  type RenderedEmbed,
  renderMessage,
  TLDR_MAX,
  TOPICS_MAX,
} from '../../../adapters/discord/render.js';
import { type Action, type Block, message, type PaperBlock } from '../../../src/index.js';
import { bigCard, bigDigest } from '../../contract/chat-platform.contract.js';
import { validateMessage } from '../../support/fake-discord.js';

const card = (over: Partial<PaperBlock> = {}): PaperBlock => ({
  type: 'paper',
  id: '2410.17243',
  title: 'Scaling *Laws* for_Diffusion',
  url: 'https://huggingface.co/papers/2410.17243',
  tldr: 'Bigger is better.',
  authors: ['Ada Lovelace', 'Alan Turing', 'Grace Hopper', 'Edsger Dijkstra'],
  upvotes: 312,
  comments: 4,
  github: { url: 'https://github.com/org/repo', stars: 12345 },
  projectPage: 'https://example.org/p(1)',
  arxivUrl: 'https://arxiv.org/abs/2410.17243',
  pdfUrl: 'https://arxiv.org/pdf/2410.17243',
  thumbnailUrl: 'https://cdn.example/t.png',
  topics: ['diffusion', 'scaling laws'],
  position: 1,
  published: '2024-10-22',
  ...over,
});

const NO_MENTIONS = { parse: [] };

/** Every part must pass the fake Discord's own validation. */
function expectAccepted(parts: ReturnType<typeof renderMessage>) {
  for (const part of parts) expect(validateMessage(part)).toBeUndefined();
}

describe('a paper card', () => {
  it('renders every field of product.md §5 as one embed (exact JSON)', () => {
    expect(paperEmbed(card())).toEqual({
      title: '1. Scaling \\*Laws\\* for\\_Diffusion',
      url: 'https://huggingface.co/papers/2410.17243',
      author: { name: 'Ada Lovelace, Alan Turing, Grace Hopper et al.' },
      description:
        'Bigger is better.\n[arXiv](https://arxiv.org/abs/2410.17243) · [PDF](https://arxiv.org/pdf/2410.17243) · [Project page](https://example.org/p%281%29)',
      color: PAPER_COLOR,
      fields: [
        { name: 'Upvotes', value: '▲ 312', inline: true },
        { name: 'Comments', value: '4', inline: true },
        { name: 'Code', value: '[org/repo](https://github.com/org/repo) ★ 12,345', inline: true },
        { name: 'Topics', value: 'diffusion · scaling laws', inline: false },
      ],
      thumbnail: { url: 'https://cdn.example/t.png' },
      footer: { text: 'arXiv 2410.17243 · published 2024-10-22' },
    } satisfies RenderedEmbed);
  });

  it('leaves out what the paper does not have', () => {
    expect(
      paperEmbed(
        card({
          authors: [],
          github: { url: 'https://github.com/org/repo', stars: null },
          projectPage: undefined,
          thumbnailUrl: undefined,
          topics: [],
          position: undefined,
          published: undefined,
          tldr: '',
        }),
      ),
    ).toEqual({
      title: 'Scaling \\*Laws\\* for\\_Diffusion',
      url: 'https://huggingface.co/papers/2410.17243',
      description: '[arXiv](https://arxiv.org/abs/2410.17243) · [PDF](https://arxiv.org/pdf/2410.17243)',
      color: PAPER_COLOR,
      fields: [
        { name: 'Upvotes', value: '▲ 312', inline: true },
        { name: 'Comments', value: '4', inline: true },
        { name: 'Code', value: '[org/repo](https://github.com/org/repo)', inline: true },
      ],
      footer: { text: 'arXiv 2410.17243' },
    });
  });

  it('drops links that are not http(s), instead of failing the message', () => {
    const embed = paperEmbed(
      card({
        url: 'javascript:alert(1)',
        projectPage: 'ftp://example.org',
        thumbnailUrl: 'not a url',
        github: { url: 'file:///etc/passwd', stars: 1 },
      }),
    );
    expect(embed.url).toBeUndefined();
    expect(embed.thumbnail).toBeUndefined();
    expect(embed.description).not.toContain('Project page');
    expect(embed.fields?.map((f) => f.name)).toEqual(['Upvotes', 'Comments', 'Topics']);
  });

  it(`cuts the title at ${EMBED_LIMITS.title} characters with an ellipsis`, () => {
    const embed = paperEmbed(card({ title: 'T'.repeat(400), position: 12 }));
    expect(embed.title).toBe(`12. ${'T'.repeat(EMBED_LIMITS.title - 5)}…`);
    expect(embed.title).toHaveLength(EMBED_LIMITS.title);
  });

  it(`cuts the TL;DR at ${TLDR_MAX} characters; the description stays within ${EMBED_LIMITS.description}`, () => {
    const embed = paperEmbed(card({ tldr: 'word '.repeat(2000) }));
    const [tldr] = embed.description!.split('\n');
    expect(tldr).toHaveLength(TLDR_MAX);
    expect(tldr!.endsWith('word…')).toBe(true);
    expect(embed.description!.length).toBeLessThanOrEqual(EMBED_LIMITS.description);
  });

  it(`shortens authors to "A, B, C et al." and cuts the author line at ${EMBED_LIMITS.authorName}`, () => {
    expect(paperEmbed(card({ authors: ['A', 'B'] })).author).toEqual({ name: 'A, B' });
    const long = paperEmbed(card({ authors: ['N'.repeat(300), 'B', 'C', 'D'] })).author!.name;
    expect(long).toBe(`${'N'.repeat(EMBED_LIMITS.authorName - 1)}…`);
  });

  it(`cuts the topics field at ${TOPICS_MAX} characters, within a field's ${EMBED_LIMITS.fieldValue}`, () => {
    const embed = paperEmbed(card({ topics: Array.from({ length: 30 }, (_, i) => `topic number ${i}`) }));
    const topics = embed.fields!.find((f) => f.name === 'Topics')!;
    expect(topics.value).toHaveLength(TOPICS_MAX);
    expect(topics.value.endsWith('…')).toBe(true);
    expect(embed.fields!.length).toBeLessThanOrEqual(EMBED_LIMITS.fields);
    for (const f of embed.fields!) {
      expect(f.name.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldName);
      expect(f.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
    }
  });

  it(`keeps the footer within ${EMBED_LIMITS.footerText}`, () => {
    const embed = paperEmbed(card({ id: 'x'.repeat(3000) }));
    expect(embed.footer!.text).toHaveLength(EMBED_LIMITS.footerText);
    expect(embed.footer!.text.endsWith('…')).toBe(true);
  });

  it('shows at most 3 extra card lines (organization, submitter, gains…) above the TL;DR, escaped and cut', () => {
    const embed = paperEmbed(card({ lines: ['🏛 NVIDIA · submitted by @a_k', 'y'.repeat(500), 'three', 'four'] }));
    const lines = embed.description!.split('\n');
    expect(lines[0]).toBe('🏛 NVIDIA · submitted by @a\\_k');
    expect(lines[1]).toHaveLength(200);
    expect(lines[2]).toBe('three');
    expect(embed.description).not.toContain('four');
  });

  it('the biggest card the model allows stays far below 6000 characters', () => {
    const embed = paperEmbed(bigCard(7));
    expect(embedLength(embed)).toBeLessThan(MESSAGE_LIMITS.embedTotal / 3);
    expectAccepted([{ embeds: [embed], allowed_mentions: { parse: [] } }]);
  });
});

describe('a message', () => {
  it('puts the text before the first paper in `content`, a paper per embed, later text in an embed, buttons last', () => {
    const blocks: Block[] = [
      { type: 'heading', text: 'Trending · Fri' },
      { type: 'note', tone: 'warning', text: 'careful @everyone' },
      card(),
      { type: 'text', text: 'On Daily Papers: Fri 25 Oct 2024' },
    ];
    const actions: Action[] = [{ type: 'button', id: 'more:abcdefghijkl', label: 'More' }];
    expect(renderMessage(message(blocks, actions))).toEqual([
      {
        content: '**Trending · Fri**\n⚠️ careful @everyone',
        embeds: [paperEmbed(card()), { description: 'On Daily Papers: Fri 25 Oct 2024' }],
        components: [{ type: 1, components: [{ type: 2, style: 1, custom_id: 'more:abcdefghijkl', label: 'More' }] }],
        allowed_mentions: NO_MENTIONS,
      },
    ]);
  });

  it('a section heading between papers becomes an embed title ("For your topics")', () => {
    const parts = renderMessage(
      message([
        card({ position: 1 }),
        { type: 'divider' },
        { type: 'heading', text: 'For your topics' },
        card({ position: undefined }),
      ]),
    );
    expect(parts).toHaveLength(1);
    expect(parts[0]!.content).toBeUndefined();
    expect(parts[0]!.embeds!.map((e) => e.title)).toEqual([
      '1. Scaling \\*Laws\\* for\\_Diffusion',
      'For your topics',
      'Scaling \\*Laws\\* for\\_Diffusion',
    ]);
  });

  it('text only (help, status, a refusal) is content, with errors marked', () => {
    expect(
      renderMessage(
        message([
          { type: 'note', tone: 'error', text: 'Something went wrong.' },
          { type: 'text', text: 'Usage: /papers paper <id>' },
        ]),
      ),
    ).toEqual([{ content: '❌ Something went wrong.\nUsage: /papers paper \\<id>', allowed_mentions: NO_MENTIONS }]);
  });

  it('an empty message still says something', () => {
    expect(renderMessage({ text: '', blocks: [] })).toEqual([{ content: 'Done.', allowed_mentions: NO_MENTIONS }]);
  });

  it(`splits content over ${MESSAGE_LIMITS.content} characters between lines, and cuts a longer line`, () => {
    const lines = Array.from({ length: 60 }, (_, i) => `line ${String(i).padStart(2, '0')} ${'x'.repeat(80)}`);
    const parts = renderMessage(
      message([
        { type: 'text', text: lines.join('\n') },
        { type: 'text', text: 'y'.repeat(2500) },
      ]),
    );
    // 22 lines of 88 characters and their 21 newlines fit in 2000; a 23rd would not.
    expect(parts.map((p) => p.content!.length)).toEqual([1957, 1957, 1423, MESSAGE_LIMITS.content]);
    expect(
      parts
        .slice(0, 3)
        .map((p) => p.content)
        .join('\n'),
    ).toBe(lines.join('\n'));
    expect(parts[3]!.content).toBe(`${'y'.repeat(MESSAGE_LIMITS.content - 1)}…`);
    expectAccepted(parts);
  });

  it(`puts at most ${MESSAGE_LIMITS.embeds} embeds in a message`, () => {
    const papers = Array.from({ length: 25 }, (_, i) => card({ position: i + 1, tldr: 'Short.', topics: [] }));
    const parts = renderMessage(message([{ type: 'heading', text: 'Top 25' }, ...papers]));
    expect(parts.map((p) => [p.content, p.embeds?.length])).toEqual([
      ['**Top 25**', 10],
      [undefined, 10],
      [undefined, 5],
    ]);
    expectAccepted(parts);
  });

  it(`keeps each message within ${MESSAGE_LIMITS.embedTotal} embed characters, splitting between papers in order`, () => {
    const parts = renderMessage(bigDigest(25, 10));
    expect(parts.length).toBeGreaterThan(3);
    for (const part of parts) {
      const total = (part.embeds ?? []).reduce((n, e) => n + embedLength(e), 0);
      expect(total).toBeLessThanOrEqual(MESSAGE_LIMITS.embedTotal);
      expect(part.embeds!.length).toBeLessThanOrEqual(MESSAGE_LIMITS.embeds);
    }
    const titles = parts.flatMap((p) => p.embeds!.map((e) => e.title ?? ''));
    const papers = titles.filter((t) => /^(\d+\. )?Paper \d+:/.test(t)).map((t) => Number(/Paper (\d+):/.exec(t)![1]));
    expect(papers).toEqual(Array.from({ length: 35 }, (_, i) => i));
    expect(titles).toContain('For your topics');
    expectAccepted(parts);
  });

  it('is deterministic: the same message gives the same parts (resuming relies on it)', () => {
    expect(renderMessage(bigDigest(25, 10))).toEqual(renderMessage(bigDigest(25, 10)));
  });

  it('thread: the thread header holds only the text before the papers', () => {
    const parts = renderMessage(bigDigest(3), { thread: true });
    expect(parts[0]).toEqual({
      content: '**Hugging Face Daily Papers · Fri 13 Nov 2026**\nTop 3 of 3 papers featured on Hugging Face.',
      allowed_mentions: NO_MENTIONS,
    });
    expect(parts.slice(1).every((p) => p.content === undefined && p.embeds!.length > 0)).toBe(true);
  });

  it(`buttons: custom ids over ${COMPONENT_LIMITS.customId} are left out, labels cut at ${COMPONENT_LIMITS.buttonLabel}, 5 rows of 5 at most`, () => {
    const actions: Action[] = [
      { type: 'button', id: 'x'.repeat(COMPONENT_LIMITS.customId + 1), label: 'Too long an id' },
      { type: 'button', id: 'ok', label: 'L'.repeat(100) },
      ...Array.from({ length: 30 }, (_, i): Action => ({ type: 'button', id: `b${i}`, label: `B${i}` })),
    ];
    const [part] = renderMessage(message([{ type: 'text', text: 'Pick one' }], actions));
    const rows = part!.components!;
    expect(rows).toHaveLength(MESSAGE_LIMITS.actionRows);
    expect(rows.every((r) => r.components.length === MESSAGE_LIMITS.buttonsPerRow)).toBe(true);
    expect(rows[0]!.components[0]).toEqual({ type: 2, style: 1, custom_id: 'ok', label: `${'L'.repeat(79)}…` });
    expect(rows.flatMap((r) => r.components).some((b) => b.custom_id.length > COMPONENT_LIMITS.customId)).toBe(false);
    expectAccepted([part!]);
  });

  it("gives each card's buttons a row under the message, labelled with the card's position", () => {
    const cardActions = (id: string): Action[] => [
      { type: 'button', id: `save:${id}`, label: 'Save' },
      { type: 'button', id: `similar:${id}`, label: 'Similar' },
    ];
    const [part] = renderMessage(
      message([
        { type: 'heading', text: 'Search: “transport”' },
        card({ id: '2410.00001', position: 1, actions: cardActions('2410.00001') }),
        card({ id: '2410.00002', position: 2, actions: cardActions('2410.00002') }),
        card({ id: '2410.00003', position: undefined, actions: [] }),
      ]),
    );
    expect(part!.embeds).toHaveLength(3);
    expect(part!.components).toEqual([
      {
        type: 1,
        components: [
          { type: 2, style: 1, custom_id: 'save:2410.00001', label: '1 · Save' },
          { type: 2, style: 1, custom_id: 'similar:2410.00001', label: '1 · Similar' },
        ],
      },
      {
        type: 1,
        components: [
          { type: 2, style: 1, custom_id: 'save:2410.00002', label: '2 · Save' },
          { type: 2, style: 1, custom_id: 'similar:2410.00002', label: '2 · Similar' },
        ],
      },
    ]);
    expectAccepted([part!]);
  });

  it(`with buttons on every card, a message holds at most ${MESSAGE_LIMITS.actionRows} cards, and More goes last`, () => {
    const cards = Array.from({ length: 12 }, (_, i) =>
      card({
        id: `2410.${10000 + i}`,
        position: i + 1,
        tldr: 'Short.',
        actions: [{ type: 'button', id: `save:${i}`, label: 'Save' }],
      }),
    );
    const parts = renderMessage(
      message(
        [{ type: 'heading', text: 'Results' }, ...cards],
        [{ type: 'button', id: 'more:x', label: 'More', role: 'more' }],
      ),
    );
    expect(parts.map((p) => p.embeds?.length ?? 0)).toEqual([5, 5, 2]);
    expect(parts.map((p) => p.components?.length ?? 0)).toEqual([5, 5, 3]);
    expect(parts.at(-1)!.components!.at(-1)).toEqual({
      type: 1,
      components: [{ type: 2, style: 1, custom_id: 'more:x', label: 'More' }],
    });
    const full = renderMessage(message(cards.slice(0, 5), [{ type: 'button', id: 'more:x', label: 'More' }]));
    expect(full.map((p) => p.components?.length ?? 0)).toEqual([5, 1]);
    expect(full[1]).toEqual({
      components: [{ type: 1, components: [{ type: 2, style: 1, custom_id: 'more:x', label: 'More' }] }],
      allowed_mentions: NO_MENTIONS,
    });
    expectAccepted([...parts, ...full]);
  });

  it('escapes Markdown in user and paper text, and never pings', () => {
    const [part] = renderMessage(
      message([{ type: 'heading', text: 'Search: “**bold** @everyone [x](https://evil.example)”' }]),
    );
    expect(part).toEqual({
      content: '**Search: “\\*\\*bold\\*\\* @everyone \\[x\\](https://evil.example)”**',
      allowed_mentions: NO_MENTIONS,
    });
  });
});

describe('clip', () => {
  it('keeps text that fits, trimmed as Discord counts it', () => {
    expect(clip('  hello  ', 5)).toBe('hello');
  });
  it('cuts with an ellipsis, exactly at the limit', () => {
    expect(clip('abcdefghij', 5)).toBe('abcd…');
  });
  it('never splits a surrogate pair', () => {
    expect(clip('abc😀def', 5)).toBe('abc…');
  });
  it('never leaves a dangling Markdown escape before the ellipsis', () => {
    expect(clip('ab\\*cdef', 4)).toBe('ab…');
  });
});
