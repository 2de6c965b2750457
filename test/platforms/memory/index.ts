/**
 * A fourth platform that lives entirely under test/: an in-memory chat with threads, registered on the same registry
 * as the real adapters. It proves a platform needs nothing from the core but its ports: no file in src/ names it.
 */
import {
  type ChannelRef,
  type ChatPlatform,
  type CommandDispatcher,
  channelKey,
  type OutgoingMessage,
  PlatformError,
  type PlatformModule,
  type PlatformTraits,
  type PostDigestOptions,
  toPlainText,
} from '../../../src/index.js';

export interface MemoryConfig {
  /** Users who manage every channel. */
  readonly managers: readonly string[];
}

/** One message in the memory chat. */
export interface MemoryMessage {
  readonly id: string;
  readonly channel: string;
  readonly text: string;
  readonly threadOf: string | undefined;
}

export const MEMORY_TRAITS: PlatformTraits = {
  managers: 'the users listed in MEMORY_MANAGERS',
  buttonTtlMs: 10 * 60_000,
  threads: true,
  // Addresses are `room/channel`: rooms take turns in delivery.
  groupOf: (address) => address.split('/')[0] ?? '',
};

/** A chat kept in memory: messages per channel; a message at most 500 characters, so digests split. */
export class MemoryPlatform implements ChatPlatform {
  readonly name = 'memory';
  readonly traits = MEMORY_TRAITS;
  readonly messages: MemoryMessage[] = [];
  private readonly config: MemoryConfig;
  private dispatcher: CommandDispatcher | undefined;
  private next = 0;

  constructor(config: MemoryConfig) {
    this.config = config;
  }

  async start(dispatcher: CommandDispatcher): Promise<void> {
    this.dispatcher = dispatcher;
  }

  async stop(): Promise<void> {
    this.dispatcher = undefined;
  }

  /** A user types `/papers <line>` in a channel; resolves with the answer as text. */
  async type(user: string, address: string, line: string): Promise<string> {
    if (!this.dispatcher) throw new Error('the memory platform is not started');
    const result = await this.dispatcher.dispatch({
      input: { kind: 'line', text: line },
      user: { id: user, displayName: user },
      channel: { platform: this.name, address },
      isManager: async () => this.config.managers.includes(user),
    });
    // A file (an export) comes with the answer, as an attachment would.
    return result.message.file ? `${result.message.text}\n${result.message.file.content}` : result.message.text;
  }

  /** A user presses a button (its core action id) in a channel; resolves with the answer as text. */
  async press(user: string, address: string, actionId: string): Promise<string> {
    if (!this.dispatcher) throw new Error('the memory platform is not started');
    const result = await this.dispatcher.dispatchAction({
      actionId,
      user: { id: user, displayName: user },
      channel: { platform: this.name, address },
      isManager: async () => this.config.managers.includes(user),
    });
    return result.message.text;
  }

  async postDigest(
    channel: ChannelRef,
    message: OutgoingMessage,
    options: PostDigestOptions,
  ): Promise<{ messageIds: string[] }> {
    if (channel.platform !== this.name || channel.address.startsWith('gone/')) {
      throw new PlatformError(this.name, 'channel_gone', `no channel ${channelKey(channel)}`, { permanent: true });
    }
    const parts = split(message, options.thread);
    const ids = [...options.alreadyPosted];
    for (let i = ids.length; i < parts.length; i++) {
      const id = `m${++this.next}`;
      this.messages.push({
        id,
        channel: channel.address,
        text: parts[i]!,
        // A reply (a follow-up) goes under the message it answers; a threaded digest's parts under its header.
        threadOf: options.replyTo ?? (options.thread && i > 0 ? ids[0] : undefined),
      });
      ids.push(id);
      await options.onPosted(id);
    }
    return { messageIds: ids };
  }
}

/** One part per paper (a header part before them in thread mode), so a digest always splits between papers. */
function split(message: OutgoingMessage, thread: boolean): string[] {
  const parts: string[] = [];
  let current: OutgoingMessage['blocks'][number][] = [];
  for (const block of message.blocks) {
    if (block.type === 'paper' && current.some((b) => b.type === 'paper' || thread)) {
      parts.push(toPlainText(current));
      current = [];
    }
    current.push(block);
  }
  if (current.length > 0) parts.push(toPlainText(current));
  return parts;
}

export const memoryModule: PlatformModule<MemoryConfig> = {
  name: 'memory',
  traits: MEMORY_TRAITS,
  async configure(env) {
    if (env.MEMORY_PLATFORM !== 'on') return { on: false, reason: 'MEMORY_PLATFORM is not on' };
    return { on: true, config: { managers: (env.MEMORY_MANAGERS ?? '').split(',').filter(Boolean) } };
  },
  async create(config) {
    return new MemoryPlatform(config);
  },
};
