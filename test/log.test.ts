/**
 * Unit scenarios for the time-travel log (log/log.ts): step 0 is boot, seq numbers are
 * contiguous, out-of-range steps are RangeErrors that say what exists, checkpointEvery must be a
 * positive integer, stateAt applies at most K - 1 patches after a checkpoint (counted by reading
 * each step's patches through a getter), evicted checkpoints are rebuilt to the same states, and a
 * cursor stops at both ends.
 */
import { describe, expect, it } from 'vitest';
import { bootState, emptyState, step } from '../model/index.js';
import { createProfile } from '../kernel/index.js';
import type { KernelState } from '../kernel/index.js';
import { DEFAULT_CHECKPOINT_EVERY, HotplugLog, LogCursor, recordScenario } from '../log/index.js';
import type { LogStep } from '../log/index.js';
import type { Operation } from '../kernel/operation.js';
import { SEC, SUB, pfnOf } from './helpers/arbitraries.js';
import { buildScenario } from './helpers/scenario_build.js';

const profile = createProfile({ kernel: '5.3', arch: 'x86_64' });

const add = (pfn: number, nr: number): Operation => ({ kind: '__add_pages', nid: 0, pfn, nr_pages: nr, altmap: null });
const remove = (pfn: number, nr: number): Operation => ({ kind: '__remove_pages', pfn, nr_pages: nr, altmap: null });

/** Boot RAM: section 40, sub-sections 0–31. */
const RANGES = [{ startPfn: pfnOf(40), endPfn: pfnOf(40, 32 * SUB), nid: 0 }];

/** Twenty operations: most change the state; one is a query and one a failing (-EEXIST) add. */
const OPS: Operation[] = [
  add(pfnOf(40, 32 * SUB), 8 * SUB),
  add(pfnOf(41), SEC),
  add(pfnOf(42, 4 * SUB), 2 * SUB),
  { kind: 'online_mem_sections', start_pfn: pfnOf(41), end_pfn: pfnOf(43) },
  remove(pfnOf(40), SUB),
  { kind: 'pfn_valid', pfn: pfnOf(42, 4 * SUB) },
  add(pfnOf(43), 16 * SUB),
  remove(pfnOf(41, 32 * SUB), 32 * SUB),
  add(pfnOf(41, 32 * SUB), 32 * SUB),
  add(pfnOf(41), SUB), // -EEXIST
  remove(pfnOf(42, 4 * SUB), 2 * SUB),
  add(pfnOf(42), SEC),
  { kind: 'offline_mem_sections', start_pfn: pfnOf(40), end_pfn: pfnOf(41) },
  remove(pfnOf(40, SUB), 39 * SUB),
  add(pfnOf(40), 4 * SUB),
  remove(pfnOf(43), 16 * SUB),
  add(pfnOf(43, 8 * SUB), 8 * SUB),
  remove(pfnOf(41), 2 * SEC),
  add(pfnOf(44), 2 * SEC),
  remove(pfnOf(44, 60 * SUB), 8 * SUB),
];

function scenario(ops: readonly Operation[] = OPS) {
  return buildScenario(RANGES, ops.map((op) => ({ op })));
}

/** A log built by hand with append(), each step's `patches` read through a counting getter. */
function countingLog(k: number): { log: HotplugLog; live: KernelState[]; reads: { n: number } } {
  const log = new HotplugLog(profile, { checkpointEvery: k });
  const reads = { n: 0 };
  const counted = (s: Omit<LogStep, 'patches'> & { patches: LogStep['patches'] }): LogStep => {
    const { patches, ...rest } = s;
    return Object.defineProperty({ ...rest }, 'patches', {
      enumerable: true,
      get: () => {
        reads.n++;
        return patches;
      },
    }) as LogStep;
  };
  const s = scenario();
  const b = bootState(profile, s.boot);
  const live = [b.state];
  log.append(counted({ seq: 0, source: s.boot.source, text: 'boot', op: null, inject: [], outcome: b.outcome, expects: [], patches: b.patches, inversePatches: b.inversePatches }), b.state);
  for (const st of s.steps) {
    const r = step(profile, live[live.length - 1]!, st.op, st.inject);
    live.push(r.state);
    log.append(counted({ seq: log.length, source: st.source, text: st.text, op: st.op, inject: st.inject, outcome: r.outcome, expects: [], patches: r.patches, inversePatches: r.inversePatches }), r.state);
  }
  reads.n = 0;
  return { log, live, reads };
}

describe('HotplugLog', () => {
  it('step 0 is boot, and step n is the nth operation', () => {
    const s = scenario();
    const log = recordScenario(s, profile, { checkpointEvery: 4 });
    expect(log.length).toBe(OPS.length + 1);
    const boot = log.step(0);
    expect(boot).toMatchObject({ seq: 0, op: null, text: 'boot', inject: [], source: s.boot.source });
    expect(boot.patches.length).toBeGreaterThan(0);
    const b = bootState(profile, s.boot);
    expect(log.stateAt(0)).toStrictEqual(b.state);
    expect(log.replay(0)).toStrictEqual(b.state);
    expect(boot.outcome).toStrictEqual(b.outcome);
    log.steps.forEach((st, i) => {
      expect(st.seq).toBe(i);
      if (i > 0) expect(st.op).toStrictEqual(OPS[i - 1]);
    });
    // A log of the boot alone.
    const only = recordScenario(scenario([]), profile);
    expect(only.length).toBe(1);
    expect(only.live).toStrictEqual(b.state);
    expect(only.checkpointEvery).toBe(DEFAULT_CHECKPOINT_EVERY);
  });

  it('append() requires contiguous seq numbers and leaves the log unchanged when it refuses', () => {
    const s = scenario();
    const b = bootState(profile, s.boot);
    const bootStep: LogStep = { seq: 0, source: s.boot.source, text: 'boot', op: null, inject: [], outcome: b.outcome, expects: [], patches: b.patches, inversePatches: b.inversePatches };
    const log = new HotplugLog(profile, { checkpointEvery: 4 });
    expect(() => log.append({ ...bootStep, seq: 1 }, b.state)).toThrow(RangeError);
    expect(() => log.append({ ...bootStep, seq: 1 }, b.state)).toThrow('append: expected seq 0, got 1');
    expect(log.length).toBe(0);
    log.append(bootStep, b.state);
    const r = step(profile, b.state, OPS[0]!);
    const next: LogStep = { ...bootStep, seq: 1, op: OPS[0]!, text: 'op', outcome: r.outcome, patches: r.patches, inversePatches: r.inversePatches };
    for (const bad of [0, 2, -1, 1.5]) {
      expect(() => log.append({ ...next, seq: bad }, r.state), `seq ${bad}`).toThrow(RangeError);
    }
    expect(log.length).toBe(1);
    expect(log.live).toBe(b.state);
    log.append(next, r.state);
    expect(log.length).toBe(2);
    expect(log.stateAt(1)).toBe(r.state);
    expect(log.replay(1)).toStrictEqual(r.state);
  });

  it('stateAt(n) past the end (or before the start) throws a RangeError that names the steps there are', () => {
    const log = recordScenario(scenario(), profile, { checkpointEvery: 4 });
    const last = log.length - 1;
    expect(() => log.stateAt(last + 1)).toThrow(RangeError);
    expect(() => log.stateAt(last + 1)).toThrow(`no step ${last + 1} (the log has steps 0..${last})`);
    expect(() => log.stateAt(1000)).toThrow(/no step 1000 .*0\.\.20/);
    expect(() => log.stateAt(-1)).toThrow(RangeError);
    expect(() => log.stateAt(2.5)).toThrow(RangeError);
    expect(() => log.step(last + 1)).toThrow(RangeError);
    expect(() => log.replay(last + 1)).toThrow(RangeError);
    expect(() => new LogCursor(log, last + 1)).toThrow(RangeError);
    // An empty log has no step 0.
    expect(() => new HotplugLog(profile).stateAt(0)).toThrow(RangeError);
  });

  it('rejects a checkpoint interval that is not a positive integer', () => {
    for (const k of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new HotplugLog(profile, { checkpointEvery: k }), `K=${k}`).toThrow(RangeError);
      expect(() => recordScenario(scenario(), profile, { checkpointEvery: k }), `K=${k}`).toThrow(/checkpointEvery must be a positive integer/);
    }
    expect(new HotplugLog(profile, { checkpointEvery: 1 }).checkpointEvery).toBe(1);
    expect(new HotplugLog(profile).checkpointEvery).toBe(DEFAULT_CHECKPOINT_EVERY);
  });

  it('with K = 4 and 20 operations, stateAt applies at most 3 patches after a checkpoint', () => {
    const { log, live, reads } = countingLog(4);
    expect(log.length).toBe(21);
    expect(log.checkpointCount).toBe(6); // steps 0, 4, 8, 12, 16, 20
    const last = log.length - 1;
    for (let n = 0; n <= last; n++) {
      reads.n = 0;
      const got = log.stateAt(n);
      expect(reads.n, `stateAt(${n}) applied ${reads.n} patches`).toBe(n === last ? 0 : n % 4);
      expect(reads.n).toBeLessThanOrEqual(3);
      expect(got).toStrictEqual(live[n]);
    }
    // replay() is the ground truth: it reads every step's patches from 0.
    reads.n = 0;
    expect(log.replay(10)).toStrictEqual(live[10]);
    expect(reads.n).toBe(11);
  });

  it('after evictCheckpoints(), stateAt rebuilds checkpoints from the nearest one below and gives the replayed state', () => {
    const { log, live, reads } = countingLog(4);
    log.evictCheckpoints();
    expect(log.checkpointCount).toBe(0);
    reads.n = 0;
    const s10 = log.stateAt(10);
    expect(reads.n).toBe(11); // steps 0..8 rebuild checkpoint 8, then 9 and 10
    expect(log.checkpointCount).toBe(1);
    expect(s10).toStrictEqual(log.replay(10));
    expect(s10).toStrictEqual(live[10]);
    // Checkpoint 8 is back: stateAt(11) needs 3 patches.
    reads.n = 0;
    expect(log.stateAt(11)).toStrictEqual(live[11]);
    expect(reads.n).toBe(3);
    // An earlier one is rebuilt from the empty state.
    reads.n = 0;
    expect(log.stateAt(5)).toStrictEqual(live[5]);
    expect(reads.n).toBe(5 + 1); // 0..4 rebuild checkpoint 4, then 5
    expect(log.checkpointCount).toBe(2);
    // A later checkpoint is rebuilt from the nearest cached one below it (8), not from 4.
    reads.n = 0;
    expect(log.stateAt(17)).toStrictEqual(live[17]);
    expect(reads.n).toBe(8 + 1); // 9..16 rebuild checkpoint 16, then 17
    expect(log.checkpointCount).toBe(3);
    // The last step is the live state, no patches needed, checkpoints or not.
    log.evictCheckpoints();
    reads.n = 0;
    expect(log.stateAt(20)).toBe(log.live);
    expect(reads.n).toBe(0);
    for (let n = 0; n < log.length; n++) expect(log.stateAt(n)).toStrictEqual(log.replay(n));
  });

  it('replay of an empty log is the empty state', () => {
    expect(new HotplugLog(profile).replay()).toStrictEqual(emptyState());
  });
});

describe('LogCursor', () => {
  it('returns false at both ends and stays put', () => {
    const log = recordScenario(scenario(), profile, { checkpointEvery: 4 });
    const last = log.length - 1;

    const start = new LogCursor(log);
    expect(start.index).toBe(0);
    const s0 = start.state;
    expect(start.stepBack()).toBe(false);
    expect(start.index).toBe(0);
    expect(start.state).toBe(s0);

    const end = new LogCursor(log, last);
    const sl = end.state;
    expect(sl).toStrictEqual(log.live);
    expect(end.stepForward()).toBe(false);
    expect(end.index).toBe(last);
    expect(end.state).toBe(sl);

    // Walk to the other end and hit the wall there too.
    while (end.stepBack());
    expect(end.index).toBe(0);
    expect(end.state).toStrictEqual(log.stateAt(0));
    while (start.stepForward());
    expect(start.index).toBe(last);
    expect(start.state).toStrictEqual(log.live);
    expect(start.stepForward()).toBe(false);

    // A boot-only log: both directions are closed.
    const only = new LogCursor(recordScenario(scenario([]), profile));
    expect(only.stepForward()).toBe(false);
    expect(only.stepBack()).toBe(false);
    expect(only.index).toBe(0);
  });

  it('walks forward and back through every step of the 20-operation log', () => {
    const log = recordScenario(scenario(), profile, { checkpointEvery: 4 });
    const c = new LogCursor(log, 7);
    expect(c.state).toStrictEqual(log.stateAt(7));
    for (let i = 8; i < log.length; i++) {
      expect(c.stepForward()).toBe(true);
      expect(c.state).toStrictEqual(log.stateAt(i));
    }
    for (let i = log.length - 2; i >= 0; i--) {
      expect(c.stepBack()).toBe(true);
      expect(c.state).toStrictEqual(log.replay(i));
    }
  });
});
