/**
 * Damaged log files: a recorded log truncated at every byte offset of its last three records, and
 * with every byte of one record flipped (two ways), read through the file reader the CLI uses.
 * Every complete record before the damage loads with its original state, the damage is reported
 * at the right `file:line`, and nothing is dropped without being named. The CLI warns (one line)
 * and keeps going, refuses a file with nothing usable, and never writes over its input.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLogFile } from '../log/index.js';
import type { HotplugLog } from '../log/index.js';
import { cli, spawnCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'memhp-damage-'));
const GOOD = join(dir, 'good.memhp');
let bytes: Buffer;
/** Byte offset where each line starts, and one past the end of the file. */
let starts: number[];
let original: HotplugLog;

beforeAll(async () => {
  const r = await cli(['record', 'examples/partial-cycle.scn', '-o', GOOD]);
  expect(r.code).toBe(0);
  bytes = readFileSync(GOOD);
  starts = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) starts.push(i + 1);
  const o = readLogFile(GOOD);
  if (!o.ok) throw new Error(o.damage.message);
  original = o.value.log;
});

/** Lines of the file (header = line 1, step s = line s + 2). */
const lines = (): number => starts.length - 1;

/** Read `buf` as a log file at `path`. */
function readAs(path: string, buf: Buffer): ReturnType<typeof readLogFile> {
  writeFileSync(path, buf);
  return readLogFile(path);
}

/** The loaded steps equal the original's, state and record. */
function expectPrefix(log: HotplugLog, n: number): void {
  expect(log.length).toBe(n);
  // node's isDeepStrictEqual: vitest's matcher is too slow for thousands of damaged files.
  for (let i = 0; i < n; i++) {
    expect(isDeepStrictEqual(log.stateAt(i), original.stateAt(i)), `state after step ${i}`).toBe(true);
    expect(isDeepStrictEqual(log.step(i).outcome, original.step(i).outcome), `outcome of step ${i}`).toBe(true);
  }
}

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

  it('inside the header: nothing usable, reported at line 1', () => {
    const path = join(dir, 'head.memhp');
    for (let cut = 0; cut < (starts[1] as number) - 1; cut += 7) {
      const r = readAs(path, bytes.subarray(0, cut));
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.damage.line).toBe(1);
    }
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

  it('two records swapped: the chain breaks at the first of them', () => {
    const text = bytes.toString('utf8').split('\n');
    [text[4], text[5]] = [text[5] as string, text[4] as string];
    const r = readAs(join(dir, 'swap.memhp'), Buffer.from(text.join('\n')));
    expect(r.ok && r.value.damage?.line).toBe(5);
    if (r.ok) expectPrefix(r.value.log, 3);
  });
});

describe('the CLI on a damaged log', () => {
  it('warns in one line with file:line, uses the complete steps, exits as usual; the file is untouched', async () => {
    const path = join(dir, 'cli-trunc.memhp');
    const cut = bytes.subarray(0, (starts[7] as number) + 40);
    writeFileSync(path, cut);
    for (const args of [['state', path], ['run', path], ['diff', path, '0', '5'], ['diff', `${path}@5`, `${GOOD}@5`]]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stderr.trimEnd().split('\n')).toEqual([`${path}:8: warning: truncated: the record of step 6 is incomplete (the file ends mid-line); steps 6..8 not loaded (using steps 0..5)`]);
    }
    const past = await cli(['state', path, '--at', '7']);
    expect(past.code).toBe(2);
    expect(past.stderr).toContain('--at 7 is past the last step');
    expect(readFileSync(path).equals(cut)).toBe(true);
  });

  it('the built binary: the same warning line and exit 0 on a damaged log, exit 2 on an unusable one, no stack', () => {
    const path = join(dir, 'bin-trunc.memhp');
    writeFileSync(path, bytes.subarray(0, (starts[5] as number) + 3));
    const r = spawnCli(['run', path, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`${path}:6: warning: truncated: the record of step 4 is incomplete (the file ends mid-line); steps 4..8 not loaded (using steps 0..3)\n`);
    // What --json prints is the complete steps as a whole, verified log.
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(5);
    const head = join(dir, 'bin-head.memhp');
    writeFileSync(head, bytes.subarray(0, 10));
    const h = spawnCli(['state', head]);
    expect(h.code).toBe(2);
    expect(h.stderr).not.toMatch(/\n\s+at /);
    expect(h.stderr.split('\n')[0]).toMatch(new RegExp(`^${head}:1: error\\[E_LOG\\]: truncated: the header line is incomplete`));
  });

  it('a file with nothing usable is an input error at line 1 (exit 2), without a stack', async () => {
    const path = join(dir, 'cli-head.memhp');
    writeFileSync(path, bytes.subarray(0, 100));
    const r = await cli(['state', path]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^${path}:1: error\\[E_LOG\\]: truncated: the header line is incomplete`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('record and fork keep what is usable of a damaged log, and write a complete log of it elsewhere', async () => {
    const path = join(dir, 'cli-flip.memhp');
    const buf = Buffer.from(bytes);
    const at = (starts[6] as number) + 10;
    buf[at] = (buf[at] as number) ^ 0x01;
    writeFileSync(path, buf);
    const out = join(dir, 'repaired.memhp');
    const r = await cli(['record', path, '-o', out]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${path}:7: warning: corrupted: the record does not match its hash`);
    const again = readLogFile(out);
    expect(again.ok && again.value.damage).toBeNull();
    if (again.ok) expectPrefix(again.value.log, 5);
    const f = await cli(['fork', path, '--at', '2', '--drop', '3', '-o', join(dir, 'forked.memhp')]);
    expect(f.code).toBe(0);
    expect(readFileSync(path).equals(buf)).toBe(true);
  });
});
