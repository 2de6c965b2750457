/**
 * zod schemas for Hugging Face papers API records, tolerant of drift (2024 payloads lack ai_*, submittedOnDaily*): only
 * `paper.id/title/summary/upvotes/authors` are required; every other field is optional, and an optional field of
 * the wrong type is dropped rather than failing the record. The record itself is kept verbatim as `raw`.
 */
import { z } from 'zod';

const optionalString = z.string().optional().catch(undefined);
const optionalCount = z.number().int().nonnegative().optional().catch(undefined);
const optionalDate = z
  .string()
  .optional()
  .catch(undefined)
  .transform((value) => {
    if (!value) return undefined;
    const parsed = new Date(value);
    return Number.isNaN(parsed.getTime()) ? undefined : parsed;
  });
const userRef = z
  .object({ name: optionalString, user: optionalString, fullname: optionalString })
  .optional()
  .catch(undefined);
const organization = z.object({ name: optionalString, fullname: optionalString }).optional().catch(undefined);

const author = z.union([z.object({ name: z.string(), hidden: z.boolean().optional().catch(undefined) }), z.string()]);

/** The inner `paper` object of a daily_papers item, and the whole body of `/api/papers/{id}`. */
export const hfPaperSchema = z.object({
  id: z
    .string({
      error: (issue) => (issue.input === undefined ? 'is missing' : `must be a string, got ${typeof issue.input}`),
    })
    .trim()
    .min(1, 'is empty'),
  title: z.string(),
  summary: z.string(),
  upvotes: z.number().int().nonnegative(),
  authors: z.array(author),
  publishedAt: optionalDate,
  submittedOnDailyAt: optionalDate,
  submittedOnDailyBy: userRef,
  ai_summary: optionalString,
  ai_keywords: z.array(z.string()).optional().catch(undefined),
  githubRepo: optionalString,
  githubStars: optionalCount,
  projectPage: optionalString,
  organization,
  numComments: optionalCount,
  thumbnail: optionalString,
});

/** One item of `/api/daily_papers`: the paper plus who put it on the list, when, and the comment count. */
export const hfDailyPaperSchema = z.object({
  paper: hfPaperSchema,
  publishedAt: optionalDate,
  thumbnail: optionalString,
  numComments: optionalCount,
  submittedBy: userRef,
  organization,
});

export type HfPaper = z.infer<typeof hfPaperSchema>;
export type HfDailyPaper = z.infer<typeof hfDailyPaperSchema>;
