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
 * - with `exact`, a state predicate is found exactly, whatever its shape, by one walk over the
 *   steps' patch paths from `from` (one state materialised): an invariant is a check per section
 *   (model/invariants.ts), so only the sections a step wrote can break it there, and only those
 *   are checked, on their values carried forward from the patches (no state is rebuilt).
 */
import { zeroSection } from '../kernel/zero_section.js';
import type { InvariantViolation } from '../model/invariants.js';
import { listSections } from '../model/model.js';
import type { KernelState, MemSection } from '../kernel/types.js';
import type { HotplugLog } from '../log/log.js';
import { stateViolations } from './predicates.js';
import type { Predicate, StatePredicate } from './predicates.js';

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
  /** 'scan' of stored outcomes (step predicates), 'binary' search over states, or the 'exact' walk over patch paths. */
  readonly method: 'scan' | 'binary' | 'exact';
  /** The steps whose state was looked at, in order, with the predicate's value there. */
  readonly probes: ReadonlyArray<{ readonly seq: number; readonly value: boolean }>;
  /** States materialised (log.stateAt) by this bisect. */
  readonly materialisations: number;
}

/** The first step in from..to (default: the whole log) at which `pred` turns true (see the file header for `exact`). */
export function bisect(log: HotplugLog, pred: Predicate, range: { from?: number; to?: number; exact?: boolean } = {}): BisectResult {
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
  if (range.exact) return exactWalk(log, pred, from, to);
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

// --- internal ---

/** The exact first violation of an invariant in from..to, walking the patch paths (see the file header). */
function exactWalk(log: HotplugLog, pred: StatePredicate, from: number, to: number): BisectResult {
  const before = log.materialisations;
  const p = log.profile;
  const spr = p.geometry.SECTIONS_PER_ROOT;
  const result = (seq: number | null, violations: readonly InvariantViolation[]): BisectResult => ({
    found: seq === null ? null : { seq, why: violations.map((x) => (x.section === null ? x.text : `section ${x.section}: ${x.text}`)), violations },
    from,
    to,
    method: 'exact',
    probes: [],
    materialisations: log.materialisations - before,
  });
  const state = log.stateAt(from);
  const first = stateViolations(pred, p, state);
  if (first.length) return result(from, first);
  const sections = new Map<number, MemSection>(listSections(state).map((ms) => [ms.nr, ms]));
  const ctx = { highestPresentSectionNr: state.highestPresentSectionNr };
  for (let i = from + 1; i <= to; i++) {
    const touched = new Set<number>();
    for (const patch of log.step(i).patches) {
      const path = patch.path;
      if (path[0] === 'highestPresentSectionNr') ctx.highestPresentSectionNr = patch.value as number;
      if (path[0] !== 'roots') continue;
      const base = Number(path[1]) * spr;
      if (path.length === 2) {
        // A root added (all NULL) or removed: its sections are whatever it holds now.
        const held = patch.op === 'remove' ? undefined : (patch.value as { sections?: ReadonlyArray<MemSection | null> } | undefined)?.sections;
        for (let k = 0; k < spr; k++) {
          const ms = held?.[k];
          if (ms) sections.set(base + k, ms);
          else sections.delete(base + k);
        }
      } else if (path[2] === 'sections') {
        const nr = base + Number(path[3]);
        touched.add(nr);
        if (path.length === 4) {
          if (patch.op !== 'remove' && patch.value) sections.set(nr, patch.value as MemSection);
          else sections.delete(nr);
        } else {
          sections.set(nr, { ...(sections.get(nr) ?? zeroSection(p.geometry, nr)), [String(path[4])]: patch.value } as MemSection);
        }
      }
    }
    const bad: InvariantViolation[] = [];
    for (const nr of [...touched].sort((a, b) => a - b)) {
      const ms = sections.get(nr);
      const text = ms ? pred.invariant.checkSection(p, ms, ctx) : '';
      if (text) bad.push({ section: nr, text });
    }
    if (bad.length) return result(i, bad);
  }
  return result(null, []);
}
