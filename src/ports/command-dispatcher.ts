import type { CommandDefinition } from '../commands/definition.js';
import type { OutgoingMessage } from '../messages/model.js';
import type { ChannelRef, PlatformName } from './chat-platform.js';

/** A typed option value as Discord delivers it. */
export type OptionValue = string | number | boolean;

/** One `/papers` call, normalised by an adapter. */
export interface CommandInvocation {
  readonly platform: PlatformName;
  /** The subcommand, e.g. "search". */
  readonly command: string;
  /** Discord: typed option values. Slack and the console: the raw text after the subcommand. */
  readonly input:
    | { readonly kind: 'options'; readonly values: Readonly<Record<string, OptionValue | undefined>> }
    | { readonly kind: 'text'; readonly text: string };
  readonly user: { readonly id: string; readonly displayName: string };
  readonly channel: ChannelRef;
  /** The adapter's verdict: may this user change the channel's settings (Manage Channels, workspace admin…)? */
  readonly isManager: boolean;
}

/** A button press on one of our messages. */
export interface ActionInvocation {
  readonly platform: PlatformName;
  /** The `Action.id` given with the message. */
  readonly actionId: string;
  readonly user: { readonly id: string; readonly displayName: string };
  readonly channel: ChannelRef;
  readonly isManager: boolean;
}

/** An autocomplete request for one option (Discord). */
export interface AutocompleteRequest {
  readonly platform: PlatformName;
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
  /** Whether the command succeeded; false for refused input and failures (adapters may log it). */
  readonly ok: boolean;
}

export interface CommandDispatcher {
  /** The `/papers` subcommands; adapters build Discord command JSON and the Slack manifest from them. */
  readonly commands: readonly CommandDefinition[];
  /** Run one command. Never throws: a mistake or a failure comes back as a message. */
  dispatch(invocation: CommandInvocation): Promise<CommandResult>;
  /** Handle a button press. Never throws; an unknown or expired button gets a polite message. */
  dispatchAction(invocation: ActionInvocation): Promise<CommandResult>;
  /** Suggestions for an option, at most 25. Never throws (no suggestions on failure). */
  autocomplete(request: AutocompleteRequest): Promise<Choice[]>;
}
