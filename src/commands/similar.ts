import { parsePaperRef } from '../domain/paper.js';
import { UserError } from '../errors.js';
import { paperCard, paperData, SIMILAR_PREFIX } from '../messages/cards.js';
import type { Block } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import type { SimilarPapers } from '../ports/similar.js';
import {
  type ActionDefinition,
  type CommandDefinition,
  type CommandOutput,
  never,
  publicOption,
} from './definition.js';
import { paperIdFrom } from './paper-ref.js';

/** Results in chat unless a limit is given; the most a chat answer shows. */
export const SIMILAR_DEFAULT = 5;
export const SIMILAR_MAX = 25;
/** The most results the CLI's `--limit` asks for. */
export const SIMILAR_CLI_MAX = 100;
/** Shared terms shown on a card. */
const SHARED_SHOWN = 5;

export const similar: CommandDefinition = {
  name: 'similar',
  description: 'Papers similar to one paper, with the terms they share',
  usage: '/papers similar <arXiv id | URL> [limit] [public]',
  options: [
    { name: 'id', type: 'string', description: 'arXiv id (2410.17243) or paper URL', required: true, maxLength: 300 },
    {
      name: 'limit',
      type: 'integer',
      description: `How many papers (1–${SIMILAR_MAX}, default ${SIMILAR_DEFAULT})`,
      min: 1,
      max: SIMILAR_MAX,
    },
    {
      name: 'top',
      type: 'integer',
      description: `How many papers (1–${SIMILAR_CLI_MAX})`,
      min: 1,
      max: SIMILAR_CLI_MAX,
      cliOnly: true,
    },
    publicOption,
  ],
  managerOnly: never,
  async execute({ args, services }) {
    const id = paperIdFrom(String(args.id), similar.usage);
    const limit =
      typeof args.top === 'number' ? args.top : typeof args.limit === 'number' ? args.limit : SIMILAR_DEFAULT;
    const answer = await similarAnswer(services.similar, id, limit);
    return { ...answer, ephemeral: args.public !== true };
  },
};

/** The answer to "similar to `id`": a card per result with the terms it shares. */
export async function similarAnswer(port: SimilarPapers, id: string, limit: number): Promise<CommandOutput & object> {
  const result = await port.similar(id, limit);
  if (!result) {
    throw new UserError(`${id} is not in the archive yet; /papers paper ${id} fetches it, then try again.`, {
      code: 'NOT_FOUND',
    });
  }
  const blocks: Block[] = [{ type: 'heading', text: `Similar to ${result.source.title}` }];
  if (result.hits.length === 0) {
    blocks.push({ type: 'text', text: 'No similar papers in the archive yet.' });
  } else {
    result.hits.forEach((hit, i) => {
      const shared = hit.sharedTerms.slice(0, SHARED_SHOWN).join(', ');
      blocks.push(paperCard(hit.paper, { position: i + 1, lines: [`Shared: ${shared}`] }));
    });
  }
  const data = {
    source: paperData(result.source),
    results: result.hits.map((hit) => paperData(hit.paper, { score: hit.score, sharedTerms: hit.sharedTerms })),
  };
  return { message: message(blocks), data };
}

/** The Similar button of a card: the answer is shown to the presser only. */
export const similarAction: ActionDefinition = {
  prefix: SIMILAR_PREFIX,
  async run(rest, { services }) {
    const id = parsePaperRef(rest);
    if (!id) throw new UserError('That button is not one of mine any more; run /papers similar <id> instead.');
    return { ...(await similarAnswer(services.similar, id, SIMILAR_DEFAULT)), ephemeral: true };
  },
};
