/**
 * The channel taste model: an L2-regularised logistic regression over a paper's binary features (distinctive terms,
 * authors, organization; see features.ts), trained in-process from the channel's votes and saves. Small and
 * explainable: every weight names a term, an author or an organization, and a pick's reason is its heaviest feature.
 * Deterministic: the same examples give the same model.
 */
import type { Paper } from '../../domain/paper.js';
import { type Feature, featureKey, paperFeatures } from './features.js';

export interface Example {
  readonly paper: Paper;
  /** 1: the channel liked it (upvoted, saved); 0: it did not (downvoted). */
  readonly label: 0 | 1;
}

export interface TasteModel {
  readonly bias: number;
  /** Feature key → weight; only features seen in at least MIN_SUPPORT examples. */
  readonly weights: ReadonlyMap<string, number>;
  readonly features: ReadonlyMap<string, Feature>;
  readonly examples: number;
  readonly positives: number;
}

export interface TrainOptions {
  readonly epochs?: number;
  /** L2 strength per example. */
  readonly l2?: number;
  readonly rate?: number;
}

/** A feature must occur in this many examples to get a weight: one paper's quirks do not make a taste. */
export const MIN_SUPPORT = 2;

export function trainTaste(examples: readonly Example[], options: TrainOptions = {}): TasteModel {
  const epochs = options.epochs ?? 150;
  const l2 = options.l2 ?? 0.02;
  const rate = options.rate ?? 0.3;
  const support = new Map<string, number>();
  const labels = new Map<string, Feature>();
  const rows = examples.map((e) => {
    const keys: string[] = [];
    for (const f of paperFeatures(e.paper)) {
      const key = featureKey(f);
      keys.push(key);
      support.set(key, (support.get(key) ?? 0) + 1);
      if (!labels.has(key)) labels.set(key, f);
    }
    return { keys, y: e.label };
  });
  const kept = new Map<string, number>();
  for (const [key, n] of support) if (n >= MIN_SUPPORT) kept.set(key, kept.size);
  const x = rows.map((r) => ({
    idx: r.keys.map((k) => kept.get(k)).filter((i): i is number => i !== undefined),
    y: r.y,
  }));
  const w = new Float64Array(kept.size);
  const g2 = new Float64Array(kept.size).fill(1e-8);
  let bias = 0;
  let b2 = 1e-8;
  const n = Math.max(1, x.length);
  for (let epoch = 0; epoch < epochs; epoch++) {
    const grad = new Float64Array(kept.size);
    let gb = 0;
    for (const row of x) {
      let z = bias;
      for (const i of row.idx) z += w[i]!;
      const err = sigmoid(z) - row.y;
      gb += err;
      for (const i of row.idx) grad[i]! += err;
    }
    // Adagrad: a rare feature's steps stay large enough to learn from a few votes.
    for (let i = 0; i < w.length; i++) {
      const g = grad[i]! / n + l2 * w[i]!;
      g2[i]! += g * g;
      w[i]! -= (rate * g) / Math.sqrt(g2[i]!);
    }
    const g = gb / n;
    b2 += g * g;
    bias -= (rate * g) / Math.sqrt(b2);
  }
  const weights = new Map<string, number>();
  const features = new Map<string, Feature>();
  for (const [key, i] of kept) {
    if (Math.abs(w[i]!) < 1e-6) continue;
    weights.set(key, w[i]!);
    features.set(key, labels.get(key)!);
  }
  return {
    bias,
    weights,
    features,
    examples: examples.length,
    positives: examples.filter((e) => e.label === 1).length,
  };
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** The model's logit for a paper, without the bias (which is the same for every paper). */
export function tasteScore(model: TasteModel, paper: Paper): number {
  let z = 0;
  for (const f of paperFeatures(paper)) z += model.weights.get(featureKey(f)) ?? 0;
  return z;
}

/** Why the model likes a paper: its heaviest positive feature, when it weighs enough to say so. */
export function explain(model: TasteModel, paper: Paper, minWeight = 0.1): Feature | undefined {
  let best: { f: Feature; w: number } | undefined;
  for (const f of paperFeatures(paper)) {
    const w = model.weights.get(featureKey(f)) ?? 0;
    // A phrase explains better than one of its words: at equal weight, the longer label wins.
    if (
      w >= minWeight &&
      (!best || w > best.w + 1e-9 || (Math.abs(w - best.w) <= 1e-9 && f.label.length > best.f.label.length))
    )
      best = { f, w };
  }
  return best?.f;
}

/** The reason line of a learned pick: "like papers on *sparse autoencoders* this channel upvoted". */
export interface Reason {
  readonly before: string;
  /** Shown emphasised (italic) where the platform can. */
  readonly emphasis: string;
  readonly after: string;
}

export function reasonOf(feature: Feature): Reason {
  switch (feature.kind) {
    case 'term':
      return { before: 'like papers on ', emphasis: feature.label, after: ' this channel upvoted' };
    case 'author':
      return { before: 'by ', emphasis: feature.label, after: ', whose papers this channel upvoted' };
    case 'org':
      return { before: 'from ', emphasis: feature.label, after: ', whose papers this channel upvoted' };
  }
}

export function reasonText(r: Reason): string {
  return `${r.before}${r.emphasis}${r.after}`;
}

/** The features the model likes most (or least), heaviest first. */
export function topFeatures(
  model: TasteModel,
  count: number,
  sign: 1 | -1 = 1,
  kind?: Feature['kind'],
): { feature: Feature; weight: number }[] {
  return [...model.weights]
    .filter(([key, w]) => w * sign > 0 && (!kind || model.features.get(key)!.kind === kind))
    .sort((a, b) => b[1] * sign - a[1] * sign || a[0].localeCompare(b[0]))
    .slice(0, count)
    .map(([key, weight]) => ({ feature: model.features.get(key)!, weight }));
}

export interface Ranked {
  readonly paper: Paper;
  /** The blended score: upvotes (normalised within the list) and the model's probability. */
  readonly score: number;
  /** Why the model put it here, when it is a learned pick. */
  readonly reason?: Reason | undefined;
}

/** How much the model weighs against upvotes in a learned digest. */
export const TASTE_WEIGHT = 0.75;

/**
 * Candidates ordered by a blend of Hugging Face upvotes (log, normalised to the list's best) and the channel's
 * taste (the model's probability). A paper the blend places higher than upvotes alone would, and that the model
 * has a positive reason for, is a learned pick and carries that reason.
 */
export function blendRank(model: TasteModel, candidates: readonly Paper[], weight = TASTE_WEIGHT): Ranked[] {
  const maxUp = Math.max(1, ...candidates.map((p) => Math.log1p(p.upvotes)));
  const byUpvotes = new Map(
    [...candidates].sort((a, b) => b.upvotes - a.upvotes || a.id.localeCompare(b.id)).map((p, i) => [p.id, i] as const),
  );
  const scored = candidates.map((paper) => {
    const taste = sigmoid(model.bias + tasteScore(model, paper));
    return { paper, score: (1 - weight) * (Math.log1p(paper.upvotes) / maxUp) + weight * taste };
  });
  scored.sort((a, b) => b.score - a.score || b.paper.upvotes - a.paper.upvotes || a.paper.id.localeCompare(b.paper.id));
  return scored.map((s, i) => {
    if (i >= byUpvotes.get(s.paper.id)!) return s;
    const why = explain(model, s.paper);
    return why ? { ...s, reason: reasonOf(why) } : s;
  });
}
