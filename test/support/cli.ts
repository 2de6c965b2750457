/**
 * `paperpulse …` run in this process: the real CLI runner, the real command list and platform registry, with
 * buffers for stdout and stderr and a script for stdin. What the bin does, minus starting Node and tsx.
 */
import { PassThrough } from 'node:stream';
import { builtinPlatforms, platformCliCommands } from '../../adapters/registry.js';
import { coreCliCommands, type PlatformRegistry, runCli } from '../../src/index.js';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `paperpulse <args>` with exactly `env` (no inherited variables) and `input` on stdin. */
export async function cli(
  args: readonly string[],
  env: Record<string, string | undefined>,
  options: { input?: string; platforms?: PlatformRegistry } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  stdin.end(options.input ?? '');
  const code = await runCli(
    args,
    {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      stdin,
      env: { NO_COLOR: '1', ...env },
    },
    {
      commands: [...coreCliCommands, ...platformCliCommands],
      platforms: options.platforms ?? builtinPlatforms(),
      version: '0.0.0-test',
    },
  );
  return { code, stdout, stderr };
}

/** `paperpulse <args>` running in this process, fed line by line: wait for output, then write more. */
export class CliSession {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number>;
  private readonly stdin = new PassThrough();
  private waiters: (() => void)[] = [];

  constructor(args: readonly string[], env: Record<string, string | undefined>) {
    const wake = () => {
      for (const w of this.waiters.splice(0)) w();
    };
    this.exited = runCli(
      args,
      {
        stdout: {
          write: (t: string) => {
            this.stdout += t;
            wake();
          },
        },
        stderr: { write: (t: string) => (this.stderr += t) },
        stdin: this.stdin,
        env: { NO_COLOR: '1', ...env },
      },
      { commands: [...coreCliCommands, ...platformCliCommands], platforms: builtinPlatforms(), version: '0.0.0-test' },
    );
  }

  write(line: string): void {
    this.stdin.write(`${line}\n`);
  }

  /** Closes stdin: the console finishes at the end of its input. */
  end(): void {
    this.stdin.end();
  }

  /** Resolves with the stdout index of the first match of `pattern` at or after `from`. */
  async waitFor(pattern: RegExp | string, options: { from?: number; timeoutMs?: number } = {}): Promise<number> {
    const deadline = Date.now() + (options.timeoutMs ?? 30_000);
    for (;;) {
      const from = options.from ?? 0;
      const text = this.stdout.slice(from);
      const index = typeof pattern === 'string' ? text.indexOf(pattern) : text.search(pattern);
      if (index >= 0) return from + index;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out waiting for ${pattern}; stdout so far:\n${this.stdout.slice(-2000)}\nstderr:\n${this.stderr.slice(-2000)}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}
