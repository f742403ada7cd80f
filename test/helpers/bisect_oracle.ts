/** The bisect tests' oracle: a predicate parsed or thrown, and its truth at a step the brute-force way. */
import { parsePredicate } from '../../query/predicates.js';
import type { Predicate } from '../../query/predicates.js';
import type { HotplugLog } from '../../log/index.js';

/** A predicate from its text (a test's own text: a parse error is a bug in the test). */
export function pred(text: string): Predicate {
  const r = parsePredicate(text);
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

/** Is the predicate true at step n (the brute-force way: the state rebuilt from step 0)? */
export function truth(log: HotplugLog, p: Predicate, n: number): boolean {
  return p.kind === 'step' ? p.test(log.step(n)) !== '' : p.invariant.check(log.profile, log.replay(n)).length > 0;
}
