import type { Channel, Topic } from '../domain/channel.js';
import { addDays, formatDay, formatShortDay, isoWeekRange, latestClosedDay } from '../domain/days.js';
import { type Paper, paperUrl, STARS_MILESTONE } from '../domain/paper.js';
import { paperCard } from '../messages/cards.js';
import type { Block, OutgoingMessage } from '../messages/model.js';
import { message } from '../messages/plain-text.js';
import type { Clock } from '../ports/clock.js';
import type { VoteStore } from '../ports/reading.js';
import type { PaperSearch } from '../ports/search.js';
import type { ChannelStore, DeliveryKind, DeliveryLedger, PaperStore } from '../ports/stores.js';
import type { RisingService } from './rising-service.js';
import { gainLine } from './rising-service.js';
import { learnedOrder, voteButtons } from './taste/digest-taste.js';
import type { TasteService } from './taste/taste-service.js';

/** How far back a digest looks for a closed list with papers (covers a weekend plus a quiet day). */
export const LOOKBACK_DAYS = 4;
/** The most papers in a digest's "For your topics" section. */
export const MAX_TOPIC_EXTRAS = 10;
/** How long a list read for composing digests is reused. */
const LIST_CACHE_MS = 60_000;
/** The most papers read from one list (Daily Papers lists hold 20–30). */
const MAX_LIST = 500;

export interface ComposedDigest {
  readonly kind: DeliveryKind;
  readonly period: string;
  readonly message: OutgoingMessage;
  /** The papers it contains: recorded as delivered to the channel once it is posted. */
  readonly paperIds: string[];
}

export type Composition =
  | { readonly ok: true; readonly digest: ComposedDigest }
  | { readonly ok: false; readonly period: string | undefined; readonly reason: string };

export interface DigestDeps {
  readonly papers: PaperStore;
  readonly channels: ChannelStore;
  readonly deliveries: DeliveryLedger;
  readonly search: PaperSearch;
  readonly clock: Clock;
  /** Issue 14: the learned ranking and the vote buttons (a digest without them ranks by upvotes, no votes). */
  readonly taste?: TasteService | undefined;
  readonly votes?: VoteStore | undefined;
  /** The "Rising" section (issue 13), when the channel turns it on. */
  readonly rising?: Pick<RisingService, 'rising'> | undefined;
}

/**
 * Composes digests: the latest closed day's top papers above the channel's minimum, each marked
 * with the channel topics it matches, a "For your topics" section for matches outside the top, papers already
 * posted to the channel left out; `mode topics` posts matches only; the Monday recap of last week.
 */
export class DigestService {
  private readonly deps: DigestDeps;
  private readonly lists = new Map<string, { value: Promise<[Paper[], number]>; until: number }>();
  constructor(deps: DigestDeps) {
    this.deps = deps;
  }

  /**
   * The list a daily digest due at `slotAt` covers: the latest closed day, or over a weekend the newest closed
   * list with papers within LOOKBACK_DAYS. Undefined when there is none.
   */
  async dailyPeriod(slotAt: Date): Promise<string | undefined> {
    const closed = latestClosedDay(slotAt);
    const latest = await this.deps.papers.latestListDate(closed);
    return latest && latest >= addDays(closed, -LOOKBACK_DAYS) ? latest : undefined;
  }

  async composeDaily(channel: Channel, listDate: string): Promise<Composition> {
    const [listed, total] = await this.list(listDate, channel.minUpvotes);
    if (total === 0) return { ok: false, period: listDate, reason: `no papers were listed on ${listDate}` };
    if (listed.length === 0) {
      return {
        ok: false,
        period: listDate,
        reason: `no paper on ${listDate} has ${channel.minUpvotes} upvotes or more`,
      };
    }
    const context = await this.deps.deliveries.digestContext(
      channel.pk,
      listed.map((p) => p.id),
    );
    const ordered = await learnedOrder(
      this.deps.taste,
      channel,
      listed.filter((p) => !context.delivered.has(p.id)),
    );
    const fresh = ordered.papers;
    if (fresh.length === 0)
      return { ok: false, period: listDate, reason: `every paper of ${listDate} was already posted here` };
    const matches = await this.topicMatches(context.topics, fresh);
    const matching = fresh.filter((p) => matches.has(p.id));

    let top: Paper[];
    let extras: Paper[] = [];
    if (channel.mode === 'topics') {
      top = matching.slice(0, channel.size);
      if (top.length === 0)
        return { ok: false, period: listDate, reason: `no paper of ${listDate} matches this channel's topics` };
    } else {
      top = fresh.slice(0, channel.size);
      const inTop = new Set(top.map((p) => p.id));
      extras = matching.filter((p) => !inTop.has(p.id)).slice(0, MAX_TOPIC_EXTRAS);
    }

    const intro =
      channel.mode === 'topics'
        ? `${top.length} paper${top.length === 1 ? '' : 's'} matching this channel's topics, of ${total} featured on Hugging Face.`
        : `Top ${top.length} of ${total} papers featured on Hugging Face${channel.minUpvotes > 0 ? ` (${channel.minUpvotes}+ upvotes)` : ''}.`;
    const votes = await voteButtons(this.deps.votes, channel, [...top, ...extras]);
    // A paper an instant alert already posted here is in the digest, marked, not presented as new.
    const extra = (p: Paper) => ({
      actions: votes(p.id),
      reason: ordered.reasons.get(p.id),
      ...(context.alerted.has(p.id) ? { lines: [ALERTED_EARLIER] } : {}),
    });
    const blocks: Block[] = [
      { type: 'heading', text: `Hugging Face Daily Papers · ${formatDay(listDate)}` },
      { type: 'text', text: ordered.learned ? `${intro} Ranked with this channel's votes.` : intro },
      ...top.map((p, i) => paperCard(p, { position: i + 1, topics: matches.get(p.id) ?? [], ...extra(p) })),
    ];
    if (extras.length > 0) {
      blocks.push(
        { type: 'divider' },
        { type: 'heading', text: 'For your topics' },
        ...extras.map((p) => paperCard(p, { topics: matches.get(p.id) ?? [], ...extra(p) })),
      );
    }
    const paperIds = [...top, ...extras].map((p) => p.id);
    paperIds.push(...(await risingSection(this.deps, channel, blocks, paperIds, context.delivered)));
    return { ok: true, digest: { kind: 'daily', period: listDate, message: message(blocks), paperIds } };
  }

  /** The Monday recap: last week's top papers (already-posted papers included: it is a recap). */
  async composeWeekly(channel: Channel, week: string): Promise<Composition> {
    const range = isoWeekRange(week);
    if (!range) return { ok: false, period: week, reason: `${week} is not an ISO week` };
    const [papers, total] = await Promise.all([
      this.deps.papers.listedBetween(range.from, range.to, channel.size, channel.minUpvotes),
      this.deps.papers.countListedBetween(range.from, range.to),
    ]);
    if (papers.length === 0) return { ok: false, period: week, reason: `no papers were listed in ${week}` };
    const matches = await this.topicMatches(await this.deps.channels.topics(channel.pk), papers);
    const blocks: Block[] = [
      { type: 'heading', text: `Weekly recap · ${week} (${formatShortDay(range.from)} – ${formatShortDay(range.to)})` },
      { type: 'text', text: `The top ${papers.length} of ${total} papers featured on Hugging Face last week.` },
      ...papers.map((p, i) => paperCard(p, { position: i + 1, topics: matches.get(p.id) ?? [] })),
    ];
    return { ok: true, digest: { kind: 'weekly', period: week, message: message(blocks), paperIds: [] } };
  }

  /**
   * A day's list above a minimum, and how many papers it has, cached for LIST_CACHE_MS: a fan-out to 10,000
   * channels composes from the same list 10,000 times. A closed list no longer changes; an open one is never
   * posted.
   */
  private list(listDate: string, minUpvotes: number): Promise<[Paper[], number]> {
    const key = `${listDate}|${minUpvotes}`;
    const hit = this.lists.get(key);
    const now = this.deps.clock.now().getTime();
    if (hit && hit.until > now) return hit.value;
    const value = Promise.all([
      this.deps.papers.listedBetween(listDate, listDate, MAX_LIST, minUpvotes),
      this.deps.papers.countListedBetween(listDate, listDate),
    ]);
    this.lists.set(key, { value, until: now + LIST_CACHE_MS });
    if (this.lists.size > 64) this.lists.delete(this.lists.keys().next().value!);
    // A failed read is not cached.
    value.catch(() => this.lists.delete(key));
    return value;
  }

  /**
   * Which of `paperIds` match the channel's topics: paper id → the topics, in topic order. The digest's own matching
   * ("For your topics"), so an alert and a digest agree on what matches. Throws what a bad stored topic throws.
   */
  async alertMatches(channel: Channel, paperIds: readonly string[]): Promise<Map<string, string[]>> {
    if (paperIds.length === 0) return new Map();
    const topics = await this.deps.channels.topics(channel.pk);
    if (topics.length === 0) return new Map();
    const queries = topics.map((t) => t.query);
    const matched = await this.deps.search.matchingQueries(queries, paperIds);
    return new Map([...matched].map(([id, indexes]) => [id, indexes.map((i) => queries[i]!)]));
  }

  /**
   * An instant alert: the papers it was claimed with (fixed at the claim, so a takeover posts the same ones), as
   * one compact message: a card each when there are at most ALERT_CARDS_MAX, else a line each (title, matched
   * topics, link).
   */
  async composeAlert(channel: Channel, period: string, paperIds: readonly string[]): Promise<Composition> {
    const papers = await this.deps.papers.findByIds(paperIds);
    if (papers.length === 0) return { ok: false, period, reason: 'the papers of this alert are no longer stored' };
    const matches = await this.alertMatches(
      channel,
      papers.map((p) => p.id),
    );
    const n = papers.length;
    const blocks: Block[] = [
      { type: 'heading', text: `New on Hugging Face for your topics (${n} paper${n === 1 ? '' : 's'})` },
    ];
    if (n <= ALERT_CARDS_MAX) {
      blocks.push(...papers.map((p) => paperCard(p, { topics: matches.get(p.id) ?? [] })));
    } else {
      blocks.push({
        type: 'text',
        text: papers
          .map((p) => {
            const topics = matches.get(p.id) ?? [];
            return `• ${p.title}${topics.length ? ` [${topics.join(', ')}]` : ''}\n  ${paperUrl(p.id)}`;
          })
          .join('\n'),
      });
    }
    return { ok: true, digest: { kind: 'alert', period, message: message(blocks), paperIds: papers.map((p) => p.id) } };
  }

  /** A code-release follow-up (period `<paper id>:repo` or `<paper id>:stars`): one short message. */
  async composeFollowup(period: string): Promise<Composition> {
    const m = /^(.+):(repo|stars)$/.exec(period);
    if (!m) return { ok: false, period, reason: `${period} is not a follow-up period` };
    const paper = await this.deps.papers.findById(m[1]!);
    if (!paper?.githubRepo) return { ok: false, period, reason: `paper ${m[1]} has no GitHub repository any more` };
    const stars = paper.githubStars ?? 0;
    const starText = `★ ${stars.toLocaleString('en-US')}`;
    const text =
      m[2] === 'repo'
        ? `💻 Code released for “${paper.title}”, posted here earlier: ${paper.githubRepo}${stars > 0 ? ` (${starText})` : ''}\n${paperUrl(paper.id)}`
        : `⭐ “${paper.title}”, posted here earlier, passed ${STARS_MILESTONE.toLocaleString('en-US')} GitHub stars (${starText}): ${paper.githubRepo}\n${paperUrl(paper.id)}`;
    return {
      ok: true,
      digest: { kind: 'followup', period, message: message([{ type: 'text', text }]), paperIds: [paper.id] },
    };
  }

  /** paper id → the channel topics it matches, in the channel's topic order (one query for all topics). */
  private async topicMatches(topics: readonly Topic[], papers: readonly Paper[]): Promise<Map<string, string[]>> {
    const queries = topics.map((t) => t.query);
    const matched = await this.deps.search.matchingQueries(
      queries,
      papers.map((p) => p.id),
    );
    return new Map([...matched].map(([id, indexes]) => [id, indexes.map((i) => queries[i]!)]));
  }
}

/** The mark on a digest card of a paper an instant alert posted here before. */
export const ALERTED_EARLIER = '⚡ Alerted earlier';
/** An alert with at most this many papers shows a card each; a longer one a line each. */
export const ALERT_CARDS_MAX = 3;

/** Papers in a digest's "Rising" section. */
export const RISING_IN_DIGEST = 3;

/**
 * Appends the "Rising" section (up to 3 papers gaining the most upvotes over 24 h, none already in the digest or
 * posted to the channel) when the channel turns it on; returns their ids.
 */
async function risingSection(
  deps: DigestDeps,
  channel: Channel,
  blocks: Block[],
  inDigest: readonly string[],
  delivered: ReadonlySet<string>,
): Promise<string[]> {
  if (!channel.digestRising || !deps.rising) return [];
  const hits = (
    await deps.rising.rising({ window: '24h', limit: RISING_IN_DIGEST + inDigest.length, exclude: inDigest })
  )
    .filter((h) => !delivered.has(h.paper.id))
    .slice(0, RISING_IN_DIGEST);
  if (hits.length === 0) return [];
  blocks.push(
    { type: 'divider' },
    { type: 'heading', text: 'Rising' },
    ...hits.map((h) => paperCard(h.paper, { lines: [gainLine(h.gain, '24h', 'upvotes')] })),
  );
  return hits.map((h) => h.paper.id);
}
