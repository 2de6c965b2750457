import { paperCard, paperData } from '../messages/cards.js';
import type { Block } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import type { TrendingPeriod } from '../services/trending-service.js';
import { type CommandDefinition, never, publicOption } from './definition.js';

const WHEN = /^\d{4}-(\d{2}(-\d{2})?|w\d{2})$/i;

export const trending: CommandDefinition = {
  name: 'trending',
  description: "Top papers of a day, ISO week or month (default: the latest closed day's list)",
  usage: '/papers trending [day|week|month] [YYYY-MM-DD | YYYY-Www | YYYY-MM] [limit] [public]',
  options: [
    {
      name: 'period',
      type: 'string',
      description: 'day, week or month (default: day)',
      choices: ['day', 'week', 'month'],
    },
    {
      name: 'date',
      type: 'string',
      description: 'A date (YYYY-MM-DD), ISO week (2026-W46) or month (2026-11)',
      maxLength: 10,
      pattern: WHEN,
    },
    { name: 'limit', type: 'integer', description: 'How many papers (1–25, default 10)', min: 1, max: 25 },
    { name: 'top', type: 'integer', description: 'How many papers (1–100)', min: 1, max: 100, cliOnly: true },
    publicOption,
  ],
  managerOnly: never,
  async execute({ args, services }) {
    const limit = typeof args.top === 'number' ? args.top : typeof args.limit === 'number' ? args.limit : 10;
    const view = await services.trending.trending({
      period: args.period as TrendingPeriod | undefined,
      when: args.date as string | undefined,
      limit,
    });
    const blocks: Block[] = [{ type: 'heading', text: `Trending · ${view.label}` }];
    if (view.note) blocks.push({ type: 'note', tone: 'info', text: view.note });
    if (view.papers.length === 0) {
      blocks.push({
        type: 'text',
        text:
          view.period === 'day'
            ? `No papers were listed on ${view.label}; weekends are usually empty.`
            : `No papers were listed in ${view.label}.`,
      });
    } else {
      blocks.push({ type: 'text', text: listedLine(view.total, view.papers.length) });
      view.papers.forEach((p, i) => {
        blocks.push(paperCard(p, { position: i + 1 }));
      });
    }
    const data = {
      period: view.period,
      from: view.from,
      to: view.to,
      label: view.label,
      total: view.total,
      papers: view.papers.map((p) => paperData(p)),
    };
    return { message: message(blocks), data };
  },
};

/** "24 papers listed; the top 10 by upvotes.", "1 paper listed.", "3 papers listed, by upvotes." */
function listedLine(total: number, shown: number): string {
  const listed = `${total} paper${total === 1 ? '' : 's'} listed`;
  if (total > shown) return `${listed}; the top ${shown === 1 ? 'one' : shown} by upvotes.`;
  return total === 1 ? `${listed}.` : `${listed}, by upvotes.`;
}
