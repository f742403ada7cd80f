/**
 * A step's compact changes applied to a state with many roots (more than SMALL_ROOTS: its roots in a
 * RootTable, model/states.ts) without a record of every root: applyChanges (apply_changes.ts) copies
 * `state.roots` whole, 4096 entries a step at 2^19 sections, which made a seek over a thinned log's
 * thousands of steps (log/checkpoint_budget.ts) take seconds. Here applyChanges sees only the roots
 * the step names, and the roots it returns go into the table (O(depth) each); the result is the
 * same state, kept as the model keeps it (a RootTable).
 */
import type { KernelState, MemRoot } from '../kernel/types.js';
import { walkChanges } from '../model/changes.js';
import type { Changes, ChangeVisitor } from '../model/changes.js';
import { largeTableOf, makeState } from '../model/states.js';
import { applyChanges } from './apply_changes.js';

/** The state after `changes` from `state`, through its root table when it has more than SMALL_ROOTS roots (else applyChanges). */
export function applyChangesTo(state: KernelState, changes: Changes, sectionsPerRoot: number): KernelState {
  if (changes.length === 0) return state;
  const table = largeTableOf(state);
  if (table === undefined) return applyChanges(state, changes, sectionsPerRoot);
  const named: Record<number, MemRoot> = {};
  const name = (r: number): void => {
    const root = table.get(r);
    if (root !== undefined) named[r] = root;
  };
  const visitor: ChangeVisitor = { root: noop, create: name, field: name, highest: noop, once: noop, device: noop };
  walkChanges(changes, visitor);
  const next = applyChanges({ roots: named, highestPresentSectionNr: state.highestPresentSectionNr, once: state.once, deviceRanges: state.deviceRanges }, changes, sectionsPerRoot);
  let t = table;
  if (next.roots !== named) {
    for (const key of Object.keys(next.roots)) {
      const r = Number(key);
      const root = next.roots[r] as MemRoot;
      if (root !== named[r]) t = t.set(r, root);
    }
  }
  return makeState(t, next.highestPresentSectionNr, next.once, next.deviceRanges);
}

function noop(): void {}
