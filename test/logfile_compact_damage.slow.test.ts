/**
 * Damaged format-3 log files, every byte (the slow tier; logfile_damage.slow.test.ts does the same
 * to format 2): a log recorded by the CLI over several blocks and a state frame, cut at every byte
 * of its last frame's head, hash and payload ends and with every byte of its header, of one block's frame head and hash and of a
 * stretch of one block flipped, read through the file reader the CLI uses. What loads is always a
 * prefix of the original's steps, every step of the frames before the damage among them, and the
 * damage is named at its frame (`file:N`, the header being 1).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLogFile } from '../log/index.js';
import type { HotplugLog } from '../log/index.js';
import { FRAME_HASH, FRAME_HEAD } from '../log/compact.js';
import { bigScenario } from './helpers/big_scenario.js';
import { cli } from './helpers/cli.js';
import { expectSamePrefix, readAs } from './helpers/damaged_log.js';

const dir = mkdtempSync(join(tmpdir(), 'memhp-damage3-'));
const GOOD = join(dir, 'good.memhp');
let bytes: Buffer;
let original: HotplugLog;
/** The frames after the header: where each starts and ends, and the steps of a block. */
let frames: Array<{ start: number; end: number; kind: number; count: number }>;

beforeAll(async () => {
  const scn = join(dir, 'big.scn');
  writeFileSync(scn, bigScenario(4200));
  const r = await cli(['record', scn, '-o', GOOD]);
  expect(r.code).toBe(0);
  const o = readLogFile(GOOD);
  if (!o.ok) throw new Error(o.damage.message);
  original = o.value.log;
  const { readFileSync } = await import('node:fs');
  bytes = readFileSync(GOOD);
  frames = [];
  for (let pos = bytes.indexOf(10) + 1; pos < bytes.length; ) {
    const end = pos + FRAME_HEAD + bytes.readUInt32LE(pos + 9) + FRAME_HASH;
    frames.push({ start: pos, end, kind: bytes[pos] as number, count: bytes.readUInt32LE(pos + 5) });
    pos = end;
  }
}, 120_000);

/** Steps in the block frames that end at or before byte `cut`. */
const wholeSteps = (cut: number): number => frames.filter((f) => f.end <= cut && f.kind === 0x42).reduce((n, f) => n + f.count, 0);

/** What loaded is a prefix of the original: its states and outcomes (checked at a stride: thousands of files). */
function expectPrefix(log: HotplugLog): void {
  const n = log.length;
  expect(n).toBeLessThanOrEqual(original.length);
  for (const i of [0, 1, Math.floor(n / 2), n - 2, n - 1]) {
    if (i < 0 || i >= n) continue;
    expect(log.stateAt(i)).toStrictEqual(original.stateAt(i));
    expect(log.step(i).outcome).toStrictEqual(original.step(i).outcome);
  }
}

describe('a format-3 log', () => {
  it('has a state frame and a last, partial block', () => {
    expect(frames.some((f) => f.kind === 0x53)).toBe(true);
    expect((frames.at(-1)?.count ?? 0) % 256).not.toBe(0);
    expect(original.length).toBe(4201);
  });

  it('cut at every byte of its last frame\'s head, hash and payload ends (a stride between and before): a prefix, every whole frame\'s steps, the cut named', () => {
    const path = join(dir, 'cut.memhp');
    const from = (frames.at(-1)?.start ?? 0) - 1;
    let last = -1;
    let cases = 0;
    const end = frames.at(-1) as { start: number; end: number };
    const cuts: number[] = [];
    for (let cut = bytes.indexOf(10) + 1; cut < from; cut += 4999) cuts.push(cut);
    // Every byte of the last frame's head and hash and of the first and last bytes of its payload, a stride between.
    for (let cut = end.start; cut < end.end; cut += cut < end.start + 80 || cut > end.end - 80 ? 1 : 61) cuts.push(cut);
    for (const cut of cuts) {
      const r = readAs(path, bytes.subarray(0, cut));
      if (!r.ok) {
        // Nothing usable: only before step 0's records are all there.
        expect(wholeSteps(cut), `cut at ${cut}`).toBe(0);
        expect(r.damage.line).toBe(2);
        continue;
      }
      const n = r.value.log.length;
      expect(n, `cut at ${cut}`).toBeGreaterThanOrEqual(Math.max(wholeSteps(cut), last));
      last = n;
      expect(r.value.damage?.message, `cut at ${cut}`).toMatch(/^truncated: /);
      if (n < original.length) expect(r.value.damage?.message).toContain(`steps ${n}..${original.length - 1} not loaded`);
      if (cut >= from) expectPrefix(r.value.log);
      cases++;
    }
    expect(cases).toBeGreaterThan(250);
  });

  it('every byte of its header flipped: refused at line 1', () => {
    const path = join(dir, 'head.memhp');
    for (let at = 0; at < bytes.indexOf(10); at++) {
      const buf = Buffer.from(bytes);
      buf[at] = (buf[at] as number) ^ 0x01;
      const r = readAs(path, buf);
      expect(r.ok, `byte ${at}`).toBe(false);
      if (!r.ok) expect(r.damage.line).toBe(1);
    }
  });

  for (const [name, mask] of [['xor 0x01', 0x01], ['xor 0xff', 0xff]] as const) {
    it(`a block frame's head, hash and a stretch of its payload flipped (${name}): the frames before load, the damage is at its frame`, () => {
      const path = join(dir, `flip-${mask}.memhp`);
      const k = 3;
      const f = frames[k] as { start: number; end: number; kind: number };
      expect(f.kind).toBe(0x42);
      const before = wholeSteps(f.start);
      const places: number[] = [];
      for (let at = f.start; at < f.start + FRAME_HEAD + 40; at++) places.push(at);
      for (let at = f.end - FRAME_HASH; at < f.end; at++) places.push(at);
      for (const at of places) {
        const buf = Buffer.from(bytes);
        buf[at] = (buf[at] as number) ^ mask;
        const r = readAs(path, buf);
        expect(r.ok, `byte ${at}`).toBe(true);
        if (!r.ok) continue;
        expect(r.value.damage?.line, `byte ${at}`).toBe(k + 2);
        // A flipped length makes the frame run past the end of the file: that reads as a cut.
        expect(r.value.damage?.message).toMatch(/^(corrupted|truncated): /);
        expect(r.value.log.length).toBeGreaterThanOrEqual(before);
        expect(r.value.log.length).toBeLessThanOrEqual(before + 256);
        expectPrefix(r.value.log);
      }
    });
  }
});

describe('the CLI on a damaged format-3 log', () => {
  it('warns in one line with file:N, uses the complete steps, exits 0; a forged-and-resealed block is one error line when read', async () => {
    const path = join(dir, 'cli-cut.memhp');
    const f = frames[2] as { start: number };
    writeFileSync(path, bytes.subarray(0, f.start + 40));
    const r = await cli(['state', path]);
    expect(r.code).toBe(0);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(new RegExp(`^${path}:4: warning: truncated: frame 4 is incomplete \\(the file ends inside it\\); steps \\d+\\.\\.4200 not loaded \\(using steps 0\\.\\.\\d+\\)\\n$`));
  });
});
