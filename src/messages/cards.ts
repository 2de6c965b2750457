import { arxivAbsUrl, arxivPdfUrl, type Paper, paperUrl, tldr } from '../domain/paper.js';
import type { PaperBlock } from './model.js';

/** A paper's card (product.md §5). */
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
