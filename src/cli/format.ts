import { type Paper, paperUrl, shortAuthors } from '../domain/paper.js';

/** The JSON object `--json` prints per paper. */
export function paperJson(paper: Paper, extra: Record<string, unknown> = {}): Record<string, unknown> {
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
    aiSummary: paper.aiSummary,
    ...extra,
  };
}

/** Two lines per paper: numbered title, then id, upvotes, comments, date, authors and link. */
export function paperLines(paper: Paper, position: number): string {
  const facts = [
    paper.id,
    `▲ ${paper.upvotes}`,
    `${paper.numComments} comments`,
    paper.publishedAt ? paper.publishedAt.toISOString().slice(0, 10) : undefined,
    paper.githubRepo ? `code: ${paper.githubRepo}` : undefined,
  ].filter(Boolean);
  const authors = shortAuthors(paper.authors);
  return [
    `${String(position).padStart(2)}. ${paper.title}`,
    `    ${facts.join(' · ')}`,
    ...(authors ? [`    ${authors}`] : []),
    `    ${paperUrl(paper.id)}`,
  ].join('\n');
}

/** A text progress bar for a TTY: `[#######.............]  7/20 2026-11-09`. */
export function progressBar(done: number, total: number, label: string, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total} ${label}`;
}
