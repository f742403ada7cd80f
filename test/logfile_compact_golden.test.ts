/**
 * The format-3 file's bytes stay put: a 600-step generated workload (the bench's generator, seed
 * and options as below: two sealed blocks and a partial one) recorded and written as format 3 is
 * byte for byte test/fixtures/format3-workload-600.memhp, which memhp 2f84c43 wrote, before blocks
 * were written through a reused byte buffer (log/block.ts). A change of the block encoding, the
 * record layout or the framing that moves a byte fails here. When the model's outcomes change on
 * purpose, write the fixture again with this test's `written()` and say so in the commit.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createProfile } from '../kernel/index.js';
import { DEFAULT_WORKLOAD, generateWorkload } from '../bench/generate.js';
import { readLogFile, recordScenario } from '../log/index.js';
import { logFileChunks } from '../log/compact.js';

const FIXTURE = 'test/fixtures/format3-workload-600.memhp';
const profile = createProfile();
const wl = generateWorkload(profile.geometry, { ...DEFAULT_WORKLOAD, steps: 600 });
const log = recordScenario(wl.scenario, profile);

/** The workload's log as the bytes of a format-3 file (each text chunk a line, as the CLI writes them). */
function written(): Buffer {
  const meta = { input: { name: 'workload.scn', sha256: '0'.repeat(64) }, kernelLine: null, boot: wl.scenario.boot, forkedFrom: null };
  return Buffer.concat([...logFileChunks(log, 3, meta)].map((c) => (typeof c === 'string' ? Buffer.from(`${c}\n`) : Buffer.from(c))));
}

describe('format 3 bytes', () => {
  it('a recorded workload is written byte for byte as memhp 2f84c43 wrote it', () => {
    const want = readFileSync(FIXTURE);
    const got = written();
    expect(got.length).toBe(want.length);
    expect(Buffer.compare(got, want)).toBe(0);
  });

  it('the fixture loads whole: every step and its state as recorded', () => {
    const r = readLogFile(FIXTURE);
    if (!r.ok) throw new Error(r.damage.message);
    expect(r.value.damage).toBe(null);
    expect(r.value.log.length).toBe(log.length);
    for (const i of [0, 1, 255, 256, 300, 511, 512, 600]) {
      expect(isDeepStrictEqual(r.value.log.step(i).outcome, log.step(i).outcome), `outcome of step ${i}`).toBe(true);
      expect(isDeepStrictEqual(r.value.log.stateAt(i), log.stateAt(i)), `state after step ${i}`).toBe(true);
    }
  });
});
