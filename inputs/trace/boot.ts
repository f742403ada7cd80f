/**
 * The boot memory layout of a recorded trace (memblock.memory at boot, which the early sections and
 * their sub-section bits come from), from the best source it has:
 *   1. a /proc/iomem copy the user gives (`--iomem FILE`),
 *   2. the first snapshot's IOMEM lines (top-level `System RAM`, as sparse_init sees memblock),
 *   3. the first secstate: every watched section marked EARLY, at sub-section granularity
 *      (subsection_map_init sets the bits of boot RAM, rounded outward to 2 MiB),
 *   4. nothing: no early sections (a trace of hot-plug probes only); said in a note.
 * The kernel command line (run.json or a `Command line:` console line) is checked against it:
 * `memmap=nn!ss`, `memmap=nn$ss` and `memmap=nn#ss` ranges are e820 PRAM / reserved / ACPI,
 * never memblock memory (arch/x86/kernel/e820.c parse_memmap_one), so RAM there is a contradiction.
 */
import type { BootRange, IomemResource, SourceLoc } from '../../kernel/operation.js';
import { SECTION_IS_EARLY } from '../../kernel/types.js';
import type { TraceDocument, TraceWarning } from './types.js';
import { wordFlags } from './values.js';

/** Where the boot layout came from. */
export type BootSource = 'iomem-file' | 'iomem' | 'secstate' | 'none';

/** The boot layout of a trace and what was noticed while building it. */
export interface TraceBoot {
  readonly ranges: readonly BootRange[];
  readonly iomem: readonly IomemResource[];
  readonly source: SourceLoc;
  readonly from: BootSource;
  readonly notes: readonly TraceWarning[];
}

/** What the caller knows besides the trace. */
export interface TraceBootOptions {
  /** A /proc/iomem copy given by the user, with its file name. */
  readonly iomem?: { readonly resources: readonly IomemResource[]; readonly file: string };
  /** The kernel command line the trace was recorded under. */
  readonly cmdline?: string | null;
}

/** A `memmap=` range of the kernel command line (bytes, end exclusive). */
export interface MemmapRange {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  /** `!` PRAM (legacy pmem), `$` reserved, `#` ACPI data, `@` usable RAM. */
  readonly type: '!' | '$' | '#' | '@';
}

const PAGE_SIZE = 4096;
/** x86_64: the geometry of both traced kernels (128 MiB sections, 2 MiB sub-sections). */
const PAGES_PER_SECTION = 0x8000;
const PAGES_PER_SUBSECTION = 0x200;

/** The boot layout of `doc` (see the file header for the order of sources). */
export function traceBoot(doc: TraceDocument, file: string, opts: TraceBootOptions = {}): TraceBoot {
  const notes: TraceWarning[] = [];
  let boot: Omit<TraceBoot, 'notes'>;
  const snap = doc.snapshots.find((s) => s.iomem.length > 0);
  if (opts.iomem !== undefined) {
    boot = { ranges: systemRam(opts.iomem.resources), iomem: opts.iomem.resources, source: { file: opts.iomem.file, line: 1 }, from: 'iomem-file' };
  } else if (snap !== undefined) {
    boot = { ranges: systemRam(snap.iomem), iomem: snap.iomem, source: snap.begin ?? { file, line: 1 }, from: 'iomem' };
  } else {
    const first = doc.records.find((r) => r.kind === 'secstate');
    if (first !== undefined && first.kind === 'secstate') {
      boot = { ranges: earlyRanges(first.sections), iomem: [], source: first.source, from: 'secstate' };
      notes.push({
        ...first.source,
        message: `no /proc/iomem in the trace: boot RAM taken from the EARLY sections of this secstate (${first.sections.map((s) => s.nr).join(', ')}) at 2 MiB granularity; other boot sections are unknown (give --iomem FILE)`,
      });
    } else {
      boot = { ranges: [], iomem: [], source: { file, line: 1 }, from: 'none' };
      notes.push({ file, line: 1, message: 'no /proc/iomem and no secstate in the trace: the model boots without RAM, so only hot-plugged ranges are modelled (give --iomem FILE)' });
    }
  }
  for (const m of memmapRanges(opts.cmdline ?? '')) {
    if (m.type === '@') continue;
    const clash = boot.ranges.find((r) => r.startPfn * PAGE_SIZE < m.end && m.start < r.endPfn * PAGE_SIZE);
    if (clash !== undefined) {
      notes.push({ ...boot.source, message: `the kernel command line has ${m.text} (not memblock memory), but the boot layout has System RAM there (pfns 0x${clash.startPfn.toString(16)}-0x${(clash.endPfn - 1).toString(16)})` });
    }
  }
  return { ...boot, notes };
}

/** The `memmap=nn[KMG]{!,$,#,@}ss[KMG]` ranges of a kernel command line (others are ignored). */
export function memmapRanges(cmdline: string): MemmapRange[] {
  const out: MemmapRange[] = [];
  for (const word of cmdline.split(/\s+/)) {
    if (!word.startsWith('memmap=')) continue;
    for (const item of word.slice('memmap='.length).split(',')) {
      const m = /^(\d+|0x[0-9a-f]+)([KMGT]?)([!$#@])(\d+|0x[0-9a-f]+)([KMGT]?)$/i.exec(item);
      if (m === null) continue;
      const size = scaled(m[1] ?? '0', m[2] ?? '');
      const start = scaled(m[4] ?? '0', m[5] ?? '');
      if (size === null || start === null) continue;
      out.push({ text: `memmap=${item}`, start, end: start + size, type: m[3] as MemmapRange['type'] });
    }
  }
  return out;
}

// --- internal ---

/**
 * Top-level `System RAM` resources as boot ranges (whole pages inside each), sorted; ranges that
 * overlap (a copied line twice — the kernel's resource tree never has overlapping siblings) are
 * merged, so the boot layout is ascending and disjoint as a scenario's.
 */
function systemRam(iomem: readonly IomemResource[]): BootRange[] {
  const sorted = iomem
    .filter((r) => r.depth === 0 && r.name === 'System RAM')
    .map((r) => ({ startPfn: Math.ceil(r.start / PAGE_SIZE), endPfn: Math.floor((r.end + 1) / PAGE_SIZE), nid: 0 }))
    .filter((r) => r.startPfn < r.endPfn)
    .sort((a, b) => a.startPfn - b.startPfn);
  const out: BootRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r.startPfn < last.endPfn) out[out.length - 1] = { ...last, endPfn: Math.max(last.endPfn, r.endPfn) };
    else out.push(r);
  }
  return out;
}

/** Boot ranges from the set sub-section bits of EARLY sections (runs of bits merged). */
function earlyRanges(sections: ReadonlyArray<{ nr: number; word: bigint; usage: bigint; map0: bigint }>): BootRange[] {
  const out: BootRange[] = [];
  for (const s of [...sections].sort((a, b) => a.nr - b.nr)) {
    if ((wordFlags(s.word) & SECTION_IS_EARLY) === 0 || s.usage === 0n) continue;
    for (let i = 0; i < 64; i++) {
      if (((s.map0 >> BigInt(i)) & 1n) === 0n) continue;
      const startPfn = s.nr * PAGES_PER_SECTION + i * PAGES_PER_SUBSECTION;
      const last = out[out.length - 1];
      if (last !== undefined && last.endPfn === startPfn) out[out.length - 1] = { ...last, endPfn: startPfn + PAGES_PER_SUBSECTION };
      else out.push({ startPfn, endPfn: startPfn + PAGES_PER_SUBSECTION, nid: 0 });
    }
  }
  return out;
}

function scaled(num: string, suffix: string): number | null {
  const n = Number(num);
  const mul = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 }[suffix.toUpperCase()];
  if (!Number.isSafeInteger(n) || mul === undefined) return null;
  const v = n * mul;
  return Number.isSafeInteger(v) ? v : null;
}
