/** `paperpulse search`, `trending`, `paper`: the chat's read commands on the command line. */
import { paperIdFrom } from '../../commands/paper-ref.js';
import { isIsoDate, isoWeekOf, isoWeekRange, monthRange, toIsoDate } from '../../domain/days.js';
import { parseSearchQuery } from '../../search/query.js';
import { intOption, stringOption, UsageError } from '../cli.js';
import { chatCommand } from './chat.js';

const field = (key: string) => (data: unknown) => (data as Record<string, unknown> | undefined)?.[key] ?? [];

export const searchCommand = chatCommand({
  name: 'search',
  summary: 'Search the archive (phrases, OR, -exclusion, since:, min-upvotes:, has:code)',
  usage: 'paperpulse search <query> [--limit N] [--json]',
  details:
    'Examples:\n' +
    '  paperpulse search "optimal transport"\n' +
    '  paperpulse search \'"graph neural" -survey OR transformer since:2024-01-01 has:code\'\n' +
    '  paperpulse search https://arxiv.org/abs/2410.17243',
  options: { limit: { type: 'string' } },
  positionals: { min: 1, max: 50 },
  command: 'search',
  values: (args) => ({
    query: args.positionals.join(' '),
    limit: intOption(args.values, 'limit', { min: 1, max: 100, default: 10 }),
  }),
  check: (values) => void parseSearchQuery(String(values.query)),
  json: field('results'),
});

export const trendingCommand = chatCommand({
  name: 'trending',
  summary: "Show a Daily Papers list by upvotes (default: the latest closed day's)",
  usage: 'paperpulse trending [--date YYYY-MM-DD | --week YYYY-Www | --month YYYY-MM] [--limit N] [--json]',
  options: {
    date: { type: 'string' },
    week: { type: 'string' },
    month: { type: 'string' },
    limit: { type: 'string' },
  },
  command: 'trending',
  values(args) {
    const picked = (['date', 'week', 'month'] as const).filter((k) => args.values[k] !== undefined);
    if (picked.length > 1) {
      throw new UsageError(`use one of --date, --week, --month (got ${picked.map((p) => `--${p}`).join(' and ')})`);
    }
    const key = picked[0];
    const period = key === 'week' ? 'week' : key === 'month' ? 'month' : key === 'date' ? 'day' : undefined;
    const when = key ? stringOption(args.values, key) : undefined;
    // The shape is checked here, before the database is opened; the service checks the rest (a date in the future).
    if (period && when !== undefined) checkWhen(period, when);
    return {
      period,
      date: when,
      top: intOption(args.values, 'limit', { min: 1, max: 100, default: 10 }),
    };
  },
  json: field('papers'),
});

export const paperCommand = chatCommand({
  name: 'paper',
  summary: 'Show one paper by arXiv id or arxiv.org / huggingface.co URL (fetched from Hugging Face if new)',
  usage: 'paperpulse paper <id | url> [--json]',
  positionals: { min: 1, max: 1 },
  command: 'paper',
  values: (args) => ({ id: args.positionals[0] }),
  check: (values) => void paperIdFrom(String(values.id), 'paperpulse paper <id | url> [--json]'),
  json: (data) => [(data as { paper?: unknown } | undefined)?.paper].filter(Boolean),
});

/** A --date, --week or --month of the right shape (a week or a month may also be given as a date in it). */
function checkWhen(period: 'day' | 'week' | 'month', when: string): void {
  const today = toIsoDate(new Date());
  if (period === 'day' && !isIsoDate(when)) {
    throw new UsageError(`"${when}" is not a date; write it as YYYY-MM-DD, e.g. ${today}`);
  }
  if (period === 'week' && !isIsoDate(when) && !isoWeekRange(when.toUpperCase())) {
    throw new UsageError(`"${when}" is not a week; write it as YYYY-Www (e.g. ${isoWeekOf(today)}) or a date`);
  }
  if (period === 'month' && !isIsoDate(when) && !monthRange(when)) {
    throw new UsageError(`"${when}" is not a month; write it as YYYY-MM (e.g. ${today.slice(0, 7)}) or a date`);
  }
}
