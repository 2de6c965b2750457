import { createLogger, type Logger } from '../../src/logger.js';

export interface LogEntry {
  readonly level: number;
  readonly msg: string;
  readonly [key: string]: unknown;
}

/** A real pino logger whose entries land in an array, to assert what was logged (and what was not). */
export function captureLogs(): { log: Logger; entries: LogEntry[]; text: () => string } {
  const entries: LogEntry[] = [];
  const lines: string[] = [];
  const log = createLogger('debug', {
    destination: {
      write(chunk: string) {
        lines.push(chunk);
        entries.push(JSON.parse(chunk) as LogEntry);
      },
    },
  });
  return { log, entries, text: () => lines.join('') };
}
