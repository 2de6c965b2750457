/**
 * `/healthz` and `/readyz` on the optional HTTP server.
 *
 * - `/healthz`: liveness. 200 as long as the process answers HTTP at all (a supervisor restarts it otherwise).
 * - `/readyz`: readiness. 200 when the bot has started, the database answers, every migration is applied and every
 *   enabled platform is connected; 503 otherwise, with the reason on the first line. Every check is listed.
 */
import { describeError } from '../errors.js';
import type { HttpRoute } from './route.js';
import { plain } from './server.js';

/** Where the bot is in its life: readiness is only possible while running. */
export type BotPhase = 'starting' | 'running' | 'stopping';

export interface HealthChecks {
  phase(): BotPhase;
  /** Resolves when the database answers a query. */
  pingDatabase(): Promise<void>;
  /** Tags of migrations not applied yet. */
  pendingMigrations(): Promise<readonly string[]>;
  /** Each enabled platform and whether it is connected. */
  platforms(): readonly { readonly name: string; readonly connected: boolean }[];
  /** How long a database check may take before it counts as unreachable (default 3 s). */
  readonly timeoutMs?: number | undefined;
}

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** Runs the readiness checks: each one's verdict, failing ones first. */
export async function readiness(checks: HealthChecks): Promise<{ ready: boolean; checks: Check[] }> {
  const timeoutMs = checks.timeoutMs ?? 3_000;
  const phase = checks.phase();
  const results: Check[] = [
    { name: 'bot', ok: phase === 'running', detail: phase === 'running' ? 'running' : `${phase}` },
  ];
  const database = await withTimeout(checks.pingDatabase(), timeoutMs).then(
    () => ({ name: 'database', ok: true, detail: 'reachable' }),
    (err: unknown) => ({ name: 'database', ok: false, detail: `unreachable (${describeError(err)})` }),
  );
  results.push(database);
  if (database.ok) {
    results.push(
      await withTimeout(checks.pendingMigrations(), timeoutMs).then(
        (pending) =>
          pending.length === 0
            ? { name: 'migrations', ok: true, detail: 'applied' }
            : { name: 'migrations', ok: false, detail: `${pending.length} pending (${pending.join(', ')})` },
        (err: unknown) => ({ name: 'migrations', ok: false, detail: `cannot be checked (${describeError(err)})` }),
      ),
    );
  } else {
    results.push({ name: 'migrations', ok: false, detail: 'not checked (no database)' });
  }
  for (const p of checks.platforms()) {
    results.push({ name: p.name, ok: p.connected, detail: p.connected ? 'connected' : 'not connected' });
  }
  return {
    ready: results.every((c) => c.ok),
    checks: [...results.filter((c) => !c.ok), ...results.filter((c) => c.ok)],
  };
}

/** The /healthz and /readyz routes. */
export function healthRoutes(checks: HealthChecks): HttpRoute {
  return async (_req, res, url) => {
    if (url.pathname === '/healthz') {
      plain(res, 200, 'ok');
      return true;
    }
    if (url.pathname !== '/readyz') return false;
    const verdict = await readiness(checks);
    const lines = verdict.checks.map((c) => `${c.name}: ${c.detail}`);
    const failing = verdict.checks.filter((c) => !c.ok);
    const head = verdict.ready ? 'ready' : `not ready: ${failing.map((c) => `${c.name} ${c.detail}`).join('; ')}`;
    plain(res, verdict.ready ? 200 : 503, [head, ...lines].join('\n'));
    return true;
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
