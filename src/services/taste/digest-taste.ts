/**
 * What a daily digest takes from issue 14: the learned order of its papers (when the channel ranks `learned` and
 * has enough votes), each learned pick's reason, and 👍/👎 buttons with the channel's counts on every card.
 */
import type { Channel } from '../../domain/channel.js';
import type { Paper } from '../../domain/paper.js';
import type { Action, PaperBlock } from '../../messages/model.js';
import { voteActions } from '../../messages/reading-actions.js';
import type { VoteStore } from '../../ports/reading.js';
import type { TasteService } from './taste-service.js';

export interface DigestTaste {
  /** The papers in the digest's order: learned, or as given (by upvotes). */
  readonly papers: Paper[];
  readonly reasons: ReadonlyMap<string, PaperBlock['reason']>;
  readonly learned: boolean;
}

export async function learnedOrder(
  taste: TasteService | undefined,
  channel: Channel,
  papers: Paper[],
): Promise<DigestTaste> {
  const ranked = taste ? await taste.rank(channel, papers) : undefined;
  if (!ranked) return { papers, reasons: new Map(), learned: false };
  return {
    papers: ranked.map((r) => r.paper),
    reasons: new Map(ranked.filter((r) => r.reason).map((r) => [r.paper.id, r.reason])),
    learned: true,
  };
}

/** Each card's vote buttons, with the channel's counts so far. */
export async function voteButtons(
  votes: VoteStore | undefined,
  channel: Channel,
  papers: readonly Paper[],
): Promise<(paperId: string) => Action[]> {
  if (!votes) return () => [];
  const counts = await votes.counts(
    channel,
    papers.map((p) => p.id),
  );
  return (paperId) => voteActions(paperId, counts.get(paperId));
}
