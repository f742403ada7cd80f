/**
 * shrink: the smallest sub-sequence of a scenario's operations that still makes a predicate true,
 * by delta debugging (Zeller & Hildebrandt's ddmin). The boot layout is kept; an operation keeps
 * its own expect lines. The result is 1-minimal: dropping any one remaining operation makes the
 * predicate false. "True for a run" is exact: some step has it (step predicates) or the state after
 * some step violates the invariant (every state is checked, not bisected).
 */
import type { Scenario, ScenarioStep } from '../inputs/types.js';
import type { Profile } from '../kernel/types.js';
import type { HotplugLog } from '../log/log.js';
import type { Predicate } from './predicates.js';
import { recordScenario } from '../log/record.js';

/** The result of a shrink. */
export interface ShrinkResult {
  /** The kept operations, in their original order. */
  readonly steps: readonly ScenarioStep[];
  /** Indices of the kept operations in the input's steps (0-based). */
  readonly kept: readonly number[];
  /** How many candidate runs ddmin made. */
  readonly tests: number;
}

/** Shrink `scenario` for `pred` under `profile`; null when the predicate is not true for the input itself. */
export function shrinkScenario(scenario: Scenario, profile: Profile, pred: Predicate): ShrinkResult | null {
  const holds = (idx: readonly number[]): boolean => runHolds(withSteps(scenario, idx.map((i) => scenario.steps[i] as ScenarioStep)), profile, pred);
  const all = scenario.steps.map((_, i) => i);
  if (!holds(all)) return null;
  const r = ddmin(all, holds);
  return { steps: r.result.map((i) => scenario.steps[i] as ScenarioStep), kept: r.result, tests: r.tests };
}

/** Is `pred` true at some step of the run of `scenario`? */
export function runHolds(scenario: Scenario, profile: Profile, pred: Predicate): boolean {
  const log = recordScenario(scenario, profile, { checkpointEvery: 1 });
  return firstTrue(log, pred) !== null;
}

/** The first step at which `pred` is true (checking every step or state), or null. */
export function firstTrue(log: HotplugLog, pred: Predicate): number | null {
  for (let i = 0; i < log.length; i++) {
    if (pred.kind === 'step' ? pred.test(log.step(i)) : pred.invariant.check(log.profile, log.stateAt(i)).length) return i;
  }
  return null;
}

/**
 * ddmin: a 1-minimal subset of `items` (order kept) for which `test` holds, given that it holds for
 * `items`. Each distinct candidate is tested once.
 */
export function ddmin<T>(items: readonly T[], test: (subset: readonly T[]) => boolean): { result: T[]; tests: number } {
  const seen = new Map<string, boolean>();
  let tests = 0;
  const check = (idx: readonly number[]): boolean => {
    const key = idx.join(',');
    let v = seen.get(key);
    if (v === undefined) {
      tests++;
      v = test(idx.map((i) => items[i] as T));
      seen.set(key, v);
    }
    return v;
  };
  let c = items.map((_, i) => i);
  if (check([])) return { result: [], tests };
  let n = 2;
  while (c.length >= 2) {
    const chunks = split(c, Math.min(n, c.length));
    const sub = chunks.find((ch) => check(ch));
    if (sub) {
      c = sub;
      n = 2;
      continue;
    }
    const comp = chunks.length > 2 ? chunks.map((_, j) => chunks.filter((__, k) => k !== j).flat()).find((co) => check(co)) : undefined;
    if (comp) {
      c = comp;
      n = Math.max(n - 1, 2);
      continue;
    }
    if (n >= c.length) break;
    n = Math.min(2 * n, c.length);
  }
  return { result: c.map((i) => items[i] as T), tests };
}

// --- internal ---

function withSteps(s: Scenario, steps: readonly ScenarioStep[]): Scenario {
  return { ...s, steps };
}

/** `c` in `n` nearly equal consecutive chunks (ddmin's partition; also query/ddmin_batched.ts). */
export function split<T>(c: readonly T[], n: number): T[][] {
  const out: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const end = start + Math.floor((c.length - start) / (n - i));
    out.push(c.slice(start, end));
    start = end;
  }
  return out;
}
