/**
 * A step's changes in compact form — one flat array per step — and their expansion into immer
 * patches and inverse patches. A log keeps every step's changes, so they are stored at a few words
 * per change and expanded into immer Patch objects only when replayed, reversed or printed.
 *
 * Records, one after another in the array:
 *   ROOT r                          add mem_section root r (all sections NULL)
 *   CREATE r idx section            section r:idx created (was NULL)
 *   FIELD r idx field new old       one field of section r:idx replaced
 *   HIGHEST new old                 __highest_present_section_nr replaced
 *   ONCE site                       a once-only call site fired
 *   DEVICE i removed inserted       ZONE_DEVICE ranges spliced at index i: `removed` there replaced by
 *                                   `inserted` (one immer patch per range, so a step stores what it changed)
 */
import type { Patch } from 'immer';
import type { MemSection } from '../kernel/types.js';

/** A ZONE_DEVICE range: [start, end) pfns. */
export type DeviceRange = readonly [number, number];

/** Fields of a section that a FIELD record can name, by index. */
export const SECTION_FIELDS = ['flags', 'map', 'nid', 'usage', 'subsectionMap', 'bootMap', 'memmap', 'machine'] as const;

/** A section field name. */
export type SectionField = (typeof SECTION_FIELDS)[number];

/** Record tags. */
export const ROOT = 0;
export const CREATE = 1;
export const FIELD = 2;
export const HIGHEST = 3;
export const ONCE = 4;
export const DEVICE = 5;

/** The compact changes of one step (see the file header). */
export type Changes = readonly unknown[];

/** A step's compact changes with their immer patches, expanded on each access (never cached, so a log stays small). */
export class ChangeSet {
  constructor(
    /** The compact form (see the file header). */
    readonly changes: Changes,
    private readonly sectionsPerRoot: number,
  ) {}

  /** Immer patches from the previous state to this step's. */
  get patches(): Patch[] {
    return toPatches(this.changes, this.sectionsPerRoot);
  }

  /** Immer patches from this step's state back to the previous one. */
  get inversePatches(): Patch[] {
    return toInversePatches(this.changes);
  }
}

/** The immer patches that apply `changes` (step N-1 → N). */
export function toPatches(changes: Changes, sectionsPerRoot: number): Patch[] {
  const out: Patch[] = [];
  walkChanges(changes, {
    root: (r) => out.push({ op: 'add', path: ['roots', rootKey(r)], value: { sections: new Array<null>(sectionsPerRoot).fill(null) } }),
    create: (r, idx, ms) => out.push({ op: 'replace', path: ['roots', rootKey(r), 'sections', idx], value: ms }),
    field: (r, idx, f, now) => out.push({ op: 'replace', path: ['roots', rootKey(r), 'sections', idx, f], value: now }),
    highest: (now) => out.push({ op: 'replace', path: ['highestPresentSectionNr'], value: now }),
    once: (site) => out.push({ op: 'add', path: ['once', site], value: true }),
    device: (i, removed, inserted) => {
      const common = Math.min(removed.length, inserted.length);
      for (let j = 0; j < common; j++) out.push({ op: 'replace', path: ['deviceRanges', i + j], value: inserted[j] });
      for (let j = common; j < inserted.length; j++) out.push({ op: 'add', path: ['deviceRanges', i + j], value: inserted[j] });
      for (let j = common; j < removed.length; j++) out.push({ op: 'remove', path: ['deviceRanges', i + common] });
    },
  });
  return out;
}

/** The immer patches that undo `changes` (step N → N-1), in reverse order. */
export function toInversePatches(changes: Changes): Patch[] {
  const out: Patch[] = [];
  walkChanges(changes, {
    root: (r) => out.push({ op: 'remove', path: ['roots', rootKey(r)] }),
    create: (r, idx) => out.push({ op: 'replace', path: ['roots', rootKey(r), 'sections', idx], value: null }),
    field: (r, idx, f, _now, old) => out.push({ op: 'replace', path: ['roots', rootKey(r), 'sections', idx, f], value: old }),
    highest: (_now, old) => out.push({ op: 'replace', path: ['highestPresentSectionNr'], value: old }),
    once: (site) => out.push({ op: 'remove', path: ['once', site] }),
    // Pushed in the forward patches' order, then reversed with the rest: each undoes its forward patch.
    device: (i, removed, inserted) => {
      const common = Math.min(removed.length, inserted.length);
      for (let j = 0; j < common; j++) out.push({ op: 'replace', path: ['deviceRanges', i + j], value: removed[j] });
      for (let j = common; j < inserted.length; j++) out.push({ op: 'remove', path: ['deviceRanges', i + j] });
      for (let j = common; j < removed.length; j++) out.push({ op: 'add', path: ['deviceRanges', i + common], value: removed[j] });
    },
  });
  return out.reverse();
}

// --- internal ---

/** What a walk over compact changes calls, one method per record kind (see the file header). */
export interface ChangeVisitor {
  root(r: number): void;
  create(r: number, idx: number, ms: MemSection): void;
  field(r: number, idx: number, f: SectionField, now: unknown, old: unknown): void;
  highest(now: number, old: number): void;
  once(site: string): void;
  device(i: number, removed: readonly DeviceRange[], inserted: readonly DeviceRange[]): void;
}

/** Call `v` for each record of `c`, in order. */
export function walkChanges(c: Changes, v: ChangeVisitor): void {
  let i = 0;
  while (i < c.length) {
    switch (c[i]) {
      case ROOT:
        v.root(c[i + 1] as number);
        i += 2;
        break;
      case CREATE:
        v.create(c[i + 1] as number, c[i + 2] as number, c[i + 3] as MemSection);
        i += 4;
        break;
      case FIELD:
        v.field(c[i + 1] as number, c[i + 2] as number, SECTION_FIELDS[c[i + 3] as number] as SectionField, c[i + 4], c[i + 5]);
        i += 6;
        break;
      case HIGHEST:
        v.highest(c[i + 1] as number, c[i + 2] as number);
        i += 3;
        break;
      case ONCE:
        v.once(c[i + 1] as string);
        i += 2;
        break;
      case DEVICE:
        v.device(c[i + 1] as number, c[i + 2] as readonly DeviceRange[], c[i + 3] as readonly DeviceRange[]);
        i += 4;
        break;
      default:
        throw new Error(`corrupt change record at ${i}: tag ${String(c[i])}`);
    }
  }
}

const rootKeys: string[] = [];

/** The root number as the patch path's object key, one shared string per root. */
function rootKey(r: number): string {
  return (rootKeys[r] ??= String(r));
}

/** The splice that turns `old` into `now` (ranges compared by value): the common head and tail are left out. */
export function deviceSplice(old: readonly DeviceRange[], now: readonly DeviceRange[]): { i: number; removed: DeviceRange[]; inserted: DeviceRange[] } {
  const same = (a: DeviceRange | undefined, b: DeviceRange | undefined): boolean => a !== undefined && b !== undefined && a[0] === b[0] && a[1] === b[1];
  let head = 0;
  while (head < old.length && head < now.length && same(old[head], now[head])) head++;
  let tail = 0;
  while (tail < old.length - head && tail < now.length - head && same(old[old.length - 1 - tail], now[now.length - 1 - tail])) tail++;
  return { i: head, removed: old.slice(head, old.length - tail), inserted: now.slice(head, now.length - tail) };
}
