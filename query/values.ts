/**
 * A section field's value as text, the same way everywhere a single value is printed (blame,
 * print): flags by name, bitmaps as the kernel's unsigned longs with their set bits, and the
 * user-facing field names (kernel names: `subsection_map`, not `subsectionMap`).
 */
import { bitRanges, bitmapBits, bitmapTest, bitmapToLongs } from '../kernel/bitmap.js';
import type { Bitmap } from '../kernel/bitmap.js';
import { SECTION_FIELDS } from '../model/changes.js';
import type { SectionField } from '../model/changes.js';
import type { MemSection } from '../kernel/types.js';
import { flagNames } from './diff.js';

/** The name a user gives for each section field (`--field`), in SECTION_FIELDS order. */
export const FIELD_NAMES: Readonly<Record<SectionField, string>> = {
  flags: 'flags',
  map: 'map',
  nid: 'nid',
  usage: 'usage',
  subsectionMap: 'subsection_map',
  bootMap: 'boot_map',
  memmap: 'memmap',
  machine: 'state',
};

/** Fields that hold bitmaps or bit words, so `--bit K` means something for them. */
export const BIT_FIELDS: readonly SectionField[] = ['subsectionMap', 'bootMap', 'flags'];

/** The section field a user's name stands for (`subsection_map` or `subsectionMap`, …), or undefined. */
export function sectionFieldOf(name: string): SectionField | undefined {
  for (const f of SECTION_FIELDS) if (FIELD_NAMES[f] === name || f === name) return f;
  return name === 'machine' ? 'machine' : undefined;
}

/** The value of one field of a section as text. */
export function fieldText(field: SectionField, ms: MemSection): string {
  switch (field) {
    case 'flags':
      return flagNames(ms.flags);
    case 'subsectionMap':
      return bitmapText(ms.subsectionMap);
    case 'bootMap':
      return ms.bootMap ? bitmapText(ms.bootMap) : 'none';
    case 'nid':
      return String(ms.nid);
    default:
      return String(ms[field]);
  }
}

/** Bit `bit` of a bitmap field (flags: bit `bit` of the flag word) as '1' or '0'. */
export function fieldBitText(field: SectionField, ms: MemSection, bit: number): string {
  if (field === 'flags') return (ms.flags >>> bit) & 1 ? '1' : '0';
  const map = field === 'bootMap' ? ms.bootMap : ms.subsectionMap;
  return map && bitmapTest(map, bit) ? '1' : '0';
}

/** A bitmap as kernel longs and its set bits: `0x00000000ffffffff [0-31]`. */
export function bitmapText(map: Bitmap): string {
  const bits = bitmapBits(map);
  return `${bitmapToLongs(map).join(' ')} [${bits.length ? bitRanges(bits) : 'none'}]`;
}
