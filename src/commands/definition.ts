import type { PaperServices } from '../app.js';
import type { PgChannelRepository } from '../db/channel-repository.js';
import type { PgContinuationRepository } from '../db/continuation-repository.js';
import type { PgDeliveryRepository } from '../db/delivery-repository.js';
import type { Logger } from '../logger.js';
import type { OutgoingMessage } from '../messages/model.js';
import type { CommandInvocation, OptionValue } from '../ports/command-dispatcher.js';
import type { DigestService } from '../services/digest-service.js';

/**
 * One option of a `/papers` subcommand. Discord gets it as a typed option; text input (Slack, console) is mapped
 * onto the options by the shared parser (parse.ts): each word goes to the first free option that `accepts` it,
 * and a `rest` option takes the remainder of the line as typed.
 */
export interface OptionSpec {
  readonly name: string;
  readonly type: 'string' | 'integer' | 'boolean';
  /** ≤100 characters (Discord's limit). */
  readonly description: string;
  readonly required?: boolean | undefined;
  readonly min?: number | undefined;
  readonly max?: number | undefined;
  readonly maxLength?: number | undefined;
  /** Allowed values, lowercase; matched case-insensitively. */
  readonly choices?: readonly string[] | undefined;
  /** Text input: this option takes the rest of the line. */
  readonly rest?: boolean | undefined;
  /** Text input: whether a word belongs to this option (default: by type and choices). */
  readonly accepts?: ((word: string) => boolean) | undefined;
  /** Suggestions come from the dispatcher's autocomplete. */
  readonly autocomplete?: boolean | undefined;
  /** Text input: a boolean set by this bare word at the end of the line (`public`). */
  readonly flag?: string | undefined;
}

export type Args = Readonly<Record<string, OptionValue | undefined>>;

/** What commands can use: the paper services plus channels, deliveries and digests. */
export interface CoreServices extends PaperServices {
  readonly channels: PgChannelRepository;
  readonly deliveries: PgDeliveryRepository;
  readonly continuations: PgContinuationRepository;
  readonly digests: DigestService;
}

export interface CommandContext {
  readonly args: Args;
  readonly invocation: CommandInvocation;
  readonly services: CoreServices;
  readonly log: Logger;
  readonly now: Date;
}

/** What a command returns: a message, and whether only the caller sees it (default: unless `public`). */
export type CommandOutput = OutgoingMessage | { readonly message: OutgoingMessage; readonly ephemeral: boolean };

export interface CommandDefinition {
  /** Subcommand under /papers: lowercase, identical on every platform. */
  readonly name: string;
  /** ≤100 characters: Discord's limit; also used by /papers help and the Slack manifest. */
  readonly description: string;
  /** `/papers search <query> [since:YYYY-MM-DD] …` */
  readonly usage: string;
  readonly options: readonly OptionSpec[];
  /** Whether this call changes channel settings, which only channel managers may do. */
  managerOnly(args: Args): boolean;
  execute(ctx: CommandContext): Promise<CommandOutput>;
}

/** The `public` option every read command has. */
export const publicOption: OptionSpec = {
  name: 'public',
  type: 'boolean',
  description: 'Show the answer to everyone in the channel (default: only you)',
  flag: 'public',
};

export const never = () => false;
export const always = () => true;
