/**
 * The MCP server's tools: each one runs a read-only `/papers` command through the command dispatcher, so it shares
 * the chat's parsing, validation, services, answers and error messages. A tool is its name, its input (zod), the
 * shape of its structured result, and how its arguments become the command's option values.
 *
 * To add a tool, append one `defineTool` to MCP_TOOLS.
 */
import { z } from 'zod';
import type { OptionValue } from '../ports/commands.js';

export interface McpTool {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: z.ZodRawShape;
  /** The schema of `structuredContent`: the command's data (extra keys allowed). */
  readonly output: z.ZodObject;
  /** The `/papers` command it runs. */
  readonly command: string;
  /** The command's option values from the validated arguments. */
  values(args: Record<string, unknown>): Record<string, OptionValue | undefined>;
}

/** Keeps each tool's arguments typed by its own input shape. */
function defineTool<Input extends z.ZodRawShape>(tool: {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly input: Input;
  readonly output: z.ZodObject;
  readonly command: string;
  values(args: z.infer<z.ZodObject<Input>>): Record<string, OptionValue | undefined>;
}): McpTool {
  return tool as unknown as McpTool;
}

/** A paper as the commands' data carries it (src/messages/cards.ts paperData). */
const paper = z.looseObject({
  id: z.string().describe('arXiv id'),
  title: z.string(),
  upvotes: z.number(),
  url: z.string().describe('Hugging Face paper page'),
  publishedAt: z.string().nullable(),
  authors: z.array(z.string()),
  numComments: z.number(),
  githubRepo: z.string().nullable(),
  githubStars: z.number().nullable(),
  organization: z.string().nullable(),
  aiSummary: z.string().nullable(),
});

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const searchPapers = defineTool({
  name: 'search_papers',
  title: 'Search papers',
  description:
    'Full-text search of the Hugging Face Daily Papers archive, ranked by relevance, upvotes and recency. Query ' +
    'syntax: words, "exact phrases", OR, -exclusion, an arXiv id or URL; filters since:YYYY-MM-DD, min-upvotes:N, ' +
    'has:code (in the query or as arguments). A misspelled query falls back to the closest title words.',
  input: {
    query: z.string().min(1).max(2000).describe('Search query, e.g. "optimal transport" -survey'),
    since: z.string().regex(DATE, 'must be a date YYYY-MM-DD').optional().describe('Published on or after'),
    min_upvotes: z.number().int().min(0).max(9_999_999).optional().describe('At least this many upvotes'),
    has_code: z.boolean().optional().describe('Only papers with a GitHub repository'),
    limit: z.number().int().min(1).max(50).default(10).describe('How many results (1–50, default 10)'),
  },
  output: z.looseObject({
    results: z.array(paper.extend({ score: z.number().optional() })),
    missingIds: z.array(z.string()).describe('Ids the query named that are not in the archive'),
    mode: z.enum(['fulltext', 'fuzzy', 'browse', 'id']).optional(),
    correctedQuery: z.string().optional(),
    hasMore: z.boolean().optional(),
  }),
  command: 'search',
  values: (a) => ({
    query: [
      a.query,
      a.since !== undefined ? `since:${a.since}` : '',
      a.min_upvotes !== undefined ? `min-upvotes:${a.min_upvotes}` : '',
      a.has_code ? 'has:code' : '',
    ]
      .filter(Boolean)
      .join(' '),
    limit: a.limit,
  }),
});

export const getPaper = defineTool({
  name: 'get_paper',
  title: 'Get a paper',
  description:
    'One paper by arXiv id (2410.17243) or arxiv.org / huggingface.co URL: title, authors, AI summary, abstract, ' +
    'upvotes, code, and the Daily Papers lists it was on. A paper not yet in the archive is fetched from Hugging Face.',
  input: { id: z.string().min(1).max(300).describe('arXiv id or paper URL') },
  output: z.looseObject({ paper: paper.extend({ abstract: z.string(), listDates: z.array(z.string()) }) }),
  command: 'paper',
  values: (a) => ({ id: a.id }),
});

export const trending = defineTool({
  name: 'trending',
  title: 'Trending papers',
  description: "A Daily Papers list by upvotes: a day (default: the latest closed day's list), an ISO week or a month.",
  input: {
    period: z.enum(['day', 'week', 'month']).optional().describe('day (default), week or month'),
    date: z
      .string()
      .max(10)
      .optional()
      .describe('A date (YYYY-MM-DD), ISO week (2026-W46) or month (2026-11); default: the latest'),
    limit: z.number().int().min(1).max(50).default(10).describe('How many papers (1–50, default 10)'),
  },
  output: z.looseObject({
    period: z.enum(['day', 'week', 'month']),
    from: z.string(),
    to: z.string(),
    label: z.string(),
    total: z.number().describe('Papers on the list(s) before the limit'),
    papers: z.array(paper),
  }),
  command: 'trending',
  values: (a) => ({ period: a.period, date: a.date, top: a.limit }),
});

export const rising = defineTool({
  name: 'rising',
  title: 'Rising papers',
  description:
    'Papers listed in the last 14 days that gained the most upvotes (or GitHub stars) over the last 24 hours or ' +
    '7 days, from the snapshots PaperPulse takes at each refresh; each result carries its gain.',
  input: {
    window: z.enum(['24h', '7d']).optional().describe('24h (default) or 7d'),
    metric: z.enum(['upvotes', 'stars']).optional().describe('upvotes (default) or stars (GitHub stars gained)'),
    limit: z.number().int().min(1).max(25).default(10).describe('How many papers (1–25, default 10)'),
  },
  output: z.looseObject({
    window: z.enum(['24h', '7d']),
    metric: z.enum(['upvotes', 'stars']),
    results: z.array(paper.extend({ gain: z.number() })),
  }),
  command: 'rising',
  values: (a) => ({ window: a.window, metric: a.metric, limit: a.limit }),
});

export const similarPapers = defineTool({
  name: 'similar_papers',
  title: 'Similar papers',
  description:
    'Papers of the archive most like one paper (by arXiv id or URL): its most distinctive terms (tf-idf over ' +
    'title, keywords, summary and abstract) searched in the archive; each result carries the terms it shares.',
  input: {
    id: z.string().min(1).max(300).describe('arXiv id or paper URL'),
    limit: z.number().int().min(1).max(25).default(5).describe('How many papers (1–25, default 5)'),
  },
  output: z.looseObject({
    source: paper,
    results: z.array(paper.extend({ score: z.number(), sharedTerms: z.array(z.string()) })),
  }),
  command: 'similar',
  values: (a) => ({ id: a.id, limit: a.limit }),
});

/** Every tool the MCP server offers, in the order clients list them. */
export const MCP_TOOLS: readonly McpTool[] = [searchPapers, getPaper, trending, rising, similarPapers];
