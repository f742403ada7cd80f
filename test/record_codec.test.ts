/**
 * log/record_codec.ts: a record read from a file is decoded only once every field is checked, and
 * its changes only when they are in the very form the model writes (the form toPatches and
 * changesFromPatches give back). Records memhp wrote come back as the same steps; changes that
 * mean the same patches in another form are refused.
 */
import { describe, expect, it } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import { createProfile } from '../kernel/index.js';
import { DEFAULT_WORKLOAD, generateWorkload } from '../bench/generate.js';
import { recordScenario } from '../log/index.js';
import { RecordedStep } from '../log/recorded_step.js';
import { decodeCheckedRecord, encodeRecord } from '../log/record_codec.js';
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
