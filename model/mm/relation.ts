/** Facts about a section the section machine's guards need, computed from kernel state. */
import { bitmapEmpty, bitmapEqual, bitmapFull, bitmapSubset } from '../../kernel/bitmap.js';
import type { BootRelation } from '../section_machine.js';
import type { Geometry } from '../../kernel/geometry.js';
import { SECTION_IS_EARLY } from '../../kernel/types.js';
import type { SectionDraft } from './context.js';

/** How `ms.subsectionMap` relates to its boot map: unchanged, only grown, or some boot bit gone. */
export function bootRelation(ms: SectionDraft): BootRelation {
  const boot = ms.bootMap;
  if (!boot) return 'trimmed';
  if (bitmapEqual(ms.subsectionMap, boot)) return 'boot';
  return bitmapSubset(boot, ms.subsectionMap) ? 'grown' : 'trimmed';
}

/** The facts every activate/deactivate event carries. */
export function mapFacts(g: Geometry, ms: SectionDraft): { full: boolean; empty: boolean; early: boolean; relation: BootRelation } {
  return {
    full: bitmapFull(ms.subsectionMap, g.SUBSECTIONS_PER_SECTION),
    empty: bitmapEmpty(ms.subsectionMap),
    early: (ms.flags & SECTION_IS_EARLY) !== 0,
    relation: bootRelation(ms),
  };
}
