/**
 * The mapping from kernel state to section-machine state, read off the kernel fields alone: tests
 * pin that the machine, stepped by events, always agrees with it.
 *   !HAS_MEM_MAP: usage kept → absent.emptied-early; a word left by a full deactivation →
 *   absent.deactivated (ENCODED_NULL in v5.3 – v5.5; 0 from F4 (v5.6) and in v5.2, where a stored
 *   section with word 0 can only be a removed one — never-used sections are not stored); else
 *   absent.never.  A boot section (EARLY; in v5.2, which has no EARLY flag, a boot usage): by the
 *   live map against the boot map → early.boot / grown / trimmed.  Otherwise: every sub-section
 *   active → full-hotplug, else partial.
 */
import { bitmapEqual, bitmapFull, bitmapSubset } from './bitmap.js';
import type { Geometry } from './geometry.js';
import { has } from './profile.js';
import { SECTION_HAS_MEM_MAP, SECTION_IS_EARLY } from './types.js';
import type { MemSection, Profile, SectionStateValue } from './types.js';

/** The machine state a section's kernel fields imply (under profile `p`; v5.3 without one). */
export function classifySection(g: Geometry, ms: MemSection, p?: Profile): SectionStateValue {
  const v5_2 = p !== undefined && !has(p, 'SUBSECTION');
  if ((ms.flags & SECTION_HAS_MEM_MAP) === 0) {
    if (ms.usage !== 'none') return 'absent.emptied-early';
    const zeroWordMeansRemoved = p !== undefined && (v5_2 || has(p, 'F4'));
    return ms.map === 'encoded_null' || (zeroWordMeansRemoved && ms.map === 'zero') ? 'absent.deactivated' : 'absent.never';
  }
  if (v5_2 ? ms.usage === 'boot' : (ms.flags & SECTION_IS_EARLY) !== 0) {
    if (ms.bootMap && bitmapEqual(ms.subsectionMap, ms.bootMap)) return 'early.boot';
    if (ms.bootMap && bitmapSubset(ms.bootMap, ms.subsectionMap)) return 'early.grown';
    return 'early.trimmed';
  }
  return bitmapFull(ms.subsectionMap, g.SUBSECTIONS_PER_SECTION) ? 'full-hotplug' : 'partial';
}
