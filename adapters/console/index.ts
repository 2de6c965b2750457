/**
 * The console adapter: what `npm start` runs with no chat tokens. The terminal is channel `console:local`: type
 * the same `/papers …` lines as in Discord or Slack and see the same answers and digests as plain text (the
 * hubot Shell idea). When stdin is not a terminal it reads commands line by line and finishes at end of input,
 * so it can be scripted.
 */
import { createInterface, type Interface } from 'node:readline';
import {
  type ChannelRef,
  type ChatPlatform,
  type CommandDispatcher,
  type CommandResult,
  type OutgoingMessage,
  PlatformError,
  type PostDigestOptions,
} from '../../src/index.js';

export interface ConsoleAdapterOptions {
  readonly input: NodeJS.ReadableStream;
  readonly output: { write(text: string): unknown };
  /** A person at a terminal: show a prompt. Otherwise read the input as a script. */
  readonly interactive: boolean;
  /** The console user's name (default: $USER or "you"). */
  readonly userName?: string | undefined;
}

/** The one channel of the console. */
export const CONSOLE_CHANNEL: ChannelRef = { platform: 'console', channelId: 'local' };

const PROMPT = 'papers> ';

export class ConsolePlatform implements ChatPlatform {
  readonly name = 'console' as const;
  readonly finished: Promise<void>;
  private readonly options: ConsoleAdapterOptions;
  private resolveFinished!: () => void;
  private lines: Interface | undefined;
  private queue: Promise<void> = Promise.resolve();
  private moreActionId: string | undefined;
  private posted = 0;
  private stopped = false;

  constructor(options: ConsoleAdapterOptions) {
    this.options = options;
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
  }

  async start(dispatcher: CommandDispatcher): Promise<void> {
    const { interactive } = this.options;
    this.lines = createInterface({
      input: this.options.input,
      ...(interactive ? { output: process.stdout, prompt: PROMPT, terminal: true } : { terminal: false }),
    });
    if (interactive) {
      this.write('PaperPulse console: this terminal is channel console:local. Type /papers help, or exit to quit.\n');
      this.lines.prompt();
    }
    this.lines.on('line', (line) => {
      // One line at a time, in order, even when a script arrives all at once.
      this.queue = this.queue
        .then(() => this.handle(line, dispatcher))
        .then(() => {
          if (interactive && !this.stopped) this.lines?.prompt();
        });
    });
    this.lines.on('close', () => {
      void this.queue.then(() => this.resolveFinished());
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.lines?.close();
    await this.queue;
    this.resolveFinished();
  }

  /** Resolves once every line received so far has been answered. */
  whenIdle(): Promise<void> {
    return this.queue;
  }

  /** A line for the person at the terminal (first-start notices). */
  notice(line: string): void {
    this.write(`${line}\n`);
  }

  async postDigest(
    channel: ChannelRef,
    message: OutgoingMessage,
    options: PostDigestOptions,
  ): Promise<{ messageIds: string[] }> {
    if (channel.platform !== 'console' || channel.channelId !== CONSOLE_CHANNEL.channelId) {
      throw new PlatformError(
        'console',
        'unknown_channel',
        `the console has no channel ${channel.platform}:${channel.channelId}`,
        {
          permanent: true,
        },
      );
    }
    // The console has no size limit: a digest is one part. A part already posted is not printed again.
    if (options.alreadyPosted.length > 0) return { messageIds: [...options.alreadyPosted] };
    const id = `console-${Date.now()}-${++this.posted}`;
    this.write(`\n━━━ Digest for console:local ━━━\n${message.text}\n━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n`);
    await options.onPosted(id);
    return { messageIds: [id] };
  }

  private async handle(raw: string, dispatcher: CommandDispatcher): Promise<void> {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    if (/^(exit|quit)$/i.test(line)) {
      await this.stop();
      return;
    }
    const user = { id: 'console-user', displayName: this.options.userName ?? 'you' };
    if (/^more$/i.test(line)) {
      if (!this.moreActionId) {
        this.write('Nothing more to show: “more” continues the last search.\n');
        return;
      }
      const actionId = this.moreActionId;
      this.show(
        await dispatcher.dispatchAction({
          platform: 'console',
          actionId,
          user,
          channel: CONSOLE_CHANNEL,
          isManager: true,
        }),
      );
      return;
    }
    const match = /^\/?papers(?:\s+|$)(.*)$/is.exec(line);
    if (!match) {
      this.write('Commands start with /papers, e.g. /papers help (or type exit).\n');
      return;
    }
    const rest = match[1]!.trim();
    const command = rest.split(/\s+/)[0] || 'help';
    const text = rest.slice(command.length).trim();
    this.show(
      await dispatcher.dispatch({
        platform: 'console',
        command,
        input: { kind: 'text', text },
        user,
        channel: CONSOLE_CHANNEL,
        // The person at the terminal owns this channel.
        isManager: true,
      }),
    );
  }

  private show(result: CommandResult): void {
    const more = result.message.actions?.find((a) => a.label === 'More');
    this.moreActionId = more?.id;
    this.write(`${result.message.text}\n${more ? '(type “more” for the next page)\n' : ''}`);
  }

  private write(text: string): void {
    this.options.output.write(text);
  }
}

export function createConsoleAdapter(options: ConsoleAdapterOptions): ConsolePlatform {
  return new ConsolePlatform(options);
}
