/**
 * Format-3 log files (log/compact.ts, log/logfile_compact.ts) over random logs (fast-check): every
 * recorded log round-trips (steps, states, scenario) and is written again byte for byte; writing as
 * the model runs (compactFrames) and from a recorded log (logCompactFrames) give the same bytes; a
 * format-2 file of the same log loads to the same steps and states; a cut file keeps a prefix of the
 * original's steps — at least every step of the frames before the cut — and names what it lost; a
 * flipped byte anywhere never loads a step that differs from the original's.
 */
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createProfile } from '../kernel/index.js';
import { hashInput, logJsonLines, readLogLines, recordScenario, runScenario, textLines } from '../log/index.js';
import type { HotplugLog, LogMeta } from '../log/index.js';
import { BLOCK_STEPS } from '../log/block.js';
import { FRAME_HASH, FRAME_HEAD, STATE_EVERY, compactFrames, logCompactFrames, scenarioFiles } from '../log/compact.js';
import { readCompactLog } from '../log/logfile_compact.js';
import type { Scenario } from '../inputs/types.js';
import { generateWorkload } from '../bench/generate.js';
import { scenarioArb } from './helpers/arbitraries.js';

const profile = createProfile({ kernel: '5.3', arch: 'x86_64' });
const g = profile.geometry;

function metaOf(s: Scenario): LogMeta {
  return { input: { name: s.file, sha256: hashInput(s.file) }, kernelLine: s.kernel, boot: s.boot, forkedFrom: null };
}

function bytesOf(chunks: Iterable<string | Uint8Array>): Buffer {
  const parts: Buffer[] = [];
  for (const c of chunks) parts.push(typeof c === 'string' ? Buffer.from(`${c}\n`) : Buffer.from(c));
  return Buffer.concat(parts);
}

function load(buf: Buffer): HotplugLog {
  const r = readCompactLog(buf, 'prop.memhp');
  if (!r.ok) throw new Error(`${r.damage.line}: ${r.damage.message}`);
  expect(r.value.damage).toBeNull();
  return r.value.log;
}

/** Every step and state of `log`'s first `n` equal `original`'s. */
function samePrefix(original: HotplugLog, log: HotplugLog, n: number): boolean {
  if (log.length !== n) return false;
  for (let i = 0; i < n; i++) {
    const a = log.step(i);
    const b = original.step(i);
    if (!isDeepStrictEqual([a.seq, a.source, a.text, a.op, a.inject, a.outcome, a.expects, a.patches], [b.seq, b.source, b.text, b.op, b.inject, b.outcome, b.expects, b.patches])) return false;
    if (!isDeepStrictEqual(log.stateAt(i), original.stateAt(i))) return false;
  }
  return true;
}

/** Start and end of every frame after the header. */
function frames(buf: Buffer): Array<{ start: number; end: number; kind: number; seq: number; count: number }> {
  const out = [];
  let pos = buf.indexOf(10) + 1;
  while (pos < buf.length) {
    const end = pos + FRAME_HEAD + buf.readUInt32LE(pos + 9) + FRAME_HASH;
    out.push({ start: pos, end, kind: buf[pos] as number, seq: buf.readUInt32LE(pos + 1), count: buf.readUInt32LE(pos + 5) });
    pos = end;
  }
  return out;
}

const longArb = fc.record({ seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }), steps: fc.integer({ min: 1, max: 3 * BLOCK_STEPS + 5 }), sections: fc.integer({ min: 4, max: 200 }) });
const workload = (w: { seed: number; steps: number; sections: number }): Scenario => generateWorkload(g, { seed: w.seed, steps: w.steps, firstSection: 16, sections: w.sections }).scenario;

describe('format-3 log files (fast-check)', () => {
  it('round-trip: steps, states and scenario; written again byte for byte; streamed = from the log; format 2 loads the same', () => {
    fc.assert(
      fc.property(fc.oneof(scenarioArb({ maxSteps: 40 }), longArb.map(workload)), (sc) => {
        const log = recordScenario(sc, profile);
        const meta = metaOf(sc);
        const buf = bytesOf(logCompactFrames(log, meta));
        const streamed = bytesOf(compactFrames(profile, log.checkpointEvery, log.length, scenarioFiles(sc.boot.source, sc.steps), runScenario(sc, profile), meta));
        expect(streamed.equals(buf)).toBe(true);
        const back = load(buf);
        expect(samePrefix(log, back, log.length)).toBe(true);
        const r = readCompactLog(buf, 'prop.memhp');
        if (!r.ok) throw new Error(r.damage.message);
        expect(r.value.scenario.steps.map((s) => [s.op, s.source, s.text, s.inject])).toStrictEqual(sc.steps.map((s) => [s.op, s.source, s.text, s.inject]));
        expect(bytesOf(logCompactFrames(back, r.value.meta)).equals(buf)).toBe(true);
        const two = readLogLines(textLines([...logJsonLines(log, meta)].map((l) => `${l}\n`).join('')), 'two.memhp');
        if (!two.ok) throw new Error(two.damage.message);
        expect(samePrefix(two.value.log, back, log.length)).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('a log past STATE_EVERY steps holds states, and a query after one starts there', () => {
    const sc = workload({ seed: 11, steps: STATE_EVERY + BLOCK_STEPS + 7, sections: 300 });
    const log = recordScenario(sc, profile);
    const buf = bytesOf(logCompactFrames(log, metaOf(sc)));
    const states = frames(buf).filter((f) => f.kind === 0x53);
    expect(states.map((f) => f.seq)).toStrictEqual([STATE_EVERY - 1]);
    const back = load(buf);
    const before = back.patchApplications;
    expect(back.stateAt(STATE_EVERY + 3)).toStrictEqual(log.stateAt(STATE_EVERY + 3));
    // From the stored state after step STATE_EVERY - 1: at most K - 1 + K steps applied, never all.
    expect(back.patchApplications - before).toBeLessThan(2 * back.checkpointEvery + 1);
    expect(samePrefix(log, back, log.length)).toBe(true);
  });

  it('a cut file keeps a prefix: every step of the frames before the cut, and names the rest', () => {
    fc.assert(
      fc.property(longArb, fc.double({ min: 0, max: 1, noNaN: true }), (w, where) => {
        const sc = workload(w);
        const log = recordScenario(sc, profile);
        const buf = bytesOf(logCompactFrames(log, metaOf(sc)));
        const head = buf.indexOf(10) + 1;
        const cut = head + Math.floor(where * (buf.length - head));
        const r = readCompactLog(buf.subarray(0, cut), 'cut.memhp');
        const whole = frames(buf).filter((f) => f.end <= cut && f.kind === 0x42).reduce((n, f) => n + f.count, 0);
        if (!r.ok) {
          expect(whole).toBe(0);
          return;
        }
        const n = r.value.log.length;
        expect(n).toBeGreaterThanOrEqual(whole);
        expect(samePrefix(log, r.value.log, n)).toBe(true);
        // Cut inside the last frame's hash, every record may still be there: the damage is said all the same.
        expect(r.value.damage?.message).toMatch(/^truncated: /);
        if (n < log.length) expect(r.value.damage?.message).toContain(`steps ${n}..${log.length - 1} not loaded`);
      }),
      { numRuns: 60 },
    );
  });

  it('a flipped byte: refused, or a prefix of the original with the damage named — never a changed step', () => {
    fc.assert(
      fc.property(longArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 255 }), (w, where, mask) => {
        const sc = workload(w);
        const log = recordScenario(sc, profile);
        const buf = bytesOf(logCompactFrames(log, metaOf(sc)));
        const at = Math.min(buf.length - 1, Math.floor(where * buf.length));
        const bad = Buffer.from(buf);
        bad[at] = (bad[at] as number) ^ mask;
        const r = readCompactLog(bad, 'flip.memhp');
        if (!r.ok) {
          expect(r.damage.line).toBeLessThanOrEqual(2);
          return;
        }
        expect(r.value.damage).not.toBeNull();
        expect(samePrefix(log, r.value.log, r.value.log.length)).toBe(true);
        expect(r.value.log.length).toBeLessThanOrEqual(log.length);
      }),
      { numRuns: 80 },
    );
  });
});
