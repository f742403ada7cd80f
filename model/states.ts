/**
 * States the model builds: a plain KernelState whose `roots` is an enumerable accessor that builds
 * the plain record from the state's RootTable on first read (and keeps it), so a step costs
 * O(depth) in roots, not O(roots). rootTableOf gives the table of any state — the model's own, or
 * one immer, a file or a test built with a plain `roots` record (converted once, then kept).
 */
import type { KernelState, MemRoot } from '../kernel/types.js';
import { RootTable } from './root_table.js';

const TABLES = new WeakMap<KernelState, RootTable>();

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

/** The root table of `state`. */
export function rootTableOf(state: KernelState): RootTable {
  let t = TABLES.get(state);
  if (!t) {
    t = RootTable.fromRecord(state.roots);
    TABLES.set(state, t);
  }
  return t;
}
