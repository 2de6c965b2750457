/**
 * The core's import surface: adapters import from here only. It holds the ports an adapter implements or calls,
 * the neutral message model, errors and small helpers. Everything here is light to load (no database driver, no
 * SDK): the composition root (src/app.ts) is loaded by the CLI only when a command needs it.
 */

export {
  type CliArgs,
  type CliCommand,
  type CliContext,
  type CliIo,
  EXIT,
  runCli,
  stringOption,
  UsageError,
} from './cli/cli.js';
export { colorsFor, styleOf } from './cli/colors.js';
export { coreCliCommands } from './cli/commands/index.js';
export { createPapersCommands } from './commands/index.js';
export type { Env } from './config.js';
export { type ChannelRef, channelKey, type PlatformName, parseChannelKey } from './domain/channel.js';
export { shortAuthors } from './domain/paper.js';
export { BotError, configError, describeError, type ErrorCode, PlatformError, UserError } from './errors.js';
export { redirectLogs } from './log-sink.js';
export type { Logger } from './logger.js';
export type {
  Action,
  Block,
  DividerBlock,
  HeadingBlock,
  NoteBlock,
  OutgoingFile,
  OutgoingMessage,
  PaperBlock,
  TextBlock,
} from './messages/model.js';
export { CARD_LINE_MAX } from './messages/model.js';
export { cardLines, message, PLAIN, type TextStyle, toPlainText } from './messages/plain-text.js';
export { packageVersion } from './paths.js';
export { createPlatformRegistry } from './platforms.js';
export type {
  ActionInvocation,
  AutocompleteRequest,
  ChatUser,
  Choice,
  CommandDispatcher,
  CommandInput,
  CommandInvocation,
  CommandResult,
  CommandSpec,
  OptionSpec,
  OptionValue,
  PostingProblems,
} from './ports/commands.js';
export type { CommandOutcome, DigestOutcome, Metrics } from './ports/metrics.js';
export type {
  ChatPlatform,
  PlatformContext,
  PlatformHttp,
  PlatformIo,
  PlatformModule,
  PlatformRegistry,
  PlatformSetup,
  PlatformTraits,
  PostDigestOptions,
} from './ports/platform.js';
export type { PlatformState } from './ports/stores.js';
export { clip, nearest } from './text.js';
