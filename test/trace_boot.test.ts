/**
 * The boot layout of a trace (inputs/trace/boot.ts): the trace's own /proc/iomem, a copy given with
 * --iomem, the EARLY sections of the first secstate, or nothing; and the kernel command line's
 * memmap= ranges checked against it. Real runs from test/fixtures/traces with their IOMEM lines removed.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { memmapRanges } from '../inputs/trace/boot.js';
import { cli } from './helpers/cli.js';
import { TRACES } from './helpers/traces.js';

const ROOT = TRACES;
const RUN = `${ROOT}/6.1.0-56-amd64/sparse_error_paths`;
const SUMMARY = '15 steps, 12 snapshots, 5 sections, 308 fields compared, 0 mismatches';

/** A copy of the run with only the lines `keep` accepts, and run.json edited by `json`. */
function copyRun(keep: (line: string) => boolean, json: (j: Record<string, unknown>) => void = () => {}): string {
  const dir = mkdtempSync(`${tmpdir()}/memhp-boot-`);
  writeFileSync(`${dir}/trace.txt`, readFileSync(`${RUN}/trace.txt`, 'utf8').split('\n').filter((l) => l === '' || keep(l)).join('\n'));
  const j = JSON.parse(readFileSync(`${RUN}/run.json`, 'utf8')) as Record<string, unknown>;
  json(j);
  writeFileSync(`${dir}/run.json`, JSON.stringify(j));
  return dir;
}

describe('boot layout of a trace', () => {
  it('without IOMEM lines: boot RAM from the EARLY sections of the first secstate, said in a note', async () => {
    const dir = copyRun((l) => !l.includes(': IOMEM '));
    const r = await cli(['check', dir]);
    expect(r.stdout).toMatch(/note: trace\.txt:\d+: no \/proc\/iomem in the trace: boot RAM taken from the EARLY sections of this secstate \(4, 8, 9, 10, 32\)/);
    expect(r.stdout).toContain(SUMMARY);
    expect(r.code).toBe(0);
    const j = JSON.parse((await cli(['check', dir, '--json'])).stdout) as { boot: string };
    expect(j.boot).toBe('secstate');
  });

  it('without IOMEM lines but with --iomem FILE: the same check as the trace\'s own /proc/iomem, no note', async () => {
    const dir = copyRun((l) => !l.includes(': IOMEM '));
    const r = await cli(['check', dir, '--iomem', `${RUN}/iomem-before.txt`, '--json']);
    expect(JSON.parse(r.stdout)).toMatchObject({ boot: 'iomem-file', bootNotes: [], fieldsCompared: 308, mismatches: [] });
  });

  it('the secstate-derived boot layout is written as ram lines by trace-to-scenario, and reproduces the run', async () => {
    const dir = copyRun((l) => !l.includes(': IOMEM '));
    const t = await cli(['trace-to-scenario', dir]);
    expect(t.stdout).toContain('ram 0x20000000-0x27ffffff\n');
    expect(t.stdout).toContain('ram 0x44000000-0x4bffffff\n');
    const scn = `${mkdtempSync(`${tmpdir()}/memhp-boot-`)}/s.scn`;
    writeFileSync(scn, t.stdout);
    const r = await cli(['run', scn]);
    expect(r.code).toBe(0);
  });

  it('without IOMEM and secstate: no early sections, a note, and the calls still replay', async () => {
    const dir = copyRun((l) => !l.includes(': IOMEM ') && !l.includes('secstate'));
    const r = await cli(['check', dir, '--json']);
    const j = JSON.parse(r.stdout) as { boot: string; steps: number; snapshots: number; bootNotes: Array<{ message: string }> };
    expect(j).toMatchObject({ boot: 'none', steps: 15, snapshots: 0 });
    expect(j.bootNotes[0]?.message).toMatch(/the model boots without RAM/);
    const t = await cli(['trace-to-scenario', dir]);
    expect(t.code).toBe(2);
    expect(t.stderr).toContain('no boot layout');
  });

  it('a memmap= range of the command line that the boot layout has as System RAM is a note', async () => {
    const dir = copyRun(() => true, (j) => {
      j.kernel_cmdline = 'console=ttyS0 memmap=64M!0x40000000 memmap=16M$0x44000000';
    });
    const r = await cli(['check', dir]);
    expect(r.stdout).toMatch(/note: trace\.txt:\d+: the kernel command line has memmap=16M\$0x44000000 \(not memblock memory\), but the boot layout has System RAM there \(pfns 0x44000-0x4bfff\)/);
    expect(r.stdout).not.toContain('memmap=64M!0x40000000 (not');
  });

  it('parses memmap= forms', () => {
    expect(memmapRanges('a memmap=64M!0x40000000 memmap=0x1000$4G,2K#0x100 memmap=1G@2G memmap=exactmap mem=4G')).toEqual([
      { text: 'memmap=64M!0x40000000', start: 0x40000000, end: 0x44000000, type: '!' },
      { text: 'memmap=0x1000$4G', start: 4 * 2 ** 30, end: 4 * 2 ** 30 + 0x1000, type: '$' },
      { text: 'memmap=2K#0x100', start: 0x100, end: 0x900, type: '#' },
      { text: 'memmap=1G@2G', start: 2 ** 31, end: 3 * 2 ** 30, type: '@' },
    ]);
  });
});

describe('--iomem on the commands that take a trace', () => {
  it('replay, state and compare take --iomem for a trace without IOMEM lines; a scenario refuses it', async () => {
    const dir = copyRun((l) => !l.includes(': IOMEM '));
    const iomem = `${RUN}/iomem-before.txt`;
    const withFile = await cli(['state', dir, '--iomem', iomem, '--at', '0', '--json']);
    const own = await cli(['state', RUN, '--at', '0', '--json']);
    const sections = (r: { stdout: string }): unknown => (JSON.parse(r.stdout) as { sections: unknown }).sections;
    expect(sections(withFile)).toEqual(sections(own));
    expect((await cli(['replay', dir, '--iomem', iomem])).code).toBe(0);
    expect((await cli(['compare', dir, '--iomem', iomem, '--kernels', '6.1.192,6.12.95'])).code).toBe(0);
    const refused = await cli(['run', 'examples/partial-cycle.scn', '--iomem', iomem]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--iomem is for a recorded trace without /proc/iomem snapshots');
  });
});
