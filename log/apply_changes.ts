/**
 * A step's compact changes (model/changes.ts) applied to a state directly, copy-on-write: the same
 * state applyPatches(state, toPatches(changes)) gives (test/log_blocks.property.test.ts), without
 * immer's drafts — a seek applies up to K - 1 steps, and immer took ~100 µs a step for that.
 * `state` is never modified; the new state shares every root, section and list it did not change.
 */
import type { KernelState, MemRoot, MemSection } from '../kernel/types.js';
import { walkChanges } from '../model/changes.js';
import type { Changes, DeviceRange } from '../model/changes.js';

/** The state after `changes` (a step's compact changes) from `state`. */
export function applyChanges(state: KernelState, changes: Changes, sectionsPerRoot: number): KernelState {
  if (changes.length === 0) return state;
  let roots: Record<number, MemRoot> | null = null;
  // Roots and sections copied by this call (written in place after their copy).
  const ownRoots = new Set<number>();
  const ownSections = new Set<MemSection>();
  let highest = state.highestPresentSectionNr;
  let once: Record<string, true> | null = null;
  let device: DeviceRange[] | null = null;
  const root = (r: number): Array<MemSection | null> => {
    roots ??= { ...state.roots };
    const have = roots[r];
    if (have === undefined) throw new RangeError(`applyChanges: root ${r} is NULL`);
    if (ownRoots.has(r)) return have.sections as Array<MemSection | null>;
    const copy = { sections: have.sections.slice() };
    roots[r] = copy;
    ownRoots.add(r);
    return copy.sections;
  };
  walkChanges(changes, {
    root: (r) => {
      roots ??= { ...state.roots };
      roots[r] = { sections: new Array<MemSection | null>(sectionsPerRoot).fill(null) };
      ownRoots.add(r);
    },
    create: (r, idx, ms) => {
      root(r)[idx] = ms;
    },
    field: (r, idx, f, now) => {
      const sections = root(r);
      const ms = sections[idx];
      if (ms === null || ms === undefined) throw new RangeError(`applyChanges: section ${idx} of root ${r} is NULL`);
      if (ownSections.has(ms)) (ms as unknown as Record<string, unknown>)[f] = now;
      else {
        const copy = { ...ms, [f]: now } as MemSection;
        ownSections.add(copy);
        sections[idx] = copy;
      }
    },
    highest: (now) => {
      highest = now;
    },
    once: (site) => {
      once ??= { ...state.once };
      once[site] = true;
    },
    device: (at, removed, inserted) => {
      const old: readonly DeviceRange[] = device ?? state.deviceRanges;
      device = old.slice(0, at).concat(inserted, old.slice(at + removed.length));
    },
  });
  return { roots: roots ?? state.roots, highestPresentSectionNr: highest, once: once ?? state.once, deviceRanges: device ?? state.deviceRanges };
}
