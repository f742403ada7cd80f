/**
 * Named invariants over the whole kernel state: facts that hold in a correct kernel after every
 * hotplug operation, each with a one-line doc and the kernel source it comes from. A bug the model
 * reproduces (F5, F10, F14 …) can break one; `memhp bisect --until invariant:NAME` finds where.
 * Checks read the state only (and the profile, for what the kernel keeps under its config).
 */
import { bitRanges, bitmapBits, bitmapEmpty } from '../kernel/bitmap.js';
import { listSections } from './model.js';
import { has as hasChange, tracksSubsections } from '../kernel/profile.js';
import { SECTION_HAS_MEM_MAP, SECTION_IS_EARLY, SECTION_IS_ONLINE, SECTION_MARKED_PRESENT } from '../kernel/types.js';
import type { KernelState, MemSection, Profile } from '../kernel/types.js';

/** One place an invariant does not hold. */
export interface InvariantViolation {
  /** The offending section, or null for a state-wide fact. */
  readonly section: number | null;
  readonly text: string;
}

/** The state-wide facts a section's check may read beside the section. */
export type SectionContext = Pick<KernelState, 'highestPresentSectionNr'>;

/**
 * A named check over the whole state, made of one check per section: a section breaks it only
 * through its own fields and __highest_present_section_nr (which only grows, so it can only
 * repair), so a step can break it only in the sections the step wrote.
 */
export interface Invariant {
  readonly name: string;
  /** What holds, in one line. */
  readonly doc: string;
  /** Where the kernel makes it hold (function, file, version). */
  readonly source: string;
  /** What is wrong with section `ms` ('' when it is fine). */
  readonly checkSection: (p: Profile, ms: MemSection, ctx: SectionContext) => string;
  /** Every violation in `state` (empty when the invariant holds). */
  readonly check: (p: Profile, state: KernelState) => readonly InvariantViolation[];
}

/** The invariants memhp knows, by name. */
export const INVARIANTS: readonly Invariant[] = [
  perSection(
    'present-empty-map',
    'a valid section (PRESENT|HAS_MEM_MAP) with a usage has at least one active sub-section in its subsection_map',
    'section_deactivate() in mm/sparse.c (v5.3): an emptied subsection_map resets section_mem_map, clearing every flag',
    (p, ms) => tracksSubsections(p) && has(ms, SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP) && ms.usage !== 'none' && bitmapEmpty(ms.subsectionMap) ? 'marked present with an empty subsection_map' : '',
  ),
  perSection(
    'hotadd-usage-missing',
    'a hot-added (not EARLY) valid section has its ms->usage',
    'section_activate() in mm/sparse.c (v5.3): ms->usage is allocated before sparse_add_section() sets HAS_MEM_MAP; pfn_section_valid() dereferences it',
    (_p, ms) => (ms.flags & SECTION_HAS_MEM_MAP) !== 0 && (ms.flags & SECTION_IS_EARLY) === 0 && ms.usage === 'none' ? 'hot-added section is valid but its usage is missing' : '',
  ),
  perSection(
    'early-lost-boot-memmap',
    'a section that lost SECTION_IS_EARLY owns no boot memmap any more',
    'section_deactivate() in mm/sparse.c: an early section that empties frees its boot memmap with free_map_bootmem() as its word is reset',
    (_p, ms) => ms.bootMap !== null && (ms.flags & SECTION_IS_EARLY) === 0 && /[BbM]/.test(ms.memmap) ? `lost EARLY but still owns boot memmap (${ms.memmap})` : '',
  ),
  perSection(
    'active-subsection-memmap',
    'every active sub-section of a valid section is backed by a usable memmap (not unmapped, not 0xFD-filled)',
    'section_activate() / populate_section_memmap() in mm/sparse.c; broken by the partial boot-memmap teardown of section_deactivate() (F10, fixed in v5.9 by ef69bc9f689d)',
    (p, ms) => {
      if (!p.config.SPARSEMEM_VMEMMAP || !tracksSubsections(p) || (ms.flags & SECTION_HAS_MEM_MAP) === 0) return '';
      const bad = bitmapBits(ms.subsectionMap).filter((b) => b < ms.memmap.length && (ms.memmap[b] === '.' || ms.memmap[b] === 'F'));
      return bad.length ? `active sub-section(s) ${bitRanges(bad)} without a usable memmap (${ms.memmap})` : '';
    },
  ),
  perSection(
    'section-map-vmemmap',
    'a valid section\'s section_mem_map decodes to its memmap (the vmemmap base, or its own array without VMEMMAP)',
    'sparse_add_section() in mm/sparse.c: sparse_init_one_section(ms, nr, memmap, …); broken by the pfn_to_kaddr() realignment of a sub-section add (F5, fixed in v5.7)',
    (_p, ms) => (ms.flags & SECTION_HAS_MEM_MAP) !== 0 && ms.map !== 'vmemmap' && ms.map !== 'memmap_array' ? `section_mem_map holds ${ms.map}` : '',
  ),
  perSection(
    'online-valid',
    'an ONLINE section is present',
    'online_mem_sections() in mm/sparse.c sets SECTION_IS_ONLINE only on valid sections; memory_present() sets it with PRESENT (7.3 checks nothing: ONLINE_UNCHECKED)',
    (p, ms) => !hasChange(p, 'ONLINE_UNCHECKED') && (ms.flags & SECTION_IS_ONLINE) !== 0 && (ms.flags & SECTION_MARKED_PRESENT) === 0 ? 'ONLINE but not PRESENT' : '',
  ),
  perSection(
    'highest-present',
    '__highest_present_section_nr is at least the number of every present section',
    'section_mark_present() in mm/sparse.c; for_each_present_section_nr() stops at __highest_present_section_nr',
    (_p, ms, ctx) => ((ms.flags & SECTION_MARKED_PRESENT) !== 0 && ms.nr > ctx.highestPresentSectionNr ? `present above __highest_present_section_nr ${ctx.highestPresentSectionNr}` : ''),
  ),
];

/** The invariant called `name`, or undefined. */
export function invariantNamed(name: string): Invariant | undefined {
  return INVARIANTS.find((i) => i.name === name);
}

// --- internal ---

function has(ms: MemSection, bits: number): boolean {
  return (ms.flags & bits) === bits;
}

/** An invariant checked section by section: `bad` returns '' when the section is fine. */
function perSection(name: string, doc: string, source: string, bad: (p: Profile, ms: MemSection, ctx: SectionContext) => string): Invariant {
  return {
    name,
    doc,
    source,
    checkSection: bad,
    check: (p, state) => {
      const out: InvariantViolation[] = [];
      for (const ms of listSections(state)) {
        const text = bad(p, ms, state);
        if (text) out.push({ section: ms.nr, text });
      }
      return out;
    },
  };
}
