/**
 * The driving port: how an adapter hands a user's `/papers …`, a button press or an autocomplete request to the
 * core, and the data-only description of the commands it builds its platform's command definitions from.
 */
import type { ChannelRef } from '../domain/channel.js';
import type { ErrorCode } from '../errors.js';
import type { OutgoingMessage } from '../messages/model.js';

/** A typed option value as Discord delivers it. */
export type OptionValue = string | number | boolean;

/**
 * One option of a `/papers` subcommand. Discord gets it as a typed option; text input (Slack, the console, the CLI)
 * is mapped onto the options by the core's parser: each word goes to the first free option that accepts it (by
 * `pattern`, else by type and choices), and a `rest` option takes the remainder of the line as typed.
 */
export interface OptionSpec {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'boolean';
  /** ≤100 characters (Discord's limit for option descriptions). */
  readonly description: string;
  readonly required?: boolean | undefined;
  readonly min?: number | undefined;
  readonly max?: number | undefined;
  readonly maxLength?: number | undefined;
  /** Allowed values, lowercase; matched case-insensitively. */
  readonly choices?: readonly string[] | undefined;
  /** Text input: this option takes the rest of the line. */
  readonly rest?: boolean | undefined;
  /** Text input: the words this option takes (default: by type and choices). */
  readonly pattern?: RegExp | undefined;
  /** Suggestions come from the dispatcher's autocomplete. */
  readonly autocomplete?: boolean | undefined;
  /** Text input: a boolean set by this bare word at the end of the line (`public`). */
  readonly flag?: string | undefined;
  /** Only the command line offers it (e.g. 100 results at once): chat platforms do not declare it. */
  readonly cliOnly?: boolean | undefined;
}

/** A `/papers` subcommand as data: what adapters need to declare it on their platform and to document it. */
export interface CommandSpec {
  /** Lowercase, identical on every platform. */
  readonly name: string;
  /** ≤100 characters (Discord's limit); also /papers help and the Slack manifest. */
  readonly description: string;
  /** `/papers search <query> [since:YYYY-MM-DD] …` */
  readonly usage: string;
  readonly options: readonly OptionSpec[];
}

export interface ChatUser {
  readonly id: string;
  readonly displayName: string;
}

/** What keeps the bot from posting in a channel, as the adapter sees it (Discord reports its permissions). */
export interface PostingProblems {
  /** Short names of what is missing, e.g. `Send Messages`. */
  readonly missing: readonly string[];
  /** How to fix it, in the platform's words: "A server admin can grant them in the channel's settings". */
  readonly fix: string;
}

/** What every call from a chat user carries. */
interface Invocation {
  readonly user: ChatUser;
  readonly channel: ChannelRef;
  /**
   * May this user change the channel's settings (Manage Channels, a workspace admin…)? The adapter's verdict,
   * asked only by commands that need it (it may cost the adapter a request).
   */
  isManager(): Promise<boolean>;
}

/**
 * What the user typed: the whole line after `/papers` (Slack, the console, the CLI; the core splits off the
 * subcommand, and an empty line is `help`), or a subcommand with typed option values (Discord).
 */
export type CommandInput =
  | { readonly kind: 'line'; readonly text: string }
  | {
      readonly kind: 'options';
      readonly command: string;
      readonly values: Readonly<Record<string, OptionValue | undefined>>;
    };

/** One `/papers` call, normalised by an adapter. */
export interface CommandInvocation extends Invocation {
  readonly input: CommandInput;
  /** Optional capability: what would keep a digest from being posted here (undefined: nothing known). */
  postingProblems?(options: { readonly thread: boolean }): PostingProblems | undefined;
  /** Optional capability: how a digest interrupted here (a crash, a lost answer) is recovered, for /papers status. */
  deliveryRecovery?(): string | undefined;
}

/** A button press on one of our messages. */
export interface ActionInvocation extends Invocation {
  /** The `Action.id` given with the message. */
  readonly actionId: string;
}

/** An autocomplete request for one option (Discord). */
export interface AutocompleteRequest {
  readonly command: string;
  readonly option: string;
  /** What the user has typed so far. */
  readonly partial: string;
  /** The other options' values so far (e.g. which digest setting the value is for). */
  readonly values?: Readonly<Record<string, OptionValue | undefined>> | undefined;
  readonly channel: ChannelRef;
}

export interface Choice {
  /** Shown to the user; at most 100 characters. */
  readonly name: string;
  /** Sent back as the option value; at most 100 characters. */
  readonly value: string;
}

export interface CommandResult {
  readonly message: OutgoingMessage;
  /** Only the caller sees it. */
  readonly ephemeral: boolean;
  /** Whether the command succeeded; false for refused input and failures. */
  readonly ok: boolean;
  /** The answer as data (papers with their facts), for machine-readable output such as the CLI's `--json`. */
  readonly data?: unknown;
  /** When not ok: why, as one line (the message shows it too). INVALID_ARGUMENT and NOT_PERMITTED are the user's. */
  readonly error?: { readonly code: ErrorCode; readonly message: string } | undefined;
  /**
   * A button's answer may also relabel buttons of the message it was pressed on (action id → new label, e.g. a
   * vote's counts): where the platform lets the press update that message, the adapter does, keeping each label's
   * own prefix (Discord's "3 · "); elsewhere the answer's text says the same.
   */
  readonly relabel?: Readonly<Record<string, string>> | undefined;
}

export interface CommandDispatcher {
  /** The `/papers` subcommands; adapters build Discord command JSON and the Slack manifest from them. */
  readonly commands: readonly CommandSpec[];
  /** Run one command. Never throws: a mistake or a failure comes back as a message. */
  dispatch(invocation: CommandInvocation): Promise<CommandResult>;
  /** Handle a button press. Never throws; an unknown or expired button gets a polite message. */
  dispatchAction(invocation: ActionInvocation): Promise<CommandResult>;
  /** Suggestions for an option, at most 25. Never throws (no suggestions on failure). */
  autocomplete(request: AutocompleteRequest): Promise<Choice[]>;
}
