/**
 * memhp's own limits on what one input may ask for (none of them is the kernel's): each reader
 * refuses more with a `file:line` error naming the limit, so that memory stays proportional to the
 * work asked for and no input can make memhp crash or run out of memory instead of answering.
 */
import type { Geometry } from '../kernel/geometry.js';
import { pfnToSectionNr } from '../kernel/pfn.js';
import { fail, okv, type Checked } from './lexer.js';
import type { BootRange, Operation } from '../kernel/operation.js';
import type { ScenarioStep } from './types.js';

/** The longest scenario or /proc/iomem line (64 KiB): a real line is under 200 characters; longer ones are not a scenario. */
export const MAX_LINE_LENGTH = 64 * 1024;

/** The most operations one scenario may hold (2^20): a recorded log holds ~1 KiB per step, so this is about 1 GiB of log. */
export const MAX_STEPS = 2 ** 20;

/**
 * The most boot RAM ranges (ram lines and top-level System RAM lines) one boot layout may have:
 * 4096, far above what firmware reports (x86's E820 table holds 128 + 3 × MAX_NUMNODES entries).
 */
export const MAX_BOOT_RANGES = 4096;

/**
 * The most sections boot RAM may span (2^19, the whole of x86_64's 4-level address space: 64 TiB):
 * every present section is modelled, so more would hold gigabytes before the first step.
 */
export const MAX_BOOT_SECTIONS = 2 ** 19;

/**
 * memhp's own limit: one call may span at most this many sections (2^19, the whole of x86_64's
 * 4-level address space: 64 TiB). The kernel has none, but a model that adds 2^25 sections in one
 * step would hold gigabytes; a range that reaches past MAX_PHYSMEM_BITS still fits when it starts
 * near the end.
 */
export const MAX_SECTIONS_PER_CALL = 2 ** 19;

/**
 * The most sections all operations of one run may span together (2^21): a log holds about 1 KiB for
 * every section a step changes, so four adds and removes of all 64 TiB already take 4 GiB.
 */
export const MAX_RUN_SECTIONS = 2 ** 21;

/**
 * The most distinct ZONE_DEVICE ranges (`move_pfn_range_to_zone … zone=device` with distinct pfn and
 * nr_pages) one run may name: 1024. A step copies the list of ranges it changes, so each step costs
 * at most that much; real machines have one range per pmem namespace or CXL region.
 */
export const MAX_DEVICE_RANGES = 1024;

/** The first step that names a ZONE_DEVICE range past MAX_DEVICE_RANGES distinct ones, refused there. */
export function checkDeviceRanges(steps: readonly ScenarioStep[]): Checked<void> & { readonly step?: ScenarioStep } {
  const seen = new Set<string>();
  for (const s of steps) {
    if (s.op.kind !== 'move_pfn_range_to_zone' || s.op.zone !== 'device') continue;
    seen.add(`${s.op.pfn}+${s.op.nr_pages}`);
    if (seen.size > MAX_DEVICE_RANGES) {
      return { ...fail('E_LIMIT', `more than ${MAX_DEVICE_RANGES} distinct ZONE_DEVICE ranges: memhp models at most ${MAX_DEVICE_RANGES} in one run (its own limit)`, 'split the scenario into several runs'), step: s };
    }
  }
  return okv(undefined);
}

/** The sections the pfn range of `op` spans (0 for an operation on one pfn). */
export function sectionsSpanned(g: Geometry, op: Operation): number {
  const span = 'nr_pages' in op ? [op.pfn, op.pfn + op.nr_pages] : 'end_pfn' in op ? [op.start_pfn, op.end_pfn] : null;
  if (span === null) return 0;
  const [start, end] = span as [number, number];
  return end > start ? pfnToSectionNr(g, end - 1) - pfnToSectionNr(g, start) + 1 : 0;
}

/** The first step at which the sections spanned so far pass MAX_RUN_SECTIONS, refused there. */
export function checkRunSections(g: Geometry, steps: readonly ScenarioStep[]): Checked<void> & { readonly step?: ScenarioStep } {
  let n = 0;
  for (const s of steps) {
    n += sectionsSpanned(g, s.op);
    if (n > MAX_RUN_SECTIONS) {
      return { ...fail('E_LIMIT', `the operations up to here span ${n} sections: memhp runs operations spanning at most ${MAX_RUN_SECTIONS} sections in all (its own limit: a log holds ~1 KiB for each)`, 'split the scenario into several runs, or use smaller ranges'), step: s };
    }
  }
  return okv(undefined);
}

/** A line longer than MAX_LINE_LENGTH, refused before it is tokenized. */
export function checkLineLength(text: string): Checked<void> {
  if (text.length <= MAX_LINE_LENGTH) return okv(undefined);
  return fail('E_LIMIT', `line of ${text.length} characters: memhp reads lines of at most ${MAX_LINE_LENGTH} characters (its own limit)`, 'is this a scenario or /proc/iomem file? split the line');
}

/** The sections boot RAM `ranges` (sorted by start) span, counted once each, refused past MAX_BOOT_SECTIONS. */
export function checkBootSections(g: Geometry, ranges: readonly BootRange[]): Checked<number> {
  let n = 0;
  let last = -1;
  for (const r of ranges) {
    const first = Math.max(pfnToSectionNr(g, r.startPfn), last + 1);
    const end = pfnToSectionNr(g, r.endPfn - 1);
    if (end >= first) n += end - first + 1;
    last = Math.max(last, end);
  }
  if (n <= MAX_BOOT_SECTIONS) return okv(n);
  return fail('E_LIMIT', `boot RAM spans ${n} sections: memhp models at most ${MAX_BOOT_SECTIONS} present sections at boot (its own limit, 64 TiB on x86_64)`, 'describe less boot RAM; hot-add the rest with operations');
}
