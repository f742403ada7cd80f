/**
 * fast-check arbitraries for property tests of the model and the log (x86_64, 4K pages): a boot
 * layout of 0–2 RAM ranges inside sections 32–40, and sequences of 1–40 operations over sections
 * 30–42 with random alignments, built directly into a `Scenario` (file `prop.scn`, boot on line 1,
 * step i on line i + 2). Sizes are spelled out here rather than read from model/geometry.
 */
import fc from 'fast-check';
import type { BootLayout, BootRange, Operation } from '../../kernel/operation.js';
import type { Scenario } from '../../inputs/types.js';
import type { Altmap, InjectedFailure } from '../../kernel/types.js';
import { bootLayout, buildScenario } from './scenario_build.js';

/** Pages per section (x86_64: 128 MiB / 4 KiB). */
export const SEC = 32768;
/** Pages per sub-section (2 MiB / 4 KiB). */
export const SUB = 512;
/** Sub-sections per section. */
export const SUBS = 64;

/** pfn of `offset` pages into section `section`. */
export const pfnOf = (section: number, offset = 0): number => section * SEC + offset;

// ---- boot layout -------------------------------------------------------------------------------

/** A boundary of a boot range: sub-section granular mostly, sometimes page granular; sections 32–40. */
const bootPoint = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 32 * SUBS, max: 41 * SUBS }).map((k) => k * SUB) },
  { weight: 1, arbitrary: fc.integer({ min: pfnOf(32), max: pfnOf(41) }) },
);

/** 0–2 non-overlapping memblock ranges (boundaries sorted and paired; empty pairs dropped). */
export const bootRangesArb: fc.Arbitrary<BootRange[]> = fc
  .array(fc.tuple(bootPoint, bootPoint, fc.integer({ min: 0, max: 1 })), { minLength: 0, maxLength: 2 })
  .map((pairs) => {
    const nids = pairs.map((p) => p[2]);
    const pts = pairs.flatMap((p) => [p[0], p[1]]).sort((a, b) => a - b);
    const out: BootRange[] = [];
    for (let i = 0; i + 1 < pts.length; i += 2) {
      const startPfn = pts[i]!;
      const endPfn = pts[i + 1]!;
      if (startPfn < endPfn) out.push({ startPfn, endPfn, nid: nids[i / 2] ?? 0 });
    }
    return out;
  });

/** A boot layout (no iomem), sourced at prop.scn:1. */
export const bootLayoutArb: fc.Arbitrary<BootLayout> = bootRangesArb.map((ranges) => bootLayout(ranges));

// ---- spans -------------------------------------------------------------------------------------

/** A pfn range. */
export interface Span {
  readonly pfn: number;
  readonly nr: number;
}

/** Offset of a start pfn in its section. */
const offsetArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) }, // section aligned
  { weight: 6, arbitrary: fc.integer({ min: 0, max: SUBS - 1 }).map((k) => k * SUB) }, // sub-section aligned
  { weight: 1, arbitrary: fc.integer({ min: 1, max: SEC - 1 }) }, // page granular, usually misaligned
);

/** nr_pages of a multi-section op. */
const nrArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: SUBS }).map((k) => k * SUB) }, // up to a section
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }).map((k) => k * SEC) }, // whole sections
  { weight: 2, arbitrary: fc.integer({ min: SUBS + 1, max: 3 * SUBS }).map((k) => k * SUB) }, // 2–3 sections
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 * SEC }) }, // page granular
  { weight: 1, arbitrary: fc.constant(0) }, // nr_pages 0 (pfn is never 0: sections ≥ 30)
);

/** A span starting in sections 30–42. */
export const spanArb: fc.Arbitrary<Span> = fc
  .record({ sec: fc.integer({ min: 30, max: 42 }), off: offsetArb, nr: nrArb })
  .map(({ sec, off, nr }) => ({ pfn: pfnOf(sec, off), nr }));

/** A span inside one section (sparse_add_section / sparse_remove_section). */
export const sectionSpanArb: fc.Arbitrary<Span> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({ sec: fc.integer({ min: 30, max: 42 }), first: fc.integer({ min: 0, max: SUBS - 1 }), len: fc.integer({ min: 1, max: SUBS }) })
      .map(({ sec, first, len }) => ({ pfn: pfnOf(sec, first * SUB), nr: Math.min(len, SUBS - first) * SUB })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ sec: fc.integer({ min: 30, max: 42 }), off: fc.integer({ min: 0, max: SEC - 1 }), len: fc.integer({ min: 1, max: SEC }) })
      .map(({ sec, off, len }) => ({ pfn: pfnOf(sec, off), nr: Math.min(len, SEC - off) })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 30, max: 42 }).map((sec) => ({ pfn: pfnOf(sec), nr: SEC })) },
);

/** Where a span comes from: fresh, a small shared pool (so removes meet adds), or a boot range. */
type SpanSource = { readonly fresh: Span } | { readonly pool: number } | { readonly boot: number };

const sourceArb: fc.Arbitrary<SpanSource> = fc.oneof(
  { weight: 3, arbitrary: spanArb.map((fresh) => ({ fresh })) },
  { weight: 4, arbitrary: fc.nat({ max: 7 }).map((pool) => ({ pool })) },
  { weight: 1, arbitrary: fc.nat({ max: 3 }).map((boot) => ({ boot })) },
);

// ---- operations --------------------------------------------------------------------------------

/** An occasional injected allocation failure. */
export const injectArb: fc.Arbitrary<InjectedFailure[]> = fc.oneof(
  { weight: 9, arbitrary: fc.constant<InjectedFailure[]>([]) },
  { weight: 1, arbitrary: fc.constantFrom<InjectedFailure['kind']>('usage', 'root', 'memmap').map((kind) => [{ kind, nth: 1 }]) },
);

/** An altmap description relative to the op's span (rare; sometimes invalid). */
type AltmapSpec = { readonly baseShift: number; readonly reserve: number; readonly free: number } | null;

const altmapSpecArb: fc.Arbitrary<AltmapSpec> = fc.oneof(
  { weight: 12, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc.record({
      baseShift: fc.constantFrom(0, 0, 0, SUB),
      reserve: fc.integer({ min: 0, max: 16 }),
      free: fc.integer({ min: 0, max: 3 }).map((k) => k * SUB),
    }),
  },
);

/** A generated step before spans are resolved against the pool and the boot ranges. */
type StepSpec =
  | { readonly t: 'add'; readonly kind: 'add_pages' | '__add_pages'; readonly src: SpanSource; readonly nid: number; readonly alt: AltmapSpec; readonly inject: InjectedFailure[] }
  | { readonly t: 'remove'; readonly src: SpanSource; readonly alt: AltmapSpec }
  | { readonly t: 'sparse_add'; readonly span: Span; readonly nid: number; readonly inject: InjectedFailure[] }
  | { readonly t: 'sparse_remove'; readonly span: Span | null; readonly pool: number }
  | { readonly t: 'online'; readonly on: boolean; readonly sec: number; readonly off: number; readonly count: number }
  | { readonly t: 'query'; readonly kind: 'pfn_valid' | 'pfn_to_online_page'; readonly pfn: number }
  | { readonly t: 'zone'; readonly move: boolean; readonly src: SpanSource; readonly zone: 'normal' | 'movable' | 'device' };

const stepSpecArb: fc.Arbitrary<StepSpec> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      t: fc.constant('add' as const),
      kind: fc.constantFrom<'add_pages' | '__add_pages'>('add_pages', '__add_pages'),
      src: sourceArb,
      nid: fc.integer({ min: 0, max: 1 }),
      alt: altmapSpecArb,
      inject: injectArb,
    }),
  },
  { weight: 5, arbitrary: fc.record({ t: fc.constant('remove' as const), src: sourceArb, alt: altmapSpecArb }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('sparse_add' as const), span: sectionSpanArb, nid: fc.integer({ min: 0, max: 1 }), inject: injectArb }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('sparse_remove' as const), span: fc.option(sectionSpanArb, { freq: 2 }), pool: fc.nat({ max: 7 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('online' as const),
      on: fc.boolean(),
      sec: fc.integer({ min: 30, max: 42 }),
      off: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: SEC - 1 }) }),
      count: fc.integer({ min: 0, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('query' as const),
      kind: fc.constantFrom<'pfn_valid' | 'pfn_to_online_page'>('pfn_valid', 'pfn_valid', 'pfn_to_online_page'),
      pfn: fc.integer({ min: pfnOf(30), max: pfnOf(43) - 1 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('zone' as const),
      move: fc.boolean(),
      src: sourceArb,
      zone: fc.constantFrom<'normal' | 'movable' | 'device'>('device', 'device', 'normal', 'movable'),
    }),
  },
);

/** A generated scenario before resolution. */
interface RawScenario {
  readonly boot: BootRange[];
  readonly pool: Span[];
  readonly steps: StepSpec[];
}

/** A boot range rounded outward to sub-sections (what an add/remove of "that RAM" would pass). */
function bootSpan(r: BootRange): Span {
  const start = Math.floor(r.startPfn / SUB) * SUB;
  const end = Math.ceil(r.endPfn / SUB) * SUB;
  return { pfn: start, nr: end - start };
}

function resolve(raw: RawScenario, src: SpanSource): Span {
  if ('fresh' in src) return src.fresh;
  if ('boot' in src && raw.boot.length > 0) return bootSpan(raw.boot[src.boot % raw.boot.length]!);
  const i = 'pool' in src ? src.pool : src.boot;
  return raw.pool[i % raw.pool.length]!;
}

/** The first section's part of a span (a pool span clipped for sparse_remove_section). */
function clipToSection(s: Span): Span {
  const room = SEC - (s.pfn % SEC);
  return { pfn: s.pfn, nr: Math.min(s.nr, room) };
}

function altmapOf(spec: AltmapSpec, span: Span): Altmap | null {
  if (!spec) return null;
  return { base_pfn: span.pfn + spec.baseShift, reserve: spec.reserve, free: spec.free };
}

function toOp(raw: RawScenario, st: StepSpec): { op: Operation; inject: InjectedFailure[] } {
  switch (st.t) {
    case 'add': {
      const span = resolve(raw, st.src);
      return { op: { kind: st.kind, nid: st.nid, pfn: span.pfn, nr_pages: span.nr, altmap: altmapOf(st.alt, span) }, inject: st.inject };
    }
    case 'remove': {
      const span = resolve(raw, st.src);
      return { op: { kind: '__remove_pages', pfn: span.pfn, nr_pages: span.nr, altmap: altmapOf(st.alt, span) }, inject: [] };
    }
    case 'sparse_add':
      return { op: { kind: 'sparse_add_section', nid: st.nid, pfn: st.span.pfn, nr_pages: st.span.nr, altmap: null }, inject: st.inject };
    case 'sparse_remove': {
      const span = st.span ?? clipToSection(raw.pool[st.pool % raw.pool.length]!);
      return { op: { kind: 'sparse_remove_section', pfn: span.pfn, nr_pages: span.nr, map_offset: 0, altmap: null }, inject: [] };
    }
    case 'online': {
      const start = pfnOf(st.sec, st.off);
      return { op: { kind: st.on ? 'online_mem_sections' : 'offline_mem_sections', start_pfn: start, end_pfn: start + st.count * SEC }, inject: [] };
    }
    case 'query':
      return { op: { kind: st.kind, pfn: st.pfn }, inject: [] };
    case 'zone': {
      const span = resolve(raw, st.src);
      return { op: { kind: st.move ? 'move_pfn_range_to_zone' : 'remove_pfn_range_from_zone', pfn: span.pfn, nr_pages: span.nr, zone: st.zone }, inject: [] };
    }
  }
}

/** Options of scenarioArb. */
export interface ScenarioArbOptions {
  readonly minSteps?: number;
  readonly maxSteps?: number;
}

/** A whole scenario: boot layout plus 1–40 operations. */
export function scenarioArb(opts: ScenarioArbOptions = {}): fc.Arbitrary<Scenario> {
  return fc
    .record({
      boot: bootRangesArb,
      pool: fc.array(spanArb, { minLength: 1, maxLength: 4 }),
      steps: fc.array(stepSpecArb, { minLength: opts.minSteps ?? 1, maxLength: opts.maxSteps ?? 40 }),
    })
    .map((raw) => buildScenario(raw.boot, raw.steps.map((st) => toOp(raw, st))));
}

/** A random checkpoint interval K in 1..16. */
export const checkpointEveryArb: fc.Arbitrary<number> = fc.integer({ min: 1, max: 16 });
