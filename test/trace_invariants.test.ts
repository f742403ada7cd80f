/**
 * Every named invariant (model/invariants.ts) holds after every step of every recorded run in
 * test/fixtures/traces, replayed under the profile of the kernel that recorded it: the invariants are
 * true of real kernels, not only of the model's random runs.
 */
import { describe, expect, it } from 'vitest';
import { kernelForRelease, traceToScenario } from '../inputs/trace/to_scenario.js';
import { INVARIANTS } from '../model/invariants.js';
import { resolveProfile } from '../kernel/profile.js';
import { recordScenario } from '../log/record.js';
import { readRun, recordedRuns } from './helpers/traces.js';

const RUNS = recordedRuns();

describe('the invariants hold at every step of the recorded runs', () => {
  it('there are runs and invariants to check', () => {
    expect(RUNS.length).toBe(34);
    expect(INVARIANTS.length).toBeGreaterThanOrEqual(5);
  });

  for (const { release, run } of RUNS) {
    it(`${release}/${run}`, () => {
      const { file, doc } = readRun(release, run);
      const ts = traceToScenario(doc, file);
      if (!ts.ok) throw new Error('untranslatable trace');
      const r = resolveProfile({ kernel: kernelForRelease(release) ?? '' });
      if (!r.ok) throw new Error(r.message);
      const log = recordScenario(ts.value.scenario, r.profile);
      const broken: string[] = [];
      for (let n = 0; n < log.length; n++) {
        const state = log.stateAt(n);
        for (const inv of INVARIANTS) for (const v of inv.check(r.profile, state)) broken.push(`step ${n} ${inv.name} section ${v.section}: ${v.text}`);
      }
      expect(broken).toEqual([]);
    });
  }
});
