/**
 * Where finished log lines go: stderr, unless a terminal UI takes them (the interactive console prints them above
 * its prompt and redraws what the user was typing). Apart from logger.ts so adapters can redirect logs without
 * loading pino (the CLI's --help and usage errors load no logger at all).
 */
let logWriter: ((line: string) => void) | undefined;

/** The writer logs are redirected to, if any. */
export function currentLogWriter(): ((line: string) => void) | undefined {
  return logWriter;
}

/** Sends every log line to `writer` (one line, no newline) until the returned function is called. */
export function redirectLogs(writer: (line: string) => void): () => void {
  logWriter = writer;
  return () => {
    if (logWriter === writer) logWriter = undefined;
  };
}
