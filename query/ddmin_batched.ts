/**
 * ddmin (query/shrink.ts) for a test that is expensive to start and cheap to run many times at
 * once — a kernel boot: every round's candidates (the chunks, then their complements) are given to
 * `testMany` together. Same rounds and the same 1-minimal result as ddmin, one batch per round.
 */
import { split } from './shrink.js';

/** A 1-minimal subset of `items` (order kept) for which the test holds, given that it holds for `items`; `rounds` batches were run. */
export async function ddminBatched<T>(items: readonly T[], testMany: (subsets: readonly (readonly T[])[]) => Promise<readonly boolean[]>): Promise<{ result: T[]; tests: number; rounds: number }> {
  const seen = new Map<string, boolean>();
  let tests = 0;
  let rounds = 0;
  /** The verdicts of index sets, the unseen ones tested in one batch. */
  const checkAll = async (sets: readonly (readonly number[])[]): Promise<boolean[]> => {
    const fresh = [...new Set(sets.map((s) => s.join(',')))].filter((k) => !seen.has(k));
    if (fresh.length > 0) {
      rounds++;
      tests += fresh.length;
      const verdicts = await testMany(fresh.map((k) => (k === '' ? [] : k.split(',').map((i) => items[Number(i)] as T))));
      fresh.forEach((k, j) => seen.set(k, verdicts[j] === true));
    }
    return sets.map((s) => seen.get(s.join(',')) === true);
  };
  let c = items.map((_, i) => i);
  let n = 2;
  while (c.length >= 2) {
    const chunks = split(c, Math.min(n, c.length));
    const comps = chunks.length > 2 ? chunks.map((_, j) => chunks.filter((__, k) => k !== j).flat()) : [];
    const verdicts = await checkAll([...chunks, ...comps]);
    const sub = chunks.findIndex((_, j) => verdicts[j]);
    if (sub >= 0) {
      c = chunks[sub] as number[];
      n = 2;
      continue;
    }
    const comp = comps.findIndex((_, j) => verdicts[chunks.length + j]);
    if (comp >= 0) {
      c = comps[comp] as number[];
      n = Math.max(n - 1, 2);
      continue;
    }
    if (n >= c.length) break;
    n = Math.min(2 * n, c.length);
  }
  return { result: c.map((i) => items[i] as T), tests, rounds };
}
