import { formatDay } from '../domain/days.js';
import { paperCard, paperData } from '../messages/cards.js';
import type { Block } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import { type CommandDefinition, never, publicOption } from './definition.js';
import { lookUpPaper, paperIdFrom } from './paper-ref.js';

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
    const id = paperIdFrom(String(args.id), paper.usage);
    const found = await lookUpPaper(services, id);
    const lists = await services.papers.listDatesOf(id);
    const blocks: Block[] = [paperCard(found)];
    if (lists.length > 0) blocks.push({ type: 'text', text: `On Daily Papers: ${lists.map(formatDay).join(', ')}` });
    return {
      message: message(blocks),
      data: { paper: paperData(found, { abstract: found.abstract, listDates: lists }) },
    };
  },
};
