import { bitmapZero } from './bitmap.js';
import type { Geometry } from './geometry.js';
import type { MemSection } from './types.js';

/** A section as a freshly allocated root holds it: all zero. */
export function zeroSection(g: Geometry, nr: number): MemSection {
  return {
    nr,
    flags: 0,
    map: 'zero',
    nid: 0,
    usage: 'none',
    subsectionMap: bitmapZero(g.SUBSECTIONS_PER_SECTION),
    bootMap: null,
    memmap: '.'.repeat(g.SUBSECTIONS_PER_SECTION),
    machine: 'absent.never',
  };
}
