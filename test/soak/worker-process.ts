/**
 * One soak bot process (worker.ts) as the soak and the throughput run start it: its name, the child, when it said
 * "ready", and its last stdout line (the JSON report it prints when stopped cleanly).
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface WorkerProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Resolves when the worker printed "ready" (or exited). */
  readonly ready: Promise<void>;
  /** The worker's report, or undefined when it was killed or printed none. */
  readonly done: Promise<{ sent: number; cpuSeconds?: number } | undefined>;
}

export function startWorker(name: string, env: NodeJS.ProcessEnv, log: (line: string) => void): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/soak/worker.ts'], {
    cwd: new URL('../..', import.meta.url).pathname,
    env: { ...env, WORKER: name },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('ready\n')) markReady();
  });
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ sent: number; cpuSeconds?: number } | undefined>((resolve) =>
    child.on('close', (code, signal) => {
      markReady();
      // SIGKILL is the soak's own; SIGTERM before its handler was installed (still starting) is a clean stop too.
      if (code !== 0 && signal !== 'SIGKILL' && signal !== 'SIGTERM')
        log(`  ${name} exited ${code ?? signal}: ${err.slice(-800)}`);
      const line = out.trim().split('\n').at(-1);
      try {
        resolve(line ? (JSON.parse(line) as { sent: number; cpuSeconds?: number }) : undefined);
      } catch {
        resolve(undefined);
      }
    }),
  );
  return { name, child, ready, done };
}
