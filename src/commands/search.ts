import { UserError } from '../errors.js';
import { paperCard } from '../messages/cards.js';
import type { Block } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import type { ActionInvocation } from '../ports/command-dispatcher.js';
import { FILTER_SYNTAX, hasCriteria, MAX_QUERY_LENGTH, parseSearchQuery } from '../search/query.js';
import { type CommandDefinition, type CommandOutput, type CoreServices, never, publicOption } from './definition.js';
import { quote } from './parse.js';

/** Results per page in chat (product.md §4). */
export const PAGE_SIZE = 5;
/** How long a "More" button keeps working: Discord's interaction tokens last 15 minutes. */
export const MORE_TTL_MS = 15 * 60_000;
const MORE_PREFIX = 'more:';

interface SearchPageState {
  readonly query: string;
  readonly offset: number;
  readonly public: boolean;
}

export const search: CommandDefinition = {
  name: 'search',
  description: 'Search the paper archive: phrases, OR, -exclusion, since:, min-upvotes:, has:code',
  usage: `/papers search <query> [since:YYYY-MM-DD] [min-upvotes:N] [has:code] [public]`,
  options: [
    {
      name: 'query',
      type: 'string',
      description: `Words, "phrases", OR, -exclusions; filters ${FILTER_SYNTAX}`,
      required: true,
      rest: true,
      maxLength: MAX_QUERY_LENGTH,
    },
    publicOption,
  ],
  managerOnly: never,
  async execute({ args, invocation, services, now }) {
    const query = String(args.query);
    return searchPage(services, invocation.channel, { query, offset: 0, public: args.public === true }, now);
  },
};

/** One page of results, with a "More" button when there are more. */
async function searchPage(
  services: CoreServices,
  channel: ActionInvocation['channel'],
  state: SearchPageState,
  now: Date,
): Promise<CommandOutput> {
  const parsed = parseSearchQuery(state.query);
  if (!hasCriteria(parsed)) {
    throw new UserError('Give something to search for, e.g. /papers search diffusion since:2025-01-01.', {
      usage: search.usage,
    });
  }
  const result = await services.search.search(parsed, { limit: PAGE_SIZE, offset: state.offset, now });
  const blocks: Block[] = [{ type: 'heading', text: `Search: ${quote(state.query)}` }];
  for (const id of result.missingIds) {
    blocks.push({
      type: 'note',
      tone: 'info',
      text: `${id} is not in the archive yet; /papers paper ${id} fetches it.`,
    });
  }
  if (result.hits.length === 0) {
    blocks.push({
      type: 'text',
      text:
        state.offset > 0 ? 'No more results.' : 'No papers match. Try fewer or broader words, or check the filters.',
    });
    return { message: message(blocks), ephemeral: !state.public };
  }
  if (result.mode === 'fuzzy') {
    blocks.push({
      type: 'note',
      tone: 'info',
      text: `No exact matches; showing results for ${quote(result.correctedQuery ?? '')}.`,
    });
  }
  const first = state.offset + 1;
  blocks.push({
    type: 'text',
    text: `Results ${first}–${state.offset + result.hits.length}${result.hasMore ? '' : ' (all)'}`,
  });
  result.hits.forEach((hit, i) => {
    blocks.push(paperCard(hit.paper, { position: state.offset + i + 1 }));
  });
  let actions: { type: 'button'; id: string; label: string }[] = [];
  if (result.hasMore) {
    const next: SearchPageState = { ...state, offset: state.offset + result.hits.length };
    const id = await services.continuations.create(channel, next, new Date(now.getTime() + MORE_TTL_MS));
    actions = [{ type: 'button', id: `${MORE_PREFIX}${id}`, label: 'More' }];
  }
  return { message: message(blocks, actions), ephemeral: !state.public };
}

/** Handles a "More" button: validates its id, and answers politely when it is unknown or expired. */
export async function runMoreAction(
  actionId: string,
  invocation: ActionInvocation,
  services: CoreServices,
  now: Date,
): Promise<CommandOutput> {
  const id = actionId.startsWith(MORE_PREFIX) ? actionId.slice(MORE_PREFIX.length) : '';
  if (!/^[A-Za-z0-9_-]{12}$/.test(id)) {
    throw new UserError('That button is not one of mine any more; run the command again.');
  }
  const state = (await services.continuations.find(id, invocation.channel, now)) as SearchPageState | undefined;
  if (!state || typeof state.query !== 'string' || !Number.isInteger(state.offset)) {
    throw new UserError('This search has expired (buttons last 15 minutes); run /papers search again.');
  }
  return searchPage(services, invocation.channel, state, now);
}
