import type { Paper } from '../domain/paper.js';
import { parsePaperRef } from '../domain/paper.js';
import { BotError, UserError } from '../errors.js';
import type { CoreServices } from './definition.js';
import { quote } from './parse.js';

/** The arXiv id a command's `id` argument names, or the one-line refusal with the command's usage. */
export function paperIdFrom(ref: string, usage: string): string {
  const id = parsePaperRef(ref);
  if (!id) {
    throw new UserError(
      `${quote(ref)} is not an arXiv id (like 2410.17243) or an arxiv.org / huggingface.co paper link.`,
      { usage },
    );
  }
  return id;
}

/** The paper `id` from the archive, or from Hugging Face when it is not there yet; a clear refusal otherwise. */
export async function lookUpPaper(services: Pick<CoreServices, 'ingest'>, id: string): Promise<Paper> {
  let found: Paper | undefined;
  try {
    found = await services.ingest.lookupPaper(id);
  } catch (err) {
    if (err instanceof BotError && err.code.startsWith('SOURCE_')) {
      throw new UserError(
        `${id} is not in the archive, and Hugging Face could not be asked just now; try again later.`,
        { code: 'NOT_FOUND' },
      );
    }
    throw err;
  }
  if (!found) throw new UserError(`No paper ${id} on Hugging Face Papers.`, { code: 'NOT_FOUND' });
  return found;
}
