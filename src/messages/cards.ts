import { arxivAbsUrl, arxivPdfUrl, type Paper, paperUrl, tldr } from '../domain/paper.js';
import type { Action, PaperBlock } from './model.js';
import { saveAction } from './reading-actions.js';

/** The Similar button's action id prefix (src/commands/similar.ts answers it). */
export const SIMILAR_PREFIX = 'similar:';

/** The Similar button every card carries: papers like this one, shown to the presser only. */
export function similarButton(id: string): Action {
  return { type: 'button', id: `${SIMILAR_PREFIX}${id}`, label: 'Similar', command: `/papers similar ${id}` };
}

/** A paper's card: what every platform shows for one paper (title link, TL;DR, authors, facts, links, topics). */
export function paperCard(
  paper: Paper,
  options: {
    position?: number;
    topics?: readonly string[];
    actions?: readonly Action[];
    reason?: PaperBlock['reason'];
    lines?: readonly string[];
  } = {},
): PaperBlock {
  return {
    type: 'paper',
    id: paper.id,
    title: paper.title,
    url: paperUrl(paper.id),
    tldr: tldr(paper),
    authors: paper.authors,
    upvotes: paper.upvotes,
    comments: paper.numComments,
    github: paper.githubRepo ? { url: paper.githubRepo, stars: paper.githubStars } : undefined,
    projectPage: paper.projectPage ?? undefined,
    arxivUrl: arxivAbsUrl(paper.id),
    pdfUrl: arxivPdfUrl(paper.id),
    thumbnailUrl: paper.thumbnail ?? undefined,
    topics: options.topics ?? [],
    position: options.position,
    published: paper.publishedAt ? paper.publishedAt.toISOString().slice(0, 10) : undefined,
    lines: [...byline(paper), ...(options.lines ?? [])],
    // Every card can be saved to the reader's list (issue 14) and opens "more like this" (issue 13).
    actions: [saveAction(paper.id), similarButton(paper.id), ...(options.actions ?? [])],
    ...(options.reason ? { reason: options.reason } : {}),
  };
}

/** The organization and the submitter Hugging Face lists, as one short line (none when it gives neither). */
export function byline(paper: Paper): string[] {
  const parts = [
    ...(paper.organization ? [`🏛 ${paper.organization}`] : []),
    ...(paper.submitter ? [`submitted by @${paper.submitter}`] : []),
  ];
  if (parts.length === 0) return [];
  const line = parts.join(' · ');
  return [line.charAt(0).toUpperCase() + line.slice(1)];
}

/** A paper as data: what machine-readable answers (the CLI's `--json`) carry per paper. */
export function paperData(paper: Paper, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: paper.id,
    title: paper.title,
    upvotes: paper.upvotes,
    url: paperUrl(paper.id),
    publishedAt: paper.publishedAt?.toISOString() ?? null,
    authors: paper.authors,
    numComments: paper.numComments,
    githubRepo: paper.githubRepo,
    githubStars: paper.githubStars,
    organization: paper.organization,
    submitter: paper.submitter ?? null,
    aiSummary: paper.aiSummary,
    ...extra,
  };
}
