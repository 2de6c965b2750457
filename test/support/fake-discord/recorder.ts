/**
 * What the fake Discord accepted: every created message per channel (threads are channels too), the nonces Discord
 * remembers for `enforce_nonce`, and the messages whose answer was lost on the way back. Tests and soak runs count
 * duplicates and losses here, and Get Channel Messages reads from here.
 */
import { DISCORD_HISTORY } from './documented.js';

/** A file Discord stored with a message (an attachment object, as Discord returns it). */
export interface FakeAttachment {
  readonly id: string;
  readonly filename: string;
  readonly size: number;
  readonly content_type: string;
  readonly url: string;
  readonly proxy_url: string;
  readonly description?: string | undefined;
  /** The bytes, kept so tests can compare what arrived. Not part of Discord's object (stripped on the wire). */
  readonly data: Buffer;
}

export interface FakeMessage {
  readonly id: string;
  readonly channelId: string;
  readonly body: Record<string, unknown>;
  readonly nonce: string | undefined;
  /** Date.now() when it was created. */
  readonly at: number;
  /** Who created it (the bot's user id). */
  readonly authorId?: string | undefined;
  /** Files sent with it (multipart `files[n]`), in order. */
  readonly attachments?: readonly FakeAttachment[] | undefined;
}

/** Get Channel Messages query: `before`, `after` and `around` are mutually exclusive (message.mdx). */
export interface HistoryQuery {
  readonly before?: string | undefined;
  readonly after?: string | undefined;
  readonly around?: string | undefined;
  readonly limit?: number | undefined;
}

const byId = (a: FakeMessage, b: FakeMessage) =>
  BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0;

export class DiscordRecorder {
  /** Created messages per channel, oldest first. */
  readonly channels = new Map<string, FakeMessage[]>();
  /** Messages created whose answer the fault injector destroyed: the client saw a network error. */
  readonly lostAnswers: FakeMessage[] = [];
  /** `author:nonce` → the message it created, for enforce_nonce. */
  private readonly nonces = new Map<string, FakeMessage>();

  /** Stores a created message (and its nonce). */
  add(message: FakeMessage): FakeMessage {
    const list = this.channels.get(message.channelId) ?? [];
    list.push(message);
    this.channels.set(message.channelId, list);
    if (message.nonce !== undefined) this.nonces.set(`${message.authorId ?? ''}:${message.nonce}`, message);
    return message;
  }

  /**
   * The message the same author created with the same nonce within `windowMs`: what Discord returns instead of
   * creating a new one under enforce_nonce. The docs name the author and the nonce, not the channel, so the channel
   * is not part of the key: a nonce reused in another channel returns the first channel's message.
   */
  findNonce(authorId: string, nonce: string, windowMs: number, now = Date.now()): FakeMessage | undefined {
    const earlier = this.nonces.get(`${authorId}:${nonce}`);
    return earlier && now - earlier.at <= windowMs ? earlier : undefined;
  }

  /** Messages in one channel, oldest first. */
  messagesIn(channelId: string): FakeMessage[] {
    return this.channels.get(channelId) ?? [];
  }

  /** Every created message, in creation order. */
  all(): FakeMessage[] {
    return [...this.channels.values()].flat().sort(byId);
  }

  /**
   * Get Channel Messages: newest first ("Returns an array of message objects from newest to oldest"), at most
   * `limit`. `before`/`after` exclude the given id; `after` returns the `limit` messages right after it, `around`
   * the messages centred on it (itself included).
   */
  history(channelId: string, query: HistoryQuery): FakeMessage[] {
    const limit = query.limit ?? DISCORD_HISTORY.defaultLimit;
    const oldestFirst = [...this.messagesIn(channelId)].sort(byId);
    let picked: FakeMessage[];
    if (query.after !== undefined) {
      const after = BigInt(query.after);
      picked = oldestFirst.filter((m) => BigInt(m.id) > after).slice(0, limit);
    } else if (query.before !== undefined) {
      const before = BigInt(query.before);
      picked = oldestFirst.filter((m) => BigInt(m.id) < before).slice(-limit);
    } else if (query.around !== undefined) {
      const around = BigInt(query.around);
      const centre = oldestFirst.findIndex((m) => BigInt(m.id) >= around);
      const at = centre < 0 ? oldestFirst.length : centre;
      const start = Math.max(0, at - Math.floor(limit / 2));
      picked = oldestFirst.slice(start, start + limit);
    } else {
      picked = oldestFirst.slice(-limit);
    }
    return picked.reverse();
  }

  /** Messages that repeat another one in the same channel (same nonce, or same body when there is no nonce). */
  duplicates(): FakeMessage[] {
    const dups: FakeMessage[] = [];
    for (const list of this.channels.values()) {
      const seen = new Set<string>();
      for (const m of list) {
        const key = m.nonce ?? JSON.stringify(m.body);
        if (seen.has(key)) dups.push(m);
        seen.add(key);
      }
    }
    return dups;
  }

  /**
   * Channels that hold fewer messages than expected (a loss) or more (a duplicate), from a map channel → expected
   * count: what a soak test checks at the end.
   */
  compare(expected: ReadonlyMap<string, number>): { missing: Map<string, number>; extra: Map<string, number> } {
    const missing = new Map<string, number>();
    const extra = new Map<string, number>();
    for (const [channel, want] of expected) {
      const got = this.messagesIn(channel).length;
      if (got < want) missing.set(channel, want - got);
      if (got > want) extra.set(channel, got - want);
    }
    return { missing, extra };
  }
}
