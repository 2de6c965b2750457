/**
 * What the fake Slack accepted, per workspace and channel: posted messages (with their metadata and files), posts to
 * response_urls and the use count of each, the app's acknowledgements and how long they took, uploaded files, and the
 * posts whose answer was lost. Tests and soak runs count losses and duplicates here; conversations.history reads it.
 */
import type { MessageMetadata } from './blocks.js';

export interface PostedMessage {
  readonly team: string;
  readonly channel: string;
  readonly ts: string;
  readonly threadTs: string | undefined;
  readonly text: string;
  readonly blocks: readonly Record<string, unknown>[];
  /** performance.now() when it was accepted. */
  readonly at: number;
  /** The message metadata Slack stored with it (chat.postMessage `metadata`). */
  readonly metadata?: MessageMetadata | undefined;
  /** Files shared with it (files.completeUploadExternal). */
  readonly files?: readonly { readonly id: string; readonly title: string }[] | undefined;
}

export interface ResponseUrlPost {
  readonly id: string;
  readonly body: Record<string, unknown>;
}

/** A refused use of a response_url: past its uses or its lifetime. */
export interface ResponseUrlRefusal {
  readonly id: string;
  readonly error: 'used_url' | 'expired_url';
  readonly body: Record<string, unknown>;
}

/** One request Slack sent to the app's endpoint, and how the app acknowledged it. */
export interface AppAck {
  readonly kind: 'slash_command' | 'block_actions' | 'event_callback';
  /** The response_url id (commands, buttons) or the event_id (events). */
  readonly id: string;
  /** HTTP status of the app's answer (0 when the connection failed). */
  readonly status: number;
  readonly elapsedMs: number;
  /** Answered after the ack deadline: Slack showed the user a timeout and ignored the answer. */
  readonly late: boolean;
  /** Events API delivery attempt (0 for the first; commands and buttons are not retried). */
  readonly retryNum: number;
}

/** A file uploaded through files.getUploadURLExternal and its upload URL. */
export interface UploadedFile {
  readonly id: string;
  readonly team: string;
  readonly filename: string;
  /** The `length` announced to files.getUploadURLExternal. */
  readonly length: number;
  /** The bytes POSTed to the upload URL (undefined until then). */
  data: Buffer | undefined;
  /** Set by files.completeUploadExternal. */
  completed:
    | { readonly title: string; readonly channel: string | undefined; readonly threadTs: string | undefined }
    | undefined;
}

/** A Slack ts as two integers, for ordering ("1700000000.000042"). */
function parseTs(ts: string): [number, number] {
  const [seconds, fraction = '0'] = ts.split('.');
  return [Number(seconds), Number(fraction)];
}

/** Negative when a is older than b. */
export function compareTs(a: string, b: string): number {
  const [as, af] = parseTs(a);
  const [bs, bf] = parseTs(b);
  return as !== bs ? as - bs : af - bf;
}

export class SlackRecorder {
  /** Every accepted chat.postMessage (and file share), in order. */
  readonly messages: PostedMessage[] = [];
  /** Every accepted POST to a response_url, in order. */
  readonly responses: ResponseUrlPost[] = [];
  /** Uses of a response_url Slack refused. */
  readonly responseRefusals: ResponseUrlRefusal[] = [];
  /** The app's acknowledgements of commands, button presses and events, in order. */
  readonly acks: AppAck[] = [];
  /** Files by id. */
  readonly files = new Map<string, UploadedFile>();
  /** Messages accepted whose answer the fault injector destroyed. */
  readonly lostAnswers: PostedMessage[] = [];
  /** response_url id → when it was issued (Date.now()) and how often it was used. */
  private readonly responseUrls = new Map<string, { issuedAt: number; uses: number }>();

  add(message: PostedMessage): PostedMessage {
    this.messages.push(message);
    return message;
  }

  /** Accepted messages in one channel, oldest first. */
  postsTo(channel: string, team?: string): PostedMessage[] {
    return this.messages.filter((m) => m.channel === channel && (team === undefined || m.team === team));
  }

  /** Whether `ts` is a message of this channel (a thread parent). */
  has(team: string, channel: string, ts: string): boolean {
    return this.messages.some((m) => m.team === team && m.channel === channel && m.ts === ts);
  }

  /**
   * conversations.history's selection: messages of the channel (thread replies are not part of a channel's history,
   * except the parent) between `oldest` and `latest` (both excluded unless `inclusive`), newest first.
   */
  history(team: string, channel: string, range: { oldest: string; latest: string | undefined; inclusive: boolean }) {
    return this.messages
      .filter((m) => m.team === team && m.channel === channel && m.threadTs === undefined)
      .filter((m) => {
        const afterOldest = compareTs(m.ts, range.oldest);
        const beforeLatest = range.latest === undefined ? -1 : compareTs(m.ts, range.latest);
        return range.inclusive ? afterOldest >= 0 && beforeLatest <= 0 : afterOldest > 0 && beforeLatest < 0;
      })
      .sort((a, b) => compareTs(b.ts, a.ts));
  }

  /** Notes that a response_url was issued now (its 30 minutes start). */
  issueResponseUrl(id: string, now = Date.now()): void {
    if (!this.responseUrls.has(id)) this.responseUrls.set(id, { issuedAt: now, uses: 0 });
  }

  /** Counts a use of a response_url; the refusal when it is used up or expired. */
  useResponseUrl(id: string, limits: { maxUses: number; ttlMs: number }, now = Date.now()) {
    this.issueResponseUrl(id, now);
    const url = this.responseUrls.get(id)!;
    if (now - url.issuedAt > limits.ttlMs) return 'expired_url' as const;
    if (url.uses >= limits.maxUses) return 'used_url' as const;
    url.uses++;
    return undefined;
  }

  /** Posts to one response_url. */
  responsesTo(id: string): ResponseUrlPost[] {
    return this.responses.filter((r) => r.id === id);
  }

  /**
   * Accepted messages per `team/channel`, and how many carried the same text twice (a duplicate post): what a
   * benchmark counts to find losses and duplicates.
   */
  tally(): { perChannel: Map<string, number>; duplicates: number } {
    const perChannel = new Map<string, number>();
    const seen = new Set<string>();
    let duplicates = 0;
    for (const m of this.messages) {
      const key = `${m.team}/${m.channel}`;
      perChannel.set(key, (perChannel.get(key) ?? 0) + 1);
      const content = `${key}\n${m.threadTs ? 'thread' : 'root'}\n${JSON.stringify(m.blocks)}\n${m.text}`;
      if (seen.has(content)) duplicates++;
      seen.add(content);
    }
    return { perChannel, duplicates };
  }
}
