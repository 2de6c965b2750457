/**
 * A paper's features for the channel taste model: its distinctive terms (AI keywords as phrases, title words and
 * title bigrams, AI summary words), its authors and its organization. Binary features with readable names, so
 * every weight the model learns can be shown and explained.
 */
import type { Paper } from '../../domain/paper.js';

export type FeatureKind = 'term' | 'author' | 'org';

export interface Feature {
  readonly kind: FeatureKind;
  /** What a person reads: `sparse autoencoders`, `Yann LeCun`, `Meta AI`. */
  readonly label: string;
}

/** `t:sparse autoencoder` · `a:yann lecun` · `o:meta ai`: a feature's key in the model. */
export function featureKey(f: Feature): string {
  return `${f.kind[0]}:${f.label.toLowerCase()}`;
}

// Words that say nothing about a paper's subject: English function words and the words every ML abstract uses.
const STOP = new Set(
  `a about above across after again against all also an and any are as at based be been being between both but by can
  could do does each either et for from further has have how however if in into is it its itself more most much new
  no nor not novel of on one only or other our ours out over own paper per propose proposed proposes present presents
  same show shows significantly so some such than that the their them then there these they this those through to
  towards toward two under up upon us using use used via was we well were what when where whether which while who
  whose why will with within without would yet approach approaches method methods model models framework results
  result performance state art task tasks data work study achieve achieves across existing first large language
  learning training trained large-scale improve improves improved improving efficient effective enables enable
  introduce introduces introducing demonstrate demonstrates key leverage leverages leveraging various different
  while thus toward towards benchmark benchmarks experiments extensive significant robust simple strong better
  high low via end-to-end`.split(/\s+/),
);

/** Lower-case words of a text, without stop words or numbers; a plural `s` is dropped so forms meet. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const raw of text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^a-z0-9-]+/)) {
    const w = raw.replace(/^-+|-+$/g, '');
    if (w.length < 3 || STOP.has(w) || /^\d/.test(w)) continue;
    out.push(stem(w));
  }
  return out;
}

function stem(w: string): string {
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is'))
    return w.slice(0, -1);
  return w;
}

/** The paper's features, each once. */
export function paperFeatures(paper: Paper): Feature[] {
  const seen = new Map<string, Feature>();
  const add = (f: Feature) => {
    const key = featureKey(f);
    if (f.label && !seen.has(key)) seen.set(key, f);
  };
  for (const phrase of paper.aiKeywords ?? []) {
    const ws = words(phrase);
    if (ws.length >= 1 && ws.length <= 4) add({ kind: 'term', label: ws.join(' ') });
    for (const w of ws) add({ kind: 'term', label: w });
  }
  const title = words(paper.title);
  for (const w of title) add({ kind: 'term', label: w });
  for (let i = 0; i + 1 < title.length; i++) add({ kind: 'term', label: `${title[i]} ${title[i + 1]}` });
  for (const w of words(paper.aiSummary ?? '')) add({ kind: 'term', label: w });
  // The abstract's opening (what the paper is about) where there is no AI summary or keywords to go on.
  for (const w of words(paper.abstract.split(/\s+/).slice(0, 120).join(' '))) add({ kind: 'term', label: w });
  for (const author of paper.authors.slice(0, 12)) {
    const name = author.trim().replace(/\s+/g, ' ');
    if (name) add({ kind: 'author', label: name });
  }
  if (paper.organization?.trim()) add({ kind: 'org', label: paper.organization.trim() });
  return [...seen.values()];
}
