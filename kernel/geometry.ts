/**
 * Sparse-memory geometry as data. Rules: include/linux/mmzone.h (SUBSECTION_SHIFT, PFN_SECTION_SHIFT,
 * SUBSECTIONS_PER_SECTION, SECTIONS_PER_ROOT), include/linux/page-flags-layout.h (SECTIONS_SHIFT),
 * arch/x86/include/asm/sparsemem.h (SECTION_SIZE_BITS 27, MAX_PHYSMEM_BITS 46) — v5.3 and 6.1;
 * arch/arm64, arch/powerpc and arch/s390 asm/sparsemem.h for the other rows (kernel-semantics.md §1.2).
 *
 * Only the base row is typed in; every derived constant is computed, so another architecture is one
 * more row. All arithmetic is done with division and multiplication, never with JavaScript's 32-bit
 * bit operators: pfns above 2^31 are ordinary on a 46-bit physical address space.
 *
 * Known simplification: the vmemmap rules of model/mm/ are x86_64's (vmemmap_populate maps
 * one section's memmap with a PMD when PSE is set, remove_pmd_table 0xFD-fills partly freed PMDs).
 * The arm64, ppc64 and s390 rows reuse them unchanged; only the sparse-memory geometry (section and
 * sub-section sizes, maps, roots) differs per row.
 */
import { parseVersion, type KernelVersion } from './versions.js';


/** The typed-in constants of one architecture configuration. */
export interface GeometryRow {
  /** Profile name, e.g. `x86_64`. */
  readonly name: string;
  readonly PAGE_SHIFT: number;
  readonly SECTION_SIZE_BITS: number;
  /** 21 on every architecture (2 MiB sub-sections), include/linux/mmzone.h. */
  readonly SUBSECTION_SHIFT: number;
  readonly MAX_PHYSMEM_BITS: number;
  /** CONFIG_SPARSEMEM_EXTREME: sections are grouped in separately allocated roots. */
  readonly SPARSEMEM_EXTREME: boolean;
  /** sizeof(struct mem_section): 16, or 32 with CONFIG_PAGE_EXTENSION (Debian amd64). */
  readonly MEM_SECTION_BYTES: number;
  /** sizeof(struct page) on production 64-bit configs. */
  readonly STRUCT_PAGE_BYTES: number;
  /** x86_64 only: page-table levels the kernel runs with (4, or 5 with LA57), which set MAX_PHYSMEM_BITS. */
  readonly PAGING_LEVELS?: 4 | 5;
}

/** A row plus every constant the kernel derives from it. */
export interface Geometry extends GeometryRow {
  readonly PAGE_SIZE: number;
  readonly PFN_SECTION_SHIFT: number;
  readonly PAGES_PER_SECTION: number;
  readonly PFN_SUBSECTION_SHIFT: number;
  readonly PAGES_PER_SUBSECTION: number;
  readonly SUBSECTIONS_PER_SECTION: number;
  /** Number of 32-bit words memhp uses to hold one subsection_map. */
  readonly MAP_WORDS: number;
  /** Number of `unsigned long`s the kernel uses for one subsection_map (64-bit longs). */
  readonly MAP_LONGS: number;
  readonly SECTION_BYTES: number;
  readonly SUBSECTION_BYTES: number;
  readonly SECTIONS_SHIFT: number;
  readonly NR_MEM_SECTIONS: number;
  readonly SECTIONS_PER_ROOT: number;
  readonly NR_SECTION_ROOTS: number;
  /** One past the highest pfn addressable under MAX_PHYSMEM_BITS. */
  readonly MAX_PFN: number;
  /** Bytes of struct page backing one section (the vmemmap PMD size test in x86 vmemmap_populate). */
  readonly SECTION_MEMMAP_BYTES: number;
}

/**
 * x86_64 with 4-level paging, 4K pages, Debian's config (CONFIG_PAGE_EXTENSION=y → 32-byte
 * mem_section): MAX_PHYSMEM_BITS 46, vmemmap_base 0xffffea0000000000 (arch/x86/include/asm/
 * sparsemem.h, pgtable_64_types.h __VMEMMAP_BASE_L4; 5.10.223 and every later release).
 */
export const X86_64: GeometryRow = {
  name: 'x86_64',
  PAGE_SHIFT: 12,
  SECTION_SIZE_BITS: 27,
  SUBSECTION_SHIFT: 21,
  MAX_PHYSMEM_BITS: 46,
  SPARSEMEM_EXTREME: true,
  MEM_SECTION_BYTES: 32,
  STRUCT_PAGE_BYTES: 64,
  PAGING_LEVELS: 4,
};

/**
 * x86_64 with 5-level paging (CONFIG_X86_5LEVEL=y booted on a CPU with LA57): MAX_PHYSMEM_BITS is
 * `pgtable_l5_enabled() ? 52 : 46`, a run-time choice (arch/x86/include/asm/sparsemem.h, 6.1 – 7.3),
 * vmemmap_base 0xffd4000000000000 (__VMEMMAP_BASE_L5). NR_MEM_SECTIONS 2^25, NR_SECTION_ROOTS 2^18.
 */
export const X86_64_5LEVEL: GeometryRow = { ...X86_64, MAX_PHYSMEM_BITS: 52, PAGING_LEVELS: 5 };

/** The vmemmap_base of x86_64 without KASLR, by paging levels (what a trace's `vmb=` shows under nokaslr). */
export const X86_64_VMEMMAP_BASE: Readonly<Record<4 | 5, bigint>> = { 4: 0xffffea0000000000n, 5: 0xffd4000000000000n };

/**
 * The paging levels a recorded vmemmap_base implies: every 4-level kernel address is at or above
 * 0xffff800000000000 (the upper canonical half of 48-bit addresses), and 5-level's vmemmap_base
 * (0xffd4000000000000, or a KASLR address in the 57-bit half) is below it.
 */
export function pagingOfVmemmapBase(vmemmapBase: bigint): 4 | 5 {
  return vmemmapBase >= 0xffff800000000000n ? 4 : 5;
}

/*
 * The other architectures. Choices where the kernel leaves a config option (all [unverified] for
 * the distributions' exact configs unless kernel-semantics.md §1.2 says otherwise):
 * - MEM_SECTION_BYTES 32 (CONFIG_PAGE_EXTENSION=y) on every row, as on Debian amd64 [verified for
 *   amd64 only]: Debian's shared config enables PAGE_OWNER, which selects PAGE_EXTENSION, for its
 *   other architectures too [unverified]. SECTIONS_PER_ROOT is then PAGE_SIZE / 32, the "with
 *   page_ext" column of §1.2; a config without page_ext is the same row with MEM_SECTION_BYTES 16.
 * - arm64 MAX_PHYSMEM_BITS 48 (CONFIG_ARM64_PA_BITS=48, the default; 52 needs PA_BITS_52/LPA2).
 * - ppc64 book3s MAX_PHYSMEM_BITS 51 (VMEMMAP + EXTREME: the larger of the hash and radix values).
 * - s390 MAX_PHYSMEM_BITS 46 (the CONFIG_MAX_PHYSMEM_BITS Kconfig default).
 * - SPARSEMEM_EXTREME is y everywhere (mm/Kconfig: default with SPARSEMEM unless SPARSEMEM_STATIC).
 * - struct page is 64 bytes everywhere.
 */
const base = { SUBSECTION_SHIFT: 21, SPARSEMEM_EXTREME: true, MEM_SECTION_BYTES: 32, STRUCT_PAGE_BYTES: 64 } as const;

/** arm64 4K pages before v5.12: SECTION_SIZE_BITS 30 (1 GiB sections, 512 sub-sections). */
export const ARM64_4K_V5_3: GeometryRow = { ...base, name: 'arm64-4k', PAGE_SHIFT: 12, SECTION_SIZE_BITS: 30, MAX_PHYSMEM_BITS: 48 };
/** arm64 4K pages from v5.12 ("arm64/sparsemem: reduce SECTION_SIZE_BITS"): 27 (128 MiB, 64 sub-sections). */
export const ARM64_4K: GeometryRow = { ...ARM64_4K_V5_3, SECTION_SIZE_BITS: 27 };
/** arm64 16K pages before v5.12: SECTION_SIZE_BITS 30. */
export const ARM64_16K_V5_3: GeometryRow = { ...base, name: 'arm64-16k', PAGE_SHIFT: 14, SECTION_SIZE_BITS: 30, MAX_PHYSMEM_BITS: 48 };
/** arm64 16K pages from v5.12: SECTION_SIZE_BITS 27. */
export const ARM64_16K: GeometryRow = { ...ARM64_16K_V5_3, SECTION_SIZE_BITS: 27 };
/** arm64 64K pages before v5.12: SECTION_SIZE_BITS 30. */
export const ARM64_64K_V5_3: GeometryRow = { ...base, name: 'arm64-64k', PAGE_SHIFT: 16, SECTION_SIZE_BITS: 30, MAX_PHYSMEM_BITS: 48 };
/** arm64 64K pages from v5.12: SECTION_SIZE_BITS 29 (512 MiB, 256 sub-sections). */
export const ARM64_64K: GeometryRow = { ...ARM64_64K_V5_3, SECTION_SIZE_BITS: 29 };
/** ppc64 book3s, 64K pages: SECTION_SIZE_BITS 24 (16 MiB sections, 8 sub-sections). */
export const PPC64_64K: GeometryRow = { ...base, name: 'ppc64-64k', PAGE_SHIFT: 16, SECTION_SIZE_BITS: 24, MAX_PHYSMEM_BITS: 51 };
/** ppc64 book3s, 4K pages: SECTION_SIZE_BITS 24. */
export const PPC64_4K: GeometryRow = { ...base, name: 'ppc64-4k', PAGE_SHIFT: 12, SECTION_SIZE_BITS: 24, MAX_PHYSMEM_BITS: 51 };
/** s390 through 6.12: SECTION_SIZE_BITS 28 (256 MiB sections, 128 sub-sections). */
export const S390_V5_3: GeometryRow = { ...base, name: 's390', PAGE_SHIFT: 12, SECTION_SIZE_BITS: 28, MAX_PHYSMEM_BITS: 46 };
/** s390 by 7.3 (arch/s390/include/asm/sparsemem.h @7.3.4; 28 @6.12.95; the first release between is unverified): SECTION_SIZE_BITS 27 (128 MiB). */
export const S390: GeometryRow = { ...S390_V5_3, SECTION_SIZE_BITS: 27 };

/** One era of an architecture: the row in effect from mainline release `since` on. */
export interface ArchEra {
  /** First mainline release with this row (`5.2` for the oldest memhp models; `7.3` for a change first seen in 7.3). */
  readonly since: string;
  readonly row: GeometryRow;
}

/**
 * Every architecture memhp models, each as its eras, oldest first. An era starts at a mainline
 * release; stable releases follow their mainline series (none of these changes was backported).
 */
export const ARCH_ERAS: Readonly<Record<string, readonly ArchEra[]>> = {
  x86_64: [{ since: '5.2', row: X86_64 }],
  'arm64-4k': [
    { since: '5.2', row: ARM64_4K_V5_3 },
    { since: '5.12', row: ARM64_4K },
  ],
  'arm64-16k': [
    { since: '5.2', row: ARM64_16K_V5_3 },
    { since: '5.12', row: ARM64_16K },
  ],
  'arm64-64k': [
    { since: '5.2', row: ARM64_64K_V5_3 },
    { since: '5.12', row: ARM64_64K },
  ],
  'ppc64-64k': [{ since: '5.2', row: PPC64_64K }],
  'ppc64-4k': [{ since: '5.2', row: PPC64_4K }],
  s390: [
    { since: '5.2', row: S390_V5_3 },
    { since: '7.3', row: S390 },
  ],
};

/** The architecture names `--arch` and the scenario `arch` line accept. */
export const ARCH_NAMES: readonly string[] = Object.keys(ARCH_ERAS);

/** Every architecture's newest row, by name (the era-free view; use geometryFor for a release). */
export const GEOMETRY_ROWS: Readonly<Record<string, GeometryRow>> = Object.fromEntries(
  Object.entries(ARCH_ERAS).map(([name, eras]) => [name, (eras[eras.length - 1] as ArchEra).row]),
);

/** The row of architecture `arch` in effect at release `version`; undefined for an unknown arch. */
export function archRowFor(arch: string, version: KernelVersion): GeometryRow | undefined {
  const eras = Object.prototype.hasOwnProperty.call(ARCH_ERAS, arch) ? ARCH_ERAS[arch] : undefined;
  if (!eras) return undefined;
  let row: GeometryRow | undefined;
  for (const era of eras) if (eraStarted(era.since, version)) row = era.row;
  return row;
}

/** The geometry of architecture `arch` at release `version` (x86_64: with `paging` levels); undefined for an unknown arch. */
export function geometryFor(arch: string, version: KernelVersion, paging?: 4 | 5): Geometry | undefined {
  const row = archRowFor(arch, version);
  if (!row) return undefined;
  return deriveGeometry(row.PAGING_LEVELS !== undefined && paging === 5 ? X86_64_5LEVEL : row);
}

/**
 * The geometry of architecture `arch` at release string `kernel` (5.3 when absent, and when not a
 * release memhp models: resolveProfile reports that), with that release's default paging unless
 * `paging` is given; undefined for an unknown arch. For parsing input before the profile is resolved.
 */
export function geometryForRelease(arch: string, kernel?: string | null, paging?: 4 | 5): Geometry | undefined {
  const v = parseVersion(kernel ?? '5.3') ?? (parseVersion('5.3') as KernelVersion);
  return geometryFor(arch, v, paging ?? defaultPaging(v));
}

/**
 * The paging levels Debian's x86_64 kernel of release `v` runs with on a CPU that has LA57 (as
 * QEMU's TCG CPU does): 5 from 6.1.8, whose Debian changelog says "[amd64] arch/x86: Enable 5-level
 * page tables support (X86_5LEVEL)", 4 before (5.10.223's trace: vmemmap_base 0xffffea0000000000).
 * 7.x builds 5-level support unconditionally (CONFIG_X86_5LEVEL is gone from arch/x86/Kconfig @7.3.4).
 */
export function defaultPaging(v: KernelVersion): 4 | 5 {
  if (v.major !== 6) return v.major > 6 ? 5 : 4;
  return v.minor > 1 || (v.minor === 1 && v.patch >= 8) ? 5 : 4;
}

/** Every distinct geometry of architecture `arch` (one per era), oldest first; empty for an unknown arch. */
export function archGeometries(arch: string): Geometry[] {
  const eras = Object.prototype.hasOwnProperty.call(ARCH_ERAS, arch) ? ARCH_ERAS[arch] : undefined;
  return (eras ?? []).map((era) => deriveGeometry(era.row));
}

/** Compute every derived constant of a row; throws on a row the kernel would refuse to build. */
export function deriveGeometry(row: GeometryRow): Geometry {
  if (row.SUBSECTION_SHIFT > row.SECTION_SIZE_BITS) {
    // include/linux/mmzone.h: #error "Subsection size exceeds section size"
    throw new Error(`geometry ${row.name}: Subsection size exceeds section size`);
  }
  const PAGE_SIZE = 2 ** row.PAGE_SHIFT;
  const PFN_SECTION_SHIFT = row.SECTION_SIZE_BITS - row.PAGE_SHIFT;
  const PFN_SUBSECTION_SHIFT = row.SUBSECTION_SHIFT - row.PAGE_SHIFT;
  const SUBSECTIONS_PER_SECTION = 2 ** (row.SECTION_SIZE_BITS - row.SUBSECTION_SHIFT);
  const SECTIONS_SHIFT = row.MAX_PHYSMEM_BITS - row.SECTION_SIZE_BITS;
  const NR_MEM_SECTIONS = 2 ** SECTIONS_SHIFT;
  const SECTIONS_PER_ROOT = row.SPARSEMEM_EXTREME ? PAGE_SIZE / row.MEM_SECTION_BYTES : 1;
  const PAGES_PER_SECTION = 2 ** PFN_SECTION_SHIFT;
  return {
    ...row,
    PAGE_SIZE,
    PFN_SECTION_SHIFT,
    PAGES_PER_SECTION,
    PFN_SUBSECTION_SHIFT,
    PAGES_PER_SUBSECTION: 2 ** PFN_SUBSECTION_SHIFT,
    SUBSECTIONS_PER_SECTION,
    MAP_WORDS: Math.ceil(SUBSECTIONS_PER_SECTION / 32),
    MAP_LONGS: Math.ceil(SUBSECTIONS_PER_SECTION / 64),
    SECTION_BYTES: 2 ** row.SECTION_SIZE_BITS,
    SUBSECTION_BYTES: 2 ** row.SUBSECTION_SHIFT,
    SECTIONS_SHIFT,
    NR_MEM_SECTIONS,
    SECTIONS_PER_ROOT,
    NR_SECTION_ROOTS: Math.ceil(NR_MEM_SECTIONS / SECTIONS_PER_ROOT),
    MAX_PFN: 2 ** (row.MAX_PHYSMEM_BITS - row.PAGE_SHIFT),
    SECTION_MEMMAP_BYTES: PAGES_PER_SECTION * row.STRUCT_PAGE_BYTES,
  };
}

/**
 * True when two geometries number sections and sub-sections alike (page, section and sub-section
 * sizes, sections per root), so their sections can be compared one by one; the end of the address
 * space (MAX_PHYSMEM_BITS: 4- or 5-level paging) may differ.
 */
export function sameSections(a: Geometry, b: Geometry): boolean {
  return a.PAGE_SHIFT === b.PAGE_SHIFT && a.SECTION_SIZE_BITS === b.SECTION_SIZE_BITS && a.SUBSECTION_SHIFT === b.SUBSECTION_SHIFT && a.SECTIONS_PER_ROOT === b.SECTIONS_PER_ROOT;
}

// --- internal ---

/** True when an era starting at mainline `since` is in effect at `v` (stable patch levels ignored). */
function eraStarted(since: string, v: KernelVersion): boolean {
  const [major, minor] = since.split('.').map(Number) as [number, number];
  return v.major > major || (v.major === major && v.minor >= minor);
}
