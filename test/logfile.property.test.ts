/**
 * Log files over random scenarios (fast-check): recording then loading gives the live run's state
 * at every step, its steps and the scenario they ran; writing a loaded log gives the same bytes;
 * the same input recorded twice is byte-identical; checkpoints are a cache rebuilt from the
 * records at any K (a file holds no state).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { ExpectLine, Scenario } from '../inputs/types.js';
import { createProfile } from '../kernel/index.js';
import { hashInput, logJsonLines, logToJsonLines, readLogLines, recordScenario, textLines } from '../log/index.js';
import type { HotplugLog, LoadedLogFile, LogMeta } from '../log/index.js';
import { checkpointEveryArb, scenarioArb } from './helpers/arbitraries.js';
import { scenarioText } from './helpers/scenario_build.js';

const profile = createProfile({ kernel: '5.3', arch: 'x86_64' });
const NUM_RUNS = 150;

/** Some `expect` lines on some steps (ret=0 and no-warn: some hold, some fail). */
function withExpects(s: Scenario, every: number): Scenario {
  const mk = (line: number, i: number): ExpectLine =>
    i % 2 === 0 ? { expect: { kind: 'ret', ret: 0 }, source: { file: s.file, line }, text: 'expect ret=0' } : { expect: { kind: 'no-warn' }, source: { file: s.file, line }, text: 'expect no-warn' };
  return { ...s, steps: s.steps.map((st, i) => (i % every === 0 ? { ...st, expects: [mk(st.source.line, i)] } : st)) };
}

function metaOf(s: Scenario): LogMeta {
  return { input: { name: s.file, sha256: hashInput(scenarioText(s)) }, kernelLine: s.kernel, boot: s.boot, forkedFrom: null };
}

function textOf(log: HotplugLog, s: Scenario): string {
  return [...logJsonLines(log, metaOf(s))].map((l) => `${l}\n`).join('');
}

function load(text: string, checkpointEvery?: number): LoadedLogFile {
  const r = readLogLines(textLines(text), 'prop.memhp', checkpointEvery === undefined ? {} : { checkpointEvery });
  if (!r.ok) throw new Error(`${r.damage.line}: ${r.damage.message}`);
  return r.value;
}

describe('log files (fast-check)', () => {
  it(`record → load gives the live run's state at every step, its steps and its scenario (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(), fc.integer({ min: 1, max: 4 }), checkpointEveryArb, (s0, every, k) => {
        const s = withExpects(s0, every);
        const live = recordScenario(s, profile, { checkpointEvery: k });
        const lf = load(textOf(live, s));
        expect(lf.damage).toBeNull();
        expect(lf.log.length).toBe(live.length);
        for (let i = 0; i < live.length; i++) {
          expect(lf.log.stateAt(i), `state after step ${i}`).toStrictEqual(live.stateAt(i));
          const a = lf.log.step(i);
          const b = live.step(i);
          expect({ seq: a.seq, source: a.source, text: a.text, op: a.op, inject: a.inject, outcome: a.outcome, expects: a.expects }).toStrictEqual({
            seq: b.seq,
            source: b.source,
            text: b.text,
            op: b.op,
            inject: [...b.inject],
            outcome: b.outcome,
            expects: b.expects.map((e) => ({ ...e })),
          });
          expect(a.inversePatches).toStrictEqual(b.inversePatches);
        }
        // The scenario is rebuilt from the header and records, expect lines included.
        expect(lf.scenario.boot).toStrictEqual(s.boot);
        expect(lf.scenario.steps.map((st) => [st.op, [...st.inject], st.source, st.text, st.expects])).toStrictEqual(s.steps.map((st) => [st.op, [...st.inject], st.source, st.text, st.expects]));
        // Recording the rebuilt scenario gives the same file.
        expect(textOf(recordScenario(lf.scenario, profile, { checkpointEvery: k }), s)).toBe(textOf(live, s));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`a loaded log written again is byte-identical to the file it came from (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(), checkpointEveryArb, (s, k) => {
        const text = textOf(recordScenario(withExpects(s, 2), profile, { checkpointEvery: k }), s);
        const lf = load(text);
        expect([...logJsonLines(lf.log, lf.meta)].map((l) => `${l}\n`).join('')).toBe(text);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`the same input and options recorded twice give byte-identical files (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(), checkpointEveryArb, (s, k) => {
        const one = logToJsonLines(recordScenario(s, profile, { checkpointEvery: k }), scenarioText(s), 'prop.scn', { boot: s.boot });
        const two = logToJsonLines(recordScenario(structuredClone(s) as Scenario, profile, { checkpointEvery: k }), scenarioText(s), 'prop.scn', { boot: s.boot });
        expect(two).toBe(one);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it(`checkpoints are a cache: a file holds no state, and a loaded log rebuilds them at any K (${NUM_RUNS} runs)`, () => {
    fc.assert(
      fc.property(scenarioArb(), checkpointEveryArb, checkpointEveryArb, fc.array(fc.nat(), { maxLength: 20 }), (s, kRec, kLoad, seeks) => {
        const live = recordScenario(s, profile, { checkpointEvery: kRec });
        const text = textOf(live, s);
        // Every record holds exactly the step's fields and its hash: no state, no checkpoint.
        for (const line of text.trimEnd().split('\n').slice(1)) {
          expect(Object.keys(JSON.parse(line) as object)).toEqual(['seq', 'source', 'text', 'op', 'inject', 'outcome', 'expects', 'patches', 'inversePatches', 'hash']);
        }
        const lf = load(text, kLoad);
        const n = lf.log.length;
        expect(lf.log.checkpointEvery).toBe(kLoad);
        expect(lf.log.checkpointCount).toBe(Math.floor((n - 1) / kLoad) + 1);
        lf.log.evictCheckpoints();
        expect(lf.log.checkpointCount).toBe(0);
        for (const x of seeks) {
          const i = x % n;
          // Rebuilt on demand from the records' patches: the same as replaying every patch from step 0.
          expect(lf.log.stateAt(i)).toStrictEqual(lf.log.replay(i));
          expect(lf.log.stateAt(i)).toStrictEqual(live.stateAt(i));
        }
        // Without --checkpoint-every the loaded log uses the interval the header records.
        expect(load(text).log.checkpointEvery).toBe(kRec);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
