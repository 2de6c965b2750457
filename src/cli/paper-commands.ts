import { datesBetween, isIsoDate, toIsoDate } from '../domain/days.js';
import { parsePaperRef } from '../domain/paper.js';
import { UserError } from '../errors.js';
import { hasCriteria, parseSearchQuery } from '../search/query.js';
import { importFile } from '../services/import-file.js';
import type { DayOutcome, IngestOutcome, RangeOutcome, RangeProgress } from '../services/ingest-service.js';
import { type CliCommand, type CliContext, EXIT, intOption, stringOption, UsageError } from './cli.js';
import { paperJson, paperLines, progressBar } from './format.js';

const counts = (o: IngestOutcome) =>
  `${o.fetched} fetched, ${o.inserted} inserted, ${o.updated} updated, ${o.unchanged} unchanged, ${o.skipped} skipped`;

const importCommand: CliCommand = {
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
    const services = await ctx.services();
    const outcome = await importFile(file, services.ingest, ctx.log);
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

function rangeFrom(ctx: CliContext, today: string): { from: string; to: string } | undefined {
  const date = requireDate(stringOption(ctx.args.values, 'date'), 'date', today);
  const from = requireDate(stringOption(ctx.args.values, 'from'), 'from', today);
  const to = requireDate(stringOption(ctx.args.values, 'to'), 'to', today);
  if (date && (from || to)) throw new UsageError('use either --date or --from/--to, not both');
  if (date) return { from: date, to: date };
  if (!from && !to) return undefined;
  if (!from || !to) throw new UsageError('--from and --to go together');
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  return { from, to };
}

/** Runs a date range with a progress bar on a TTY and one line per date otherwise. */
async function runRange(ctx: CliContext, range: { from: string; to: string }, resume: boolean): Promise<number> {
  const services = await ctx.services();
  const tty = ctx.io.stderr.isTTY === true;
  const onProgress = (p: RangeProgress) => {
    if (tty) {
      ctx.io.stderr.write(`\r${progressBar(p.done, p.total, `${p.date} ${p.status}`)}\x1b[K`);
      if (p.done === p.total) ctx.io.stderr.write('\n');
    }
    if (p.status === 'failed') ctx.io.stderr.write(`${tty ? '\r\x1b[K' : ''}${p.date}: failed: ${p.error}\n`);
    else if (p.status === 'ingested' && p.outcome) ctx.io.stdout.write(dayLine(p.outcome, tty));
  };
  const result: RangeOutcome = await services.ingest.ingestRange(range.from, range.to, { resume, onProgress });
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

const ingestCommand: CliCommand = {
  name: 'ingest',
  summary: 'Fetch Daily Papers lists from Hugging Face now',
  usage: 'paperpulse ingest [--date YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD]',
  details:
    'Without options: the latest closed day and the open day(s), as the schedule does.\n' +
    'A day closes at 03:00 UTC on the next calendar day. Weekends are normally empty.',
  options: dateRangeOptions,
  async run(ctx) {
    const services = await ctx.services();
    const range = rangeFrom(ctx, toIsoDate(services.clock.now()));
    if (range) return runRange(ctx, range, false);
    const outcomes = await services.ingest.refresh();
    for (const o of outcomes) ctx.io.stdout.write(dayLine(o, false));
    if (outcomes.length === 0) {
      ctx.io.stderr.write('paperpulse ingest: nothing could be fetched; see the warnings above\n');
      return EXIT.failure;
    }
    return EXIT.ok;
  },
};

const backfillCommand: CliCommand = {
  name: 'backfill',
  summary: 'Fetch a range of past lists, resuming where an earlier backfill stopped',
  usage: 'paperpulse backfill --from YYYY-MM-DD --to YYYY-MM-DD',
  details: 'Days already fetched after they closed are skipped, so an interrupted backfill continues where it was.',
  options: { from: { type: 'string' }, to: { type: 'string' } },
  async run(ctx) {
    const services = await ctx.services();
    const range = rangeFrom(ctx, toIsoDate(services.clock.now()));
    if (!range) throw new UsageError('--from and --to are required');
    const days = datesBetween(range.from, range.to).length;
    if (days > 3660) throw new UsageError(`that is ${days} days; backfill at most ten years at a time`);
    return runRange(ctx, range, true);
  },
};

const searchCommand: CliCommand = {
  name: 'search',
  summary: 'Search the archive (phrases, OR, -exclusion, since:, min-upvotes:, has:code)',
  usage: 'paperpulse search <query> [--limit N] [--json]',
  details:
    'Examples:\n' +
    '  paperpulse search "optimal transport"\n' +
    '  paperpulse search \'"graph neural" -survey OR transformer since:2024-01-01 has:code\'\n' +
    '  paperpulse search https://arxiv.org/abs/2410.17243',
  options: { limit: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 50 },
  async run(ctx) {
    const limit = intOption(ctx.args.values, 'limit', { min: 1, max: 100, default: 10 });
    const query = parseSearchQuery(ctx.args.positionals.join(' '));
    if (!hasCriteria(query)) throw new UsageError('give some words to search for');
    const services = await ctx.services();
    const result = await services.search.search(query, { limit, now: services.clock.now() });
    if (ctx.args.values.json) {
      ctx.io.stdout.write(
        `${JSON.stringify(
          result.hits.map((h) => paperJson(h.paper, { score: h.score })),
          null,
          2,
        )}\n`,
      );
      return EXIT.ok;
    }
    for (const id of result.missingIds)
      ctx.io.stdout.write(`(${id} is not in the archive; try: paperpulse paper ${id})\n`);
    if (result.hits.length === 0) {
      ctx.io.stdout.write('No papers match.\n');
      return EXIT.ok;
    }
    if (result.mode === 'fuzzy') ctx.io.stdout.write(`No exact matches; results for "${result.correctedQuery}":\n`);
    ctx.io.stdout.write(`${result.hits.map((h, i) => paperLines(h.paper, i + 1)).join('\n')}\n`);
    return EXIT.ok;
  },
};

const trendingCommand: CliCommand = {
  name: 'trending',
  summary: "Show a Daily Papers list by upvotes (default: the latest closed day's)",
  usage: 'paperpulse trending [--date YYYY-MM-DD | --week YYYY-Www | --month YYYY-MM] [--limit N] [--json]',
  options: {
    date: { type: 'string' },
    week: { type: 'string' },
    month: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(ctx) {
    const limit = intOption(ctx.args.values, 'limit', { min: 1, max: 100, default: 10 });
    const picked = (['date', 'week', 'month'] as const).filter((k) => ctx.args.values[k] !== undefined);
    if (picked.length > 1)
      throw new UsageError(`use one of --date, --week, --month (got ${picked.map((p) => `--${p}`).join(' and ')})`);
    const key = picked[0];
    const when = key ? stringOption(ctx.args.values, key) : undefined;
    const period = key === 'week' ? 'week' : key === 'month' ? 'month' : key === 'date' ? 'day' : undefined;
    const services = await ctx.services();
    const view = await services.trending.trending({ period, when, limit });
    if (ctx.args.values.json) {
      ctx.io.stdout.write(
        `${JSON.stringify(
          view.papers.map((p) => paperJson(p)),
          null,
          2,
        )}\n`,
      );
      return EXIT.ok;
    }
    ctx.io.stdout.write(
      `Trending papers, ${view.label}: ${view.total} listed${view.total > limit ? `, top ${limit}` : ''}\n`,
    );
    if (view.note) ctx.io.stdout.write(`${view.note}\n`);
    if (view.papers.length === 0) ctx.io.stdout.write('No papers on this list (weekends are usually empty).\n');
    else ctx.io.stdout.write(`${view.papers.map((p, i) => paperLines(p, i + 1)).join('\n')}\n`);
    return EXIT.ok;
  },
};

const paperCommand: CliCommand = {
  name: 'paper',
  summary: 'Show one paper by arXiv id or arxiv.org / huggingface.co URL (fetched from Hugging Face if new)',
  usage: 'paperpulse paper <id | url> [--json]',
  options: { json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const ref = ctx.args.positionals[0]!;
    const id = parsePaperRef(ref);
    if (!id)
      throw new UsageError(`"${ref}" is not an arXiv id (like 2410.17243) or an arxiv.org / huggingface.co paper URL`);
    const services = await ctx.services();
    const paper = await services.ingest.lookupPaper(id);
    if (!paper) throw new UserError(`paper ${id} is neither in the archive nor on Hugging Face`, { code: 'NOT_FOUND' });
    const lists = await services.papers.listDatesOf(id);
    if (ctx.args.values.json) {
      ctx.io.stdout.write(
        `${JSON.stringify([paperJson(paper, { abstract: paper.abstract, listDates: lists })], null, 2)}\n`,
      );
      return EXIT.ok;
    }
    const lines = [
      paperLines(paper, 1).replace(/^ 1\. /, ''),
      ...(paper.aiSummary ? ['', `TL;DR: ${paper.aiSummary}`] : []),
      '',
      paper.abstract,
      ...(lists.length ? ['', `On Daily Papers: ${lists.join(', ')}`] : []),
    ];
    ctx.io.stdout.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
};

const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'Apply pending database migrations (also done at every start)',
  usage: 'paperpulse migrate',
  async run(ctx) {
    const services = await ctx.services();
    ctx.io.stdout.write(
      `database is up to date (${services.database.kind === 'pglite' ? `PGlite in ${ctx.config.dataDir}` : 'Postgres'})\n`,
    );
    return EXIT.ok;
  },
};

/** The commands every installation has; the composition root adds start, digest and the platform ones. */
export const paperCommands: readonly CliCommand[] = [
  importCommand,
  ingestCommand,
  backfillCommand,
  searchCommand,
  trendingCommand,
  paperCommand,
  migrateCommand,
];
