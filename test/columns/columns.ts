/**
 * Shared bits of the outcome-table column tests (test/columns/*.test.ts): every row of
 * kernel-semantics.md §4 that applies to SPARSEMEM_VMEMMAP=y x86_64 is one `describe`, and each
 * version column it has is one `it`, run under a representative release of the column:
 *
 *   column            release(s)   why
 *   v5.2              '5.2'        the only release of the column
 *   v5.3 – v5.5       '5.5'        end of the column; '5.3' as well where kernel/versions.ts
 *                                  switches a change inside it (F3, LOOP_REWRITE, ZONELESS_REMOVE
 *                                  at 5.5; E2BIG at 5.4 is not modelled)
 *   v5.6 – 6.1.192    '6.1.192'    Debian's 6.1 (F14/F15 backported); the model switches F4/F8
 *                                  (5.6), F5 (5.7), F10 (5.9), TAINT (5.12), CALLER_WARN (6.0)
 *                                  inside the column — said per row where the table is coarser
 *   6.12.95           '6.12.95'    Debian's 6.12 backport kernel
 *
 * The boundaries themselves (which release switches what) are test/versions/*.test.ts; these
 * files pin the outcome of each row in each column, with the exact WARN text of that release.
 */
import { expect } from 'vitest';
import type { Operation } from '../../kernel/index.js';
import type { KernelState, KernelConfig, Profile, Warning } from '../../kernel/index.js';
import type { StepResult } from '../../model/index.js';
import { F, bootModel, mapOf, profileOf, run, view } from '../helpers/model.js';
import type { SectionView } from '../helpers/model.js';

/** A fresh profile of `kernel` and the state right after the RAM_4G_64M boot. */
export function boot(kernel: string, config: Partial<KernelConfig> = {}): { p: Profile; s0: KernelState } {
  const p = profileOf(kernel, config);
  return { p, s0: bootModel(p) };
}

/** A "Misaligned …" WARN(1): from check_pfn_span() before v6.0, from __add_pages/__remove_pages after. */
export function misaligned(func: 'check_pfn_span' | '__add_pages' | '__remove_pages', text: string): Warning {
  return { kind: 'WARN', func, file: 'mm/memory_hotplug.c', text };
}

/** The WARN "section already deactivated (%#lx + %ld)\n" raised in `func` (mm/sparse.c). */
export function alreadyDeactivated(func: 'section_deactivate' | 'clear_subsection_map', text: string): Warning {
  return { kind: 'WARN', func, file: 'mm/sparse.c', text };
}

/** 6.5+: sparse_remove_section() does WARN_ON_ONCE(!valid_section(ms)) itself (mm/sparse.c). */
export const W_SPARSE_REMOVE_SECTION: Warning = { kind: 'WARN_ON_ONCE', func: 'sparse_remove_section', file: 'mm/sparse.c', text: '' };

/** v5.9+: WARN_ON_ONCE in __populate_section_memmap() on a range not sub-section aligned. */
export const W_POPULATE: Warning = { kind: 'WARN_ON_ONCE', func: '__populate_section_memmap', file: 'mm/sparse-vmemmap.c', text: '' };

/** A v5.2 boot section: PRESENT | HAS_MEM_MAP | ONLINE (v5.2 has no SECTION_IS_EARLY). */
export const V5_2_BOOT_FLAGS = F.PRESENT | F.HAS_MEM_MAP | F.ONLINE;

/** memhp shows a valid v5.2 section (no subsection_map in v5.2) as wholly active. */
export const ALL = mapOf([0, 63]);

/** A v5.2 boot section right after boot (sections 32-40 alike: v5.2 has no holes inside a section). */
export const V5_2_BOOT: SectionView = view({ flags: V5_2_BOOT_FLAGS, map: 'vmemmap', usage: 'boot', subsectionMap: ALL, machine: 'early.boot', memmap: 'B'.repeat(64) });

/** Run a query and check it is one: no return code, no warning, no state change. */
export function query(p: Profile, s: KernelState, op: Operation): StepResult {
  const r = run(p, s, op);
  expect(r.outcome.ret).toBeNull();
  expect(r.outcome.warnings).toEqual([]);
  expect(r.patches).toEqual([]);
  expect(r.state).toStrictEqual(s);
  return r;
}

/** The version columns of kernel-semantics.md §4, each with the release that stands for it. */
export const ALL_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['v5.2', '5.2'],
  ['v5.3 – v5.5', '5.5'],
  ['v5.6 – 6.1.192', '6.1.192'],
  ['6.12.95', '6.12.95'],
];

/** The columns with sub-section hotplug (v5.3 on). */
export const SUBSECTION_COLUMNS = ALL_COLUMNS.slice(1);

/** The columns from v5.6 on. */
export const LATE_COLUMNS = ALL_COLUMNS.slice(2);
