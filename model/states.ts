/**
 * States the model builds. With at most SMALL_ROOTS roots (every workload but one spread over the
 * address space) a state is plain data, its `roots` a plain record copied per step as before
 * (cheap at that size). Past it, `roots` is an enumerable accessor that builds the plain record
 * from the state's RootTable on first read (and keeps it), so a step costs O(depth) in roots,
 * not O(roots). rootOf / forEachRoot read either kind without building the record.
 */
import type { KernelState, MemRoot } from '../kernel/types.js';
import { RootTable } from './root_table.js';

const TABLES = new WeakMap<KernelState, RootTable>();

/** States with more roots than this keep them in a RootTable. */
export const SMALL_ROOTS = 64;

/** A state over root table `table` (the other fields as given). */
export function makeState(table: RootTable, highestPresentSectionNr: number, once: KernelState['once'], deviceRanges: KernelState['deviceRanges']): KernelState {
  let record: Record<number, MemRoot> | undefined;
  const state = {} as { -readonly [K in keyof KernelState]: KernelState[K] };
  Object.defineProperty(state, 'roots', { enumerable: true, configurable: true, get: () => (record ??= table.toRecord()) });
  state.highestPresentSectionNr = highestPresentSectionNr;
  state.once = once;
  state.deviceRanges = deviceRanges;
  TABLES.set(state, table);
  return state;
}

/** Root `r` of `state` (undefined: NULL), from its table when it has one. */
export function rootOf(state: KernelState, r: number): MemRoot | undefined {
  const t = TABLES.get(state);
  return t ? t.get(r) : state.roots[r];
}

/** Every root of `state` with its number, ascending. */
export function forEachRoot(state: KernelState, f: (root: MemRoot, r: number) => void): void {
  const t = TABLES.get(state);
  if (t) return t.forEach(f);
  const roots = state.roots;
  for (const r of Object.keys(roots).map(Number).sort((a, b) => a - b)) {
    const root = roots[r];
    if (root) f(root, r);
  }
}

/** The table of a state that has one (more than SMALL_ROOTS roots), else undefined. */
export function tableOf(state: KernelState): RootTable | undefined {
  return TABLES.get(state);
}

/** Number of roots of a plain record, counted up to `limit` + 1 at most. */
export function countRoots(roots: KernelState['roots'], limit: number): number {
  let n = 0;
  for (const _ in roots) if (++n > limit) break;
  return n;
}

/** The root table of `state` (built from a plain record and kept, when it has none). */
export function rootTableOf(state: KernelState): RootTable {
  let t = TABLES.get(state);
  if (!t) {
    t = RootTable.fromRecord(state.roots);
    TABLES.set(state, t);
  }
  return t;
}

/** The root table of a state with more than SMALL_ROOTS roots (its own, or built from its plain record and kept), else undefined: such states are read and written through it. */
export function largeTableOf(state: KernelState): RootTable | undefined {
  return tableOf(state) ?? (countRoots(state.roots, SMALL_ROOTS) > SMALL_ROOTS ? rootTableOf(state) : undefined);
}
