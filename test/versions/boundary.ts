/**
 * Helpers for the version-boundary tests (test/versions/*.test.ts): run one scenario, from a fresh
 * boot, under two (or more) kernel releases, and check that two releases differ in exactly the
 * changes of kernel/versions.ts a boundary is about — so a test that compares 5.4.13 with 5.4.14
 * also proves that F3 (and nothing else) is what the model switches between them.
 */
import { expect } from 'vitest';
import type { BootRange, Operation } from '../../kernel/index.js';
import { bitmapToLongs } from '../../kernel/index.js';
import { getSection } from '../../model/index.js';
import type { InjectedFailure, KernelState, Profile } from '../../kernel/index.js';
import type { StepResult } from '../../model/index.js';
import { RAM_4G_64M, ZERO_VIEW, bootModel, profileOf, runAll } from '../helpers/model.js';
import type { SectionView } from '../helpers/model.js';

/** One version's run of a scenario. */
export interface VersionRun {
  readonly kernel: string;
  readonly p: Profile;
  /** The state right after boot. */
  readonly boot: KernelState;
  /** One result per operation, each four-way patch checked. */
  readonly results: StepResult[];
  /** The state after the last operation. */
  readonly last: KernelState;
}

type Step = Operation | readonly [Operation, readonly InjectedFailure[]];

/** Boot `ranges` and run `ops` under `kernel`. */
export function runOn(kernel: string, ops: readonly Step[], ranges: readonly BootRange[] = RAM_4G_64M): VersionRun {
  const p = profileOf(kernel);
  const boot = bootModel(p, ranges);
  const results = runAll(p, boot, ops);
  return { kernel, p, boot, results, last: results.at(-1)?.state ?? boot };
}

/** The same scenario under the release just before a change and the release that brings it. */
export function across(before: string, after: string, ops: readonly Step[], ranges: readonly BootRange[] = RAM_4G_64M): { before: VersionRun; after: VersionRun } {
  return { before: runOn(before, ops, ranges), after: runOn(after, ops, ranges) };
}

/** Change ids in effect at `after` but not at `before` (sorted); and the reverse, which must be empty. */
export function addedChanges(before: string, after: string): string[] {
  const a = profileOf(before).changes;
  const b = profileOf(after).changes;
  expect([...a].filter((id) => !b.has(id)), `${after} keeps every change of ${before}`).toEqual([]);
  return [...b].filter((id) => !a.has(id)).sort();
}

/** Assert that going from `before` to `after` adds exactly `ids` (modelled or not). */
export function expectBoundary(before: string, after: string, ids: readonly string[]): void {
  expect(addedChanges(before, after), `changes added between ${before} and ${after}`).toEqual([...ids].sort());
}

/** The one sparse_remove_section operation the helpers of test/helpers/model.ts do not build. */
export function sparseRemoveSection(pfn: number, nr_pages: number): Operation {
  return { kind: 'sparse_remove_section', pfn, nr_pages, map_offset: 0, altmap: null };
}

/**
 * A section's fields as test/helpers/model.ts sectionView() gives them, without its check that the
 * section machine agrees with classifySection(): that mapping reads v5.3 kernel fields, and from
 * F4 on (word 0 after a full removal) or before SUBSECTION (no EARLY flag) the fields no longer
 * tell the machine states apart — test/versions/classify.test.ts covers that on its own.
 */
export function fieldsOf(p: Profile, s: KernelState, nr: number): SectionView {
  const ms = getSection(p, s, nr);
  if (!ms) return ZERO_VIEW;
  return { flags: ms.flags, map: ms.map, usage: ms.usage, subsectionMap: bitmapToLongs(ms.subsectionMap), machine: ms.machine, memmap: ms.memmap };
}
