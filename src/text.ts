/**
 * Small text helpers every layer and every adapter uses: one way to cut text with an ellipsis, one edit distance.
 */

const ELLIPSIS = '…';

/**
 * `text` trimmed and cut to at most `max` UTF-16 code units, ending with "…" when cut. Never splits a surrogate
 * pair (an emoji), so the result is always valid text.
 *
 * @example clip('Attention is all you need', 12) // 'Attention i…'
 */
export function clip(text: string, max: number): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  if (max < 1) return '';
  let cut = trimmed.slice(0, max - 1);
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}${ELLIPSIS}`;
}

/** Levenshtein distance between two strings. */
export function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The candidate closest to `word` by edit distance, when it is close enough to be a typo of it (at most a third of
 * its letters, and at least one), else undefined: "did you mean …?".
 */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  if (!word) return undefined;
  const limit = Math.max(1, Math.floor(word.length / 3));
  let best: { candidate: string; d: number } | undefined;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d <= limit && (!best || d < best.d)) best = { candidate, d };
  }
  return best?.candidate;
}
