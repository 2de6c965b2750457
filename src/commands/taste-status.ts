/** Issue 14's lines in /papers status and /papers digest preview: votes, learned terms, and learned vs hf. */
import type { Channel } from '../domain/channel.js';
import type { Block } from '../messages/model.js';
import { topFeatures } from '../services/taste/model.js';
import { MIN_VOTES } from '../services/taste/taste-service.js';
import type { CoreServices } from './definition.js';

/** "Ranking: learned · 34 votes" and the terms the model learned. */
export async function tasteStatus(services: CoreServices, channel: Channel): Promise<Block[]> {
  const { votes, model } = await services.taste.taste(channel);
  const state =
    channel.ranking === 'learned'
      ? votes >= MIN_VOTES
        ? 'learned (upvotes blended with what this channel voted for)'
        : `learned, by upvotes until the channel has ${MIN_VOTES} votes`
      : 'hf (Hugging Face upvotes)';
  const lines = [`Ranking: ${state} · votes in this channel: ${votes}`];
  if (model) {
    const liked = topFeatures(model, 5, 1, 'term').map((t) => t.feature.label);
    const disliked = topFeatures(model, 3, -1, 'term').map((t) => t.feature.label);
    if (liked.length > 0) lines.push(`Learned: likes ${liked.join(', ')}`);
    if (disliked.length > 0) lines.push(`Learned: less of ${disliked.join(', ')}`);
  }
  return [{ type: 'text', text: lines.join('\n') }];
}

/**
 * What the learned ranking changes in a preview: the papers it brings into the top list and those it leaves out,
 * compared with `hf`. Empty when the channel ranks by upvotes.
 */
export function learnedDifference(
  learnedIds: readonly string[],
  hfIds: readonly string[],
  titles: ReadonlyMap<string, string>,
): Block[] {
  const inHf = new Set(hfIds);
  const inLearned = new Set(learnedIds);
  const added = learnedIds.filter((id) => !inHf.has(id));
  const dropped = hfIds.filter((id) => !inLearned.has(id));
  const name = (id: string) => titles.get(id) ?? id;
  if (added.length === 0 && dropped.length === 0) {
    const moved = learnedIds.some((id, i) => hfIds[i] !== id);
    return [
      {
        type: 'note',
        tone: 'info',
        text: moved
          ? 'Learned ranking: the same papers as by upvotes (hf), in another order.'
          : 'Learned ranking: the same papers in the same order as by upvotes (hf).',
      },
    ];
  }
  const lines = ['Learned ranking compared with upvotes (hf):'];
  if (added.length > 0) lines.push(`+ brought in: ${added.map(name).join(' · ')}`);
  if (dropped.length > 0) lines.push(`− left out: ${dropped.map(name).join(' · ')}`);
  return [{ type: 'note', tone: 'info', text: lines.join('\n') }];
}
