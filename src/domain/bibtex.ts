/**
 * BibTeX for a reading list: one arXiv `@misc` entry per paper (eprint, archivePrefix, title, authors, year, url).
 * Keys are stable and unique: first author's family name, year, first title word, and the arXiv id, so a key never
 * changes as the list grows or shrinks and two papers never share one.
 */
import { arxivAbsUrl, type Paper } from './paper.js';

/** Escapes BibTeX's special characters so a title or name shows as written. */
export function escapeBibtex(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\{}$&%#_^~]/g, (c) => {
      switch (c) {
        case '\\':
          return '\\textbackslash{}';
        case '^':
          return '\\textasciicircum{}';
        case '~':
          return '\\textasciitilde{}';
        default:
          return `\\${c}`;
      }
    });
}

/** ASCII letters of a word, lowercased (keys must be plain). */
function keyPart(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

const TITLE_SKIP = new Set(['a', 'an', 'the', 'on', 'of', 'for', 'in', 'to', 'and', 'towards', 'toward', 'with']);

/** The year of a paper: its arXiv publication date, else the YYMM of a new-style id. */
export function paperYear(paper: Pick<Paper, 'id' | 'publishedAt'>): string {
  if (paper.publishedAt) return String(paper.publishedAt.getUTCFullYear());
  const m = /^(\d{2})(\d{2})\./.exec(paper.id);
  if (m) return String(2000 + Number(m[1]));
  const old = /\/(\d{2})\d{5}$/.exec(paper.id);
  if (old) return String(Number(old[1]) > 90 ? 1900 + Number(old[1]) : 2000 + Number(old[1]));
  return '';
}

/** `vaswani2017attention-1706.03762` */
export function bibtexKey(paper: Pick<Paper, 'id' | 'title' | 'authors' | 'publishedAt'>): string {
  const first = paper.authors[0]?.trim() ?? '';
  const family = keyPart(first.split(/\s+/).at(-1) ?? '') || 'anon';
  const word =
    paper.title
      .split(/\s+/)
      .map(keyPart)
      .find((w) => w.length > 0 && !TITLE_SKIP.has(w)) ?? 'paper';
  return `${family}${paperYear(paper)}${word}-${paper.id.replace(/[^A-Za-z0-9.-]/g, '-')}`;
}

export function bibtexEntry(paper: Paper): string {
  const fields: [string, string][] = [
    ['title', `{${escapeBibtex(paper.title)}}`],
    ['author', escapeBibtex(paper.authors.length > 0 ? paper.authors.join(' and ') : 'Anonymous')],
    ['year', paperYear(paper)],
    ['eprint', paper.id],
    ['archivePrefix', 'arXiv'],
    ['url', arxivAbsUrl(paper.id)],
  ];
  const body = fields
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `  ${k} = {${v}}`)
    .join(',\n');
  return `@misc{${bibtexKey(paper)},\n${body}\n}`;
}

/** The whole list as one BibTeX file. */
export function toBibtex(papers: readonly Paper[]): string {
  return `${papers.map(bibtexEntry).join('\n\n')}\n`;
}
