/**
 * The console's inbound side: one typed line becomes a `/papers` command, a "more" (the last page's More button),
 * or the end of the session. Lines are answered one at a time, in order.
 */
import type { ChannelRef, ChatUser, CommandDispatcher, CommandResult } from '../../src/index.js';
import type { ConsoleAdapterConfig } from './config.js';

/** What a typed line asks for. */
export type ConsoleLine =
  | { readonly kind: 'nothing' }
  | { readonly kind: 'exit' }
  | { readonly kind: 'more' }
  | { readonly kind: 'command'; readonly text: string }
  | { readonly kind: 'unknown' };

/** Reads one line: `exit`/`quit`, `more`, `/papers …` (the slash is optional), a comment, or something else. */
export function readLine(raw: string): ConsoleLine {
  const line = raw.trim();
  if (!line || line.startsWith('#')) return { kind: 'nothing' };
  if (/^\/?(exit|quit)$/i.test(line)) return { kind: 'exit' };
  if (/^more$/i.test(line)) return { kind: 'more' };
  const match = /^\/?papers(?:\s+|$)(.*)$/is.exec(line);
  return match ? { kind: 'command', text: match[1]!.trim() } : { kind: 'unknown' };
}

/** Answers lines through the dispatcher, remembering the last More button. */
export class ConsoleInbound {
  private readonly config: ConsoleAdapterConfig;
  private readonly channel: ChannelRef;
  private moreActionId: string | undefined;

  constructor(config: ConsoleAdapterConfig, channel: ChannelRef) {
    this.config = config;
    this.channel = channel;
  }

  private get caller(): { user: ChatUser; channel: ChannelRef; isManager: () => Promise<boolean> } {
    const manager = this.config.manager;
    return {
      // The person at the terminal ($USER): their reading list is `console:<name>` (`paperpulse saved --user`).
      user: { id: this.config.userName, displayName: this.config.userName },
      channel: this.channel,
      isManager: async () => manager,
    };
  }

  /** The answer to a line, or a hint for the person at the terminal when it is not a command. */
  async answer(line: ConsoleLine, dispatcher: CommandDispatcher): Promise<CommandResult | string | undefined> {
    switch (line.kind) {
      case 'command':
        return this.remember(await dispatcher.dispatch({ ...this.caller, input: { kind: 'line', text: line.text } }));
      case 'more':
        if (!this.moreActionId) return 'Nothing more to show: “more” continues the last search.\n';
        return this.remember(await dispatcher.dispatchAction({ ...this.caller, actionId: this.moreActionId }));
      case 'unknown':
        return 'Commands start with /papers, e.g. /papers help (or type exit).\n';
      case 'nothing':
      case 'exit':
        return undefined;
    }
  }

  private remember(result: CommandResult): CommandResult {
    this.moreActionId = result.message.actions?.find((a) => a.role === 'more')?.id;
    return result;
  }
}
