import type { Logger } from '../logger.js';
import type { OutgoingMessage } from '../messages/model.js';
import type { Clock } from '../ports/clock.js';
import type { ActionInvocation, CommandInvocation, CommandSpec, OptionSpec, OptionValue } from '../ports/commands.js';
import type { ChannelFeedStore } from '../ports/feeds.js';
import type { PlatformTraits } from '../ports/platform.js';
import type { ReadingListStore, VoteStore } from '../ports/reading.js';
import type { PaperSearch } from '../ports/search.js';
import type { SimilarPapers } from '../ports/similar.js';
import type { ChannelStore, ContinuationStore, DeliveryLedger, PaperStore } from '../ports/stores.js';
import type { DigestService } from '../services/digest-service.js';
import type { IngestService } from '../services/ingest-service.js';
import type { RisingService } from '../services/rising-service.js';
import type { TasteService } from '../services/taste/taste-service.js';
import type { TrendingService } from '../services/trending-service.js';

export type Args = Readonly<Record<string, OptionValue | undefined>>;

/** What commands work with: the stores (through their ports) and the services built on them. */
export interface CoreServices {
  readonly papers: PaperStore;
  readonly search: PaperSearch;
  readonly channels: ChannelStore;
  readonly deliveries: DeliveryLedger;
  readonly continuations: ContinuationStore;
  readonly digests: DigestService;
  readonly trending: TrendingService;
  readonly ingest: IngestService;
  readonly clock: Clock;
  /** Channels' private feeds (tokens and posted cards). */
  readonly channelFeeds: ChannelFeedStore;
  /** PUBLIC_URL (no trailing slash), where feed links point; undefined when not configured. */
  readonly publicUrl: string | undefined;
  /** Reading lists, channel votes and the channel taste model (issue 14). */
  readonly readingLists: ReadingListStore;
  readonly votes: VoteStore;
  readonly taste: TasteService;
  /** "More like this" (issue 13). */
  readonly similar: SimilarPapers;
  /** Rising papers, the week refresh and snapshot retention (issue 13). */
  readonly rising: RisingService;
}

export interface CommandContext {
  readonly args: Args;
  readonly invocation: CommandInvocation;
  readonly services: CoreServices;
  /** What the invoking platform declared about itself (button lifetime, threads…). */
  readonly platform: PlatformTraits;
  readonly log: Logger;
  readonly now: Date;
}

/**
 * What a command returns: a message (only the caller sees it unless `public`), or a message with its visibility and
 * the answer as data (what the CLI's `--json` prints).
 */
export type CommandOutput =
  | OutgoingMessage
  | {
      readonly message: OutgoingMessage;
      readonly ephemeral?: boolean | undefined;
      readonly data?: unknown;
      /** Buttons of the pressed message to relabel (see CommandResult.relabel). */
      readonly relabel?: Readonly<Record<string, string>> | undefined;
    };

/** One `/papers` subcommand: its spec (data, for adapters) and what it does. */
export interface CommandDefinition extends CommandSpec {
  /** Whether this call changes channel settings, which only channel managers may do. */
  managerOnly(args: Args): boolean;
  execute(ctx: CommandContext): Promise<CommandOutput>;
}

export interface ActionContext {
  readonly invocation: ActionInvocation;
  readonly services: CoreServices;
  readonly platform: PlatformTraits;
  readonly log: Logger;
  readonly now: Date;
}

/**
 * What a button does. Its `Action.id` is `prefix` followed by the button's own state (e.g. `more:` and the id of a
 * stored continuation); the rest is validated by `run`, which answers a stale or forged id politely.
 */
export interface ActionDefinition {
  readonly prefix: string;
  run(rest: string, ctx: ActionContext): Promise<CommandOutput>;
}

/** The `public` option every read command has. */
export const publicOption: OptionSpec = {
  name: 'public',
  type: 'boolean',
  description: 'Show the answer to everyone in the channel (default: only you)',
  flag: 'public',
};

export const never = () => false;
