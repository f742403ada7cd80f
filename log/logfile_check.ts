/**
 * What a log record must satisfy beyond its shape (log/logfile_schema.ts), given the log's
 * geometry and the state before the step: the boot layout and every operation within the bounds a
 * scenario's have (inputs/ranges.ts, MAX_SECTIONS_PER_CALL of inputs/operations.ts), section values
 * shaped as the model's, and every change exact against the state it applies to (a field's old
 * value is the one the state holds, a created section or root did not exist …), so the inverse
 * patches restore the state before the step. Each function returns null, or what is wrong as
 * `field: what`.
 */
import * as v from 'valibot';
import type { Checked } from '../inputs/lexer.js';
import { hex } from '../inputs/numbers.js';
import { MAX_NUMNODES, checkSpan } from '../inputs/ranges.js';
import { operationProblem } from '../inputs/operation_bounds.js';
import type { BootRange, IomemResource, Operation } from '../kernel/operation.js';
import type { Expectation } from '../inputs/types.js';
import { CREATE, DEVICE, FIELD, HIGHEST, ONCE, ROOT, SECTION_FIELDS, type DeviceRange } from '../model/changes.js';
import type { Changes } from '../model/changes.js';
import type { Geometry } from '../kernel/geometry.js';
import type { KernelState, MemSection, Outcome } from '../kernel/types.js';
import { MAP_KINDS, SECTION_STATES, USAGE_KINDS } from '../kernel/section_fields.js';
import { memmapChars } from './logfile_schema.js';
import { checkBootSections, MAX_BOOT_RANGES } from '../inputs/limits.js';

/** The bounds of the 64-bit physical address space in a geometry's pfns and sections (what a hotplug call may name). */
export interface Bounds {
  /** The first pfn whose PFN_PHYS() overflows 64 bits. */
  readonly pfnEnd: number;
  /** The largest section number a pfn below pfnEnd falls in. */
  readonly maxSectionNr: number;
  /** The largest root number such a section falls in. */
  readonly maxRoot: number;
}

/** The bounds of `g`. */
export function boundsOf(g: Geometry): Bounds {
  const pfnEnd = 2 ** (64 - g.PAGE_SHIFT);
  const maxSectionNr = Math.floor((pfnEnd - 1) / g.PAGES_PER_SECTION);
  return { pfnEnd, maxSectionNr, maxRoot: Math.floor(maxSectionNr / g.SECTIONS_PER_ROOT) };
}

/** The boot layout of a header: RAM ranges below MAX_PHYSMEM_BITS, ascending and disjoint (as the scenario parser makes them), /proc/iomem lines with start ≤ end. */
export function checkBoot(g: Geometry, ranges: readonly BootRange[], iomem: readonly IomemResource[]): string | null {
  let prevEnd = 0;
  for (let i = 0; i < ranges.length; i++) {
    const r = ranges[i] as BootRange;
    const at = `boot.ranges.${i}`;
    if (r.endPfn <= r.startPfn) return `${at}: endPfn ${hex(r.endPfn)} is not above startPfn ${hex(r.startPfn)}`;
    const span = checkSpan(g, 'pfn', `startPfn ${hex(r.startPfn)}`, BigInt(r.startPfn), `endPfn ${hex(r.endPfn)}`, BigInt(r.endPfn - r.startPfn), 'boot');
    if (!span.ok) return `${at}: ${span.problem.message}`;
    if (r.startPfn < prevEnd) return `${at}: starts at pfn ${hex(r.startPfn)}, below the end ${hex(prevEnd)} of the range before it (boot ranges are ascending and disjoint)`;
    prevEnd = r.endPfn;
  }
  if (ranges.length > MAX_BOOT_RANGES) return `boot.ranges: ${ranges.length} ranges, more than MAX_BOOT_RANGES (${MAX_BOOT_RANGES})`;
  const size = checkBootSections(g, ranges);
  if (!size.ok) return `boot.ranges: ${size.problem.message}`;
  for (let i = 0; i < iomem.length; i++) {
    const r = iomem[i] as IomemResource;
    if (r.end < r.start) return `boot.iomem.${i}: end ${hex(r.end)} is below start ${hex(r.start)}`;
  }
  return null;
}

/** An operation within the bounds the scenario parser puts on one (inputs/operations.ts parseOperation). */
export function checkOperation(g: Geometry, op: Operation): string | null {
  const why = operationProblem(g, op);
  return why === null ? null : `op: ${why.message}`;
}

/** A record's expectations sized for the geometry (as inputs/expect.ts parses them). */
export function checkExpects(g: Geometry, expects: ReadonlyArray<{ readonly expect: Expectation }>): string | null {
  for (let i = 0; i < expects.length; i++) {
    const e = (expects[i] as { readonly expect: Expectation }).expect;
    if (e.kind !== 'section') continue;
    const at = `expects.${i}.expect`;
    if (e.nr >= g.NR_MEM_SECTIONS) return `${at}.nr: section ${e.nr} is beyond NR_MEM_SECTIONS (${hex(g.NR_MEM_SECTIONS)})`;
    if (e.map !== undefined && !isBitmap(g, e.map, true)) return `${at}.map: not a subsection_map of ${g.SUBSECTIONS_PER_SECTION} bits`;
    if (e.memmap !== undefined && e.memmap.length !== g.SUBSECTIONS_PER_SECTION) return `${at}.memmap: ${e.memmap.length} characters, not ${g.SUBSECTIONS_PER_SECTION}`;
  }
  return null;
}

/**
 * The section effects of an outcome against the states before and after its step: each section
 * it names went from `before` to `after` (a section never touched is absent.never).
 */
export function checkEffects(g: Geometry, outcome: Outcome, before: KernelState, after: KernelState): string | null {
  for (let i = 0; i < outcome.sections.length; i++) {
    const e = outcome.sections[i] as Outcome['sections'][number];
    const was = machineOf(g, before, e.nr);
    const is = machineOf(g, after, e.nr);
    if (was !== e.before) return `outcome.sections.${i}.before: section ${e.nr} was ${was} before the step, not ${e.before}`;
    if (is !== e.after) return `outcome.sections.${i}.after: section ${e.nr} is ${is} after the step's patches, not ${e.after}`;
  }
  return null;
}

/**
 * Compact changes (log/logfile_changes.ts) against the state they apply to: a root or section
 * they create did not exist, a section they change exists, and every old value is the one the
 * state holds at that point of the step; `patches.K` names the patch of the K-th change.
 */
export function checkChangesAgainst(g: Geometry, changes: Changes, state: KernelState): string | null {
  const roots = new Set<number>();
  const sections = new Map<number, MemSection>();
  const fields = new Map<string, unknown>();
  const once = new Set<string>();
  let highest = state.highestPresentSectionNr;
  let device: readonly DeviceRange[] = state.deviceRanges;
  let deviceAt: string | null = null;
  const SPR = g.SECTIONS_PER_ROOT;
  const slot = (r: number, idx: number): MemSection | null | undefined => {
    const made = sections.get(r * SPR + idx);
    if (made !== undefined) return made;
    const root = Object.hasOwn(state.roots, r) ? state.roots[r] : undefined;
    if (root !== undefined) return root.sections[idx] ?? null;
    return roots.has(r) ? null : undefined;
  };
  let k = 0;
  for (let i = 0; i < changes.length; k++) {
    const at = `patches.${k}`;
    switch (changes[i]) {
      case ROOT: {
        const r = changes[i + 1] as number;
        if (Object.hasOwn(state.roots, r) || roots.has(r)) return `${at}: adds mem_section root ${r}, which exists`;
        roots.add(r);
        i += 2;
        break;
      }
      case CREATE: {
        const [r, idx] = [changes[i + 1] as number, changes[i + 2] as number];
        const s = slot(r, idx);
        if (s === undefined) return `${at}: creates section ${r * SPR + idx} in root ${r}, which was never added`;
        if (s !== null) return `${at}: creates section ${r * SPR + idx}, which exists`;
        sections.set(r * SPR + idx, changes[i + 3] as MemSection);
        i += 4;
        break;
      }
      case FIELD: {
        const [r, idx, f] = [changes[i + 1] as number, changes[i + 2] as number, SECTION_FIELDS[changes[i + 3] as number] as (typeof SECTION_FIELDS)[number]];
        const s = slot(r, idx);
        if (s === undefined || s === null) return `${at}: changes ${f} of section ${r * SPR + idx}, which does not exist`;
        const key = `${r * SPR + idx}:${f}`;
        const current = fields.has(key) ? fields.get(key) : s[f];
        if (!sameValue(current, changes[i + 5])) return `inversePatches: the ${f} of section ${r * SPR + idx} it restores is not the one the state holds before the step`;
        fields.set(key, changes[i + 4]);
        i += 6;
        break;
      }
      case HIGHEST:
        if (changes[i + 2] !== highest) return `inversePatches: the highestPresentSectionNr it restores (${String(changes[i + 2])}) is not the state's (${highest})`;
        highest = changes[i + 1] as number;
        i += 3;
        break;
      case ONCE: {
        const site = changes[i + 1] as string;
        if (state.once[site] === true || once.has(site)) return `${at}: call site ${JSON.stringify(site)} already fired`;
        once.add(site);
        i += 2;
        break;
      }
      case DEVICE: {
        const [at0, removed, inserted] = [changes[i + 1] as number, changes[i + 2] as DeviceRange[], changes[i + 3] as DeviceRange[]];
        if (at0 > device.length || !sameValue(device.slice(at0, at0 + removed.length), removed)) return `${at}: the ZONE_DEVICE ranges it replaces at ${at0} are not the state's`;
        device = [...device.slice(0, at0), ...inserted, ...device.slice(at0 + removed.length)];
        deviceAt = at;
        i += 4;
        break;
      }
      default:
        return `${at}: not a change memhp writes`;
    }
  }
  // Checked when the step's changes are all made: one range at a time, a merge may overlap on the way.
  const why = deviceAt === null ? null : deviceRangesProblem(g, device);
  if (why !== null) return `${deviceAt}: the ZONE_DEVICE ranges the step makes are not ascending and disjoint (${why})`;
  return null;
}

/** The schema of each section field's value under `g` (and of a whole section), as the model makes them. */
export interface SectionSchemas {
  readonly field: Readonly<Record<(typeof SECTION_FIELDS)[number], v.GenericSchema>>;
  readonly section: v.GenericSchema;
}

/** The schemas of section values under `g` (made once per geometry). */
export function sectionSchemas(g: Geometry): SectionSchemas {
  let s = schemaCache.get(g);
  if (s === undefined) {
    s = makeSectionSchemas(g);
    schemaCache.set(g, s);
  }
  return s;
}

/** The ZONE_DEVICE ranges of the state under `g`: [start, end) pfn pairs, ascending, disjoint, within the address space. */
export function deviceRangesProblem(g: Geometry, value: unknown): string | null {
  if (!Array.isArray(value)) return 'not a list of pfn ranges';
  const { pfnEnd } = boundsOf(g);
  let prev = 0;
  for (let i = 0; i < value.length; i++) {
    const r: unknown = value[i];
    if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => Number.isSafeInteger(x) && (x as number) >= 0 && (x as number) <= pfnEnd)) return `${i}: not a [start, end) pair of pfns`;
    const [a, b] = r as [number, number];
    if (b <= a || a < prev) return `${i}: [${hex(a)}, ${hex(b)}) is empty or not above the range before it`;
    prev = b;
  }
  return null;
}

/** A once-only call site as the model names one: `oops`, or `file:function:kind:text[:condition]` (model/mm/context.ts warnOnce). */
export const ONCE_SITE = /^(oops|[\w./-]+:[\w.]+:(WARN|WARN_ON|WARN_ON_ONCE|pr_warn_once|pr_err_once):[\s\S]*)$/;

// --- internal ---

const schemaCache = new WeakMap<Geometry, SectionSchemas>();

function makeSectionSchemas(g: Geometry): SectionSchemas {
  const bitmap = v.pipe(
    v.array(v.number()),
    v.check((m) => isBitmap(g, m, false), `not a bitmap of ${g.SUBSECTIONS_PER_SECTION} bits (${g.MAP_WORDS} 32-bit words)`),
  );
  const field = {
    flags: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(31, 'bits beyond the section flags (0x1f)')),
    map: v.picklist(MAP_KINDS),
    nid: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_NUMNODES - 1, `a node number must be below MAX_NUMNODES (${MAX_NUMNODES})`)),
    usage: v.picklist(USAGE_KINDS),
    subsectionMap: bitmap,
    bootMap: v.nullable(bitmap),
    memmap: v.pipe(
      v.string(),
      v.length(g.SUBSECTIONS_PER_SECTION, `not ${g.SUBSECTIONS_PER_SECTION} characters (one per sub-section)`),
      memmapChars,
    ),
    machine: v.picklist(SECTION_STATES),
  } as const;
  const { maxSectionNr } = boundsOf(g);
  const section = v.strictObject({ nr: v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(maxSectionNr)), ...field });
  return { field, section };
}

/** A bitmap of the geometry's sub-sections: MAP_WORDS 32-bit words (fewer when `short` is allowed), no bit past SUBSECTIONS_PER_SECTION. */
function isBitmap(g: Geometry, m: readonly unknown[], short: boolean): boolean {
  if (short ? m.length > g.MAP_WORDS : m.length !== g.MAP_WORDS) return false;
  for (let i = 0; i < m.length; i++) {
    const w = m[i];
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 0xffffffff) return false;
    const bits = g.SUBSECTIONS_PER_SECTION - i * 32;
    if (bits < 32 && w >= 2 ** Math.max(0, bits)) return false;
  }
  return true;
}

function machineOf(g: Geometry, state: KernelState, nr: number): string {
  const r = Math.floor(nr / g.SECTIONS_PER_ROOT);
  const root = Object.hasOwn(state.roots, r) ? state.roots[r] : undefined;
  return root?.sections[nr % g.SECTIONS_PER_ROOT]?.machine ?? 'absent.never';
}

/** Equal JSON values (numbers, strings, null, arrays of them: section fields and device ranges). */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
  return true;
}
