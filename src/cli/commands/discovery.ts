/** `paperpulse similar`, `rising`: discovery commands of the chat (issue 13) on the command line. */
import { RISING_WINDOWS } from '../../ports/rising.js';
import { parseRisingWindow } from '../../services/rising-service.js';
import { intOption, UsageError } from '../cli.js';
import { chatCommand } from './chat.js';

const field = (key: string) => (data: unknown) => (data as Record<string, unknown> | undefined)?.[key] ?? [];

export const similarCommand = chatCommand({
  name: 'similar',
  summary: 'Papers similar to one paper (its most distinctive terms over the archive)',
  usage: 'paperpulse similar <id | url> [--limit N] [--json]',
  details:
    'Each result shows the terms it shares with the paper; --json adds score (0–1) and sharedTerms.\n' +
    'Example:\n  paperpulse similar 2410.17243 --limit 10',
  options: { limit: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  command: 'similar',
  values: (args) => ({
    id: args.positionals[0],
    top: intOption(args.values, 'limit', { min: 1, max: 100, default: 5 }),
  }),
  json: field('results'),
});

export const risingCommand = chatCommand({
  name: 'rising',
  summary: 'Papers of the last 14 days gaining the most upvotes (or GitHub stars) over 24 h or 7 days',
  usage: 'paperpulse rising [--window 24h|7d] [--stars] [--limit N] [--json]',
  details: '--json adds gain (upvotes or, with --stars, GitHub stars gained over the window).',
  options: { window: { type: 'string' }, stars: { type: 'boolean' }, limit: { type: 'string' } },
  command: 'rising',
  values: (args) => ({
    window: args.values.window === undefined ? undefined : parseRisingWindowOrUsage(String(args.values.window)),
    metric: args.values.stars ? 'stars' : undefined,
    top: intOption(args.values, 'limit', { min: 1, max: 100, default: 10 }),
  }),
  json: field('results'),
});

function parseRisingWindowOrUsage(text: string): string {
  try {
    return parseRisingWindow(text);
  } catch {
    throw new UsageError(`--window is ${RISING_WINDOWS.join(' or ')}, not "${text.slice(0, 20)}"`);
  }
}
