/**
 * Properties of the time-travel log over random scenarios (test/helpers/arbitraries.ts):
 *   (a) replaying patches from step 0 gives the live state of every step;
 *   (b) inverse patches walk back from the end to every step, and patches walk forward from 0;
 *   (c) diffStates is empty exactly for deep-equal states, and everything it reports is real;
 *   (d) stateAt with checkpoints (any K, before and after evictCheckpoints) equals replay;
 *   (e) recording is deterministic down to the JSON-lines bytes, and an op change shows up there;
 * and every section's machine state agrees with classifySection() after every step.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bootState, step } from '../model/index.js';
import { classifySection, createProfile } from '../kernel/index.js';
import type { KernelState, MemSection, Outcome, SectionStateValue } from '../kernel/index.js';
import { LogCursor, logToJsonLines, recordScenario } from '../log/index.js';
import { diffStates, isEmptyDiff } from '../query/index.js';
import type { SectionDiff, StateDiff } from '../log/index.js';
import { splitHash } from '../log/logfile.js';
import type { Operation } from '../kernel/operation.js';
import type { Scenario } from '../inputs/types.js';
import { SEC, SUB, SUBS, buildScenario, checkpointEveryArb, scenarioArb, scenarioText } from './helpers/arbitraries.js';

const profile = createProfile({ kernel: '5.3', arch: 'x86_64' });
const g = profile.geometry;
const NUM_RUNS = Math.max(200, Number(process.env.MEMHP_LOG_PROP_RUNS ?? 200));

// ---- helpers -----------------------------------------------------------------------------------

interface Live {
  /** The state after each step (index 0 = boot), straight from bootState/step. */
  readonly states: KernelState[];
  /** Deep copies taken at once, to check that no later step or replay mutates an earlier state. */
  readonly copies: KernelState[];
  readonly outcomes: Outcome[];
}

/** Run the scenario through the model, keeping every live state. */
function runLive(s: Scenario): Live {
  const boot = bootState(profile, s.boot);
  const states = [boot.state];
  const outcomes = [boot.outcome];
  for (const st of s.steps) {
    const r = step(profile, states[states.length - 1]!, st.op, st.inject);
    states.push(r.state);
    outcomes.push(r.outcome);
  }
  return { states, copies: states.map((x) => structuredClone(x)), outcomes };
}

/** Every stored section of a state, by number (independent of model/model listSections). */
function sectionsOf(s: KernelState): Map<number, MemSection> {
  const out = new Map<number, MemSection>();
  for (const root of Object.values(s.roots)) for (const ms of root.sections) if (ms) out.set(ms.nr, ms);
  return out;
}

/** The all-zero section a fresh root holds (spelled out, not taken from model/). */
function zero(nr: number): MemSection {
  return { nr, flags: 0, map: 'zero', nid: 0, usage: 'none', subsectionMap: [0, 0], bootMap: null, memmap: '.'.repeat(SUBS), machine: 'absent.never' };
}

const FLAGS: ReadonlyArray<readonly [string, number]> = [
  ['PRESENT', 1],
  ['HAS_MEM_MAP', 2],
  ['ONLINE', 4],
  ['EARLY', 8],
];

function bitsOf(map: readonly number[]): Set<number> {
  const out = new Set<number>();
  map.forEach((w, i) => {
    for (let b = 0; b < 32; b++) if ((w >>> b) & 1) out.add(i * 32 + b);
  });
  return out;
}

/** A bitmap as the kernel's "0x%016lx" longs, lowest first, joined with ','. */
function longs(map: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < map.length; i += 2) out.push(`0x${(map[i + 1] ?? 0).toString(16).padStart(8, '0')}${(map[i] ?? 0).toString(16).padStart(8, '0')}`);
  return out.join(',');
}

/** Assert a SectionDiff says exactly what differs between sections a and b. */
function checkSectionDiff(d: SectionDiff, a: MemSection, b: MemSection): void {
  expect(d.nr).toBe(a.nr);
  expect(d.state).toEqual([a.machine, b.machine]);
  expect([...d.flagsSet].sort()).toEqual(FLAGS.filter(([, bit]) => !(a.flags & bit) && b.flags & bit).map(([n]) => n).sort());
  expect([...d.flagsCleared].sort()).toEqual(FLAGS.filter(([, bit]) => a.flags & bit && !(b.flags & bit)).map(([n]) => n).sort());
  const ba = bitsOf(a.subsectionMap);
  const bb = bitsOf(b.subsectionMap);
  expect([...d.bitsSet].sort((x, y) => x - y)).toEqual([...bb].filter((x) => !ba.has(x)).sort((x, y) => x - y));
  expect([...d.bitsCleared].sort((x, y) => x - y)).toEqual([...ba].filter((x) => !bb.has(x)).sort((x, y) => x - y));
  const render: Record<string, (s: MemSection) => string> = {
    map: (s) => s.map,
    usage: (s) => s.usage,
    nid: (s) => String(s.nid),
    memmap: (s) => s.memmap,
    bootMap: (s) => (s.bootMap ? longs(s.bootMap) : 'none'),
  };
  const want = Object.entries(render)
    .map(([name, f]) => [name, f(a), f(b)] as const)
    .filter(([, x, y]) => x !== y)
    .sort((x, y) => x[0].localeCompare(y[0]));
  const got = [...d.fields].map((f) => [f[0], f[1], f[2]] as const).sort((x, y) => x[0].localeCompare(y[0]));
  expect(got).toEqual(want);
  // A reported section really changed.
  expect(isDeepStrictEqual(a, b)).toBe(false);
}

/** Assert diffStates(a, b) is empty iff a and b are deep-equal, and every part of it is real and complete. */
function checkDiff(a: KernelState, b: KernelState, from: number, to: number): StateDiff {
  const d = diffStates(g, a, b, from, to);
  expect(d.from).toBe(from);
  expect(d.to).toBe(to);
  expect(isEmptyDiff(d)).toBe(isDeepStrictEqual(a, b));
  const left = sectionsOf(a);
  const right = sectionsOf(b);
  const reported = new Map(d.sections.map((s) => [s.nr, s]));
  expect(reported.size).toBe(d.sections.length);
  for (const nr of new Set([...left.keys(), ...right.keys()])) {
    const x = left.get(nr) ?? zero(nr);
    const y = right.get(nr) ?? zero(nr);
    const sd = reported.get(nr);
    if (isDeepStrictEqual(x, y)) expect(sd, `section ${nr} is equal but reported`).toBeUndefined();
    else {
      expect(sd, `section ${nr} differs but is not reported`).toBeDefined();
      checkSectionDiff(sd!, x, y);
    }
  }
  for (const nr of reported.keys()) expect(left.has(nr) || right.has(nr), `section ${nr} reported but in neither state`).toBe(true);
  // Globals: each one reported differs, and each difference is reported.
  const names = d.globals.map((x) => x[0]);
  expect(names.includes('__highest_present_section_nr')).toBe(a.highestPresentSectionNr !== b.highestPresentSectionNr);
  expect(names.includes('once-fired call sites')).toBe(!isDeepStrictEqual(Object.keys(a.once).sort(), Object.keys(b.once).sort()));
  expect(names.includes('mem_section roots')).toBe(!isDeepStrictEqual(Object.keys(a.roots).sort(), Object.keys(b.roots).sort()));
  for (const [name, x, y] of d.globals) expect(x, name).not.toBe(y);
  return d;
}

/** The history of a scenario, for failure messages. */
function describeScenario(s: Scenario): string {
  return scenarioText(s);
}

// ---- properties --------------------------------------------------------------------------------

describe('log properties (fast-check)', () => {
  it(`(a) replay(n) equals the live state at every step, and no state is mutated afterwards (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(), checkpointEveryArb, (s, k) => {
        const live = runLive(s);
        const log = recordScenario(s, profile, { checkpointEvery: k });
        expect(log.length).toBe(s.steps.length + 1);
        expect(log.live).toStrictEqual(live.states[live.states.length - 1]);
        for (let n = 0; n < log.length; n++) {
          expect(log.replay(n), `replay(${n})\n${describeScenario(s)}`).toStrictEqual(live.states[n]);
          expect(log.step(n).outcome).toStrictEqual(live.outcomes[n]);
        }
        expect(log.replay()).toStrictEqual(live.states[live.states.length - 1]);
        // Replays, cursors and further steps never write into a state that was handed out.
        new LogCursor(log, 0).stepForward();
        for (let n = 0; n < live.states.length; n++) expect(live.states[n], `state ${n} was mutated`).toStrictEqual(live.copies[n]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`(b) inverse patches walk back from the end to every step; patches walk forward from 0 (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(), checkpointEveryArb, fc.nat(), (s, k, mid) => {
        const live = runLive(s);
        const log = recordScenario(s, profile, { checkpointEvery: k });
        const last = log.length - 1;

        const back = new LogCursor(log, last);
        expect(back.index).toBe(last);
        expect(back.state).toStrictEqual(live.states[last]);
        for (let i = last - 1; i >= 0; i--) {
          expect(back.stepBack()).toBe(true);
          expect(back.index).toBe(i);
          expect(back.state, `back to ${i}\n${describeScenario(s)}`).toStrictEqual(log.stateAt(i));
          expect(back.state).toStrictEqual(live.states[i]);
        }
        expect(back.stepBack()).toBe(false);
        expect(back.index).toBe(0);

        const fwd = new LogCursor(log, 0);
        for (let i = 1; i <= last; i++) {
          expect(fwd.stepForward()).toBe(true);
          expect(fwd.index).toBe(i);
          expect(fwd.state, `forward to ${i}\n${describeScenario(s)}`).toStrictEqual(live.states[i]);
        }
        expect(fwd.stepForward()).toBe(false);

        // Back and forth from the middle: one step back then forward returns to the same state.
        const at = mid % log.length;
        const c = new LogCursor(log, at);
        expect(c.state).toStrictEqual(live.states[at]);
        if (c.stepBack()) {
          expect(c.state).toStrictEqual(live.states[at - 1]);
          expect(c.stepForward()).toBe(true);
          expect(c.state).toStrictEqual(live.states[at]);
        }
        for (let n = 0; n < live.states.length; n++) expect(live.states[n]).toStrictEqual(live.copies[n]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`(c) diffStates is empty exactly for deep-equal states, and every reported change is real (${NUM_RUNS} runs)`, () => {
    let empty = 0;
    let nonEmpty = 0;
    fc.assert(
      fc.property(
        scenarioArb(),
        scenarioArb({ maxSteps: 10 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 8 }),
        (s1, s2, picks) => {
          const a = runLive(s1).states;
          const b = runLive(s2).states;
          const tally = (d: StateDiff): void => void (isEmptyDiff(d) ? empty++ : nonEmpty++);
          // Consecutive steps (many are no-ops: failed or query steps), each state with itself and a replayed copy.
          for (let i = 0; i < a.length; i++) {
            tally(checkDiff(a[i]!, a[i]!, i, i));
            tally(checkDiff(a[i]!, structuredClone(a[i]!), i, i));
            if (i > 0) {
              tally(checkDiff(a[i - 1]!, a[i]!, i - 1, i));
              tally(checkDiff(a[i]!, a[i - 1]!, i, i - 1));
            }
          }
          // Random pairs within a run and across two runs (different boots).
          for (const [x, y] of picks) {
            const i = x % a.length;
            const j = y % a.length;
            tally(checkDiff(a[i]!, a[j]!, i, j));
            const jb = y % b.length;
            tally(checkDiff(a[i]!, b[jb]!, i, jb));
            tally(checkDiff(b[jb]!, a[i]!, jb, i));
          }
        },
      ),
      { numRuns: NUM_RUNS },
    );
    expect(empty).toBeGreaterThan(0);
    expect(nonEmpty).toBeGreaterThan(0);
  });

  it(`(d) stateAt(n) with checkpoints equals replay(n) for several K, also after evictCheckpoints (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(), checkpointEveryArb, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (s, kRandom, order) => {
        const live = runLive(s);
        for (const k of [1, 2, 3, kRandom, 64]) {
          const log = recordScenario(s, profile, { checkpointEvery: k });
          const n = log.length;
          expect(log.checkpointEvery).toBe(k);
          expect(log.checkpointCount).toBe(Math.floor((n - 1) / k) + 1);
          for (let i = 0; i < n; i++) {
            expect(log.stateAt(i), `K=${k} stateAt(${i})\n${describeScenario(s)}`).toStrictEqual(log.replay(i));
            expect(log.stateAt(i)).toStrictEqual(live.states[i]);
          }
          log.evictCheckpoints();
          expect(log.checkpointCount).toBe(0);
          // Random access order after eviction rebuilds checkpoints lazily.
          for (const o of order) {
            const i = o % n;
            expect(log.stateAt(i), `K=${k} after evict stateAt(${i})`).toStrictEqual(live.states[i]);
            expect(log.checkpointCount).toBeLessThanOrEqual(Math.floor((n - 1) / k) + 1);
          }
          log.evictCheckpoints();
          for (let i = n - 1; i >= 0; i--) expect(log.stateAt(i)).toStrictEqual(log.replay(i));
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`(e) the same input records to byte-identical JSON lines; a different op changes them (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(), checkpointEveryArb, fc.nat(), fc.nat({ max: 3 }), (s, k, at, how) => {
        const text = scenarioText(s);
        const one = logToJsonLines(recordScenario(s, profile, { checkpointEvery: k }), text, 'prop.scn');
        const two = logToJsonLines(recordScenario(s, profile, { checkpointEvery: k }), text, 'prop.scn');
        expect(two).toBe(one);
        // A structurally equal copy of the scenario (no shared objects) gives the same bytes too.
        const copy = structuredClone(s) as Scenario;
        expect(logToJsonLines(recordScenario(copy, profile, { checkpointEvery: k }), scenarioText(copy), 'prop.scn')).toBe(one);

        // Change one op: the log changes, from that step's line on; earlier step lines are unchanged.
        const i = at % s.steps.length;
        const changed = changeOp(s.steps[i]!.op, how);
        const ops = s.steps.map((st, j) => ({ op: j === i ? changed : st.op, inject: st.inject }));
        const s2 = buildScenario(s.boot.ranges, ops);
        const other = logToJsonLines(recordScenario(s2, profile, { checkpointEvery: k }), scenarioText(s2), 'prop.scn');
        expect(other).not.toBe(one);
        // Each line's hash chains from the header's (which holds the input's hash): compare without it.
        const l1 = one.split('\n').map((l) => splitHash(l)?.content ?? l);
        const l2 = other.split('\n').map((l) => splitHash(l)?.content ?? l);
        expect(l2.length).toBe(l1.length);
        // line 0 is the header (input hash differs), line 1 is boot (step 0), line j + 2 is step j + 1.
        for (let j = 1; j <= i + 1; j++) expect(l2[j], `line ${j}`).toBe(l1[j]);
        expect(l2[i + 2]).not.toBe(l1[i + 2]);
        expect(l2[0]).not.toBe(l1[0]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`every section's machine state equals classifySection() after every step, and outcomes report it (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const live = runLive(s);
        for (let n = 0; n < live.states.length; n++) {
          const state = live.states[n]!;
          const secs = sectionsOf(state);
          for (const ms of secs.values()) {
            expect(ms.machine, `step ${n} section ${ms.nr}: ${JSON.stringify(ms)}\n${describeScenario(s)}`).toBe(classifySection(g, ms));
          }
          // The outcome's section effects name the machine state before and after the step.
          const prev = n > 0 ? sectionsOf(live.states[n - 1]!) : new Map<number, MemSection>();
          for (const e of live.outcomes[n]!.sections) {
            expect(e.before, `step ${n} section ${e.nr} before`).toBe(prev.get(e.nr)?.machine ?? 'absent.never');
            expect(e.after, `step ${n} section ${e.nr} after`).toBe(secs.get(e.nr)?.machine ?? 'absent.never');
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('the generator reaches every machine state and the interesting operation outcomes', () => {
    const states = new Set<SectionStateValue>();
    const outcomes = new Set<string>();
    for (const s of fc.sample(scenarioArb(), { numRuns: 600, seed: 4242 })) {
      const live = runLive(s);
      for (const st of live.states) for (const ms of sectionsOf(st).values()) states.add(ms.machine);
      s.steps.forEach((st, i) => {
        const o = live.outcomes[i + 1]!;
        if (o.ret !== null) outcomes.add(`${st.op.kind} ${o.ret}`);
        if (st.inject.length && o.path.includes('injected')) outcomes.add(`injected ${st.inject[0]!.kind}`);
        for (const h of o.hazards) outcomes.add(`hazard ${h.bug ?? h.kind}`);
        if (o.value !== null) outcomes.add(`${st.op.kind} ${o.value}`);
        if (o.warnings.some((w) => w.func === 'check_pfn_span')) outcomes.add('misaligned');
        if (o.resources.some((r) => r.how.includes('altmap'))) outcomes.add('altmap');
      });
    }
    expect([...states].sort()).toEqual(
      ['absent.deactivated', 'absent.emptied-early', 'early.boot', 'early.grown', 'early.trimmed', 'full-hotplug', 'partial'].sort(),
    );
    for (const k of [
      '__add_pages 0',
      'add_pages 0',
      '__add_pages -17',
      '__add_pages -22',
      'sparse_add_section 0',
      'sparse_add_section -17',
      'injected usage',
      'injected root',
      'injected memmap',
      'hazard F3',
      'hazard F10',
      'hazard F14',
      'pfn_valid true',
      'pfn_valid false',
      'misaligned',
      'altmap',
    ]) {
      expect(outcomes.has(k), `${k} not reached: ${[...outcomes].sort().join('; ')}`).toBe(true);
    }
  });
});

/** A different operation: shift its pfn by a sub-section, change its size, or its kind. */
function changeOp(op: Operation, how: number): Operation {
  switch (op.kind) {
    case 'add_pages':
    case '__add_pages':
      if (how === 0) return { ...op, kind: op.kind === 'add_pages' ? '__add_pages' : 'add_pages' };
      if (how === 1) return { ...op, nid: op.nid + 1 };
      return how === 2 ? { ...op, pfn: op.pfn + SUB } : { ...op, nr_pages: op.nr_pages + SEC };
    case '__remove_pages':
    case 'sparse_remove_section':
    case 'sparse_add_section':
      return how % 2 === 0 ? { ...op, pfn: op.pfn + SUB } : { ...op, nr_pages: op.nr_pages === 0 ? SUB : op.nr_pages - 1 };
    case 'online_mem_sections':
      return { ...op, kind: 'offline_mem_sections' };
    case 'offline_mem_sections':
      return { ...op, end_pfn: op.end_pfn + SEC };
    case 'pfn_valid':
    case 'pfn_to_online_page':
      return { ...op, pfn: op.pfn + 1 };
    case 'move_pfn_range_to_zone':
    case 'remove_pfn_range_from_zone':
      return { ...op, pfn: op.pfn + SUB };
  }
}
