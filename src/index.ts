/**
 * The core's import surface: adapters and the composition root import from here only.
 */
export { openPaperServices, type PaperServices } from './app.js';
export { type BotOptions, type RunningBot, runBot, SAMPLE_FILE } from './bot.js';
export { type CliCommand, type CliContext, type CliIo, EXIT, runCli, stringOption, UsageError } from './cli/cli.js';
export { paperCommands } from './cli/paper-commands.js';
export type { Args, CommandDefinition, OptionSpec } from './commands/definition.js';
export { GENERIC_FAILURE } from './commands/dispatcher.js';
export { createPapersCommands } from './commands/index.js';
export { type CoreConfig, configError, type Env, loadConfig } from './config.js';
export { type Core, createCore } from './core.js';
export type { Database } from './db/client.js';
export { createDatabase } from './db/client.js';
export { slackInstallations } from './db/schema.js';
export { shortAuthors } from './domain/paper.js';
export { BotError, describeError, type ErrorCode, PlatformError, UserError } from './errors.js';
export { createLogger, type Logger, type LogLevel } from './logger.js';
export type {
  Action,
  Block,
  HeadingBlock,
  NoteBlock,
  OutgoingMessage,
  PaperBlock,
  TextBlock,
} from './messages/model.js';
export { message, paperText, toPlainText } from './messages/plain-text.js';
export {
  type ChannelRef,
  type ChatPlatform,
  channelKey,
  type PlatformName,
  type PostDigestOptions,
} from './ports/chat-platform.js';
export type { Clock } from './ports/clock.js';
export type {
  ActionInvocation,
  AutocompleteRequest,
  Choice,
  CommandDispatcher,
  CommandInvocation,
  CommandResult,
  OptionValue,
} from './ports/command-dispatcher.js';
export { DEFAULT_DELIVERY_OPTIONS, type DeliveryOptions } from './services/delivery-service.js';
