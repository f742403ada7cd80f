/**
 * The kernel model's data types: the state (mem_section roots as plain data for immer), the profile
 * and the outcome of an operation. This file is the layer's type hub (as xstate's types.ts is).
 */
import type { Bitmap } from './bitmap.js';
import type { Geometry } from './geometry.js';

/** section_mem_map flag bits, v5.3 – v5.11 (include/linux/mmzone.h; SECTION_MAP_LAST_BIT = 1UL<<4). */
export const SECTION_MARKED_PRESENT = 1 << 0;
export const SECTION_HAS_MEM_MAP = 1 << 1;
export const SECTION_IS_ONLINE = 1 << 2;
export const SECTION_IS_EARLY = 1 << 3;
/** v5.12 on (from 6.0 only with CONFIG_ZONE_DEVICE): ZONE_DEVICE memory shares this section. */
export const SECTION_TAINT_ZONE_DEVICE = 1 << 4;

/** Flag names in bit order, for printing and parsing. */
export const SECTION_FLAG_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['PRESENT', SECTION_MARKED_PRESENT],
  ['HAS_MEM_MAP', SECTION_HAS_MEM_MAP],
  ['ONLINE', SECTION_IS_ONLINE],
  ['EARLY', SECTION_IS_EARLY],
  ['TAINT_ZONE_DEVICE', SECTION_TAINT_ZONE_DEVICE],
];

/**
 * What the encoded memmap part of section_mem_map holds (kernel-semantics §1.3):
 * `zero` the word's map part is 0; `vmemmap` the correct encoding (the vmemmap base for every
 * section); `direct_map` pfn_to_kaddr(section start) written by a sub-section add (bug F5);
 * `encoded_null` sparse_encode_mem_map(NULL, nr) written by a full deactivate in v5.3 – v5.5;
 * `memmap_array` the section's own memmap array (SPARSEMEM_VMEMMAP=n).
 */
export type MapKind = 'zero' | 'vmemmap' | 'direct_map' | 'encoded_null' | 'memmap_array';

/** Where `ms->usage` came from: none (NULL), memblock at boot (PageReserved), kzalloc at hot-add. */
export type UsageKind = 'none' | 'boot' | 'slab';

/**
 * The memmap (struct page array) backing of one sub-section, one character each:
 * `.` not mapped; `B` boot memmap (section-sized, PMD-mapped with PSE); `b` boot memmap mapped with
 * 4K pages (no PSE); `v` hot-added, 4K-mapped (sub-section-sized populate, altmap ignored);
 * `V` hot-added, PMD-mapped from regular memory; `A` hot-added, PMD-mapped from the altmap;
 * `F` freed part of a PMD mapping, filled with 0xFD (PAGE_INUSE) by x86 remove_pmd_table.
 * Without SPARSEMEM_VMEMMAP a section's memmap is one array: `M` allocated from memblock at boot,
 * `K` allocated at hot-add (alloc_pages / vmalloc, kvmalloc from ~v5.7).
 */
export type MemmapCell = '.' | 'B' | 'b' | 'v' | 'V' | 'A' | 'F' | 'M' | 'K';

/** The section machine's state values, as dotted paths (xstate state values flattened). */
export type SectionStateValue =
  | 'absent.never'
  | 'absent.deactivated'
  | 'absent.emptied-early'
  | 'early.boot'
  | 'early.grown'
  | 'early.trimmed'
  | 'partial'
  | 'full-hotplug';

/** One `struct mem_section` plus what memhp tracks beside it, as plain immutable data. */
export interface MemSection {
  /** Section number (pfn >> PFN_SECTION_SHIFT). */
  readonly nr: number;
  /** Flag bits of section_mem_map (SECTION_MARKED_PRESENT …). */
  readonly flags: number;
  /** What the encoded-memmap part of section_mem_map holds. */
  readonly map: MapKind;
  /** The node the section was last set up for. */
  readonly nid: number;
  /** Where ms->usage came from, or none. */
  readonly usage: UsageKind;
  /** ms->usage->subsection_map (all clear when usage is none). */
  readonly subsectionMap: Bitmap;
  /** The bits subsection_map_init set at boot (null for sections that were not present at boot). */
  readonly bootMap: Bitmap | null;
  /** Memmap backing per sub-section, one MemmapCell each. */
  readonly memmap: string;
  /** The section machine's state (see model/section_machine.ts). */
  readonly machine: SectionStateValue;
}

/** One allocated mem_section root (SPARSEMEM_EXTREME): SECTIONS_PER_ROOT entries, indexed by
 * nr % SECTIONS_PER_ROOT; null for a section never touched (all zero). */
export interface MemRoot {
  readonly sections: ReadonlyArray<MemSection | null>;
}

/** The whole modelled kernel state. */
export interface KernelState {
  /** mem_section[] roots by root number; a missing key is a NULL root. */
  readonly roots: Readonly<Record<number, MemRoot>>;
  /** __highest_present_section_nr (only ever grows). */
  readonly highestPresentSectionNr: number;
  /** Call sites of WARN_ON_ONCE / pr_*_once that already fired in this run. */
  readonly once: Readonly<Record<string, true>>;
  /** pfn ranges [start, end) given to ZONE_DEVICE (what get_dev_pagemap() finds), ascending. */
  readonly deviceRanges: ReadonlyArray<readonly [number, number]>;
}

/** Kernel configuration options that change behaviour (Debian x86_64 defaults). */
export interface KernelConfig {
  readonly SPARSEMEM_VMEMMAP: boolean;
  /** The CPU has PSE: x86 vmemmap_populate maps section-sized ranges with PMDs. */
  readonly PSE: boolean;
  readonly DEBUG_VM: boolean;
  readonly MEMORY_FAILURE: boolean;
  readonly ZONE_DEVICE: boolean;
}

/** A kernel version × architecture × configuration to run the model under. */
export interface Profile {
  /** Kernel release the rules come from, as given, e.g. `5.3`, `6.1.192`, `newest`. */
  readonly kernel: string;
  /** Ids of the kernel changes (kernel/versions.ts) in effect at that release. */
  readonly changes: ReadonlySet<string>;
  readonly geometry: Geometry;
  readonly config: KernelConfig;
}

/** struct vmem_altmap as the caller passes it (pfn units). */
export interface Altmap {
  readonly base_pfn: number;
  readonly reserve: number;
  readonly free: number;
}

/** Allocation kinds whose failure can be injected. */
export type AllocKind = 'usage' | 'root' | 'memmap';

/** Inject -ENOMEM into the Nth allocation of a kind within one operation (1-based). */
export interface InjectedFailure {
  readonly kind: AllocKind;
  readonly nth: number;
}

/** A kernel warning: a WARN splat, a WARN_ON(_ONCE) without text, or a pr_warn/pr_err line. */
export interface Warning {
  readonly kind: 'WARN' | 'WARN_ON' | 'WARN_ON_ONCE' | 'pr_warn_once' | 'pr_err_once';
  /**
   * Kernel function whose source holds the WARN. Builds inline some of them, so the splat's
   * "WARNING: … at FILE:LINE SYMBOL" can name the caller: in Debian's 6.1 / 6.12 traces
   * clear_subsection_map's WARN prints section_deactivate, and 6.1's __remove_section WARN_ON_ONCE
   * prints __remove_pages.
   */
  readonly func: string;
  /** Source file of that function. */
  readonly file: string;
  /** The exact message text without its trailing newline ('' for a WARN_ON without text). */
  readonly text: string;
}

/** Something a real kernel would do wrong at this step: a crash, a leak, a race, corrupted data. */
export interface Hazard {
  readonly kind: 'crash' | 'leak' | 'race' | 'corruption' | 'wrong-result' | 'undefined';
  /** Bug catalogue id from kernel-semantics.md (e.g. F10), if it has one. */
  readonly bug: string | null;
  readonly text: string;
  /** The commit and release that fixed it, when known. */
  readonly fixedBy: string | null;
  /** Set when the kernel dies here (model/oops.ts): the run cannot go on past this step. */
  readonly oops?: Oops;
}

/** What a kernel prints when it oopses: the first line of the splat and the function of its RIP line. */
export interface Oops {
  /** e.g. `BUG: kernel NULL pointer dereference, address: 0000000000000008`. */
  readonly line: string;
  /** The function the `RIP: 0010:FUNC+0x…/0x…` line names (inlined callees show as their caller). */
  readonly func: string;
}

/** A resource the step allocated or freed. */
export interface ResourceEvent {
  readonly kind: 'root-alloc' | 'usage-alloc' | 'usage-free' | 'memmap-populate' | 'memmap-free' | 'memmap-fill';
  readonly section: number;
  /** First pfn and page count the memmap event covers (usage/root events: the section's range). */
  readonly pfn: number;
  readonly nrPages: number;
  /** How: `kzalloc`, `kfree`, `vmemmap 4K`, `vmemmap PMD altmap`, `free_map_bootmem` … */
  readonly how: string;
}

/** How one section's machine state changed during a step. */
export interface SectionEffect {
  readonly nr: number;
  readonly before: SectionStateValue;
  readonly after: SectionStateValue;
}

/** A call of a kernel function a trace can record (sparse_add_section …), decoded from Outcome.calls (kernel/subcalls.ts). */
export interface SubCall {
  readonly fn: 'sparse_add_section' | 'sparse_remove_section' | 'section_deactivate' | '__populate_section_memmap';
  readonly pfn: number;
  readonly nr_pages: number;
  /** The int returned (sparse_add_section), else null. */
  readonly ret: number | null;
}

/** Everything an operation produced, as data. */
export interface Outcome {
  /** Return value (0 or a negative errno); null for void functions and queries. */
  readonly ret: number | null;
  /** Result of a query (pfn_valid …), else null. */
  readonly value: boolean | null;
  readonly warnings: readonly Warning[];
  /** The call path that decided the outcome, e.g. `__add_pages → sparse_add_section(96) → section_activate: -EEXIST`. */
  readonly path: string;
  readonly sections: readonly SectionEffect[];
  readonly resources: readonly ResourceEvent[];
  readonly hazards: readonly Hazard[];
  /** Other facts worth saying (zone left non-contiguous, altmap pages consumed …). */
  readonly notes: readonly string[];
  /**
   * The calls of sparse_add_section, sparse_remove_section, section_deactivate and
   * __populate_section_memmap made, in order, four numbers each (a log keeps millions of outcomes:
   * no object per call); subCalls() in kernel/subcalls.ts reads them.
   */
  readonly calls: readonly number[];
}
