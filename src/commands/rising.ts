import { paperCard, paperData } from '../messages/cards.js';
import type { Block } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import type { RisingMetric } from '../ports/rising.js';
import { gainLine, parseRisingWindow, RISING_LISTED_DAYS } from '../services/rising-service.js';
import { type CommandDefinition, never, publicOption } from './definition.js';

export const RISING_DEFAULT = 10;

export const rising: CommandDefinition = {
  name: 'rising',
  description: 'Papers gaining the most upvotes (or GitHub stars) in 24 h or 7 days',
  usage: '/papers rising [24h|7d] [stars] [limit] [public]',
  options: [
    {
      name: 'window',
      type: 'string',
      description: 'The window the gain is measured over: 24h (default) or 7d',
      choices: ['24h', '7d'],
      // Text input: any "<number><unit>" goes to the window, so "3d" is refused naming the accepted values.
      pattern: /^(\d+[a-z]+|day|week)$/i,
    },
    {
      name: 'metric',
      type: 'string',
      description: 'upvotes (default) or stars (GitHub stars gained)',
      choices: ['upvotes', 'stars'],
    },
    { name: 'limit', type: 'integer', description: 'How many papers (1–25, default 10)', min: 1, max: 25 },
    { name: 'top', type: 'integer', description: 'How many papers (1–100)', min: 1, max: 100, cliOnly: true },
    publicOption,
  ],
  managerOnly: never,
  async execute({ args, services }) {
    const window = parseRisingWindow(args.window as string | undefined);
    const metric: RisingMetric = args.metric === 'stars' ? 'stars' : 'upvotes';
    const limit =
      typeof args.top === 'number' ? args.top : typeof args.limit === 'number' ? args.limit : RISING_DEFAULT;
    const hits = await services.rising.rising({ window, metric, limit });
    const what = metric === 'stars' ? 'GitHub stars' : 'upvotes';
    const blocks: Block[] = [
      { type: 'heading', text: `Rising · ${what} gained in the last ${window === '24h' ? '24 hours' : '7 days'}` },
    ];
    if (hits.length === 0) {
      blocks.push({
        type: 'text',
        text: `No paper listed in the last ${RISING_LISTED_DAYS} days gained ${what} in that window (gains come from the snapshots taken at each refresh).`,
      });
    } else {
      hits.forEach((hit, i) => {
        blocks.push(paperCard(hit.paper, { position: i + 1, lines: [gainLine(hit.gain, window, metric)] }));
      });
    }
    const data = {
      window,
      metric,
      results: hits.map((hit) => paperData(hit.paper, { gain: hit.gain })),
    };
    return { message: message(blocks), data };
  },
};
