import type {
  ChannelRef,
  ChatPlatform,
  CommandDispatcher,
  OutgoingMessage,
  PlatformName,
  PlatformTraits,
  PostDigestOptions,
} from '../../src/index.js';
import { channelKey, PlatformError } from '../../src/index.js';

/** What the recording platform declares about itself: threads exist, buttons live 15 minutes. */
export const RECORDING_TRAITS: PlatformTraits = {
  managers: 'the test’s managers',
  buttonTtlMs: 15 * 60_000,
  threads: true,
};

export interface RecordedPost {
  readonly channel: string;
  readonly messageId: string;
  /** Paper titles in this part. */
  readonly titles: string[];
  readonly heading: string | undefined;
  readonly threadOf: string | undefined;
}

type Failure = { permanent: boolean; code: string; times: number };

/**
 * A ChatPlatform that records what it posts (in memory), splitting a digest into parts of at most `perPart`
 * papers, and that can be told to fail for a channel. The in-memory double of our own port.
 */
export class RecordingPlatform implements ChatPlatform {
  readonly name: PlatformName;
  readonly traits = RECORDING_TRAITS;
  readonly posts: RecordedPost[] = [];
  private readonly failures = new Map<string, Failure>();
  private next = 0;
  private readonly perPart: number;
  dispatcher: CommandDispatcher | undefined;

  constructor(name: PlatformName = 'console', perPart = 1_000) {
    this.name = name;
    this.perPart = perPart;
  }

  /** The next `times` posts to `channel` fail (permanently: channel gone; else: a 5xx). */
  fail(channel: string, options: { permanent: boolean; times?: number; code?: string }): void {
    this.failures.set(channel, {
      permanent: options.permanent,
      code: options.code ?? (options.permanent ? 'unknown_channel' : 'http_503'),
      times: options.times ?? Number.POSITIVE_INFINITY,
    });
  }

  async start(dispatcher: CommandDispatcher): Promise<void> {
    this.dispatcher = dispatcher;
  }
  async stop(): Promise<void> {}

  async postDigest(
    channel: ChannelRef,
    message: OutgoingMessage,
    options: PostDigestOptions,
  ): Promise<{ messageIds: string[] }> {
    const key = channelKey(channel);
    const failure = this.failures.get(key);
    if (failure && failure.times > 0) {
      failure.times--;
      throw new PlatformError(this.name, failure.code, `post to ${key} failed: ${failure.code}`, {
        permanent: failure.permanent,
      });
    }
    const parts = splitParts(message, this.perPart);
    const ids = [...options.alreadyPosted];
    for (const part of parts.slice(options.alreadyPosted.length)) {
      const messageId = `${this.name}-${++this.next}`;
      this.posts.push({
        channel: key,
        messageId,
        titles: part.titles,
        heading: part.heading,
        threadOf: options.replyTo ?? (options.thread && ids.length > 0 ? ids[0] : undefined),
      });
      ids.push(messageId);
      await options.onPosted(messageId);
    }
    return { messageIds: ids };
  }

  postsTo(channel: string): RecordedPost[] {
    return this.posts.filter((p) => p.channel === channel);
  }
}

function splitParts(message: OutgoingMessage, perPart: number): { titles: string[]; heading: string | undefined }[] {
  const heading = message.blocks.find((b) => b.type === 'heading');
  const titles = message.blocks.flatMap((b) => (b.type === 'paper' ? [b.title] : []));
  const parts: { titles: string[]; heading: string | undefined }[] = [];
  for (let i = 0; i < Math.max(1, titles.length); i += perPart) {
    parts.push({
      titles: titles.slice(i, i + perPart),
      heading: i === 0 && heading?.type === 'heading' ? heading.text : undefined,
    });
  }
  return parts;
}
