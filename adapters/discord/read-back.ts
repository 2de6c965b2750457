/**
 * Exactly-once on Discord beyond the nonce. Each part carries a `nonce` with `enforce_nonce`, but Discord checks it
 * only "in the past few minutes" (message.mdx, Create Message), while a dead process's delivery is taken over after
 * its lease (2 minutes) or retried later. So before a resumed delivery posts again, the channel (and the digest's
 * thread) is read back since the delivery was claimed (Get Channel Messages with `after` = the claim's snowflake)
 * and the parts already there, posted by the bot, are recorded instead of posted. Discord does not return a
 * message's nonce when it is fetched, so a part is recognised by its content: the text and each embed's title and
 * link, which every part of a digest has its own of.
 *
 * Reading needs VIEW_CHANNEL and READ_MESSAGE_HISTORY; without the latter Discord returns no messages ("no messages
 * will be returned"), so the read-back finds nothing and the nonce is what remains (a takeover within the nonce
 * window is still exact; a later one may repeat the part in flight).
 */
import { createHash } from 'node:crypto';
import { type REST, Routes } from 'discord.js';
import { PlatformError } from '../../src/index.js';
import { DISCORD_CODES, discordCode, toPlatformError } from './errors.js';
import type { RenderedMessage } from './render.js';

/** The first second of 2015 (reference.mdx, Snowflakes): a snowflake's bits from 22 up count ms since then. */
const DISCORD_EPOCH_MS = 1_420_070_400_000n;

/** The smallest snowflake created at or after `date`: Get Channel Messages `after` it lists what came later. */
export function snowflakeAt(date: Date): string {
  const ms = BigInt(Math.max(0, Math.floor(date.getTime()))) - DISCORD_EPOCH_MS;
  return String((ms > 0n ? ms : 0n) << 22n);
}

interface Fetched {
  readonly id: string;
  readonly content?: string;
  readonly author?: { readonly id?: string };
  readonly embeds?: readonly { readonly title?: string; readonly url?: string }[];
}

/** What identifies a part's message once Discord stored it: its text, and its embeds' titles and links. */
export function fingerprint(message: {
  readonly content?: string | undefined;
  readonly embeds?: readonly { readonly title?: string | undefined; readonly url?: string | undefined }[] | undefined;
}): string {
  const embeds = (message.embeds ?? []).map((e) => [e.title ?? '', e.url ?? '']);
  return createHash('sha256')
    .update(JSON.stringify([(message.content ?? '').trim(), embeds]))
    .digest('hex');
}

/** Page size of Get Channel Messages (its maximum, message.mdx) and how many pages a read-back may take. */
const PAGE = 100;
const MAX_PAGES = 20;

const botIds = new WeakMap<REST, Promise<string | undefined>>();

/** The bot's user id (GET /users/@me), once per client; undefined when it cannot be read. */
function botUserId(rest: REST): Promise<string | undefined> {
  let id = botIds.get(rest);
  if (!id) {
    id = (rest.get(Routes.user('@me')) as Promise<{ id?: string }>).then(
      (u) => u.id,
      () => undefined,
    );
    botIds.set(rest, id);
  }
  return id;
}

/** Messages in `channelId` after `after`, oldest first, at most MAX_PAGES pages; undefined without access. */
async function messagesAfter(rest: REST, channelId: string, after: string): Promise<Fetched[] | undefined> {
  const out: Fetched[] = [];
  let cursor = after;
  for (let page = 0; page < MAX_PAGES; page++) {
    let batch: Fetched[];
    try {
      const query = new URLSearchParams({ after: cursor, limit: String(PAGE) });
      batch = (await rest.get(Routes.channelMessages(channelId), { query })) as Fetched[];
    } catch (err) {
      const code = discordCode(err);
      if (code === DISCORD_CODES.missingAccess || code === DISCORD_CODES.missingPermissions) return undefined;
      if (code === DISCORD_CODES.unknownChannel) return [];
      const problem = toPlatformError(err, `read back channel ${channelId}`);
      // Not knowing what is there is never permanent here: the delivery is retried (and read back) later.
      throw new PlatformError('discord', problem.platformCode, problem.message, { permanent: false, cause: err });
    }
    const sorted = [...batch].sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    out.push(...sorted);
    if (batch.length < PAGE || sorted.length === 0) break;
    cursor = sorted.at(-1)!.id;
  }
  return out;
}

/**
 * The parts of a digest already in the channel (or its thread) since `since`, part index → message id, in order
 * from `from`: the caller records them instead of posting them. `threadOf`: the header's id when later parts go in
 * the thread started on it (the thread's id is the header's).
 */
export async function readBackParts(
  rest: REST,
  options: {
    readonly channelId: string;
    readonly parts: readonly RenderedMessage[];
    readonly from: number;
    readonly since: Date;
    readonly thread: boolean;
    readonly header: string | undefined;
    /** Every part went in this thread (a follow-up under a digest's thread: PostDigestOptions.replyTo). */
    readonly replyTo?: string | undefined;
  },
): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  if (options.from >= options.parts.length) return found;
  const bot = await botUserId(rest);
  const after = snowflakeAt(options.since);
  const pools = new Map<string, Fetched[]>();
  const load = async (channelId: string) => {
    let pool = pools.get(channelId);
    if (!pool) {
      const messages = (await messagesAfter(rest, channelId, after)) ?? [];
      pool = messages.filter((m) => bot === undefined || m.author?.id === bot);
      pools.set(channelId, pool);
    }
    return pool;
  };
  let header = options.header;
  for (let i = options.from; i < options.parts.length; i++) {
    const where = options.replyTo ?? (options.thread && i > 0 ? header : options.channelId);
    if (where === undefined) break;
    const want = fingerprint(options.parts[i]!);
    const pool = await load(where);
    const at = pool.findIndex((m) => fingerprint(m) === want);
    if (at < 0) break; // parts are posted in order: nothing after a missing one was posted
    const [match] = pool.splice(at, 1);
    found.set(i, match!.id);
    if (i === 0) header = match!.id;
  }
  return found;
}
