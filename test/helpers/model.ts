/**
 * Helpers for the outcome-table scenario tests (test/<kernel function>.test.ts): a fresh model from
 * a boot layout, running a list of operations, the four-way patch check (immer's runPatchTests:
 * state, replay, reverse) and a per-profile `describe` (memblock's run_top_down / run_bottom_up).
 *
 * Every scenario starts from `bootModel()`: nothing is shared between `it`s.
 */
import { describe, expect } from 'vitest';
import type { BootRange, Operation } from '../../kernel/index.js';
import { bitmapToLongs, classifySection, createProfile, describeProfile, sectionWord } from '../../kernel/index.js';
import { bootState, getSection, step } from '../../model/index.js';
import type { InjectedFailure, KernelState, KernelConfig, MapKind, MemSection, Profile, SectionStateValue, UsageKind, Warning } from '../../kernel/index.js';
import type { StepResult } from '../../model/index.js';
import { applyPatches } from '../../log/index.js';

// ---- geometry of the x86_64 profile, as the tests write addresses --------------------------------

/** PAGES_PER_SECTION on x86_64 (128 MiB of 4K pages). */
export const SECTION = 0x8000;
/** PAGES_PER_SUBSECTION on x86_64 (2 MiB of 4K pages). */
export const SUB = 0x200;
/** Sub-sections per section (one 64-bit unsigned long of subsection_map). */
export const SUBS = 64;

/** First pfn of section `nr`. */
export function secPfn(nr: number): number {
  return nr * SECTION;
}

/** pfn of sub-section `idx` of section `nr`. */
export function subPfn(nr: number, idx: number): number {
  return nr * SECTION + idx * SUB;
}

// ---- boot layouts -----------------------------------------------------------------------------

/**
 * Boot RAM 0x100000000-0x143ffffff (pfn 0x100000-0x143fff, 4 GiB + 64 MiB): sections 32-39 early
 * and full, section 40 early with sub-sections 0-31 (the lower 64 MiB), all in root 0 (sections
 * 0-127). The layout of the F10 report (kernel-semantics §2.12).
 */
export const RAM_4G_64M: readonly BootRange[] = [{ startPfn: 0x100000, endPfn: 0x144000, nid: 0 }];

/** Section 40 as the RAM_4G_64M boot leaves it: sub-sections 0-31 active. */
export const SEC40_BOOT_MAP = '0x00000000ffffffff';

// ---- the model ----------------------------------------------------------------------------------

/** A profile of `kernel` on x86_64 with Debian's config, optionally changed. */
export function profileOf(kernel: string, config: Partial<KernelConfig> = {}): Profile {
  return createProfile({ kernel, config });
}

/** A freshly booted model: the state after step 0 (memory_present, sparse_init, subsection_map_init). */
export function bootModel(p: Profile, ranges: readonly BootRange[] = RAM_4G_64M): KernelState {
  return bootState(p, { ranges, iomem: [], source: { file: 'test', line: 1 } }).state;
}

/** One step with the four-way patch check; returns the step's result. */
export function run(p: Profile, prev: KernelState, op: Operation, inject: readonly InjectedFailure[] = []): StepResult {
  const r = step(p, prev, op, inject);
  checkFourWays(r, prev);
  return r;
}

/** Several steps in order, each four-way checked; returns every result (the last state is `.at(-1).state`). */
export function runAll(p: Profile, prev: KernelState, ops: ReadonlyArray<Operation | readonly [Operation, readonly InjectedFailure[]]>): StepResult[] {
  const out: StepResult[] = [];
  let s = prev;
  for (const item of ops) {
    const [op, inject] = isPair(item) ? item : [item, []];
    const r = run(p, s, op, inject);
    out.push(r);
    s = r.state;
  }
  return out;
}

/**
 * immer's four ways: the step produced `r.state` (checked by the caller), replaying `r.patches` on
 * the previous state gives `r.state`, the inverse patches take `r.state` back to the previous state,
 * and a step with no patches left a state equal to the previous one.
 */
export function checkFourWays(r: StepResult, prev: KernelState): void {
  expect(applyPatches(prev, r.patches), 'patches replayed on the previous state give the new state').toStrictEqual(r.state);
  expect(applyPatches(r.state, r.inversePatches), 'inverse patches give back the previous state').toStrictEqual(prev);
  if (r.patches.length === 0) expect(r.state, 'no patches: the state equals the previous one').toStrictEqual(prev);
  if (r.inversePatches.length === 0) expect(r.patches, 'no inverse patches: no patches either').toHaveLength(0);
}

/** Run `fn` in one `describe` per kernel profile (today only 5.3; later versions join the list). */
export function forEachProfile(kernels: readonly string[], fn: (p: Profile) => void): void {
  for (const kernel of kernels) {
    const p = profileOf(kernel);
    describe(describeProfile(p), () => fn(p));
  }
}

// ---- operations -------------------------------------------------------------------------------

type AltmapArg = { base_pfn: number; free: number; reserve?: number } | null;

function altmapOf(a: AltmapArg): { base_pfn: number; free: number; reserve: number } | null {
  return a === null ? null : { base_pfn: a.base_pfn, free: a.free, reserve: a.reserve ?? 0 };
}

/** arch_add_memory → x86 add_pages → __add_pages. */
export function addPages(pfn: number, nr_pages: number, altmap: AltmapArg = null, nid = 0): Operation {
  return { kind: 'add_pages', nid, pfn, nr_pages, altmap: altmapOf(altmap) };
}

/** __add_pages called directly (no x86 WARN_ON_ONCE wrapper). */
export function __addPages(pfn: number, nr_pages: number, altmap: AltmapArg = null, nid = 0): Operation {
  return { kind: '__add_pages', nid, pfn, nr_pages, altmap: altmapOf(altmap) };
}

/** arch_remove_memory → __remove_pages. */
export function removePages(pfn: number, nr_pages: number, altmap: AltmapArg = null): Operation {
  return { kind: '__remove_pages', pfn, nr_pages, altmap: altmapOf(altmap) };
}

/** sparse_add_section called directly. */
export function sparseAddSection(pfn: number, nr_pages: number, altmap: AltmapArg = null, nid = 0): Operation {
  return { kind: 'sparse_add_section', nid, pfn, nr_pages, altmap: altmapOf(altmap) };
}

/** online_mem_sections / offline_mem_sections over [start_pfn, end_pfn). */
export function onlineSections(start_pfn: number, end_pfn: number, online = true): Operation {
  return { kind: online ? 'online_mem_sections' : 'offline_mem_sections', start_pfn, end_pfn };
}

/** pfn_valid(pfn). */
export function pfnValid(pfn: number): Operation {
  return { kind: 'pfn_valid', pfn };
}

/** pfn_to_online_page(pfn). */
export function pfnToOnlinePage(pfn: number): Operation {
  return { kind: 'pfn_to_online_page', pfn };
}

// ---- expected values ---------------------------------------------------------------------------

/** x86 add_pages(): WARN_ON_ONCE(ret) (arch/x86/mm/init_64.c), no text. */
export const W_ADD_PAGES: Warning = { kind: 'WARN_ON_ONCE', func: 'add_pages', file: 'arch/x86/mm/init_64.c', text: '' };

/** __remove_section(): WARN_ON_ONCE(!valid_section(ms)), no text. */
export const W_REMOVE_SECTION: Warning = { kind: 'WARN_ON_ONCE', func: '__remove_section', file: 'mm/memory_hotplug.c', text: '' };

/** __add_pages(): pr_warn_once("memory add fail, invalid altmap\n"). */
export const W_INVALID_ALTMAP: Warning = { kind: 'pr_warn_once', func: '__add_pages', file: 'mm/memory_hotplug.c', text: 'memory add fail, invalid altmap' };

/** check_pfn_span(): WARN(1, "Misaligned __%s_pages start: %#lx end: #%lx\n"). */
export function wMisaligned(reason: 'add' | 'remove', text: string): Warning {
  expect(text.startsWith(`Misaligned __${reason}_pages start: `)).toBe(true);
  return { kind: 'WARN', func: 'check_pfn_span', file: 'mm/memory_hotplug.c', text };
}

/** section_deactivate(): WARN("section already deactivated (%#lx + %ld)\n"). */
export function wAlreadyDeactivated(text: string, func: 'section_deactivate' | 'clear_subsection_map' = 'section_deactivate'): Warning {
  return { kind: 'WARN', func, file: 'mm/sparse.c', text };
}

/** online_mem_sections / offline_mem_sections: WARN_ON(!valid_section_nr(nr)), no text. */
export function wOnlineInvalid(func: 'online_mem_sections' | 'offline_mem_sections'): Warning {
  return { kind: 'WARN_ON', func, file: 'mm/sparse.c', text: '' };
}

/** Flag words. */
export const F = { PRESENT: 1, HAS_MEM_MAP: 2, ONLINE: 4, EARLY: 8 } as const;
/** A boot section: PRESENT | HAS_MEM_MAP | ONLINE | EARLY. */
export const BOOT_FLAGS = F.PRESENT | F.HAS_MEM_MAP | F.ONLINE | F.EARLY;
/** A hot-added, not yet onlined section: PRESENT | HAS_MEM_MAP. */
export const HOT_FLAGS = F.PRESENT | F.HAS_MEM_MAP;

/**
 * A memmap strip from runs, e.g. `cells('B', 33, 'F', 7, 'B', 24)`; must cover all 64 sub-sections.
 * `.` unmapped, `B` boot PMD, `b` boot 4K, `v` hot-added 4K, `V` hot-added PMD, `A` PMD from the
 * altmap, `F` 0xFD-filled part of a PMD.
 */
export function cells(...runs: Array<string | number>): string {
  let s = '';
  for (let i = 0; i < runs.length; i += 2) s += String(runs[i]).repeat(Number(runs[i + 1]));
  expect(s.length, 'a memmap strip covers 64 sub-sections').toBe(SUBS);
  return s;
}

/** subsection_map as the kernel's one unsigned long, from the set bit ranges `[first, last]`. */
export function mapOf(...ranges: Array<readonly [number, number]>): string {
  let v = 0n;
  for (const [a, b] of ranges) for (let i = a; i <= b; i++) v |= 1n << BigInt(i);
  return `0x${v.toString(16).padStart(16, '0')}`;
}

/** What the tests assert about one section. */
export interface SectionView {
  readonly flags: number;
  readonly map: MapKind;
  readonly usage: UsageKind;
  /** subsection_map as hex longs (bitmapToLongs). */
  readonly subsectionMap: readonly string[];
  readonly machine: SectionStateValue;
  readonly memmap: string;
}

/** The view of section `nr` in `s` (a never-touched section reads as all zero). Also checks the machine agrees with classifySection. */
export function sectionView(p: Profile, s: KernelState, nr: number): SectionView {
  const ms: MemSection | undefined = getSection(p, s, nr);
  if (!ms) return ZERO_VIEW;
  expect(ms.machine, `section ${nr}: machine state agrees with the kernel fields`).toBe(classifySection(p.geometry, ms, p));
  return {
    flags: ms.flags,
    map: ms.map,
    usage: ms.usage,
    subsectionMap: bitmapToLongs(ms.subsectionMap),
    machine: ms.machine,
    memmap: ms.memmap,
  };
}

/** An untouched section: word 0, no usage, no memmap. */
export const ZERO_VIEW: SectionView = {
  flags: 0,
  map: 'zero',
  usage: 'none',
  subsectionMap: ['0x0000000000000000'],
  machine: 'absent.never',
  memmap: '.'.repeat(SUBS),
};

/** A view from a compact spec (map given as one long). */
export function view(v: { flags: number; map: MapKind; usage: UsageKind; subsectionMap: string; machine: SectionStateValue; memmap: string }): SectionView {
  return { ...v, subsectionMap: [v.subsectionMap] };
}

/** Section 40 right after the RAM_4G_64M boot. */
export const SEC40_BOOT: SectionView = view({
  flags: BOOT_FLAGS,
  map: 'vmemmap',
  usage: 'boot',
  subsectionMap: SEC40_BOOT_MAP,
  machine: 'early.boot',
  memmap: 'B'.repeat(SUBS),
});

/** A full early section (32-39) right after the RAM_4G_64M boot. */
export const FULL_BOOT: SectionView = view({
  flags: BOOT_FLAGS,
  map: 'vmemmap',
  usage: 'boot',
  subsectionMap: '0xffffffffffffffff',
  machine: 'early.boot',
  memmap: 'B'.repeat(SUBS),
});

/**
 * The raw 64-bit section_mem_map of section `nr` as "0x%016lx" (x86_64 4-level, no KASLR:
 * VMEMMAP_BASE 0xffffea0000000000, PAGE_OFFSET 0xffff888000000000); 0 for a never-touched section.
 */
export function wordOf(p: Profile, s: KernelState, nr: number): string {
  const ms = getSection(p, s, nr);
  return `0x${(ms ? sectionWord(p.geometry, ms) : 0n).toString(16).padStart(16, '0')}`;
}

/** The hazards of a step as `bug:kind` strings (bug '-' when uncatalogued), in order. */
export function hazardsOf(r: StepResult): string[] {
  return r.outcome.hazards.map((h) => `${h.bug ?? '-'}:${h.kind}`);
}

// --- internal ---

function isPair(item: Operation | readonly [Operation, readonly InjectedFailure[]]): item is readonly [Operation, readonly InjectedFailure[]] {
  return Array.isArray(item);
}
