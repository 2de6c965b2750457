/**
 * The learned ranking, measured offline (`npm run bench -- --only taste`): a simulated channel votes by a hidden
 * rule (it likes optimization theory and dislikes 3D vision), the channel's model is trained from the first 20, 50
 * and 100 votes exactly as TasteService trains it (net vote per paper → label), and the learned digest's top 5
 * (the same blend as a `ranking learned` digest) is scored against the rule on later, held-out lists:
 * precision@5 = liked papers among the 5, averaged over the lists. The `hf` digest (top 5 by upvotes) is scored the
 * same way, and so is the best any ranking could do (min(5, liked on the list) / 5).
 *
 * Corpora: the bundled 215-paper sample (10 lists: votes on the first 7, scored on the last 3), and two generated
 * ones of 4,000 papers on 200 lists (votes on the oldest, scored on the newest 40): test/bench/corpus.ts (sentences
 * of all sample papers mixed at random) and a topical one (see topicalCorpus).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Paper } from '../../src/domain/paper.js';
import { isRejected, parseRecord } from '../../src/huggingface/normalize.js';
import { blendRank, type Example, trainTaste } from '../../src/services/taste/model.js';
import { prng } from '../support/prng.js';
import { writeCorpus } from './corpus.js';

/** Optimization theory: in the title, or its theoretical vocabulary in the abstract. */
const LIKES_TITLE =
  /\boptimi[sz]ation\b|\bconvergen\w*|\bconvex\w*|\bgradient descent|\bstochastic gradient|\bregret\b|\bminimax\b|\bsaddle/i;
const LIKES_TEXT =
  /\bconvergence rate|\bregret bound|\blower bound|\blipschitz|\bnon-?convex|\bstrongly convex|\bhessian|\btheorem\b|\bsaddle point|\bgradient descent\b/i;
/** 3D vision, anywhere. */
const DISLIKES =
  /\b3d\b|\bpoint clouds?\b|\bnerf\b|\bgaussian splatting|\bmesh(es)?\b|\bnovel view|\bmulti-view|\bdepth estimation|\bscene reconstruction/i;

/** The hidden rule: +1 liked, -1 disliked, 0 indifferent. Dislike wins when both match. */
export function hiddenRule(p: Paper): -1 | 0 | 1 {
  const text = `${p.title} ${p.abstract} ${(p.aiKeywords ?? []).join(' ')}`;
  if (DISLIKES.test(text)) return -1;
  return LIKES_TITLE.test(p.title) || LIKES_TEXT.test(text) ? 1 : 0;
}

interface Day {
  readonly date: string;
  readonly papers: Paper[];
}

function toDays(records: readonly unknown[]): Day[] {
  const byDate = new Map<string, Paper[]>();
  records.forEach((r, i) => {
    const parsed = parseRecord(r, i);
    if (isRejected(parsed) || !parsed.listDate) return;
    byDate.set(parsed.listDate, [...(byDate.get(parsed.listDate) ?? []), parsed.paper]);
  });
  return [...byDate.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, papers]) => ({
      date,
      papers: papers.sort((a, b) => b.upvotes - a.upvotes || a.id.localeCompare(b.id)),
    }));
}

interface Vote {
  readonly paper: Paper;
  readonly vote: 1 | -1;
}

/**
 * The channel's votes, in the order they come: list by list, in upvote order; each of
 * four members votes on a paper it has an opinion on with probability 0.6, by the rule, mistaken 10% of the time; an indifferent paper gets
 * a 👎 with probability 0.2 (members skip most papers they do not care about).
 */
const MEMBERS = 4;

function simulateVotes(days: readonly Day[], seed: number): Vote[] {
  const rand = prng(seed);
  const votes: Vote[] = [];
  for (const day of days) {
    for (const paper of day.papers) {
      const rule = hiddenRule(paper);
      for (let member = 0; member < MEMBERS; member++) {
        if (rule === 0) {
          if (rand() < 0.2 / MEMBERS) votes.push({ paper, vote: -1 });
          continue;
        }
        if (rand() >= 0.6) continue;
        const wrong = rand() < 0.1;
        votes.push({ paper, vote: (wrong ? -rule : rule) as 1 | -1 });
      }
    }
  }
  return votes;
}

/** Examples as TasteService makes them: the net vote of each paper. */
function examplesOf(votes: readonly Vote[]): Example[] {
  const net = new Map<string, { paper: Paper; score: number }>();
  for (const v of votes) {
    const e = net.get(v.paper.id) ?? { paper: v.paper, score: 0 };
    e.score += v.vote;
    net.set(v.paper.id, e);
  }
  return [...net.values()].filter((e) => e.score !== 0).map((e) => ({ paper: e.paper, label: e.score > 0 ? 1 : 0 }));
}

const liked = (papers: readonly Paper[]) => papers.filter((p) => hiddenRule(p) === 1).length;
const round = (x: number) => Math.round(x * 1000) / 1000;

function precisionAt5(days: readonly Day[], rank: (papers: Paper[]) => Paper[]): number {
  const scored = days.filter((d) => d.papers.length >= 5);
  const sum = scored.reduce((s, d) => s + liked(rank(d.papers).slice(0, 5)) / 5, 0);
  return round(sum / Math.max(1, scored.length));
}

export interface TasteFigures {
  readonly corpus: string;
  readonly papers: number;
  readonly vote_lists: number;
  readonly scored_lists: number;
  readonly liked_share: number;
  readonly hf_p_at_5: number;
  readonly best_p_at_5: number;
  readonly learned_p_at_5: Record<string, number>;
  readonly votes_available: number;
}

function measure(corpus: string, days: readonly Day[], heldOut: number, seed: number): TasteFigures {
  const train = days.slice(0, days.length - heldOut);
  const test = days.slice(days.length - heldOut);
  const votes = simulateVotes(train, seed);
  const learned: Record<string, number> = {};
  for (const n of [20, 50, 100]) {
    if (votes.length < n) continue;
    const model = trainTaste(examplesOf(votes.slice(0, n)));
    learned[`after_${n}_votes`] = precisionAt5(test, (papers) => blendRank(model, papers).map((r) => r.paper));
    learned[`taste_only_after_${n}_votes`] = precisionAt5(test, (papers) =>
      blendRank(model, papers, 1).map((r) => r.paper),
    );
  }
  const all = days.flatMap((d) => d.papers);
  return {
    corpus,
    papers: all.length,
    vote_lists: train.length,
    scored_lists: test.length,
    liked_share: round(liked(all) / all.length),
    hf_p_at_5: precisionAt5(test, (papers) => papers),
    best_p_at_5: precisionAt5(test, (papers) => [...papers].sort((a, b) => hiddenRule(b) - hiddenRule(a))),
    learned_p_at_5: learned,
    votes_available: votes.length,
  };
}

/**
 * A larger corpus with topics: each generated paper takes one sample paper as its subject (its title words, and
 * three quarters of its abstract's sentences), the rest of its sentences from any sample paper, and heavy-tailed
 * upvotes unrelated to the subject; 20 papers a list. corpus.ts mixes sentences of all papers at random, so its
 * papers have no subject to learn: both are reported.
 */
function topicalCorpus(count: number, seed: number): Day[] {
  const rand = prng(seed);
  const base = toDays(
    JSON.parse(
      readFileSync(new URL('../../data/sample/seed-papers.daily_papers.json', import.meta.url), 'utf8'),
    ) as unknown[],
  ).flatMap((d) => d.papers);
  const sentencesOf = (p: Paper) => p.abstract.split(/(?<=[.!?])\s+(?=[A-Z])/).filter((s) => s.length > 20);
  const all = base.flatMap(sentencesOf);
  const days: Day[] = [];
  for (let i = 0; i < count; i++) {
    const subject = base[Math.floor(rand() * base.length)]!;
    const own = sentencesOf(subject);
    const sentences = Array.from({ length: 4 + Math.floor(rand() * 4) }, () =>
      rand() < 0.75 && own.length > 0 ? own[Math.floor(rand() * own.length)]! : all[Math.floor(rand() * all.length)]!,
    );
    const words = subject.title.split(/\s+/);
    const title = words.filter(() => rand() < 0.8).join(' ') || subject.title;
    const paper: Paper = {
      ...subject,
      id: `27${String(Math.floor(i / 20) % 100).padStart(2, '0')}.${String(i).padStart(5, '0')}`,
      title,
      abstract: sentences.join(' '),
      authors: subject.authors.map((a, k) => (rand() < 0.5 ? a : `Author ${k} ${i % 301}`)),
      upvotes: Math.floor(Math.exp(rand() * rand() * 6.5)) - 1,
    };
    if (i % 20 === 0) days.push({ date: `day-${String(days.length).padStart(4, '0')}`, papers: [] });
    days.at(-1)!.papers.push(paper);
  }
  for (const d of days) d.papers.sort((a, b) => b.upvotes - a.upvotes || a.id.localeCompare(b.id));
  return days;
}

export async function tasteBench(options: { log: (line: string) => void }): Promise<TasteFigures[]> {
  const sample = JSON.parse(
    readFileSync(new URL('../../data/sample/seed-papers.daily_papers.json', import.meta.url), 'utf8'),
  ) as unknown[];
  options.log('taste: the sample…');
  const figures = [measure('sample (215 papers)', toDays(sample), 3, 7)];
  const dir = mkdtempSync(join(tmpdir(), 'pp-bench-taste-'));
  try {
    const file = join(dir, 'taste.jsonl');
    await writeCorpus(file, 4_000, 42);
    const records = readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as unknown);
    options.log('taste: the generated corpus…');
    figures.push(measure('generated, mixed (4,000 papers)', toDays(records), 40, 7));
    options.log('taste: the generated topical corpus…');
    figures.push(measure('generated, topical (4,000 papers)', topicalCorpus(4_000, 42), 40, 7));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}

/** The bench table's rows. */
export function tasteRows(figures: readonly TasteFigures[] | undefined): [string, string, string][] {
  return (figures ?? []).map((f) => [
    `taste p@5 ${f.corpus}: hf / learned@20,50,100 / best`,
    `${f.hf_p_at_5} / ${['after_20_votes', 'after_50_votes', 'after_100_votes'].map((k) => f.learned_p_at_5[k] ?? '–').join(', ')} / ${f.best_p_at_5}`,
    'learned@100 > hf',
  ]);
}

if (process.argv[1]?.endsWith('taste.ts')) {
  const figures = await tasteBench({ log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}
