/**
 * A step's compact changes (model/changes.ts) applied to a state directly, copy-on-write: the same
 * state applyPatches(state, toPatches(changes)) gives (test/apply_changes.property.test.ts), without
 * immer's drafts — a seek applies up to K - 1 steps, and immer took ~100 µs a step for that.
 * `state` is never modified; the new state shares every root, section and list it did not change.
 */
import type { KernelState, MemRoot, MemSection } from '../kernel/types.js';
import { CREATE, DEVICE, FIELD, HIGHEST, ONCE, ROOT, SECTION_FIELDS } from '../model/changes.js';
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
  const c = changes;
  let i = 0;
  while (i < c.length) {
    switch (c[i]) {
      case ROOT: {
        roots ??= { ...state.roots };
        const r = c[i + 1] as number;
        roots[r] = { sections: new Array<MemSection | null>(sectionsPerRoot).fill(null) };
        ownRoots.add(r);
        i += 2;
        break;
      }
      case CREATE:
        root(c[i + 1] as number)[c[i + 2] as number] = c[i + 3] as MemSection;
        i += 4;
        break;
      case FIELD: {
        const sections = root(c[i + 1] as number);
        const idx = c[i + 2] as number;
        const ms = sections[idx];
        if (ms === null || ms === undefined) throw new RangeError(`applyChanges: section ${String(c[i + 2])} of root ${String(c[i + 1])} is NULL`);
        const field = SECTION_FIELDS[c[i + 3] as number] as string;
        if (ownSections.has(ms)) (ms as unknown as Record<string, unknown>)[field] = c[i + 4];
        else {
          const copy = { ...ms, [field]: c[i + 4] } as MemSection;
          ownSections.add(copy);
          sections[idx] = copy;
        }
        i += 6;
        break;
      }
      case HIGHEST:
        highest = c[i + 1] as number;
        i += 3;
        break;
      case ONCE:
        once ??= { ...state.once };
        once[c[i + 1] as string] = true;
        i += 2;
        break;
      case DEVICE: {
        const at = c[i + 1] as number;
        const removed = c[i + 2] as readonly DeviceRange[];
        const inserted = c[i + 3] as readonly DeviceRange[];
        const old: readonly DeviceRange[] = device ?? state.deviceRanges;
        device = old.slice(0, at).concat(inserted, old.slice(at + removed.length));
        i += 4;
        break;
      }
      default:
        throw new Error(`corrupt change record at ${i}: tag ${String(c[i])}`);
    }
  }
  return { roots: roots ?? state.roots, highestPresentSectionNr: highest, once: once ?? state.once, deviceRanges: device ?? state.deviceRanges };
}
