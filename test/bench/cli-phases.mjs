// Where the time and memory of a `paperpulse` process go, phase by phase. Plain JavaScript run by plain node, doing
// what `adapters/paperpulse.js` does when dist/ holds the build of the current sources (the bench part `cli`,
// cli.ts, runs `npm run build` first, then this as a child):
//
//   node test/bench/cli-phases.mjs help|search <out.json>      (search: PAPERPULSE_DATA_DIR holds the archive)
//
// It follows the executable's steps in the same order, but imports the heavy dependencies one at a time first so
// each one's load time is its own (a module is evaluated once: a later import of it is free, so the order decides
// who pays for shared dependencies; this order is the one the executable meets them in). `help` ends with the
// build's main.js (our code + printing the help); `search` sets V8's Liftoff-only flag as the CLI does for a brief
// command, then opens the embedded database the way `createDatabase` does, migrates, runs the query and closes, each
// step timed, with RSS after it.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

const [what, out] = process.argv.slice(2);
if ((what !== 'help' && what !== 'search') || !out) {
  process.stderr.write('usage: node test/bench/cli-phases.mjs help|search <out.json>\n');
  process.exit(2);
}

const phases = [];
let last = 0;
const mb = (bytes) => Math.round(bytes / 2 ** 20);
/** Ends a phase: its wall time since the previous mark, and the process's RSS and peak RSS now. */
function mark(name) {
  const now = performance.now();
  const mem = process.memoryUsage();
  phases.push({
    phase: name,
    ms: Math.round((now - last) * 10) / 10,
    rss_mb: mb(mem.rss),
    max_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    heap_used_mb: mb(mem.heapUsed),
    external_mb: mb(mem.external),
  });
  last = now;
}

// performance.now() counts from the process's time origin: what passed before this line is node's own start-up.
mark('node start-up, to the first line of the entry script');
const { builtMain } = await import('../../adapters/dist.js');
mark("import('adapters/dist.js') (node:crypto)");
const built = builtMain(fileURLToPath(new URL('../..', import.meta.url)));
if (!built.main) {
  process.stderr.write(`cli-phases: no build of the current sources (${built.reason}): run npm run build\n`);
  process.exit(1);
}
mark('the sources fingerprint (hash of src/ and adapters/) and the build lookup');
const dist = new URL('..', built.main);
const mod = (path) => import(new URL(path, dist).href);
if (what === 'help') {
  await mod('src/index.js');
  mark("import the build's src/index.js: the core's light surface (commands, messages, CLI runner)");
  await Promise.all([
    mod('adapters/registry.js'),
    mod('adapters/discord/deploy-commands.js'),
    mod('adapters/slack/manifest.js'),
  ]);
  mark('import the adapters/ modules main.js imports statically');
  process.argv = [process.argv[0], 'adapters/paperpulse.js', '--help'];
  const stdout = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true; // the help text is not what we measure
  await import(built.main.href);
  process.stdout.write = stdout;
  mark('main.js: commands + runCli printing the help');
} else {
  await mod('src/index.js');
  await mod('adapters/registry.js');
  mark("import the build's src/index.js and adapters/registry.js (what main.js loads before runCli)");
  setFlagsFromString('--liftoff-only');
  await import('zod');
  mark("import('zod') (via src/config.ts)");
  await import('pino');
  mark("import('pino') (via src/logger.ts)");
  await Promise.all([import('drizzle-orm'), import('drizzle-orm/pg-core')]);
  mark("import('drizzle-orm'), drizzle-orm/pg-core (via src/db/schema.ts, the stores)");
  const { buildApp } = await mod('src/app.js');
  const { loadConfig } = await mod('src/config.js');
  const { createLogger } = await mod('src/logger.js');
  const { createDatabase } = await mod('src/db/client.js');
  const { parseSearchQuery } = await mod('src/search/query.js');
  const { paperCard } = await mod('src/messages/cards.js');
  const { toPlainText } = await mod('src/messages/plain-text.js');
  mark('import src/app.js (the stores, services and commands) and the rest of our modules a search uses');
  await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite/contrib/unaccent'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  mark('import @electric-sql/pglite (+ pg_trgm, unaccent) and drizzle-orm/pglite (lazy in createDatabase)');
  const config = loadConfig(process.env);
  const log = createLogger('warn');
  const database = await createDatabase({ dataDir: config.dataDir, log });
  mark('createDatabase: data-dir lock, PGlite.create (WASM instance on Liftoff, cluster start-up, extensions)');
  await database.migrate();
  mark('database.migrate() (nothing pending: reads migrations/, checks the journal table)');
  const app = buildApp(database, { config, log });
  const result = await app.services.search.search(parseSearchQuery('optimal transport'), {
    limit: 10,
    now: app.services.clock.now(),
  });
  const text = toPlainText(result.hits.map((h, i) => paperCard(h.paper, { position: i + 1 })));
  mark(`search "optimal transport" (${result.hits.length} hits, ${text.length} characters formatted)`);
  await database.close();
  mark('database.close() (PGlite shutdown, lock released)');
}

const total = performance.now();
writeFileSync(out, `${JSON.stringify({ what, total_ms: Math.round(total), phases }, null, 2)}\n`);
