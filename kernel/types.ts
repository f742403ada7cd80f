/**
 * The kernel model's data types: the state (mem_section roots as plain data for immer), the profile
 * and the outcome of an operation. This file is the layer's type hub (as xstate's types.ts is).
 */
import type { Bitmap } from './bitmap.js';
import type { KernelConfig } from './config.js';
import type { Geometry } from './geometry.js';
import type { MapKind, SectionStateValue, UsageKind } from './section_fields.js';
import type { ChangeId } from './versions.js';

export type { KernelConfig } from './config.js';
export type { MapKind, MemmapCell, SectionStateValue, UsageKind } from './section_fields.js';

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

/** A kernel version × architecture × configuration to run the model under. */
export interface Profile {
  /** Kernel release the rules come from, as given, e.g. `5.3`, `6.1.192`, `newest`. */
  readonly kernel: string;
  /** Ids of the kernel changes (kernel/versions.ts) in effect at that release. */
  readonly changes: ReadonlySet<ChangeId>;
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
export const ALLOC_KINDS = ['usage', 'root', 'memmap'] as const;

/** An allocation kind whose failure can be injected. */
export type AllocKind = (typeof ALLOC_KINDS)[number];

/** Inject -ENOMEM into the Nth allocation of a kind within one operation (1-based). */
export interface InjectedFailure {
  readonly kind: AllocKind;
  readonly nth: number;
}

/** The kinds of kernel warning: the macro or printk that prints it. */
export const WARNING_KINDS = ['WARN', 'WARN_ON', 'WARN_ON_ONCE', 'pr_warn_once', 'pr_err_once'] as const;

/** A kernel warning: a WARN splat, a WARN_ON(_ONCE) without text, or a pr_warn/pr_err line. */
export interface Warning {
  readonly kind: (typeof WARNING_KINDS)[number];
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

/** The kinds of hazard. */
export const HAZARD_KINDS = ['crash', 'leak', 'race', 'corruption', 'wrong-result', 'undefined'] as const;

/** Something a real kernel would do wrong at this step: a crash, a leak, a race, corrupted data. */
export interface Hazard {
  readonly kind: (typeof HAZARD_KINDS)[number];
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

/** The kinds of resource event. */
export const RESOURCE_KINDS = ['root-alloc', 'usage-alloc', 'usage-free', 'memmap-populate', 'memmap-free', 'memmap-fill'] as const;

/** A resource the step allocated or freed. */
export interface ResourceEvent {
  readonly kind: (typeof RESOURCE_KINDS)[number];
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

/** The functions a trace can record and an outcome keeps the calls of, by the index Outcome.calls stores (kernel/subcalls.ts). */
export const SUBCALL_FNS = ['sparse_add_section', 'sparse_remove_section', 'section_deactivate', '__populate_section_memmap'] as const;

/** A call of a kernel function a trace can record (sparse_add_section …), decoded from Outcome.calls (kernel/subcalls.ts). */
export interface SubCall {
  readonly fn: (typeof SUBCALL_FNS)[number];
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
