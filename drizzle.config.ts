import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` needs no database: it diffs src/db/schema.ts against migrations/meta.
// Migrations are applied by the runtime migrator at start (src/db/migrate.ts), on PGlite and Postgres alike,
// because drizzle-kit's own PGlite connection loads no extensions (pg_trgm, unaccent).
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.ts',
  out: './migrations',
  strict: true,
  verbose: true,
});
