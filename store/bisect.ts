/**
 * bisect(log, predicate): the first step at which `--until` turns true.
 *
 * "Turns true at n" is defined on a monotone predicate B(n) = "true at some step ≤ n":
 * - a step predicate (warn, error, leak, hazard, expect) is a fact of one step's outcome, which the
 *   log keeps: B is read off the outcomes in step order and the answer is exact, with no state
 *   materialised;
 * - a state predicate (invariant:NAME) is a fact of the state after a step. Its B(n) would need every
 *   state up to n, so bisect assumes the invariant, once broken, stays broken (B = P) and binary
 *   searches the states between `from` and `to` (each stateAt: the nearest checkpoint plus at most
 *   K - 1 steps' patches): ⌈log2(to - from)⌉ + 2 materialisations at most. The step found always
 *   has P false before it and true at it; it is the first violation whenever the invariant stays
 *   broken once broken (else: one of the steps where it breaks, as with git bisect). When P is false
 *   at `to`, bisect reports none, though a violation may have come and gone before.
 */
import type { InvariantViolation } from '../machines/invariants.js';
import type { KernelState } from '../machines/types.js';
import type { HotplugLog } from './log.js';
import { stateViolations } from './predicates.js';
import type { Predicate } from './predicates.js';

/** Where and why the predicate turned true. */
export interface BisectFound {
  readonly seq: number;
  /** Why it is true at `seq`: the step predicate's text, or the invariant's violations. */
  readonly why: readonly string[];
  /** The invariant's violations at `seq` (state predicates; empty for step predicates). */
  readonly violations: readonly InvariantViolation[];
}

/** The result of a bisect. */
export interface BisectResult {
  /** The step found, or null when the predicate is not true in from..to (at `to`, for a state predicate). */
  readonly found: BisectFound | null;
  readonly from: number;
  readonly to: number;
  /** 'scan' of stored outcomes (step predicates) or 'binary' search over states. */
  readonly method: 'scan' | 'binary';
  /** The steps whose state was looked at, in order, with the predicate's value there. */
  readonly probes: ReadonlyArray<{ readonly seq: number; readonly value: boolean }>;
  /** States materialised (log.stateAt) by this bisect. */
  readonly materialisations: number;
}

/** The first step in from..to (default: the whole log) at which `pred` turns true. */
export function bisect(log: HotplugLog, pred: Predicate, range: { from?: number; to?: number } = {}): BisectResult {
  const last = log.length - 1;
  const from = Math.max(0, Math.min(range.from ?? 0, last));
  const to = Math.max(from, Math.min(range.to ?? last, last));
  const before = log.materialisations;
  if (pred.kind === 'step') {
    for (let i = from; i <= to; i++) {
      const why = pred.test(log.step(i));
      if (why) return { found: { seq: i, why: [why], violations: [] }, from, to, method: 'scan', probes: [], materialisations: 0 };
    }
    return { found: null, from, to, method: 'scan', probes: [], materialisations: 0 };
  }
  const probes: Array<{ seq: number; value: boolean }> = [];
  const seen = new Map<number, readonly InvariantViolation[]>();
  const probe = (n: number): readonly InvariantViolation[] => {
    let v = seen.get(n);
    if (!v) {
      const state: KernelState = log.stateAt(n);
      v = stateViolations(pred, log.profile, state);
      seen.set(n, v);
      probes.push({ seq: n, value: v.length > 0 });
    }
    return v;
  };
  const done = (seq: number | null): BisectResult => {
    const violations = seq === null ? [] : probe(seq);
    const found = seq === null ? null : { seq, why: violations.map((x) => (x.section === null ? x.text : `section ${x.section}: ${x.text}`)), violations };
    return { found, from, to, method: 'binary', probes, materialisations: log.materialisations - before };
  };
  if (!probe(to).length) return done(null);
  if (probe(from).length) return done(from);
  // P(lo) false, P(hi) true: halve until they are neighbours.
  let lo = from;
  let hi = to;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (probe(mid).length) hi = mid;
    else lo = mid;
  }
  return done(hi);
}
