// Where the time and memory of a `paperpulse` process go, phase by phase. Plain JavaScript run by plain node (no
// tsx preloaded), so the cost of registering tsx is measured too; the bench part `cli` (cli.ts) runs it as a child:
//
//   node test/bench/cli-phases.mjs help|search <out.json>      (search: PAPERPULSE_DATA_DIR holds the archive)
//
// It does what `adapters/paperpulse.js` + `adapters/main.ts` do, in the same order, but imports the heavy
// dependencies one at a time first so each one's load time is its own (a module is evaluated once: a later import
// of it is free, so the order decides who pays for shared dependencies; this order is the one main.ts meets them).
// `help` ends with main.ts itself (our code + printing the help); `search` then opens the embedded database the way
// `createDatabase` does, migrates, runs the query and closes, each step timed, with RSS after it.
import { writeFileSync } from 'node:fs';

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
const { register } = await import('tsx/esm/api');
mark("import('tsx/esm/api')");
register();
mark('tsx register() (module hooks thread)');
// `--help` loads none of these since they were made lazy (zod, pino, drizzle): only a search does.
if (what === 'search') {
  await import('zod');
  mark("import('zod') (via src/config.ts)");
  await import('pino');
  mark("import('pino') (via src/logger.ts)");
  await Promise.all([import('drizzle-orm'), import('drizzle-orm/pg-core')]);
  mark("import('drizzle-orm'), drizzle-orm/pg-core (via src/db/schema.ts)");
  await Promise.all([
    import('drizzle-orm/postgres-js'),
    import('drizzle-orm/postgres-js/migrator'),
    import('postgres'),
  ]);
  mark('import drizzle-orm/postgres-js (+ migrator) and postgres (via src/db/client.ts, static)');
  await import('node-cron');
  mark("import('node-cron') (via src/config.ts, src/scheduler)");
}
await import('../../src/index.ts');
mark("import('src/index.ts'): our core modules through tsx (third-party ones already loaded)");
await Promise.all([
  import('../../adapters/registry.ts'),
  import('../../adapters/discord/deploy-commands.ts'),
  import('../../adapters/slack/manifest.ts'),
]);
mark('import adapters/ modules main.ts imports statically');

if (what === 'help') {
  process.argv = [process.argv[0], 'adapters/paperpulse.js', '--help'];
  const stdout = process.stdout.write.bind(process.stdout);
  process.stdout.write = () => true; // the help text is not what we measure
  await import('../../adapters/main.ts');
  process.stdout.write = stdout;
  mark('main.ts: commands + runCli printing the help');
} else {
  const { buildApp } = await import('../../src/app.ts');
  const { loadConfig } = await import('../../src/config.ts');
  const { createLogger } = await import('../../src/logger.ts');
  const { createDatabase } = await import('../../src/db/client.ts');
  const { parseSearchQuery } = await import('../../src/search/query.ts');
  const { paperCard } = await import('../../src/messages/cards.ts');
  const { toPlainText } = await import('../../src/messages/plain-text.ts');
  mark('import the modules main.ts does not load (bench glue only)');
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
  mark('createDatabase: data-dir lock, PGlite.create (WASM instance, cluster start-up, extensions), work_mem');
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
