/**
 * The predicates of `bisect` and `shrink` (`--until warn|error|leak|hazard|expect|invariant:NAME`).
 * Step predicates read one step's stored outcome (a WARN, a negative return, a leak or any hazard,
 * a failed `expect` line); state predicates (`invariant:NAME`, model/invariants.ts) read the
 * whole state after a step.
 */
import { formatRet } from '../kernel/errno.js';
import type { Failed } from '../kernel/errors.js';
import { INVARIANTS, invariantNamed } from '../model/invariants.js';
import type { Invariant, InvariantViolation } from '../model/invariants.js';
import type { KernelState, Profile } from '../kernel/types.js';
import type { LogStep } from '../log/types.js';

/** A predicate over one step's outcome (`NAME` or `NAME:TEXT`: only what mentions TEXT, e.g. `hazard:F10`). */
export interface StepPredicate {
  readonly kind: 'step';
  readonly name: string;
  /** What makes it true, as text ('' when it is false at this step). */
  readonly test: (s: LogStep) => string;
}

/** A predicate over the state after a step: an invariant is violated. */
export interface StatePredicate {
  readonly kind: 'state';
  readonly name: string;
  readonly invariant: Invariant;
}

/** A predicate of `--until`. */
export type Predicate = StepPredicate | StatePredicate;

/** Names of the step predicates. */
export type StepPredicateName = 'warn' | 'error' | 'leak' | 'hazard' | 'expect';

/** Every step predicate with its one-line meaning. */
export const STEP_PREDICATES: ReadonlyArray<readonly [StepPredicateName, string]> = [
  ['warn', 'the step printed a kernel warning (WARN, WARN_ON, pr_warn_once …)'],
  ['error', 'the operation returned a negative errno'],
  ['leak', 'the step leaks memory (a hazard of kind leak)'],
  ['hazard', 'the step walks into any hazard (crash, leak, race, corruption, wrong result)'],
  ['expect', 'an expect line of the step failed'],
];

/** Parse `--until`; an E_USAGE error naming what is known when it is no predicate. */
export function parsePredicate(text: string): { ok: true; value: Predicate } | Failed {
  const hint = `predicates: ${STEP_PREDICATES.map(([n]) => n).join(', ')} (NAME:TEXT: only what mentions TEXT), invariant:NAME (${INVARIANTS.map((i) => i.name).join(', ')})`;
  if (text.startsWith('invariant:')) {
    const inv = invariantNamed(text.slice('invariant:'.length));
    if (!inv) return { ok: false, code: 'E_USAGE', message: `--until ${text}: no invariant '${text.slice('invariant:'.length)}'`, hint: 'memhp invariants lists them' };
    return { ok: true, value: { kind: 'state', name: text, invariant: inv } };
  }
  const colon = text.indexOf(':');
  const base = colon < 0 ? text : text.slice(0, colon);
  const needle = colon < 0 ? '' : text.slice(colon + 1);
  const name = STEP_PREDICATES.find(([n]) => n === base)?.[0];
  if (!name) return { ok: false, code: 'E_USAGE', message: `--until ${text}: not a predicate`, hint };
  if (colon >= 0 && !needle) return { ok: false, code: 'E_USAGE', message: `--until ${text}: nothing after ':'`, hint: `e.g. ${name}:F10 (only what mentions F10)` };
  const items = STEP_ITEMS[name];
  return { ok: true, value: { kind: 'step', name: text, test: (s) => items(s).filter((t) => t.includes(needle)).join('; ') } };
}

/** Why a state predicate is true in `state` (empty: false). */
export function stateViolations(p: StatePredicate, profile: Profile, state: KernelState): readonly InvariantViolation[] {
  return p.invariant.check(profile, state);
}

// --- internal ---

/** What makes each step predicate true at a step, one text per warning, hazard, failed expect … */
const STEP_ITEMS: Readonly<Record<StepPredicateName, (s: LogStep) => string[]>> = {
  warn: (s) => s.outcome.warnings.map((w) => (w.text ? `${w.kind} ${w.func}: ${w.text}` : `${w.kind} in ${w.func}`)),
  error: (s) => (s.outcome.ret !== null && s.outcome.ret < 0 ? [`returned ${formatRet(s.outcome.ret)}`] : []),
  leak: (s) => s.outcome.hazards.filter((h) => h.kind === 'leak').map((h) => `leak${h.bug ? ` ${h.bug}` : ''}: ${h.text}`),
  hazard: (s) => s.outcome.hazards.map((h) => `${h.kind}${h.bug ? ` ${h.bug}` : ''}: ${h.text}`),
  expect: (s) => s.expects.filter((e) => !e.ok).map((e) => `${e.text}: ${e.detail}`),
};
