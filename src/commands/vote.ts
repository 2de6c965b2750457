/**
 * 👍 / 👎 on digest cards, and `/papers vote <id> up|down` where there are no buttons (the console). One vote per
 * user per paper per channel, changeable; answered to the voter only (the interaction's own answer, no channel
 * message), with the channel's counts.
 */
import type { ChannelRef } from '../domain/channel.js';
import { parsePaperRef } from '../domain/paper.js';
import { UserError } from '../errors.js';
import { message } from '../messages/plain-text.js';
import { VOTE_PREFIX, voteActions } from '../messages/reading-actions.js';
import type { ChatUser } from '../ports/commands.js';
import { MIN_VOTES } from '../services/taste/taste-service.js';
import {
  type ActionDefinition,
  type CommandDefinition,
  type CommandOutput,
  type CoreServices,
  never,
} from './definition.js';
import { quote } from './parse.js';

export const vote: CommandDefinition = {
  name: 'vote',
  description: "Vote a paper up or down in this channel: the channel's learned ranking learns from it",
  usage: '/papers vote <arXiv id> up|down',
  options: [
    { name: 'id', type: 'string', description: 'arXiv id (2410.17243) or paper URL', required: true, maxLength: 300 },
    { name: 'direction', type: 'string', description: 'up or down', required: true, choices: ['up', 'down'] },
  ],
  managerOnly: never,
  async execute({ args, invocation, services, now }) {
    const id = parsePaperRef(String(args.id));
    if (!id)
      throw new UserError(`${quote(String(args.id))} is not an arXiv id (like 2410.17243).`, { usage: vote.usage });
    return castVote(services, invocation.channel, invocation.user, id, args.direction === 'down' ? -1 : 1, now);
  },
};

async function castVote(
  services: CoreServices,
  channel: ChannelRef,
  user: ChatUser,
  paperId: string,
  direction: 1 | -1,
  now: Date,
): Promise<CommandOutput> {
  const paper = await services.papers.findById(paperId);
  if (!paper)
    throw new UserError(`Paper ${paperId} is not in the archive (any more), so it cannot be voted on.`, {
      code: 'NOT_FOUND',
    });
  const { previous, counts } = await services.votes.vote(channel, paper.id, user.id, direction, now);
  const mark = direction === 1 ? '👍' : '👎';
  const what =
    previous === direction
      ? `You had already voted ${mark} on ${quote(paper.title)}.`
      : previous === undefined
        ? `${mark} counted for ${quote(paper.title)}.`
        : `Your vote on ${quote(paper.title)} is now ${mark}.`;
  const total = await services.votes.total(channel);
  const learning =
    total < MIN_VOTES ? ` The channel's learned ranking starts at ${MIN_VOTES} votes (${total} so far).` : '';
  return {
    message: message([{ type: 'text', text: `${what} This channel: 👍 ${counts.up} · 👎 ${counts.down}.${learning}` }]),
    ephemeral: true,
    data: { paperId: paper.id, vote: direction, previous: previous ?? null, counts },
    // The card's own 👍/👎 buttons show the channel's counts: the press updates them where the platform can.
    relabel: Object.fromEntries(voteActions(paper.id, counts).map((a) => [a.id, a.label])),
  };
}

/** `vote:up:<arXiv id>` / `vote:down:<arXiv id>`: the presser votes as themselves, in the channel they pressed in. */
export const voteAction: ActionDefinition = {
  prefix: VOTE_PREFIX,
  async run(rest, { invocation, services, now }) {
    const m = /^(up|down):(.+)$/.exec(rest);
    const id = m ? parsePaperRef(m[2]!) : undefined;
    if (!m || !id) throw new UserError('That button is not one of mine any more; run the command again.');
    return castVote(services, invocation.channel, invocation.user, id, m[1] === 'up' ? 1 : -1, now);
  },
};
