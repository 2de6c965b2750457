import { arxivAbsUrl, arxivPdfUrl, type Paper, paperUrl, tldr } from '../domain/paper.js';
import type { PaperBlock } from './model.js';

/** A paper's card: what every platform shows for one paper (title link, TL;DR, authors, facts, links, topics). */
export function paperCard(paper: Paper, options: { position?: number; topics?: readonly string[] } = {}): PaperBlock {
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
  };
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
    aiSummary: paper.aiSummary,
    ...extra,
  };
}
