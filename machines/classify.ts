/**
 * The mapping from kernel state to section-machine state, read off the kernel fields alone
 * (v5.3): tests pin that the machine, stepped by events, always agrees with it.
 *   !HAS_MEM_MAP: usage kept → absent.emptied-early; word ENCODED_NULL → absent.deactivated;
 *   else absent.never.  EARLY: by the live map against the boot map → early.boot / grown / trimmed.
 *   Otherwise: every sub-section active → full-hotplug, else partial.
 */
import { bitmapEqual, bitmapFull, bitmapSubset } from './bitmap.js';
import type { Geometry } from './geometry.js';
import { SECTION_HAS_MEM_MAP, SECTION_IS_EARLY } from './types.js';
import type { MemSection, SectionStateValue } from './types.js';

/** The machine state a section's kernel fields imply. */
export function classifySection(g: Geometry, ms: MemSection): SectionStateValue {
  if ((ms.flags & SECTION_HAS_MEM_MAP) === 0) {
    if (ms.usage !== 'none') return 'absent.emptied-early';
    return ms.map === 'encoded_null' ? 'absent.deactivated' : 'absent.never';
  }
  if (ms.flags & SECTION_IS_EARLY) {
    if (ms.bootMap && bitmapEqual(ms.subsectionMap, ms.bootMap)) return 'early.boot';
    if (ms.bootMap && bitmapSubset(ms.bootMap, ms.subsectionMap)) return 'early.grown';
    return 'early.trimmed';
  }
  return bitmapFull(ms.subsectionMap, g.SUBSECTIONS_PER_SECTION) ? 'full-hotplug' : 'partial';
}
