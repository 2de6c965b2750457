import type { ChannelRef } from '../domain/channel.js';
import { UserError } from '../errors.js';
import { paperCard, paperData } from '../messages/cards.js';
import type { Block } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import type { PlatformTraits } from '../ports/platform.js';
import { FILTER_SYNTAX, hasCriteria, MAX_QUERY_LENGTH, parseSearchQuery } from '../search/query.js';
import {
  type ActionDefinition,
  type CommandDefinition,
  type CommandOutput,
  type CoreServices,
  never,
  publicOption,
} from './definition.js';
import { quote } from './parse.js';

/** Results per page in chat: five cards fit every platform's message and keep the channel readable. */
export const PAGE_SIZE = 5;
/** The most results one page may ask for (the CLI's `--limit`). */
export const MAX_PAGE_SIZE = 100;
const MORE_PREFIX = 'more:';

interface SearchPageState {
  readonly query: string;
  readonly offset: number;
  readonly public: boolean;
  /** Results per page (PAGE_SIZE in chat). */
  readonly limit?: number | undefined;
}

export const search: CommandDefinition = {
  name: 'search',
  description: 'Search the paper archive: phrases, OR, -exclusion, since:, min-upvotes:, has:code',
  usage: `/papers search <query> [since:YYYY-MM-DD] [min-upvotes:N] [has:code] [author:"Name"] [org:name] [public]`,
  options: [
    {
      name: 'query',
      type: 'string',
      description: `Words, "phrases", OR, -exclusions; filters ${FILTER_SYNTAX}`,
      required: true,
      rest: true,
      maxLength: MAX_QUERY_LENGTH,
    },
    {
      name: 'limit',
      type: 'integer',
      description: `Results per page (default ${PAGE_SIZE})`,
      min: 1,
      max: MAX_PAGE_SIZE,
      cliOnly: true,
    },
    publicOption,
  ],
  managerOnly: never,
  async execute({ args, invocation, services, platform, now }) {
    const state = { query: String(args.query), offset: 0, public: args.public === true, limit: args.limit as number };
    return searchPage(services, platform, invocation.channel, state, now);
  },
};

/** One page of results, with a "More" button when there are more. */
async function searchPage(
  services: CoreServices,
  platform: PlatformTraits,
  channel: ChannelRef,
  state: SearchPageState,
  now: Date,
): Promise<CommandOutput> {
  const limit = state.limit ?? PAGE_SIZE;
  const parsed = parseSearchQuery(state.query);
  if (!hasCriteria(parsed)) {
    throw new UserError('Give something to search for, e.g. /papers search diffusion since:2025-01-01.', {
      usage: search.usage,
    });
  }
  const result = await services.search.search(parsed, { limit, offset: state.offset, now });
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
    return { message: message(blocks), ephemeral: !state.public, data: { results: [], missingIds: result.missingIds } };
  }
  if (result.mode === 'fuzzy') {
    blocks.push({
      type: 'note',
      tone: 'info',
      text: `No exact matches; showing results for ${quote(result.correctedQuery ?? '')}.`,
    });
  }
  blocks.push({ type: 'text', text: resultsLine(state.offset, result.hits.length, result.hasMore) });
  result.hits.forEach((hit, i) => {
    blocks.push(paperCard(hit.paper, { position: state.offset + i + 1 }));
  });
  let actions: { type: 'button'; id: string; label: string; role: 'more' }[] = [];
  // A platform without buttons (feeds, MCP: buttonTtlMs 0) gets no "More", and nothing is stored for one.
  if (result.hasMore && platform.buttonTtlMs > 0) {
    const next: SearchPageState = { ...state, offset: state.offset + result.hits.length };
    const id = await services.continuations.create(channel, next, new Date(now.getTime() + platform.buttonTtlMs));
    actions = [{ type: 'button', id: `${MORE_PREFIX}${id}`, label: 'More', role: 'more' }];
  }
  const data = {
    query: state.query,
    mode: result.mode,
    ...(result.correctedQuery ? { correctedQuery: result.correctedQuery } : {}),
    offset: state.offset,
    hasMore: result.hasMore,
    missingIds: result.missingIds,
    results: result.hits.map((h) => paperData(h.paper, { score: h.score })),
  };
  return { message: message(blocks, actions), ephemeral: !state.public, data };
}

/** "Results 1–5", "Results 6–9 (the last)", "1 result", "3 results". */
function resultsLine(offset: number, count: number, hasMore: boolean): string {
  if (offset === 0 && !hasMore) return `${count} result${count === 1 ? '' : 's'}`;
  const range = count === 1 ? `${offset + 1}` : `${offset + 1}–${offset + count}`;
  return `Results ${range}${hasMore ? '' : ' (the last)'}`;
}

/** The "More" button of a search page: its id names a stored continuation of this channel. */
export const moreAction: ActionDefinition = {
  prefix: MORE_PREFIX,
  async run(id, { invocation, services, platform, now }) {
    if (!/^[A-Za-z0-9_-]{12}$/.test(id)) {
      throw new UserError('That button is not one of mine any more; run the command again.');
    }
    const state = (await services.continuations.find(id, invocation.channel, now)) as SearchPageState | undefined;
    if (!state || typeof state.query !== 'string' || !Number.isInteger(state.offset)) {
      const minutes = Math.round(platform.buttonTtlMs / 60_000);
      throw new UserError(`This search has expired (buttons last ${minutes} minutes); run /papers search again.`);
    }
    return searchPage(services, platform, invocation.channel, state, now);
  },
};
