import { describe, expect, it } from 'vitest';
import { bibtexEntry, bibtexKey, escapeBibtex, toBibtex } from '../../src/domain/bibtex.js';
import type { Paper } from '../../src/domain/paper.js';
import { paperOf } from '../support/papers.js';

const paper = (over: Partial<Paper>): Paper =>
  paperOf({
    id: '2410.17243',
    title: 'Attention Is All You Need',
    authors: ['Ashish Vaswani', 'Noam Shazeer'],
    publishedAt: new Date('2024-10-22T17:00:00Z'),
    ...over,
  });

describe('BibTeX export', () => {
  it('writes an arXiv @misc entry with eprint, archivePrefix, title, authors, year and url', () => {
    expect(bibtexEntry(paper({}))).toBe(
      [
        '@misc{vaswani2024attention-2410.17243,',
        '  title = {{Attention Is All You Need}},',
        '  author = {Ashish Vaswani and Noam Shazeer},',
        '  year = {2024},',
        '  eprint = {2410.17243},',
        '  archivePrefix = {arXiv},',
        '  url = {https://arxiv.org/abs/2410.17243}',
        '}',
      ].join('\n'),
    );
  });

  it('escapes BibTeX specials in titles and names, so they show as written', () => {
    expect(escapeBibtex('50% of {GPUs} & $x_i^2$ #1 ~ \\o')).toBe(
      '50\\% of \\{GPUs\\} \\& \\$x\\_i\\textasciicircum{}2\\$ \\#1 \\textasciitilde{} \\textbackslash{}o',
    );
    const entry = bibtexEntry(paper({ title: 'R&D: 100% {fun}', authors: ['José Ñúñez_Jr'] }));
    expect(entry).toContain('title = {{R\\&D: 100\\% \\{fun\\}}}');
    expect(entry).toContain('author = {José Ñúñez\\_Jr}');
    // Braces stay balanced whatever the title holds.
    const depth = [...entry.replace(/\\[{}]/g, '')].reduce((d, c) => d + (c === '{' ? 1 : c === '}' ? -1 : 0), 0);
    expect(depth).toBe(0);
  });

  it('makes keys that are plain, stable and unique, even for the same author, year and first word', () => {
    const a = paper({ id: '2410.00001', title: 'The Sparse Autoencoder', authors: ['Zoë Ångström'] });
    const b = paper({ id: '2410.00002', title: 'Sparse autoencoders, again', authors: ['Zoë Ångström'] });
    expect(bibtexKey(a)).toBe('angstrom2024sparse-2410.00001');
    expect(bibtexKey(b)).toBe('angstrom2024sparse-2410.00002');
    expect(bibtexKey(paper({ id: 'hep-th/9901001', publishedAt: null, authors: [] }))).toBe(
      'anon1999attention-hep-th-9901001',
    );
    expect(bibtexKey(paper({ publishedAt: null }))).toBe('vaswani2024attention-2410.17243');
    const file = toBibtex([a, b]);
    expect(file.match(/^@misc\{/gm)).toHaveLength(2);
    expect(toBibtex([a, b])).toBe(file);
  });
});
