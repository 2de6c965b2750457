/**
 * What each feed holds, as neutral documents of paper cards. Trending and search run the chat's own `/papers trending`
 * and `/papers search` through the command dispatcher (same parsing, validation, services, cards and error messages
 * as in chat); a channel feed reads the cards its digests posted from the delivery ledger.
 */
import type { CoreServices } from '../commands/definition.js';
import type { ChannelRef } from '../domain/channel.js';
import { addDays, closesAt, formatDay } from '../domain/days.js';
import { BotError, UserError } from '../errors.js';
import type { OutgoingMessage, PaperBlock } from '../messages/model.js';
import type { CommandDispatcher, CommandResult, OptionValue } from '../ports/commands.js';
import type { PlatformTraits } from '../ports/platform.js';
import { FEED_TOKEN } from './links.js';

/** The most entries a feed holds. */
export const MAX_ENTRIES = 50;
/** The most day lists the trending feed goes back over to fill its entries. */
const MAX_TRENDING_LISTS = 7;

/** Feeds as a "platform" of the dispatcher: no buttons (so nothing is stored for a "More"), no managers. */
export const FEED_PLATFORM = {
  name: 'feed',
  traits: { managers: 'nobody (feeds are read-only)', buttonTtlMs: 0, threads: false } satisfies PlatformTraits,
} as const;
const FEED_CHANNEL: ChannelRef = { platform: FEED_PLATFORM.name, address: 'public' };

export interface FeedEntry {
  /** A URI, unique within the feed and stable across requests. */
  readonly id: string;
  /** The card as the chat shows it. */
  readonly card: PaperBlock;
  /** When the entry last changed, as far as the feed can tell (list closed, digest posted, paper published). */
  readonly updated: Date;
  /** One line of context shown above the card: "Daily Papers · Fri 13 Nov 2026". */
  readonly context?: string | undefined;
}

export interface FeedDocument {
  /** A URI identifying the feed. */
  readonly id: string;
  readonly title: string;
  readonly subtitle: string;
  /** The feed's path without extension: `/feeds/trending`, `/feeds/search` (the query is added by the caller). */
  readonly path: string;
  /** A page the feed is about, when there is one. */
  readonly homeUrl?: string | undefined;
  readonly updated: Date;
  readonly entries: readonly FeedEntry[];
}

export interface FeedSourceDeps {
  readonly services: Pick<CoreServices, 'papers' | 'channelFeeds'>;
  /** A dispatcher for FEED_PLATFORM (App.dispatcher([FEED_PLATFORM])). */
  readonly dispatcher: CommandDispatcher;
}

const EPOCH = new Date(0);

export class FeedSource {
  private readonly deps: FeedSourceDeps;
  constructor(deps: FeedSourceDeps) {
    this.deps = deps;
  }

  /**
   * The latest closed days' lists, newest first, each by upvotes: the list `/papers trending` shows (the latest closed
   * day, over an empty weekend the newest closed list), then the lists before it, up to MAX_ENTRIES papers.
   */
  async trending(): Promise<FeedDocument> {
    const entries: FeedEntry[] = [];
    const seen = new Set<string>();
    let result = await this.run('trending', { top: MAX_ENTRIES });
    let from = (result.data as { from: string }).from;
    const newest = from;
    for (let lists = 1; ; lists++) {
      const label = formatDay(from);
      for (const card of paperCards(result.message)) {
        if (seen.has(card.id)) continue;
        seen.add(card.id);
        entries.push({
          id: `urn:paperpulse:paper:${card.id}`,
          card,
          updated: closesAt(from),
          context: `Daily Papers · ${label}${card.position ? ` · #${card.position}` : ''}`,
        });
      }
      if (entries.length >= MAX_ENTRIES || lists >= MAX_TRENDING_LISTS) break;
      const previous = await this.deps.services.papers.latestListDate(addDays(from, -1));
      if (!previous) break;
      from = previous;
      result = await this.run('trending', { period: 'day', date: from, top: MAX_ENTRIES - entries.length });
    }
    return {
      id: 'urn:paperpulse:feed:trending',
      title: 'Hugging Face Daily Papers · trending',
      subtitle: `The latest closed Daily Papers lists by upvotes, newest list first (latest: ${formatDay(newest)}).`,
      path: '/feeds/trending',
      homeUrl: 'https://huggingface.co/papers',
      updated: newest ? closesAt(newest) : EPOCH,
      entries: entries.slice(0, MAX_ENTRIES),
    };
  }

  /**
   * The first MAX_ENTRIES results of a `/papers search` query (same syntax, filters and ranking).
   * @throws UserError with the chat's message when the query is not valid.
   */
  async search(query: string): Promise<FeedDocument> {
    const result = await this.run('search', { query, limit: MAX_ENTRIES });
    const data = result.data as { results?: { id: string; publishedAt: string | null }[] } | undefined;
    const published = new Map((data?.results ?? []).map((r) => [r.id, r.publishedAt]));
    const entries = paperCards(result.message).map((card) => {
      const at = published.get(card.id);
      return { id: `urn:paperpulse:paper:${card.id}`, card, updated: at ? new Date(at) : EPOCH };
    });
    const notes = result.message.blocks.flatMap((b) => (b.type === 'note' || b.type === 'text' ? [b.text] : []));
    return {
      id: `urn:paperpulse:feed:search:${encodeURIComponent(query.trim())}`,
      title: `PaperPulse search: ${query.trim()}`,
      subtitle: notes.join(' '),
      path: '/feeds/search',
      updated: new Date(Math.max(0, ...entries.map((e) => e.updated.getTime()))),
      entries,
    };
  }

  /** What the channel's digests posted, newest digest first; undefined for an unknown or revoked token. */
  async channel(token: string): Promise<FeedDocument | undefined> {
    if (!FEED_TOKEN.test(token)) return undefined;
    const pk = await this.deps.services.channelFeeds.channelOfToken(token);
    if (pk === undefined) return undefined;
    const posted = await this.deps.services.channelFeeds.postedCards(pk, MAX_ENTRIES);
    const entries = posted.map((p) => ({
      id: `urn:paperpulse:post:${p.deliveryId}:${p.card.id}`,
      card: p.card,
      updated: p.sentAt,
      context:
        p.kind === 'weekly'
          ? `Weekly recap · ${p.period}`
          : `Digest · ${formatDay(p.period)}${p.card.position ? ` · #${p.card.position}` : ''}`,
    }));
    return {
      id: `urn:paperpulse:feed:channel:${pk}`,
      title: 'PaperPulse · channel digests',
      subtitle: "The papers this channel's PaperPulse digests posted, newest first.",
      path: `/feeds/channel/${token}`,
      updated: new Date(Math.max(0, ...entries.map((e) => e.updated.getTime()))),
      entries,
    };
  }

  /** Runs a read command as the chat does; a refusal becomes the chat's message, a failure an error. */
  private async run(command: string, values: Record<string, OptionValue>): Promise<CommandResult> {
    const result = await this.deps.dispatcher.dispatch({
      input: { kind: 'options', command, values },
      channel: FEED_CHANNEL,
      user: { id: 'feed', displayName: 'feed reader' },
      isManager: async () => false,
    });
    if (result.ok) return result;
    const error = result.error ?? { code: 'INTERNAL' as const, message: result.message.text };
    if (error.code === 'INTERNAL') throw new BotError(`${command} failed: ${error.message}`, 'INTERNAL');
    throw new UserError(error.message, { code: error.code });
  }
}

function paperCards(message: OutgoingMessage): PaperBlock[] {
  return message.blocks.filter((b): b is PaperBlock => b.type === 'paper');
}
