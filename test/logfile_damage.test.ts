/**
 * Damaged log files: a recorded log truncated inside its header, two records swapped, read through
 * the file reader the CLI uses (every byte offset and every flipped byte: logfile_damage.slow.test.ts).
 * The CLI warns (one line) and keeps going, refuses a file with nothing usable, and never writes over
 * its input.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readLogFile } from '../log/index.js';
import type { HotplugLog } from '../log/index.js';
import { cli, spawnCli } from './helpers/cli.js';
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

/** The loaded steps equal the original's, state and record. */
const expectPrefix = (log: HotplugLog, n: number): void => expectSamePrefix(original, log, n);

describe('truncated log files', () => {
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
