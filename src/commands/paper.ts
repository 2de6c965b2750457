import { formatDay } from '../domain/days.js';
import { parsePaperRef } from '../domain/paper.js';
import { BotError, UserError } from '../errors.js';
import { paperCard, paperData } from '../messages/cards.js';
import type { Block } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import { type CommandDefinition, never, publicOption } from './definition.js';
import { quote } from './parse.js';

export const paper: CommandDefinition = {
  name: 'paper',
  description: 'Look up one paper by arXiv id or arxiv.org / huggingface.co URL',
  usage: '/papers paper <arXiv id | arxiv.org or huggingface.co URL> [public]',
  options: [
    { name: 'id', type: 'string', description: 'arXiv id (2410.17243) or paper URL', required: true, maxLength: 300 },
    publicOption,
  ],
  managerOnly: never,
  async execute({ args, services }) {
    const ref = String(args.id);
    const id = parsePaperRef(ref);
    if (!id) {
      throw new UserError(
        `${quote(ref)} is not an arXiv id (like 2410.17243) or an arxiv.org / huggingface.co paper link.`,
        {
          usage: paper.usage,
        },
      );
    }
    let found: Awaited<ReturnType<typeof services.ingest.lookupPaper>>;
    try {
      found = await services.ingest.lookupPaper(id);
    } catch (err) {
      if (err instanceof BotError && err.code.startsWith('SOURCE_')) {
        throw new UserError(
          `${id} is not in the archive, and Hugging Face could not be asked just now; try again later.`,
          {
            code: 'NOT_FOUND',
          },
        );
      }
      throw err;
    }
    if (!found) throw new UserError(`No paper ${id} on Hugging Face Papers.`, { code: 'NOT_FOUND' });
    const lists = await services.papers.listDatesOf(id);
    const blocks: Block[] = [paperCard(found)];
    if (lists.length > 0) blocks.push({ type: 'text', text: `On Daily Papers: ${lists.map(formatDay).join(', ')}` });
    return {
      message: message(blocks),
      data: { paper: paperData(found, { abstract: found.abstract, listDates: lists }) },
    };
  },
};
