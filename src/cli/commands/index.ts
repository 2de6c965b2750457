import type { CliCommand } from '../cli.js';
import { digestCommand, startCommand } from './bot.js';
import { risingCommand, similarCommand } from './discovery.js';
import { backfillCommand, importCommand, ingestCommand, migrateCommand } from './ingest.js';
import { mcpCommand } from './mcp.js';
import { paperCommand, searchCommand, trendingCommand } from './read.js';
import { savedCommand } from './saved.js';

/** The core's `paperpulse` commands, in the order `paperpulse --help` lists them; adapters add their own. */
export const coreCliCommands: readonly CliCommand[] = [
  startCommand,
  searchCommand,
  trendingCommand,
  paperCommand,
  similarCommand,
  risingCommand,
  importCommand,
  ingestCommand,
  backfillCommand,
  digestCommand,
  migrateCommand,
  mcpCommand,
  savedCommand,
];
