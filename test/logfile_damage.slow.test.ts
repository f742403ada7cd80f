/**
 * Damaged log files, every byte (the slow tier: npm test, not test:fast): a recorded log truncated
 * at every byte offset of its last three records, and with every byte of one record (two ways) and
 * of the header flipped, read through the file reader the CLI uses. Every complete record before the
 * damage loads with its original state, the damage is reported at the right `file:line`, and
 * nothing is dropped without being named.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HotplugLog } from '../log/index.js';
import { expectSamePrefix, readAs, recordGoodLog } from './helpers/damaged_log.js';

const dir = mkdtempSync(join(tmpdir(), 'memhp-damage-'));
const GOOD = join(dir, 'good.memhp');
let bytes: Buffer;
/** Byte offset where each line starts, and one past the end of the file. */
let starts: number[];
let original: HotplugLog;

beforeAll(async () => {
  ({ bytes, starts, original } = await recordGoodLog(GOOD));
});

/** Lines of the file (header = line 1, step s = line s + 2). */
const lines = (): number => starts.length - 1;

/** The loaded steps equal the original's, state and record. */
const expectPrefix = (log: HotplugLog, n: number): void => expectSamePrefix(original, log, n);

describe('truncated log files', () => {
  it('at every byte offset of the last three records: the complete records load, the rest is reported at file:line', () => {
    const path = join(dir, 'trunc.memhp');
    const steps = lines() - 1;
    const from = starts[lines() - 3] as number;
    let cases = 0;
    for (let cut = from; cut < bytes.length; cut++) {
      const r = readAs(path, bytes.subarray(0, cut));
      expect(r.ok, `cut at ${cut}`).toBe(true);
      if (!r.ok) continue;
      // A record is complete when its text is all there (its newline may be what was cut).
      const complete = starts.slice(1).filter((end) => end - 1 <= cut).length - 1;
      expectPrefix(r.value.log, complete);
      if (complete === steps) {
        expect(r.value.damage, `cut at ${cut}: only the final newline is missing`).toBeNull();
      } else {
        const d = r.value.damage;
        expect(d, `cut at ${cut}`).not.toBeNull();
        expect(d?.file).toBe(path);
        expect(d?.line, `cut at ${cut}`).toBe(complete + 2);
        expect(d?.message).toMatch(/^truncated: /);
        expect(d?.message).toContain(`steps ${complete}..${steps - 1}`);
      }
      cases++;
    }
    expect(cases).toBeGreaterThan(3000);
  });
});

describe('corrupted log files', () => {
  for (const [name, mask] of [
    ['xor 0x01 (a digit or letter becomes its neighbour)', 0x01],
    ['xor 0xff (invalid UTF-8)', 0xff],
  ] as const) {
    it(`every byte of one record flipped, ${name}: the records before it load, the damage is at its line`, () => {
      const path = join(dir, `flip-${mask}.memhp`);
      const m = 5;
      const line = m + 2;
      const steps = lines() - 1;
      for (let at = starts[line - 1] as number; at < (starts[line] as number); at++) {
        const buf = Buffer.from(bytes);
        buf[at] = (buf[at] as number) ^ mask;
        const r = readAs(path, buf);
        expect(r.ok).toBe(true);
        if (!r.ok) continue;
        expectPrefix(r.value.log, m);
        expect(r.value.damage?.line, `byte ${at}`).toBe(line);
        expect(r.value.damage?.message).toMatch(/^corrupted: /);
        expect(r.value.damage?.message).toContain(`steps ${m}..${steps - 1} not loaded`);
      }
    });
  }

  it('every byte of the header flipped: refused at line 1', () => {
    const path = join(dir, 'head-flip.memhp');
    for (let at = 0; at < (starts[1] as number); at++) {
      const buf = Buffer.from(bytes);
      buf[at] = (buf[at] as number) ^ 0x01;
      const r = readAs(path, buf);
      expect(r.ok, `byte ${at}`).toBe(false);
      if (!r.ok) expect(r.damage.line).toBe(1);
    }
  });
});
