/** `paperpulse import`, `ingest`, `backfill`: bring Daily Papers into the archive. */
import { datesBetween, isIsoDate, toIsoDate } from '../../domain/days.js';
import type { DayOutcome, IngestOutcome, RangeOutcome, RangeProgress } from '../../services/ingest-service.js';
import { type CliArgs, type CliCommand, type CliContext, EXIT, stringOption, UsageError } from '../cli.js';

const counts = (o: IngestOutcome) =>
  `${o.fetched} fetched, ${o.inserted} inserted, ${o.updated} updated, ${o.unchanged} unchanged, ${o.skipped} skipped`;

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import papers from a file (JSON array in the /api/daily_papers shape, or JSON Lines)',
  usage: 'paperpulse import <file>',
  details:
    'Each record lands on the Daily Papers list date it names (paper.submittedOnDailyAt, else the item publishedAt).\n' +
    'Malformed records and lines are skipped and reported; importing the same file twice changes nothing.\n' +
    'Example: paperpulse import data/sample/seed-papers.daily_papers.json',
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const file = ctx.args.positionals[0]!;
    const app = await ctx.app();
    const { importFile } = await import('../../services/import-file.js');
    const outcome = await importFile(file, app.services.ingest, ctx.log);
    ctx.io.stdout.write(
      `imported ${file}: ${outcome.inserted} inserted, ${outcome.updated} updated, ${outcome.unchanged} unchanged, ${outcome.skipped} skipped\n`,
    );
    return EXIT.ok;
  },
};

const dateRangeOptions = {
  date: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
} as const;

function requireDate(value: string | undefined, flag: string, today: string): string | undefined {
  if (value === undefined) return undefined;
  if (!isIsoDate(value)) throw new UsageError(`--${flag} must be a date written YYYY-MM-DD, not "${value}"`);
  if (value > today) throw new UsageError(`--${flag} ${value} is in the future (today is ${today} UTC)`);
  return value;
}

/** The date range the options give, or undefined for none. @throws UsageError */
function rangeFrom(args: CliArgs, today: string): { from: string; to: string } | undefined {
  const date = requireDate(stringOption(args.values, 'date'), 'date', today);
  const from = requireDate(stringOption(args.values, 'from'), 'from', today);
  const to = requireDate(stringOption(args.values, 'to'), 'to', today);
  if (date && (from || to)) throw new UsageError('use either --date or --from/--to, not both');
  if (date) return { from: date, to: date };
  if (!from && !to) return undefined;
  if (!from || !to) throw new UsageError('--from and --to go together');
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  return { from, to };
}

/** Runs a date range with a progress bar on a TTY and one line per date otherwise. */
async function runRange(ctx: CliContext, range: { from: string; to: string }, resume: boolean): Promise<number> {
  const app = await ctx.app();
  const tty = ctx.io.stderr.isTTY === true;
  const onProgress = (p: RangeProgress) => {
    if (tty) {
      ctx.io.stderr.write(`\r${progressBar(p.done, p.total, `${p.date} ${p.status}`)}\x1b[K`);
      if (p.done === p.total) ctx.io.stderr.write('\n');
    }
    if (p.status === 'failed') ctx.io.stderr.write(`${tty ? '\r\x1b[K' : ''}${p.date}: failed: ${p.error}\n`);
    else if (p.status === 'ingested' && p.outcome) ctx.io.stdout.write(dayLine(p.outcome, tty));
  };
  const result: RangeOutcome = await app.services.ingest.ingestRange(range.from, range.to, { resume, onProgress });
  const total = result.days.reduce((n, d) => n + d.fetched, 0);
  const summary = [
    `${result.days.length} day(s) ingested (${total} records)`,
    ...(result.skippedDays.length ? [`${result.skippedDays.length} already complete`] : []),
    ...(result.failedDays.length ? [`${result.failedDays.length} failed`] : []),
  ];
  ctx.io.stdout.write(`${summary.join(', ')}\n`);
  if (result.failedDays.length > 0) {
    ctx.io.stderr.write(
      `paperpulse ${resume ? 'backfill' : 'ingest'}: ${result.failedDays.length} date(s) failed; run the same command again to retry them\n`,
    );
    return EXIT.failure;
  }
  return EXIT.ok;
}

function dayLine(o: DayOutcome, tty: boolean): string {
  // On a TTY the bar lives on stderr; clear it so the line reads cleanly when both go to the terminal.
  return `${tty ? '\r\x1b[K' : ''}${o.date}: ${counts(o)}${o.closed ? '' : ' (list still open)'}\n`;
}

/** A text progress bar for a TTY: `[#######.............]  7/20 2026-11-09`. */
export function progressBar(done: number, total: number, label: string, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total} ${label}`;
}

const today = () => toIsoDate(new Date());

export const ingestCommand: CliCommand = {
  name: 'ingest',
  summary: 'Fetch Daily Papers lists from Hugging Face now',
  usage: 'paperpulse ingest [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD]',
  details:
    'Without options: the latest closed day and the open day(s), as the schedule does.\n' +
    'A day closes at 03:00 UTC on the next calendar day. Weekends are normally empty.',
  options: dateRangeOptions,
  validate: (args) => void rangeFrom(args, today()),
  async run(ctx) {
    const range = rangeFrom(ctx.args, today());
    if (range) return runRange(ctx, range, false);
    const app = await ctx.app();
    const outcomes = await app.services.ingest.refresh();
    for (const o of outcomes) ctx.io.stdout.write(dayLine(o, false));
    if (outcomes.length === 0) {
      ctx.io.stderr.write('paperpulse ingest: nothing could be fetched; see the warnings above\n');
      return EXIT.failure;
    }
    return EXIT.ok;
  },
};

/** Backfill covers at most ten years at a time. */
const MAX_BACKFILL_DAYS = 3660;

export const backfillCommand: CliCommand = {
  name: 'backfill',
  summary: 'Fetch a range of past lists, resuming where an earlier backfill stopped',
  usage: 'paperpulse backfill --from YYYY-MM-DD --to YYYY-MM-DD',
  details: 'Days already fetched after they closed are skipped, so an interrupted backfill continues where it was.',
  options: { from: { type: 'string' }, to: { type: 'string' } },
  validate(args) {
    const range = rangeFrom(args, today());
    if (!range) throw new UsageError('--from and --to are required');
    const days = datesBetween(range.from, range.to).length;
    if (days > MAX_BACKFILL_DAYS) throw new UsageError(`that is ${days} days; backfill at most ten years at a time`);
  },
  async run(ctx) {
    return runRange(ctx, rangeFrom(ctx.args, today())!, true);
  },
};

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'Apply pending database migrations (also done at every start)',
  usage: 'paperpulse migrate',
  brief: true,
  async run(ctx) {
    const app = await ctx.app();
    ctx.io.stdout.write(
      `database is up to date (${app.database.kind === 'pglite' ? `PGlite in ${ctx.config.dataDir}` : 'Postgres'})\n`,
    );
    return EXIT.ok;
  },
};
