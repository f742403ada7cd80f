/**
 * `memhp record` and log files on the command line: the file is what `run --json` prints, byte-
 * identical however the input is named; every command that takes an input takes the log file and
 * says the same as on the scenario; `diff` compares two logs; --help, --json, exit codes and
 * one-line user errors; nothing is ever written over the input.
 */
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLogFile } from '../log/index.js';
import { ROOT, cli, spawnCli } from './helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'memhp-record-'));
const SEED = 'examples/seed-pmem-shared-section.scn';
const CYCLE = 'examples/partial-cycle.scn';

async function record(input: string, name: string, ...extra: string[]): Promise<string> {
  const out = join(dir, name);
  const r = await cli(['record', input, '-o', out, ...extra]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return out;
}

describe('memhp record', () => {
  it('with --format 2, writes what run --json prints; the same input gives the same bytes, relative or absolute, from any directory', async () => {
    const a = await record(CYCLE, 'a.memhp', '--format', '2');
    const b = await record(resolve(ROOT, CYCLE), 'b.memhp', '--format', '2');
    const copy = join(dir, 'partial-cycle.scn');
    copyFileSync(CYCLE, copy);
    const c = await record(copy, 'c.memhp', '--format', '2');
    const bytes = readFileSync(a, 'utf8');
    expect(readFileSync(b, 'utf8')).toBe(bytes);
    expect(readFileSync(c, 'utf8')).toBe(bytes);
    expect(bytes).not.toContain(ROOT);
    expect(bytes).not.toContain(dir);
    const run = await cli(['run', CYCLE, '--json']);
    expect(run.stdout).toBe(bytes);
    // The spawned binary writes the same bytes.
    const d = join(dir, 'd.memhp');
    expect(spawnCli(['record', CYCLE, '--format', '2', '-o', d]).code).toBe(0);
    expect(readFileSync(d, 'utf8')).toBe(bytes);
  });

  it('format 3 (the default): the same input gives the same bytes, relative or absolute, from any directory or binary; it loads to what format 2 does', async () => {
    const a = readFileSync(await record(CYCLE, 'a3.memhp'));
    const copy = join(dir, 'partial-cycle.scn');
    copyFileSync(CYCLE, copy);
    const b = readFileSync(await record(resolve(ROOT, CYCLE), 'b3.memhp'));
    const c = readFileSync(await record(copy, 'c3.memhp'));
    const d = join(dir, 'd3.memhp');
    expect(spawnCli(['record', CYCLE, '-o', d]).code).toBe(0);
    for (const other of [b, c, readFileSync(d)]) expect(other.equals(a)).toBe(true);
    expect(a.includes(ROOT)).toBe(false);
    expect(a.includes(dir)).toBe(false);
    const header = JSON.parse(a.subarray(0, a.indexOf(10)).toString('utf8')) as Record<string, unknown>;
    expect(Object.keys(header)).toEqual(['memhp', 'format', 'version', 'profile', 'kernel', 'arch', 'paging', 'config', 'checkpointEvery', 'input', 'kernelLine', 'boot', 'forkedFrom', 'files', 'block', 'stateEvery', 'steps', 'hash']);
    expect(header).toMatchObject({ format: 3, files: ['partial-cycle.scn'], block: 256, stateEvery: 4096, steps: 9 });
    const two = readLogFile(await record(CYCLE, 'two.memhp', '--format', '2'));
    const three = readLogFile(d);
    if (!two.ok || !three.ok) throw new Error('not loaded');
    expect(three.value.format).toBe(3);
    for (let i = 0; i < 9; i++) {
      expect(three.value.log.stateAt(i)).toStrictEqual(two.value.log.stateAt(i));
      expect(three.value.log.step(i).outcome).toStrictEqual(two.value.log.step(i).outcome);
    }
  });

  it('the header holds the format, versions, profile, options, input hash and boot layout; records are chained', async () => {
    const out = join(dir, 'h.memhp');
    // The example's expect lines are v5.3's: two fail under 6.1.192 with PSE=n (exit 1, log written).
    const rec = await cli(['record', CYCLE, '-o', out, '--format', '2', '--kernel', '6.1.192', '--config', 'PSE=n', '--checkpoint-every', '8']);
    expect([rec.code, rec.stdout]).toEqual([1, `recorded 9 steps (boot included) of ${CYCLE} into ${out} (${readFileSync(out).length} bytes, format 2); 2 expectation(s) failed\n`]);
    const [header, first] = readFileSync(out, 'utf8').split('\n').map((l) => (l ? (JSON.parse(l) as Record<string, unknown>) : null));
    expect(Object.keys(header ?? {})).toEqual(['memhp', 'format', 'version', 'profile', 'kernel', 'arch', 'paging', 'config', 'checkpointEvery', 'input', 'kernelLine', 'boot', 'forkedFrom', 'steps', 'hash']);
    expect(header).toMatchObject({ memhp: 'log', format: 2, version: '0.1.0', kernel: '6.1.192', arch: 'x86_64', paging: 5, checkpointEvery: 8, kernelLine: '5.3', forkedFrom: null, steps: 9 });
    expect(header?.config).toMatchObject({ PSE: false });
    expect(header?.input).toEqual({ name: 'partial-cycle.scn', sha256: '25c6f6a826b461301b0158bfda605f32b38acbaeeaeac7ed804a6c70b54f74cd' });
    expect(header?.boot).toEqual({ ranges: [{ startPfn: 0x100000, endPfn: 0x140000, nid: 0 }], iomem: [], source: 'partial-cycle.scn:5' });
    expect(first).toMatchObject({ seq: 0, source: 'partial-cycle.scn:5', text: 'boot' });
    const loaded = readLogFile(out);
    expect(loaded.ok && loaded.value.profile.kernel).toBe('6.1.192');
  });

  it('--json reports the file; exit 1 when an expect fails (the log is written)', async () => {
    const out = join(dir, 'j.memhp');
    const r = await cli(['record', CYCLE, '-o', out, '--json']);
    expect(JSON.parse(r.stdout)).toEqual({ output: out, format: 3, steps: 9, bytes: readFileSync(out).length, failedExpectations: 0 });
    const bad = join(dir, 'bad.scn');
    writeFileSync(bad, 'ram 0x100000000 1G\n__add_pages nid=0 pfn=0x200000 nr_pages=0x200\nexpect ret=-EEXIST\n');
    const r2 = await cli(['record', bad, '-o', join(dir, 'bad.memhp')]);
    expect(r2.code).toBe(1);
    expect(r2.stdout).toContain('1 expectation(s) failed');
    expect(readLogFile(join(dir, 'bad.memhp')).ok).toBe(true);
  });

  it('refuses to write over its input (also under another name), and a missing -o, in one line with exit 2', async () => {
    const input = join(dir, 'in.scn');
    copyFileSync(CYCLE, input);
    const before = readFileSync(input);
    for (const args of [
      ['record', input, '-o', input],
      ['record', input, '-o', join(dir, '.', 'in.scn')],
      ['record', input],
    ]) {
      const r = spawnCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')[0]).toMatch(/^memhp: error\[(E_PROTECTED\]: refusing to write over .*in\.scn: the run read it( \(as .*\))?|E_USAGE\]: missing -o FILE for 'record')$/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readFileSync(input).equals(before)).toBe(true);
    // No temporary file is left behind.
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a directory that does not exist is a one-line error, exit 2', async () => {
    const r = await cli(['record', CYCLE, '-o', join(dir, 'no-such-dir', 'x.memhp')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`memhp: error[E_IO]: cannot write ${join(dir, 'no-such-dir', 'x.memhp')}: no such file or directory\n`);
  });

  it('an input error is reported as file:line with exit 2, and no log is written', async () => {
    const bad = join(dir, 'broken.scn');
    writeFileSync(bad, 'ram 0x100000000 1G\nfrobnicate 1\n');
    const out = join(dir, 'broken.memhp');
    const r = await cli(['record', bad, '-o', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${bad}:2: error\\[E_UNKNOWN_OP\\]: unknown operation frobnicate`));
    expect(readdirSync(dir)).not.toContain('broken.memhp');
  });

  it('--help names the output and the format', async () => {
    const r = await cli(['record', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--output');
    expect(r.stdout).toContain('hash-chained');
  });
});

describe('every command takes a log file', () => {
  it('run, state, diff and compare say the same of the log as of the scenario', async () => {
    const log = await record(SEED, 'seed.memhp');
    for (const args of [['run'], ['run', '--verbose'], ['state', '--at', '3'], ['state', '--at', '2', '--section', '96', '--json'], ['diff', '1', '4'], ['diff', '2', '3', '--json'], ['compare', '--kernels', '5.3,6.1']]) {
      const [cmd, ...rest] = args as [string, ...string[]];
      const fromScn = await cli([cmd, SEED, ...rest]);
      const fromLog = await cli([cmd, log, ...rest]);
      expect(fromLog.code, args.join(' ')).toBe(fromScn.code);
      // The log names its source files from the input's directory.
      // (Columns are as wide as the longest source name: compare with runs of spaces collapsed.)
      const norm = (t: string): string => t.split(SEED).join('seed-pmem-shared-section.scn').split(log).join('seed-pmem-shared-section.scn').replace(/ +/g, ' ');
      expect(norm(fromLog.stdout), args.join(' ')).toBe(norm(fromScn.stdout));
    }
  });

  it('a log is recognised by its content, whatever its name', async () => {
    const log = await record(CYCLE, 'named.memhp');
    const other = join(dir, 'named.txt');
    copyFileSync(log, other);
    const r = await cli(['state', other, '--at', '2', '--section', '144']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('section 144');
  });

  it('--checkpoint-every applies to a loaded log; --kernel runs its operations again under that kernel', async () => {
    const log = await record(CYCLE, 'k.memhp');
    const a = await cli(['state', log, '--at', '5', '--checkpoint-every', '2', '--json']);
    const b = await cli(['state', CYCLE, '--at', '5', '--json']);
    expect(a.stdout).toBe(b.stdout.split(CYCLE).join('partial-cycle.scn'));
    const k = await cli(['run', log, '--kernel', '6.1']);
    expect(k.stderr).toBe(`${log}:1: note: running the log's 8 operations again under linux 6.1 x86_64 SPARSEMEM_VMEMMAP=y PSE=y DEBUG_VM=n MEMORY_FAILURE=y ZONE_DEVICE=y SECTIONS_PER_ROOT=128 MAX_PHYSMEM_BITS=46 (4-level paging) (recorded under linux 5.3 x86_64 SPARSEMEM_VMEMMAP=y PSE=y DEBUG_VM=n MEMORY_FAILURE=y ZONE_DEVICE=y SECTIONS_PER_ROOT=128 MAX_PHYSMEM_BITS=46 (4-level paging))\n`);
    expect(k.stdout).toContain('linux 6.1 x86_64');
  });
});

describe('memhp diff of two logs', () => {
  it('diff a.memhp@A b.memhp@B compares step A of one log with step B of the other', async () => {
    const a = await record(CYCLE, 'da.memhp');
    const fork = join(dir, 'db.memhp');
    // (Exit 1: the example's later expect lines fail without step 2; the fork is written.)
    expect((await cli(['fork', a, '--at', '1', '--drop', '2', '-o', fork])).code).toBe(1);
    const same = await cli(['diff', `${a}@1`, `${fork}@1`]);
    expect(same.code).toBe(0);
    expect(same.stdout).toBe(`${a}@1 → ${fork}@1\ndiff [step 1 partial-cycle.scn:10] → [step 1 partial-cycle.scn:10]\n(no difference)\n`);
    const d = await cli(['diff', `${a}@2`, `${fork}@1`, '--json']);
    const j = JSON.parse(d.stdout) as { from: number; to: number; fromFile: string; toFile: string; sections: Array<{ nr: number; bitsCleared: number[] }> };
    expect(j).toMatchObject({ from: 2, to: 1, fromFile: a, toFile: fork });
    // Step 2 added sub-sections 8-15 of section 144, which the fork never did.
    expect(j.sections.find((s) => s.nr === 144)?.bitsCleared).toEqual([8, 9, 10, 11, 12, 13, 14, 15]);
    // A log alone is its last step; a scenario is recorded on the fly.
    const last = await cli(['diff', a, CYCLE, '--json']);
    expect(JSON.parse(last.stdout)).toMatchObject({ from: 8, to: 8, sections: [], globals: [] });
  });

  it('the one-file form still works; bad forms are one-line errors with exit 2', async () => {
    const a = await record(CYCLE, 'dc.memhp');
    expect((await cli(['diff', a, '1', '2'])).stdout).toContain('diff [step 1 partial-cycle.scn:10] → [step 2 partial-cycle.scn:15]');
    const arm = join(dir, 'arm.memhp');
    expect((await cli(['record', CYCLE, '--arch', 'arm64-64k', '-o', arm])).code).not.toBe(0);
    const cases: Array<[string[], RegExp]> = [
      [['diff', a, '1'], /missing B for 'diff'/],
      [['diff', `${a}@99`, `${a}@1`], /@99: past the last step/],
      [['diff', `${a}@x`, `${a}@1`], /the step after @ must be a step number/],
      [['diff', a], /missing A for 'diff'/],
    ];
    for (const [args, msg] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trimEnd().split('\n')[0], args.join(' ')).toMatch(msg);
    }
  });

  it('refuses two logs of different section geometry', async () => {
    const x86 = await record(CYCLE, 'g1.memhp');
    const scn = join(dir, 'small.scn');
    writeFileSync(scn, 'ram 0x100000000 1G\npfn_valid pfn=0x100000\n');
    const arm = join(dir, 'g2.memhp');
    expect((await cli(['record', scn, '--arch', 'arm64-64k', '--kernel', '6.1', '-o', arm])).code).toBe(0);
    const r = await cli(['diff', x86, arm]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/do not share a section geometry/);
  });
});

describe('--help of the commands that write or compare log files', () => {
  it.each([
    ['record', ['-o, --output', '--checkpoint-every']],
    ['fork', ['--at', '--drop', '--insert', '--replace', '-o, --output']],
    ['diff', ['a.memhp@120 b.memhp@118', 'LOG@A']],
  ])('memhp %s --help prints its usage with --json, exit 0', async (name, words) => {
    const r = await cli([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`USAGE memhp ${name}`);
    expect(r.stdout).toContain('--json');
    for (const w of words) expect(r.stdout).toContain(w);
  });
});
