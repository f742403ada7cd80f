/**
 * diff(a, b): what differs between two states, per section (machine state, flag bits set and
 * cleared, subsection_map bits set and cleared, usage, memmap, map word kind, nid, boot map) plus
 * the non-section state. A section missing from a state is the all-zero section.
 */
import { bitmapBits, bitmapAndNot, bitmapEqual, bitmapToLongs } from '../kernel/bitmap.js';
import { listSections } from '../model/model.js';
import { zeroSection } from '../kernel/zero_section.js';
import type { Geometry } from '../kernel/geometry.js';
import { SECTION_FLAG_NAMES } from '../kernel/types.js';
import type { KernelState, MemSection } from '../kernel/types.js';
import type { SectionDiff, StateDiff } from '../log/types.js';

/** The differences between state `a` (at step `from`) and state `b` (at step `to`). */
export function diffStates(g: Geometry, a: KernelState, b: KernelState, from: number, to: number): StateDiff {
  const left = new Map(listSections(a).map((s) => [s.nr, s]));
  const right = new Map(listSections(b).map((s) => [s.nr, s]));
  const nrs = [...new Set([...left.keys(), ...right.keys()])].sort((x, y) => x - y);
  const sections: SectionDiff[] = [];
  for (const nr of nrs) {
    const d = diffSection(left.get(nr) ?? zeroSection(g, nr), right.get(nr) ?? zeroSection(g, nr));
    if (d) sections.push(d);
  }
  const globals: Array<readonly [string, string, string]> = [];
  if (a.highestPresentSectionNr !== b.highestPresentSectionNr) {
    globals.push(['__highest_present_section_nr', String(a.highestPresentSectionNr), String(b.highestPresentSectionNr)]);
  }
  const onceA = Object.keys(a.once).sort().join(', ');
  const onceB = Object.keys(b.once).sort().join(', ');
  if (onceA !== onceB) globals.push(['once-fired call sites', onceA || '-', onceB || '-']);
  const devA = a.deviceRanges.map(([s, e]) => `0x${s.toString(16)}-0x${(e - 1).toString(16)}`).join(',');
  const devB = b.deviceRanges.map(([s, e]) => `0x${s.toString(16)}-0x${(e - 1).toString(16)}`).join(',');
  if (devA !== devB) globals.push(['ZONE_DEVICE pfn ranges', devA || '-', devB || '-']);
  const rootsA = Object.keys(a.roots).sort().join(',');
  const rootsB = Object.keys(b.roots).sort().join(',');
  if (rootsA !== rootsB) globals.push(['mem_section roots', rootsA || '-', rootsB || '-']);
  return { from, to, sections, globals };
}

/** True when the diff reports nothing. */
export function isEmptyDiff(d: StateDiff): boolean {
  return d.sections.length === 0 && d.globals.length === 0;
}

/** Flag names of a flags word (kernel/section_word.ts), for the store's readers. */
export { flagNames } from '../kernel/section_word.js';

// --- internal ---

function diffSection(a: MemSection, b: MemSection): SectionDiff | null {
  const fields: Array<readonly [string, string, string]> = [];
  const cmp = (name: string, x: string, y: string): void => {
    if (x !== y) fields.push([name, x, y]);
  };
  cmp('map', a.map, b.map);
  cmp('usage', a.usage, b.usage);
  cmp('nid', String(a.nid), String(b.nid));
  cmp('memmap', a.memmap, b.memmap);
  cmp('bootMap', a.bootMap ? bitmapToLongs(a.bootMap).join(',') : 'none', b.bootMap ? bitmapToLongs(b.bootMap).join(',') : 'none');
  const flagsSet = SECTION_FLAG_NAMES.filter(([, bit]) => !(a.flags & bit) && b.flags & bit).map(([n]) => n);
  const flagsCleared = SECTION_FLAG_NAMES.filter(([, bit]) => a.flags & bit && !(b.flags & bit)).map(([n]) => n);
  const sameMap = bitmapEqual(a.subsectionMap, b.subsectionMap);
  const bitsSet = sameMap ? [] : bitmapBits(bitmapAndNot(b.subsectionMap, a.subsectionMap));
  const bitsCleared = sameMap ? [] : bitmapBits(bitmapAndNot(a.subsectionMap, b.subsectionMap));
  if (a.machine === b.machine && !fields.length && !flagsSet.length && !flagsCleared.length && !bitsSet.length && !bitsCleared.length) {
    return null;
  }
  return { nr: a.nr, state: [a.machine, b.machine], flagsSet, flagsCleared, bitsSet, bitsCleared, fields };
}
