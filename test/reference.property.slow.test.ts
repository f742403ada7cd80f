/**
 * The v5.3 model in model/ agrees with an independent reference model written from the seed
 * patch (test/reference/seedModel.ts): same return codes and same subsection_maps over NUM_RUNS
 * random sequences of __add_pages / __remove_pages across a few sections with random alignments
 * (the slow tier: npm test, not test:fast).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { EEXIST, EINVAL, SeedModel, type RefRange } from './reference/seedModel.js';
import { bootState, getSection, step } from '../model/index.js';
import { createProfile } from '../kernel/index.js';
import type { KernelState, Profile } from '../kernel/types.js';
import type { Operation } from '../kernel/operation.js';

/** Sizes in pfns, spelled out here so the test does not lean on model/geometry. */
const SEC = 32768;
const SUB = 512;
const pfnOf = (section: number, offset = 0): number => section * SEC + offset;

// ---- Generators ------------------------------------------------------------------------------

/** A boundary of a boot RAM range inside sections 32–40 (end exclusive may reach section 41). */
const bootPoint = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 32 * 64, max: 41 * 64 }).map((k) => k * SUB) },
  { weight: 1, arbitrary: fc.integer({ min: pfnOf(32), max: pfnOf(41) }) },
);

/** 0–2 non-overlapping memblock ranges (sorted boundaries paired up; empty pairs dropped). */
const bootArb: fc.Arbitrary<RefRange[]> = fc
  .array(fc.tuple(bootPoint, bootPoint), { minLength: 0, maxLength: 2 })
  .map((pairs) => {
    const pts = pairs.flat().sort((a, b) => a - b);
    const out: RefRange[] = [];
    for (let i = 0; i + 1 < pts.length; i += 2) {
      const startPfn = pts[i]!;
      const endPfn = pts[i + 1]!;
      if (startPfn < endPfn) out.push({ startPfn, endPfn });
    }
    return out;
  });

/** Offset of the start pfn in its section. */
const offsetArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) }, // section aligned
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 63 }).map((k) => k * SUB) }, // sub-section aligned
  { weight: 1, arbitrary: fc.integer({ min: 1, max: SEC - 1 }) }, // page granular, usually misaligned
);

/** nr_pages. */
const nrArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 64 }).map((k) => k * SUB) }, // up to a section
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 3 }).map((k) => k * SEC) }, // whole sections
  { weight: 2, arbitrary: fc.integer({ min: 65, max: 192 }).map((k) => k * SUB) }, // 2–3 sections
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 * SEC }) }, // page granular
  { weight: 1, arbitrary: fc.constant(0) }, // the nr_pages = 0 quirk (pfn is never 0 here)
);

interface Span {
  readonly pfn: number;
  readonly nr: number;
}

const spanArb: fc.Arbitrary<Span> = fc
  .record({ sec: fc.integer({ min: 30, max: 42 }), off: offsetArb, nr: nrArb })
  .map(({ sec, off, nr }) => ({ pfn: pfnOf(sec, off), nr }));

/** Where an op's span comes from: fresh, reused from a small pool (so removes meet adds), or a boot range. */
type SpanSource = { readonly fresh: Span } | { readonly pool: number } | { readonly boot: number };

const sourceArb: fc.Arbitrary<SpanSource> = fc.oneof(
  { weight: 3, arbitrary: spanArb.map((fresh) => ({ fresh })) },
  { weight: 4, arbitrary: fc.nat({ max: 7 }).map((pool) => ({ pool })) },
  { weight: 1, arbitrary: fc.nat({ max: 3 }).map((boot) => ({ boot })) },
);

interface Step {
  readonly kind: 'add' | 'remove';
  readonly src: SpanSource;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  kind: fc.constantFrom<'add' | 'remove'>('add', 'remove'),
  src: sourceArb,
});

interface Scenario {
  readonly boot: RefRange[];
  readonly pool: Span[];
  readonly steps: Step[];
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  boot: bootArb,
  pool: fc.array(spanArb, { minLength: 1, maxLength: 4 }),
  steps: fc.array(stepArb, { minLength: 1, maxLength: 30 }),
});

/** A boot range rounded outward to sub-sections (what an add/remove of "that RAM" would pass). */
function bootSpan(r: RefRange): Span {
  const start = Math.floor(r.startPfn / SUB) * SUB;
  const end = Math.ceil(r.endPfn / SUB) * SUB;
  return { pfn: start, nr: end - start };
}

function resolve(s: Scenario, src: SpanSource): Span {
  if ('fresh' in src) return src.fresh;
  if ('boot' in src && s.boot.length > 0) return bootSpan(s.boot[src.boot % s.boot.length]!);
  const i = 'pool' in src ? src.pool : src.boot;
  return s.pool[i % s.pool.length]!;
}

/** The sections any op or boot range can touch: 30 … 45 plus a margin. */
const CHECKED_SECTIONS = Array.from({ length: 20 }, (_, i) => 28 + i);

// ---- Comparison ------------------------------------------------------------------------------

/** model/ bitmap (32-bit words, bit i in word i >>> 5) as 16 hex digits; undefined → zero. */
function modelMapHex(profile: Profile, state: KernelState, nr: number): string {
  const ms = getSection(profile, state, nr);
  let v = 0n;
  (ms?.subsectionMap ?? []).forEach((w, i) => {
    v |= BigInt(w >>> 0) << (32n * BigInt(i));
  });
  return v.toString(16).padStart(16, '0');
}

const HAS_MEM_MAP = 1 << 1;
const IS_EARLY = 1 << 3;

function modelFlags(profile: Profile, state: KernelState, nr: number): { valid: boolean; early: boolean; usage: string } {
  const ms = getSection(profile, state, nr);
  const f = ms?.flags ?? 0;
  return { valid: (f & HAS_MEM_MAP) !== 0, early: (f & IS_EARLY) !== 0, usage: ms?.usage ?? 'none' };
}

function describeOp(st: Step, span: Span): string {
  return `${st.kind === 'add' ? '__add_pages' : '__remove_pages'}(pfn ${span.pfn.toString(16)} [sec ${Math.floor(span.pfn / SEC)} +${(span.pfn % SEC) / SUB} sub], nr ${span.nr.toString(16)} [${span.nr / SUB} sub])`;
}

/**
 * Runs one scenario through both models and returns the first disagreement (or null).
 * `flags`: also compare HAS_MEM_MAP, EARLY and where ms->usage came from, for every checked section.
 */
function runBoth(s: Scenario, flags: boolean): string | null {
  const profile = createProfile({ kernel: '5.3', arch: 'x86_64' });
  let { state } = bootState(profile, {
    ranges: s.boot.map((r) => ({ startPfn: r.startPfn, endPfn: r.endPfn, nid: 0 })),
    iomem: [],
    source: { file: 'prop', line: 1 },
  });
  const ref = SeedModel.boot(s.boot);
  const history: string[] = [`boot ${JSON.stringify(s.boot.map((r) => [r.startPfn.toString(16), r.endPfn.toString(16)]))}`];

  const compareState = (where: string): string | null => {
    for (const nr of CHECKED_SECTIONS) {
      const want = ref.mapHex(nr);
      const got = modelMapHex(profile, state, nr);
      if (want !== got) return `${where}: section ${nr} subsection_map reference ${want} model ${got}`;
      if (flags) {
        const rs = ref.section(nr);
        const wantF = { valid: rs?.valid ?? false, early: rs?.early ?? false, usage: rs?.usage ?? 'none' };
        const gotF = modelFlags(profile, state, nr);
        if (wantF.valid !== gotF.valid || wantF.early !== gotF.early || wantF.usage !== gotF.usage)
          return `${where}: section ${nr} flags reference ${JSON.stringify(wantF)} model ${JSON.stringify(gotF)}`;
      }
    }
    return null;
  };

  const fail = (msg: string): string => `${msg}\n  history:\n    ${history.join('\n    ')}\n  reference notes: ${JSON.stringify(ref.notes)}`;

  const atBoot = compareState('after boot');
  if (atBoot) return fail(atBoot);

  for (let i = 0; i < s.steps.length; i++) {
    const st = s.steps[i]!;
    const span = resolve(s, st.src);
    const op: Operation =
      st.kind === 'add'
        ? { kind: '__add_pages', nid: 0, pfn: span.pfn, nr_pages: span.nr, altmap: null }
        : { kind: '__remove_pages', pfn: span.pfn, nr_pages: span.nr, altmap: null };
    const r = step(profile, state, op, []);
    state = r.state;
    const want = st.kind === 'add' ? ref.addPages(0, span.pfn, span.nr) : ref.removePages(span.pfn, span.nr);
    history.push(`#${i} ${describeOp(st, span)} → ref ${want} model ${r.outcome.ret}  [${r.outcome.path}]`);
    if (want !== r.outcome.ret) return fail(`step ${i}: ret reference ${want} model ${r.outcome.ret}`);
    const bad = compareState(`after step ${i}`);
    if (bad) return fail(bad);
  }
  return null;
}

const NUM_RUNS = Number(process.env.MEMHP_PROP_RUNS ?? 1000);

describe('model/ v5.3 agrees with the seed reference model', () => {
  it(`return codes and subsection_maps agree on ${NUM_RUNS} random add/remove sequences`, () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const bad = runBoth(s, false);
        if (bad) throw new Error(bad);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`HAS_MEM_MAP, EARLY and ms->usage agree too on ${NUM_RUNS} sequences`, () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const bad = runBoth(s, true);
        if (bad) throw new Error(bad);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the generator reaches every outcome class of the seed semantics', () => {
    const seen = new Map<string, number>();
    const bump = (k: string): void => void seen.set(k, (seen.get(k) ?? 0) + 1);
    for (const s of fc.sample(scenarioArb, { numRuns: 1000, seed: 5303 })) {
      const ref = SeedModel.boot(s.boot);
      for (const st of s.steps) {
        const span = resolve(s, st.src);
        if (st.kind === 'add') {
          const ret = ref.addPages(0, span.pfn, span.nr);
          const chunks = ref.notes.filter((n) => n.kind === 'add_section');
          if (ref.notes.some((n) => n.kind === 'misaligned')) bump('add misaligned');
          else if (chunks.length === 0) bump('add nr=0 no iteration');
          else if (span.nr === 0) bump(`add nr=0 ${ret}`);
          else bump(`add ${ret}`);
          if (ret !== 0 && chunks.length > 1) bump('add partial (later chunk failed)');
          if (chunks.length >= 3) bump('add spans 3 sections');
        } else {
          ref.removePages(span.pfn, span.nr);
          for (const n of ref.notes) {
            if (n.kind === 'deactivated') bump(n.emptied ? `remove emptied (freed ${n.freedUsage ?? 'nothing'})` : 'remove partial');
            else bump(`remove ${n.kind}`);
          }
        }
      }
    }
    for (const k of [
      'add 0',
      `add ${-EEXIST}`,
      'add misaligned',
      `add nr=0 ${-EINVAL}`,
      'add nr=0 no iteration',
      'add partial (later chunk failed)',
      'add spans 3 sections',
      'remove partial',
      'remove emptied (freed slab)',
      'remove emptied (freed nothing)',
      'remove emptied (freed boot)',
      'remove already_deactivated',
      'remove remove_invalid_section',
      'remove misaligned',
    ]) {
      expect(seen.get(k) ?? 0, `${k}: ${JSON.stringify([...seen])}`).toBeGreaterThan(0);
    }
  });
});
