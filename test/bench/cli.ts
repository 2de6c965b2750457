/**
 * The `cli` bench part: what a person feels when running `paperpulse` and `npm start`, measured on real spawned
 * processes in a clean environment (no DATABASE_URL, no chat tokens, HF_API_URL pointing at a closed local port so
 * nothing reaches the network, a fresh PAPERPULSE_DATA_DIR and TMPDIR):
 *
 * - `--help`, `--version`, a usage error (`backfill` with no arguments): wall time, spawn to exit;
 * - `search "optimal transport"` on a warm embedded data directory holding the bundled sample (imported once
 *   beforehand with `paperpulse import`): wall time and peak RSS (VmHWM from /proc, sampled over the process tree);
 * - `npm start` and `node adapters/paperpulse.js start` to the console's first prompt on that warm data directory,
 *   under a pseudo-terminal (`script` from util-linux: the console shows its prompt only on a TTY), then Ctrl-C and
 *   the time it takes to exit;
 * - a scripted run, `printf '/papers help\nexit\n' | npm start --silent`, to its exit (with a timeout: reported as
 *   such), and the same script without the `exit` line (end of input);
 * - a breakdown of where the time and memory of `--help` and of a search go (cli-phases.mjs, phase by phase).
 *
 * The part first runs `npm run build` (adapters/build.js), so `paperpulse` runs the build in dist/ as after
 * `npm install`; `--help` is also timed from the TypeScript sources through tsx (PAPERPULSE_FROM_SOURCES=1), the
 * path taken when dist/ holds no build of the current sources. BEFORE holds the figures of the same part on the
 * commit before the build and the lazy loading (6ce3574), and each row shows before → now.
 *
 * Every figure is a median and a max over `runs` runs after one warm-up (timings on a shared 2-core machine are
 * noisy: the CPU time of the process tree, user + system, is given beside the wall time, and the load average at
 * the start and end of the part), compared with the targets of the issue: `--help`, `--version`, usage errors ≤ 0.5 s; a search ≤ 1.5 s end
 * to end and ≤ 200 MB RSS; `npm start` to the first prompt ≤ 3 s.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SAMPLE = 'data/sample/seed-papers.daily_papers.json';
const QUERY = 'optimal transport';

export const CLI_TARGETS = {
  quick_ms: 500,
  search_ms: 1500,
  search_rss_mb: 200,
  start_to_prompt_ms: 3000,
} as const;

/**
 * The same part on commit 6ce3574 (before the build in dist/, Liftoff for brief commands and the lazy imports of
 * issue 10 item 7): `npm run bench -- --only cli --reps 5` on 2026-12-05 12:41–12:48 UTC, the shared 2-core machine
 * at a load average of 9.5 (start) to 9.4 (end). Medians of 5 runs; ms and MB.
 */
export const BEFORE = {
  help_ms: 2239,
  help_cpu_ms: 1970,
  version_ms: 159,
  usage_error_ms: 1847,
  usage_error_cpu_ms: 1890,
  search_ms: 8081,
  search_cpu_ms: 7450,
  search_rss_mb: 311,
  start_npm_ms: 7972,
  start_node_ms: 6800,
  scripted_eof_ms: 9372,
} as const;

export interface CliBenchOptions {
  /** Timed runs per measure (after one warm-up run). */
  readonly runs: number;
  readonly log: (line: string) => void;
}

// --- processes -------------------------------------------------------------------------------------------------

interface ProcPeak {
  readonly pid: number;
  /** The command name as last seen (a fork shows its parent's name until it execs). */
  comm: string;
  /** Start time (field 22 of /proc/<pid>/stat): tells this process from a later one given the same pid. */
  readonly startTime: string | undefined;
  /** VmHWM, the kernel's peak resident set of that process, in kB. */
  hwmKb: number;
}

/** Samples /proc for a process and its descendants: every pid seen, and each one's VmHWM (peak RSS). */
class TreeSampler {
  readonly seen = new Map<number, ProcPeak>();
  private timer: NodeJS.Timeout | undefined;
  private readonly rootPid: number;

  constructor(rootPid: number) {
    this.rootPid = rootPid;
  }

  start(intervalMs = 10): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The peak RSS of the biggest `node` process of the tree, MB. */
  nodePeakMb(): number | undefined {
    const nodes = [...this.seen.values()].filter((p) => p.comm === 'node' || p.comm.startsWith('node'));
    return nodes.length ? mb(Math.max(...nodes.map((p) => p.hwmKb))) : undefined;
  }

  /** The sum of every process's own peak: an upper bound of the tree's peak (the peaks need not coincide), MB. */
  treePeakMb(): number {
    return mb([...this.seen.values()].reduce((sum, p) => sum + p.hwmKb, 0));
  }

  processes(): { pid: number; comm: string; peak_mb: number }[] {
    return [...this.seen.values()].map((p) => ({ pid: p.pid, comm: p.comm, peak_mb: mb(p.hwmKb) }));
  }

  private sample(): void {
    for (const pid of this.tree(this.rootPid)) {
      let status: string;
      try {
        status = readFileSync(`/proc/${pid}/status`, 'utf8');
      } catch {
        continue; // gone between the listing and the read
      }
      const hwm = /VmHWM:\s+(\d+)/.exec(status); // absent once the process is a zombie
      const comm = /Name:\s+(\S+)/.exec(status)?.[1] ?? '?';
      const peak = this.seen.get(pid) ?? { pid, comm, startTime: startTimeOf(pid), hwmKb: 0 };
      if (!hwm) continue;
      // A new name means the fork has exec'd: a new address space, whose own peak starts now.
      if (comm !== peak.comm) peak.hwmKb = 0;
      peak.comm = comm;
      peak.hwmKb = Math.max(peak.hwmKb, Number(hwm[1]));
      this.seen.set(pid, peak);
    }
  }

  /** pid and its descendants, through /proc/<pid>/task/<tid>/children (every thread: tsx spawns from a worker). */
  private tree(pid: number): number[] {
    const out = [pid];
    for (let i = 0; i < out.length; i++) {
      let tasks: string[];
      try {
        tasks = readdirSync(`/proc/${out[i]}/task`);
      } catch {
        continue;
      }
      for (const tid of tasks) {
        try {
          const children = readFileSync(`/proc/${out[i]}/task/${tid}/children`, 'utf8').trim();
          if (children) out.push(...children.split(/\s+/).map(Number));
        } catch {
          // the thread or process ended
        }
      }
    }
    return out;
  }
}

function startTimeOf(pid: number): string | undefined {
  try {
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing parenthesis.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** SIGKILL a process seen in the tree, only if that pid is still the same process. */
function killSeen(p: ProcPeak): void {
  if (p.startTime === undefined || startTimeOf(p.pid) !== p.startTime) return;
  try {
    process.kill(p.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * CPU time (user + system) of this process's waited-for children, ms: the kernel adds a child's (and its own
 * waited-for descendants') CPU time when it is reaped. Less disturbed than wall time by other work on the machine.
 */
function childrenCpuMs(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // cutime and cstime are fields 16 and 17 of /proc/<pid>/stat, in clock ticks (100 a second on Linux).
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

interface Run {
  readonly ms: number;
  /** CPU time of the whole process tree (user + system), ms, at 10 ms resolution. */
  readonly cpuMs: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly nodePeakMb: number | undefined;
  readonly treePeakMb: number;
  readonly processes: { pid: number; comm: string; peak_mb: number }[];
  /** ms from spawn to the first time stdout contained each watched string. */
  readonly seenAt: Record<string, number>;
}

interface RunOptions {
  readonly env: NodeJS.ProcessEnv;
  /** Written to stdin, which is then closed (unless keepStdinOpen). */
  readonly input?: string | undefined;
  readonly timeoutMs: number;
  /** Strings to watch for on stdout; when one appears, `onSeen` may write to the process. */
  readonly watch?: readonly string[] | undefined;
  readonly onSeen?: ((what: string, write: (text: string) => void) => void) | undefined;
  readonly keepStdinOpen?: boolean | undefined;
}

/**
 * Spawns a command in its own process group and times it from spawn to exit, sampling its process tree's peak RSS.
 * On timeout the group, then every descendant seen (a pty child sits in its own session), is killed by pid.
 */
function timedRun(command: string, args: readonly string[], options: RunOptions): Promise<Run> {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuMs();
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: ROOT,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const sampler = new TreeSampler(child.pid!);
    sampler.start();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const seenAt: Record<string, number> = {};
    const write = (text: string) => {
      if (!child.stdin.destroyed) child.stdin.write(text);
    };
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      for (const w of options.watch ?? []) {
        if (seenAt[w] === undefined && stdout.includes(w)) {
          seenAt[w] = round(performance.now() - started);
          options.onSeen?.(w, write);
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => {}); // EPIPE when the process exits before reading its input
    const killAll = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
      for (const p of sampler.seen.values()) killSeen(p);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killAll();
    }, options.timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      sampler.stop();
      reject(err);
    });
    child.on('exit', (code, signal) => {
      const ms = round(performance.now() - started);
      clearTimeout(timer);
      sampler.stop();
      // Descendants outliving their parent (e.g. a pty child after `script` ended) are not left behind.
      killAll();
      resolve({
        ms,
        cpuMs: childrenCpuMs() - cpuBefore,
        code,
        signal,
        timedOut,
        stdout,
        stderr,
        nodePeakMb: sampler.nodePeakMb(),
        treePeakMb: sampler.treePeakMb(),
        processes: sampler.processes(),
        seenAt,
      });
    });
    if (options.input !== undefined) child.stdin.write(options.input);
    if (!options.keepStdinOpen) child.stdin.end();
  });
}

// --- figures ---------------------------------------------------------------------------------------------------

const round = (n: number) => Math.round(n * 10) / 10;
const mb = (kb: number) => Math.round(kb / 1024);

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const mid = Math.floor(s.length / 2);
  return round(s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2);
}

function stats(values: readonly number[]) {
  return { median: median(values), max: round(Math.max(...values)), min: round(Math.min(...values)), runs: values };
}

/** Wall-time figures of several runs, with the target and how the median compares with it. */
function timeFigures(values: readonly (Run | number)[], targetMs: number) {
  const s = stats(values.map((v) => (typeof v === 'number' ? v : v.ms)));
  const cpu = values.flatMap((v) => (typeof v === 'number' ? [] : [v.cpuMs]));
  return {
    ...(cpu.length ? { cpu_median_ms: median(cpu) } : {}),
    median_ms: s.median,
    max_ms: s.max,
    min_ms: s.min,
    runs_ms: s.runs,
    target_ms: targetMs,
    ratio_to_target: round(s.median / targetMs),
    meets_target: s.median <= targetMs,
    max_meets_target: s.max <= targetMs,
  };
}

const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';

// --- the part --------------------------------------------------------------------------------------------------

export async function cliBench(options: CliBenchOptions): Promise<Record<string, unknown>> {
  const { runs, log } = options;
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-cli-'));
  const tmp = join(dir, 'tmp');
  mkdirSync(tmp);
  // A clean environment: nothing inherited but PATH and HOME; TMPDIR of our own, so tsx's transform cache
  // (TMPDIR/tsx-<uid>) starts cold and we know which runs had it warm.
  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: tmp,
    NO_COLOR: '1',
    HF_API_URL: 'http://127.0.0.1:9',
    PAPERPULSE_DATA_DIR: join(dir, 'data'),
    ...extra,
  });
  const bin = (args: readonly string[], extra: Partial<RunOptions> = {}) =>
    timedRun(process.execPath, ['adapters/paperpulse.js', ...args], { env: env(), timeoutMs: 60_000, ...extra });
  const results: Record<string, unknown> = {
    runs,
    targets: CLI_TARGETS,
    load_average_at_start: loadavg().map(round),
    environment:
      'spawned processes; env = PATH, HOME, NO_COLOR=1, HF_API_URL=http://127.0.0.1:9, fresh PAPERPULSE_DATA_DIR and TMPDIR (tsx cache); no DATABASE_URL, no tokens',
  };

  try {
    // As after `npm install` ("prepare"): the build of the current sources in dist/.
    log('cli: npm run build (adapters/build.js)…');
    const build = await timedRun(process.execPath, ['adapters/build.js'], { env: env(), timeoutMs: 300_000 });
    if (build.code !== 0) throw new Error(`npm run build failed (${build.code}): ${build.stderr}`);
    results.build = { ms: build.ms, output: firstLine(build.stdout) };

    // The very first run from the sources: tsx's transform cache is empty.
    log('cli: --help from the sources (tsx) with a cold tsx cache (first run)…');
    const cold = await bin(['--help'], { env: env({ PAPERPULSE_FROM_SOURCES: '1' }) });
    results.help_first_run_cold_tsx_cache = { ms: cold.ms, exit_code: cold.code, peak_rss_mb: cold.nodePeakMb };

    log('cli: importing the bundled sample into the data directory…');
    const imported = await bin(['import', SAMPLE], { timeoutMs: 120_000 });
    if (imported.code !== 0) throw new Error(`paperpulse import failed (${imported.code}): ${imported.stderr}`);
    results.import_sample = { ms: imported.ms, peak_rss_mb: imported.nodePeakMb, output: firstLine(imported.stdout) };

    // Round-robin: every round runs each measure once, so a burst of other work on the machine lands on all the
    // measures alike instead of on whichever ran then. Round 0 is a warm-up and is not counted.
    const measures = {
      help: () => bin(['--help']),
      help_from_sources: () => bin(['--help'], { env: env({ PAPERPULSE_FROM_SOURCES: '1' }) }),
      version: () => bin(['--version']),
      usage_error: () => bin(['backfill']),
      search: () => bin(['search', QUERY]),
      start_npm: () => ptyStart('npm start', env({ TERM: 'xterm' }), 'ctrl-c'),
      start_node: () => ptyStart('node adapters/paperpulse.js start', env({ TERM: 'xterm' }), 'ctrl-c'),
      scripted_end_of_input: () =>
        timedRun('npm', ['start', '--silent'], { env: env(), input: '/papers help\n', timeoutMs: SCRIPT_TIMEOUT_MS }),
    } satisfies Record<string, () => Promise<Run>>;
    const done: Record<keyof typeof measures, Run[]> = {
      help: [],
      help_from_sources: [],
      version: [],
      usage_error: [],
      search: [],
      start_npm: [],
      start_node: [],
      scripted_end_of_input: [],
    };
    for (let pass = 0; pass <= runs; pass++) {
      log(`cli: round ${pass}/${runs}${pass === 0 ? ' (warm-up)' : ''}: ${Object.keys(measures).join(', ')}…`);
      for (const [key, once] of Object.entries(measures)) {
        const run = await once();
        if (pass > 0) done[key as keyof typeof measures].push(run);
      }
    }

    const { help, help_from_sources: helpFromSources, version, usage_error: usage, search } = done;
    results.help = {
      ...timeFigures(help, CLI_TARGETS.quick_ms),
      exit_code: help[0]!.code,
      peak_rss_mb: median(help.map((r) => r.nodePeakMb ?? 0)),
    };
    results.help_from_sources = {
      note: 'PAPERPULSE_FROM_SOURCES=1: the TypeScript sources through tsx (warm transform cache), as when dist/ holds no build of the current sources',
      ...timeFigures(helpFromSources, CLI_TARGETS.quick_ms),
      exit_code: helpFromSources[0]!.code,
    };
    results.version = {
      ...timeFigures(version, CLI_TARGETS.quick_ms),
      exit_code: version[0]!.code,
      stdout: firstLine(version[0]!.stdout),
      stderr: firstLine(version[0]!.stderr),
      // Exit code 0 and a version on stdout is what --version should do.
      works: version[0]!.code === 0 && /\d+\.\d+\.\d+/.test(version[0]!.stdout),
    };
    results.usage_error = {
      command: 'paperpulse backfill',
      ...timeFigures(usage, CLI_TARGETS.quick_ms),
      exit_code: usage[0]!.code,
      stderr: firstLine(usage[0]!.stderr),
      peak_rss_mb: median(usage.map((r) => r.nodePeakMb ?? 0)),
    };

    const bad = search.find((r) => r.code !== 0 || !r.stdout.includes('huggingface.co/papers/'));
    if (bad) throw new Error(`paperpulse search failed (${bad.code}): ${bad.stderr || bad.stdout}`);
    const rss = search.map((r) => r.nodePeakMb ?? 0);
    results.search = {
      query: QUERY,
      papers: 215,
      ...timeFigures(search, CLI_TARGETS.search_ms),
      peak_rss_mb_median: median(rss),
      peak_rss_mb_max: Math.max(...rss),
      rss_target_mb: CLI_TARGETS.search_rss_mb,
      rss_ratio_to_target: round(median(rss) / CLI_TARGETS.search_rss_mb),
      rss_meets_target: median(rss) <= CLI_TARGETS.search_rss_mb,
      tree_peak_rss_mb_sum: median(search.map((r) => r.treePeakMb)),
      processes: search[0]!.processes.map((p) => `${p.comm} ${p.peak_mb} MB`),
    };

    for (const [key, line] of [
      ['start_npm', 'npm start'],
      ['start_node', 'node adapters/paperpulse.js start'],
    ] as const) {
      const starts = done[key];
      const prompted = starts.filter((r) => r.seenAt[PROMPT] !== undefined);
      const toPrompt = prompted.map((r) => r.seenAt[PROMPT]!);
      const shutdown = prompted.map((r) => round(r.ms - r.seenAt[PROMPT]!));
      results[key] = {
        command: `${line} (under a pty: script -qfec), to the prompt "${PROMPT}"; then Ctrl-C`,
        prompted: `${prompted.length} of ${starts.length}`,
        ...(toPrompt.length
          ? {
              ...timeFigures(toPrompt, CLI_TARGETS.start_to_prompt_ms),
              cpu_median_ms_whole_run: median(prompted.map((r) => r.cpuMs)),
              banner_median_ms: median(prompted.map((r) => r.seenAt[BANNER] ?? Number.NaN)),
              peak_rss_mb: median(prompted.map((r) => r.nodePeakMb ?? 0)),
              exit_after_ctrl_c_median_ms: median(shutdown),
              exit_after_ctrl_c_max_ms: Math.max(...shutdown),
              exit_codes: [...new Set(starts.map((r) => r.code))],
              timed_out: starts.filter((r) => r.timedOut).length,
              processes: starts.at(-1)!.processes.map((p) => `${p.comm} ${p.peak_mb} MB`),
            }
          : { output: starts[0]!.stdout.slice(-500), stderr: starts[0]!.stderr.slice(-500) }),
      };
    }

    const eof = done.scripted_end_of_input;
    results.scripted_end_of_input = {
      command: "printf '/papers help\\n' | npm start --silent",
      ...timeFigures(eof, CLI_TARGETS.start_to_prompt_ms),
      target_note: 'no target of its own: compared with the start-to-prompt target',
      exit_codes: [...new Set(eof.map((r) => r.code))],
      timed_out: eof.filter((r) => r.timedOut).length,
      answered_help: eof.every((r) => r.stdout.includes('/papers search')),
    };

    log('cli: `exit` typed at the prompt (pty, once)…');
    const typedExit = await ptyStart('node adapters/paperpulse.js start', env({ TERM: 'xterm' }), 'exit');
    results.exit_at_prompt = {
      command: 'node adapters/paperpulse.js start, then `exit` at the prompt',
      exited: !typedExit.timedOut,
      ms_after_exit_typed: typedExit.timedOut ? null : round(typedExit.ms - (typedExit.seenAt[PROMPT] ?? 0)),
      timeout_ms: EXIT_TIMEOUT_MS,
      exit_code: typedExit.code,
    };

    log('cli: printf "/papers help\\nexit\\n" | npm start --silent…');
    const scripted = await timedRun('npm', ['start', '--silent'], {
      env: env(),
      input: '/papers help\nexit\n',
      timeoutMs: SCRIPT_TIMEOUT_MS,
    });
    results.scripted_with_exit = {
      command: "printf '/papers help\\nexit\\n' | npm start --silent",
      timed_out: scripted.timedOut,
      ms: scripted.timedOut ? null : scripted.ms,
      timeout_ms: SCRIPT_TIMEOUT_MS,
      exit_code: scripted.code,
      answered_help: scripted.stdout.includes('/papers search'),
      // Runs that hang are not repeated: one timeout says it.
      runs: 1,
    };

    log('cli: breakdown of --help and search, phase by phase (test/bench/cli-phases.mjs ×3)…');
    results.breakdown = {
      method:
        'test/bench/cli-phases.mjs: the steps of adapters/paperpulse.js running the build in dist/, in the same order, each heavy import on its own, then (search, on Liftoff) createDatabase, migrate, the query and close, timed with performance.now() and RSS after each step; median of 3 runs per phase',
      help: await phases('help', env(), dir),
      search: await phases('search', env(), dir),
    };
    results.load_average_at_end = loadavg().map(round);
    results.before = { commit: '6ce3574', load_average: [9.5, 9.4], ...BEFORE };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

const PROMPT = 'papers> ';
const BANNER = 'PaperPulse console';
const EXIT_TIMEOUT_MS = 10_000;
const SCRIPT_TIMEOUT_MS = 20_000;

/**
 * Runs `line` under a pseudo-terminal (`script -qfec`), waits for the console's prompt, then presses Ctrl-C
 * (readline closes, the bot shuts down) or types `exit`; times spawn → banner, spawn → prompt, and spawn → exit.
 * `exit` that does not end the process within EXIT_TIMEOUT_MS counts as timed out, and Ctrl-C is sent.
 */
async function ptyStart(line: string, env: NodeJS.ProcessEnv, how: 'ctrl-c' | 'exit'): Promise<Run> {
  let fallback: NodeJS.Timeout | undefined;
  let pressedAt = 0;
  const run = await timedRun('script', ['-qfec', line, '/dev/null'], {
    env,
    timeoutMs: 60_000,
    keepStdinOpen: true,
    watch: [BANNER, PROMPT],
    onSeen: (what, write) => {
      if (what !== PROMPT) return;
      pressedAt = performance.now();
      if (how === 'ctrl-c') {
        write('\x03');
        return;
      }
      write('exit\r');
      fallback = setTimeout(() => write('\x03'), EXIT_TIMEOUT_MS);
    },
  });
  clearTimeout(fallback);
  if (how === 'exit' && pressedAt && run.ms - (run.seenAt[PROMPT] ?? 0) >= EXIT_TIMEOUT_MS) {
    return { ...run, timedOut: true };
  }
  return run;
}

/** cli-phases.mjs three times; the median of each phase's time and the last run's RSS figures. */
async function phases(what: 'help' | 'search', env: NodeJS.ProcessEnv, dir: string) {
  type Phase = { phase: string; ms: number; rss_mb: number; max_rss_mb: number; external_mb: number };
  const all: { total_ms: number; phases: Phase[] }[] = [];
  for (let i = 0; i < 3; i++) {
    const out = join(dir, `phases-${what}-${i}.json`);
    const r = await timedRun(process.execPath, ['test/bench/cli-phases.mjs', what, out], { env, timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`cli-phases ${what} failed (${r.code}): ${r.stderr}`);
    all.push(JSON.parse(readFileSync(out, 'utf8')));
  }
  const last = all.at(-1)!;
  return {
    total_ms: median(all.map((a) => a.total_ms)),
    phases: last.phases.map((p, i) => ({
      phase: p.phase,
      ms: median(all.map((a) => a.phases[i]!.ms)),
      rss_after_mb: p.rss_mb,
      wasm_and_buffers_mb: p.external_mb,
    })),
  };
}

/** Rows for run.ts's table: what, figure, target (with the verdict). */
export function cliRows(r: Record<string, unknown> | undefined): [string, string, string][] {
  if (!r) return [];
  const rows: [string, string, string][] = [];
  const t = (x: unknown) => x as Record<string, number & string & boolean> | undefined;
  const verdict = (x: Record<string, number | boolean> | undefined, target: string) =>
    x ? `${target}: ×${x.ratio_to_target} ${x.meets_target ? 'pass' : 'FAIL'}` : target;
  const cpu = (x: Record<string, number>) => (x.cpu_median_ms !== undefined ? ` (CPU ${x.cpu_median_ms})` : '');
  const was = (before: number | undefined) => (before === undefined ? '' : `${before} → `);
  const time = (what: string, key: string, target: string, before?: number) => {
    const x = t(r[key]);
    if (x?.median_ms !== undefined)
      rows.push([`${what} median / max ms`, `${was(before)}${x.median_ms} / ${x.max_ms}${cpu(x)}`, verdict(x, target)]);
  };
  time('cli --help (before → now)', 'help', '≤ 500', BEFORE.help_ms);
  time('cli --help from the sources (tsx)', 'help_from_sources', '≤ 500');
  const v = t(r.version);
  if (v)
    rows.push([
      `cli --version (exit ${v.exit_code}${v.works ? '' : ', not implemented'}) median / max ms`,
      `${was(BEFORE.version_ms)}${v.median_ms} / ${v.max_ms}${cpu(v)}`,
      verdict(v, '≤ 500'),
    ]);
  time('cli usage error (backfill)', 'usage_error', '≤ 500', BEFORE.usage_error_ms);
  const s = t(r.search);
  if (s) {
    time('cli search (215 papers, PGlite)', 'search', '≤ 1500', BEFORE.search_ms);
    rows.push([
      'cli search peak RSS median / max MB',
      `${was(BEFORE.search_rss_mb)}${s.peak_rss_mb_median} / ${s.peak_rss_mb_max}`,
      `≤ 200: ×${s.rss_ratio_to_target} ${s.rss_meets_target ? 'pass' : 'FAIL'}`,
    ]);
  }
  time('npm start → prompt (pty)', 'start_npm', '≤ 3000', BEFORE.start_npm_ms);
  time('node …/paperpulse.js start → prompt (pty)', 'start_node', '≤ 3000', BEFORE.start_node_ms);
  const e = t(r.exit_at_prompt);
  if (e)
    rows.push([
      '`exit` at the prompt',
      e.exited ? `exits in ${e.ms_after_exit_typed} ms` : `HANGS (no exit in ${e.timeout_ms} ms)`,
      'exits',
    ]);
  const w = t(r.scripted_with_exit);
  if (w)
    rows.push([
      "printf '/papers help\\nexit\\n' | npm start",
      w.timed_out ? `HANGS (killed after ${w.timeout_ms} ms)` : `${w.ms} ms, exit ${w.exit_code}`,
      'exits',
    ]);
  const eof = t(r.scripted_end_of_input);
  if (eof)
    rows.push([
      "printf '/papers help\\n' | npm start median / max ms",
      `${was(BEFORE.scripted_eof_ms)}${eof.median_ms} / ${eof.max_ms}${cpu(eof)}`,
      `exits (exit ${(eof.exit_codes as unknown as number[]).join(',')})`,
    ]);
  return rows;
}
