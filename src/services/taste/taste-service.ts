/**
 * A channel's taste, from the database: its votes (net per paper) and the papers saved in it become training
 * examples of the model in model.ts; the model is retrained when they change (cached by their exact content, so a
 * digest fan-out trains each channel at most once) and used by learned digests, /papers status and the preview.
 */
import { createHash } from 'node:crypto';
import type { Channel, ChannelRef } from '../../domain/channel.js';
import { channelKey } from '../../domain/channel.js';
import type { Paper } from '../../domain/paper.js';
import type { ReadingListStore, VoteStore } from '../../ports/reading.js';
import type { PaperStore } from '../../ports/stores.js';
import { blendRank, type Example, type Ranked, type TasteModel, trainTaste } from './model.js';

/** A learned digest needs this many votes in the channel; below it the digest ranks by upvotes. */
export const MIN_VOTES = 20;
/** The most recent labelled papers a model is trained on. */
const MAX_EXAMPLES = 2_000;

export interface TasteDeps {
  readonly votes: VoteStore;
  readonly readingLists: ReadingListStore;
  readonly papers: Pick<PaperStore, 'findByIds'>;
}

export interface ChannelTaste {
  readonly votes: number;
  readonly model: TasteModel | undefined;
}

export class TasteService {
  private readonly deps: TasteDeps;
  private readonly cache = new Map<string, { signature: string; model: TasteModel }>();
  constructor(deps: TasteDeps) {
    this.deps = deps;
  }

  /** The channel's vote count and its model (undefined when it has nothing to learn from). */
  async taste(channel: ChannelRef): Promise<ChannelTaste> {
    const [votes, labels, saved] = await Promise.all([
      this.deps.votes.total(channel),
      this.deps.votes.labels(channel, MAX_EXAMPLES),
      this.deps.readingLists.savedInChannel(channel, MAX_EXAMPLES),
    ]);
    const label = new Map<string, 0 | 1>();
    for (const l of labels) if (l.score !== 0) label.set(l.paperId, l.score > 0 ? 1 : 0);
    // A save is a like, unless the channel voted the paper down.
    for (const id of saved) if (!label.has(id)) label.set(id, 1);
    if (label.size === 0) return { votes, model: undefined };
    const signature = createHash('sha1')
      .update(
        [...label]
          .map(([id, y]) => `${id}=${y}`)
          .sort()
          .join(','),
      )
      .digest('base64url');
    const key = channelKey(channel);
    const hit = this.cache.get(key);
    if (hit?.signature === signature) return { votes, model: hit.model };
    const papers = await this.deps.papers.findByIds([...label.keys()]);
    const examples: Example[] = papers.map((paper) => ({ paper, label: label.get(paper.id)! }));
    const model = trainTaste(examples);
    this.cache.set(key, { signature, model });
    if (this.cache.size > 10_000) this.cache.delete(this.cache.keys().next().value!);
    return { votes, model };
  }

  /**
   * The candidates in the channel's learned order, or undefined when the digest ranks by upvotes: the channel's
   * ranking is `hf`, or it has fewer than MIN_VOTES votes.
   */
  async rank(channel: Channel, candidates: readonly Paper[]): Promise<Ranked[] | undefined> {
    if (channel.ranking !== 'learned' || candidates.length === 0) return undefined;
    const { votes, model } = await this.taste(channel);
    if (votes < MIN_VOTES || !model) return undefined;
    return blendRank(model, candidates);
  }
}
