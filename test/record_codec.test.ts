/**
 * log/record_codec.ts: a record read from a file is decoded only once every field is checked, and
 * its changes only when they are in the very form the model writes (the form toPatches and
 * changesFromPatches give back). Records memhp wrote come back as the same steps; changes that
 * mean the same patches in another form are refused. recordChanges reads a record's changes alone
 * (what a seek needs) as a whole parse would, whatever the strings before them hold.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { createProfile } from '../kernel/index.js';
import { DEFAULT_WORKLOAD, generateWorkload } from '../bench/generate.js';
import { recordScenario } from '../log/index.js';
import { RecordedStep } from '../log/recorded_step.js';
import { decodeCheckedRecord, encodeRecord, recordChanges } from '../log/record_codec.js';
import { DEVICE } from '../model/changes.js';

const profile = createProfile();
const g = profile.geometry;
const wl = generateWorkload(g, { ...DEFAULT_WORKLOAD, steps: 600 });
const log = recordScenario(wl.scenario, profile);

/** Step `seq`'s record as memhp writes it (every step of this log names source file 0). */
function recordOf(seq: number): string {
  return encodeRecord(log.step(seq) as RecordedStep, log.fileNumber(log.step(seq).source.file));
}

describe('decodeCheckedRecord', () => {
  it('gives back every step memhp recorded, field for field', () => {
    for (let seq = 0; seq < log.length; seq++) {
      const r = decodeCheckedRecord(recordOf(seq), log.files, g, seq);
      if (!r.ok) throw new Error(r.message);
      const want = log.step(seq);
      expect(isDeepStrictEqual([r.step.outcome, r.step.op, r.step.patches, r.step.inversePatches, r.step.text], [want.outcome, want.op, want.patches, want.inversePatches, want.text]), `step ${seq}`).toBe(true);
    }
  });

  it('refuses changes in another form than the model writes: one ZONE_DEVICE splice of two ranges, where the model writes one record a range', () => {
    const row = JSON.parse(recordOf(5)) as unknown[];
    row[8] = [DEVICE, 0, [[0x100000, 0x108000], [0x200000, 0x208000]], [[0x100000, 0x110000], [0x200000, 0x210000]]];
    const r = decodeCheckedRecord(JSON.stringify(row), log.files, g, 5);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe('record of step 5: changes are not in the form the model writes');
    // The same change in the model's form (a record a range) is read.
    row[8] = [DEVICE, 0, [[0x100000, 0x108000]], [[0x100000, 0x110000]], DEVICE, 1, [[0x200000, 0x208000]], [[0x200000, 0x210000]]];
    const ok = decodeCheckedRecord(JSON.stringify(row), log.files, g, 5);
    expect(ok.ok ? null : ok.message).toBe(null);
  });

  it('reads a created section whatever the order of its fields (a section is checked by its schema, not by its text)', () => {
    const seq = [...Array(log.length).keys()].find((i) => JSON.stringify((log.step(i) as RecordedStep).changes).startsWith('[1,'));
    if (seq === undefined) throw new Error('no step creates a section');
    const row = JSON.parse(recordOf(seq)) as unknown[];
    const changes = row[8] as unknown[];
    const section = changes[3] as Record<string, unknown>;
    changes[3] = Object.fromEntries(Object.entries(section).reverse());
    const r = decodeCheckedRecord(JSON.stringify(row), log.files, g, seq);
    expect(r.ok ? 'read' : r.message).toBe('read');
  });
});

describe('recordChanges', () => {
  it("reads a record's changes alone as a whole parse does: texts with quotes, brackets, commas, escapes and non-ASCII in every string field (1,000 runs)", () => {
    // Any text a scenario line, a once site or a note may hold, in the fields before the changes.
    const nasty = fc.string({ unit: fc.constantFrom('"', '\\', '[', ']', '{', '}', ',', '→', 'é', '\n', '\t', '\u0001', 'a', ' ', '😀') });
    fc.assert(
      fc.property(fc.nat({ max: log.length - 1 }), nasty, nasty, (seq, text, note) => {
        const s = log.step(seq) as RecordedStep;
        const outcome = { ...s.outcome, path: note, notes: [note, text] };
        const odd = new RecordedStep(seq, { file: text, line: 7 }, text, s.op, s.inject, s.expects, outcome, s.changes, g.SECTIONS_PER_ROOT);
        const bytes = Buffer.from(encodeRecord(odd, 0), 'utf8');
        const pad = Buffer.concat([Buffer.from('xx'), bytes, Buffer.from('\t00000000\n')]);
        expect(recordChanges(pad, 2, 2 + bytes.length)).toEqual(s.changes);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives every step of a recorded log the changes it was recorded with', () => {
    for (let seq = 0; seq < log.length; seq++) {
      const bytes = Buffer.from(recordOf(seq), 'utf8');
      expect(recordChanges(bytes, 0, bytes.length), `step ${seq}`).toEqual((log.step(seq) as RecordedStep).changes);
    }
  });
});
