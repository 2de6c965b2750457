import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';
import { currentLogWriter } from './log-sink.js';

export { redirectLogs } from './log-sink.js';

export type Logger = PinoLogger;
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/**
 * Paths pino blanks out wherever they appear: tokens and secrets never reach a log line, even when a config or
 * an SDK error object is logged by mistake.
 */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'botToken',
  '*.botToken',
  'appToken',
  '*.appToken',
  'signingSecret',
  '*.signingSecret',
  'clientSecret',
  '*.clientSecret',
  'stateSecret',
  '*.stateSecret',
  'password',
  '*.password',
  'databaseUrl',
  '*.databaseUrl',
  'headers.authorization',
  '*.headers.authorization',
  'config',
  '*.config',
  'bot.token',
  '*.bot.token',
  'installation',
  '*.installation',
];

/**
 * The root logger. Logs go to stderr (stdout belongs to CLI output and the console channel): JSON lines for a
 * service, or one readable line per entry (`human`) for a person at a terminal. `write` replaces stderr (the CLI
 * runner's own stream); a redirect (redirectLogs) wins over both.
 */
export function createLogger(
  level: LogLevel,
  options: { human?: boolean; destination?: DestinationStream; write?: (line: string) => void } = {},
): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const emit = (line: string) => (currentLogWriter() ?? write)(line);
  const destination: DestinationStream = options.destination ?? {
    write(chunk: string) {
      for (const line of chunk.split('\n')) if (line.trim()) emit(options.human ? formatLogLine(line) : line);
    },
  };
  return pino(
    {
      level,
      base: { app: 'paperpulse' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err },
    },
    destination,
  );
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const HIDDEN_KEYS = new Set(['level', 'time', 'pid', 'hostname', 'app', 'msg']);

/** Formats one pino JSON line as `warn: message (key=value, …)`. */
export function formatLogLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.trimEnd();
  }
  const level = LEVEL_NAMES[entry.level as number] ?? String(entry.level);
  const details = Object.entries(entry)
    .filter(([key]) => !HIDDEN_KEYS.has(key))
    .map(([key, value]) => {
      if (key === 'err' && value && typeof value === 'object') return `err=${(value as { message?: string }).message}`;
      return `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`;
    });
  return `${level}: ${String(entry.msg ?? '')}${details.length ? ` (${details.join(', ')})` : ''}`;
}
