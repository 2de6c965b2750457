import type { CliCommand } from '../cli.js';
import { digestCommand, startCommand } from './bot.js';
import { backfillCommand, importCommand, ingestCommand, migrateCommand } from './ingest.js';
import { paperCommand, searchCommand, trendingCommand } from './read.js';

/** The core's `paperpulse` commands, in the order `paperpulse --help` lists them; adapters add their own. */
export const coreCliCommands: readonly CliCommand[] = [
  startCommand,
  searchCommand,
  trendingCommand,
  paperCommand,
  importCommand,
  ingestCommand,
  backfillCommand,
  digestCommand,
  migrateCommand,
];
