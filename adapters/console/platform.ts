/**
 * The console platform: what `npm start` runs with no chat platform configured. The terminal is channel
 * `console:local`: type the same `/papers …` lines as in Discord or Slack and see the same answers and digests as
 * text (the hubot Shell idea). On a terminal it shows a prompt, prints logs and digests above it and redraws what
 * was being typed; `exit`, `quit`, Ctrl-D and Ctrl-C end it. When stdin is not a terminal it reads the input as a
 * script and finishes at its end.
 */
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import {
  type ChannelRef,
  type ChatPlatform,
  type CommandDispatcher,
  describeError,
  type OutgoingMessage,
  PLAIN,
  type PlatformContext,
  type PlatformIo,
  type PlatformTraits,
  type PostDigestOptions,
  redirectLogs,
  type TextStyle,
} from '../../src/index.js';
import { CONSOLE_ADDRESS } from './address.js';
import type { ConsoleAdapterConfig } from './config.js';
import { writeExport } from './files.js';
import { ConsoleInbound, readLine } from './inbound.js';
import { postDigest } from './post.js';
import { renderReply, typedActions } from './render.js';

const PROMPT = 'papers> ';

/** The console's channel. */
export const CONSOLE_CHANNEL: ChannelRef = { platform: 'console', address: CONSOLE_ADDRESS };

export interface ConsoleOptions {
  /** Terminal styles (colours); plain by default. */
  readonly style?: TextStyle | undefined;
}

export class ConsolePlatform implements ChatPlatform {
  readonly name = 'console';
  readonly traits: PlatformTraits;
  readonly finished: Promise<void>;
  private readonly io: PlatformIo;
  private readonly interactive: boolean;
  private readonly style: TextStyle;
  private readonly inbound: ConsoleInbound;
  private resolveFinished!: () => void;
  private lines: Interface | undefined;
  private queue: Promise<void> = Promise.resolve();
  private restoreLogs: (() => void) | undefined;
  private stopped = false;
  private readonly exportDir: string;

  constructor(
    config: ConsoleAdapterConfig,
    context: Pick<PlatformContext, 'io'>,
    traits: PlatformTraits,
    options: ConsoleOptions = {},
  ) {
    this.io = context.io;
    this.traits = traits;
    this.exportDir = config.exportDir ?? process.cwd();
    this.interactive = context.io.stdin.isTTY === true;
    this.style = options.style ?? { ...PLAIN, cardActions: typedActions(PLAIN) };
    this.inbound = new ConsoleInbound(config, CONSOLE_CHANNEL);
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
  }

  async start(dispatcher: CommandDispatcher): Promise<void> {
    const interactive = this.interactive;
    const lines = createInterface({
      input: this.io.stdin,
      ...(interactive
        ? { output: this.io.stdout as NodeJS.WritableStream, prompt: PROMPT, terminal: true }
        : { terminal: false }),
    });
    this.lines = lines;
    if (interactive) {
      // Logs would otherwise land in the middle of what is being typed.
      this.restoreLogs = redirectLogs((line) => this.above(`${this.style.dim(line)}\n`));
      this.write('PaperPulse console: this terminal is channel console:local. Type /papers help, or exit to quit.\n');
      lines.prompt();
      // A terminal's Ctrl-C reaches readline, not the process.
      lines.on('SIGINT', () => void this.stop());
    }
    lines.on('line', (raw) => {
      // One line at a time, in order, even when a script arrives all at once.
      this.queue = this.queue.then(() => this.handle(raw, dispatcher));
    });
    lines.on('close', () => {
      void this.queue.then(() => this.finish());
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.lines?.close();
    await this.queue;
    this.finish();
  }

  /** Resolves once every line received so far has been answered. */
  whenIdle(): Promise<void> {
    return this.queue;
  }

  notice(line: string): void {
    this.above(`${line}\n`);
  }

  async postDigest(
    channel: ChannelRef,
    message: OutgoingMessage,
    options: PostDigestOptions,
  ): Promise<{ messageIds: string[] }> {
    return postDigest((text) => this.above(text), this.style, channel, message, options);
  }

  connected(): boolean {
    return !this.stopped;
  }

  private async handle(raw: string, dispatcher: CommandDispatcher): Promise<void> {
    if (this.stopped) return;
    const line = readLine(raw);
    if (line.kind === 'exit') {
      void this.stop();
      return;
    }
    const answer = await this.inbound.answer(line, dispatcher);
    if (typeof answer === 'string') this.write(answer);
    else if (answer) this.write(renderReply(answer, this.style));
    if (typeof answer === 'object' && answer.message.file) {
      try {
        const path = await writeExport(this.exportDir, answer.message.file);
        this.write(`Wrote ${path}\n`);
      } catch (err) {
        this.write(`${this.style.error(`✖ Could not write ${answer.message.file.name}: ${describeError(err)}`)}\n`);
      }
    }
    if (this.interactive && !this.stopped) this.lines?.prompt();
  }

  private finish(): void {
    this.restoreLogs?.();
    this.restoreLogs = undefined;
    this.resolveFinished();
  }

  private write(text: string): void {
    this.io.stdout.write(text);
  }

  /** Prints above the prompt, then redraws the prompt and what was typed so far. */
  private above(text: string): void {
    const lines = this.lines;
    if (!this.interactive || !lines || this.stopped) {
      this.write(text);
      return;
    }
    const out = this.io.stdout as NodeJS.WritableStream;
    clearLine(out, 0);
    cursorTo(out, 0);
    this.write(text);
    lines.prompt(true);
  }
}
