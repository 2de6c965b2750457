/**
 * A deterministic corpus generator: scales the bundled 215-paper sample to 10k, 100k or 1M papers in the
 * `/api/daily_papers` shape, written as JSON Lines (what `paperpulse import` streams).
 *
 * Realism, roughly:
 * - abstracts recombine whole sentences of the sample's abstracts, so word frequencies follow the sample's;
 * - titles come from a word-bigram chain over the sample's titles, half of them prefixed with a generated method
 *   name ("Velorix: …"), whose Zipf-distributed frequency gives very selective search terms;
 * - AI summaries on 60% of papers, AI keywords on 60%, GitHub repos on 30%;
 * - upvotes heavy-tailed (most papers under 20, a few hundred+), list dates on weekdays over the years before
 *   2026-11-13, arXiv publication a few days before the list date.
 * The same seed and size always give the same file.
 */
import { once } from 'node:events';
import { createWriteStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { prng } from '../support/prng.js';

export interface SampleItem {
  paper: { id: string; title: string; summary: string; upvotes: number; authors: { name: string }[] };
}

const SAMPLE = fileURLToPath(new URL('../../data/sample/seed-papers.daily_papers.json', import.meta.url));

interface Vocabulary {
  sentences: string[];
  titleStarts: string[];
  bigrams: Map<string, string[]>;
  keywords: string[];
}

function vocabulary(): Vocabulary {
  const items = JSON.parse(readFileSync(SAMPLE, 'utf8')) as SampleItem[];
  const sentences: string[] = [];
  const bigrams = new Map<string, string[]>();
  const titleStarts: string[] = [];
  const keywords = new Set<string>();
  for (const item of items) {
    for (const s of item.paper.summary.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+(?=[A-Z])/)) {
      if (s.length > 30 && s.length < 600) sentences.push(s.trim());
    }
    const words = item.paper.title.replace(/^[^:]{1,30}:\s*/, '').split(/\s+/);
    titleStarts.push(words[0]!);
    for (let i = 0; i < words.length; i++) {
      const next = words[i + 1] ?? '';
      const list = bigrams.get(words[i]!) ?? [];
      list.push(next);
      bigrams.set(words[i]!, list);
    }
    for (const m of item.paper.summary.matchAll(/\b[a-z]+(?:[- ][a-z]+){1,2}\b/g)) {
      if (m[0].length > 12 && m[0].length < 40 && keywords.size < 3000) keywords.add(m[0]);
    }
  }
  return { sentences, titleStarts, bigrams, keywords: [...keywords] };
}

const SYLLABLES = [
  've',
  'lo',
  'rix',
  'na',
  'tor',
  'qui',
  'zen',
  'ka',
  'mo',
  'dex',
  'lu',
  'fa',
  'sion',
  'gra',
  'phy',
  'tal',
  'bro',
  'nex',
  'vi',
  'ra',
];

/** A pronounceable method name for index n; lower n are picked far more often (Zipf). */
export function methodName(n: number): string {
  let x = n;
  let name = '';
  do {
    name += SYLLABLES[x % SYLLABLES.length];
    x = Math.floor(x / SYLLABLES.length);
  } while (x > 0);
  return name.charAt(0).toUpperCase() + name.slice(1) + (n % 7 === 0 ? 'Net' : n % 5 === 0 ? '-7B' : '');
}

/** How many method names exist; the Zipf draw gives name k probability ∝ 1/k. */
export const METHOD_NAMES = 200_000;

const DAY = 86_400_000;
const LAST_LIST = Date.parse('2026-11-13T00:00:00Z');

/** Writes `count` papers to `path` as JSON Lines; resolves with the file's list-date range. */
export async function writeCorpus(path: string, count: number, seed = 42): Promise<{ from: string; to: string }> {
  const v = vocabulary();
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  // ~450 papers per weekday list at 1M, like a busy feed; fewer days for smaller corpora.
  const perDay = Math.max(20, Math.round(count / 2200));
  const out = createWriteStream(path, { encoding: 'utf8' });
  let day = LAST_LIST;
  let onDay = 0;
  let first = '';
  const perMonth = new Map<string, number>();
  const zipf = () => Math.min(METHOD_NAMES - 1, Math.floor(Math.exp(rand() * Math.log(METHOD_NAMES))) - 1);
  for (let i = 0; i < count; i++) {
    if (onDay >= perDay) {
      do day -= DAY;
      while ([0, 6].includes(new Date(day).getUTCDay()));
      onDay = 0;
    }
    onDay++;
    const listDate = new Date(day).toISOString().slice(0, 10);
    first = listDate;
    const words = [pick(v.titleStarts)];
    for (let w = 0; w < 14; w++) {
      const next = pick(v.bigrams.get(words.at(-1)!) ?? ['']);
      if (!next) break;
      words.push(next);
    }
    const title = `${rand() < 0.5 ? `${methodName(zipf())}: ` : ''}${words.join(' ')}`;
    const sentences = Array.from({ length: 4 + Math.floor(rand() * 6) }, () => pick(v.sentences));
    const upvotes = Math.floor(Math.exp(rand() * rand() * 6.5)) - 1;
    // arXiv-style ids, unique: YYMM of the list date and a running number within that month.
    const yymm = new Date(day).toISOString().slice(2, 7).replace('-', '');
    const n = (perMonth.get(yymm) ?? 0) + 1;
    perMonth.set(yymm, n);
    const paper: Record<string, unknown> = {
      id: `${yymm}.${String(n).padStart(5, '0')}`,
      authors: Array.from({ length: 1 + Math.floor(rand() * 8) }, (_, a) => ({
        name: `Author ${a} ${i % 997}`,
        hidden: false,
      })),
      publishedAt: new Date(day - (1 + Math.floor(rand() * 4)) * DAY + 17 * 3_600_000).toISOString(),
      title,
      summary: sentences.join(' '),
      upvotes,
      discussionId: `bench${i}`,
    };
    if (rand() < 0.6) paper.ai_summary = pick(v.sentences);
    if (rand() < 0.6) paper.ai_keywords = Array.from({ length: 3 + Math.floor(rand() * 4) }, () => pick(v.keywords));
    if (rand() < 0.3) {
      paper.githubRepo = `https://github.com/bench/${String(paper.id).replace('.', '-')}`;
      paper.githubStars = Math.floor(Math.exp(rand() * 9));
    }
    const item = {
      paper,
      publishedAt: `${listDate}T06:00:00.000Z`,
      title,
      summary: paper.summary,
      thumbnail: `https://cdn-thumbnails.huggingface.co/social-thumbnails/papers/${paper.id}.png`,
      numComments: Math.floor(rand() * rand() * 12),
      submittedBy: { name: 'bench' },
    };
    if (!out.write(`${JSON.stringify(item)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { from: first, to: '2026-11-13' };
}
