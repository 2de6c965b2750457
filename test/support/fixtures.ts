import { readFileSync } from 'node:fs';

const read = (path: string): unknown => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));

/** The bundled 215-paper sample (ten weekday lists, 2026-11-02 … 2026-11-13). */
export const sample = (): Record<string, unknown>[] =>
  read('../../data/sample/seed-papers.daily_papers.json') as Record<string, unknown>[];

/** Real saved Hugging Face responses, copied from ../shared/fixtures/huggingface (see test/fixtures/README). */
export const dailyPapers20241025 = (): Record<string, unknown>[] =>
  read('../fixtures/huggingface/daily_papers-2024-10-25.first3.json') as Record<string, unknown>[];
export const paper250904664 = (): Record<string, unknown> =>
  read('../fixtures/huggingface/paper-2509.04664.json') as Record<string, unknown>;

/** The sample grouped by list date (the date part of each item's publishedAt), in upvote order. */
export function sampleByDate(): Map<string, Record<string, unknown>[]> {
  const byDate = new Map<string, Record<string, unknown>[]>();
  for (const item of sample()) {
    const date = String(item.publishedAt).slice(0, 10);
    byDate.set(date, [...(byDate.get(date) ?? []), item]);
  }
  for (const list of byDate.values()) {
    list.sort((a, b) => upvotes(b) - upvotes(a));
  }
  return byDate;
}

const upvotes = (item: Record<string, unknown>) => (item.paper as { upvotes: number }).upvotes;

/**
 * Sample lists moved to other dates: the n-th date gets the n-th sample list (distinct papers), so tests can put
 * Daily Papers lists wherever the scenario needs them.
 */
export function listsOn(dates: readonly string[]): Record<string, unknown>[] {
  const lists = [...sampleByDate().values()];
  if (dates.length > lists.length) throw new Error(`only ${lists.length} sample lists`);
  return dates.flatMap((date, i) =>
    lists[i]!.map((item) => ({ ...structuredClone(item), publishedAt: `${date}T06:00:00.000Z` })),
  );
}
