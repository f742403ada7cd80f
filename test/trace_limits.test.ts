/**
 * Adversarial traces (issue 12): line shapes that made the line parser backtrack, lines and traces
 * over the reader's limits, unreturned entries nested as deep as the trace is long, repeated
 * ZONE_DEVICE moves, and whole-trace errors. Each must end quickly with exit 0/1 or a clean
 * `file:line: message` (exit 2), never a hang or an internal error.
 */
import { copyFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { parseIomem } from '../inputs/iomem.js';
import { readTrace } from '../inputs/trace/index.js';
import { MAX_TRACE_LINE_LENGTH } from '../inputs/trace/limits.js';
import { parseLine } from '../inputs/trace/line.js';
import { kernelFromBanner } from '../inputs/trace/to_scenario.js';
import { cli } from './helpers/cli.js';
import { TRACES } from './helpers/traces.js';
import { DEVICE_LINE, HDR, LINES, removeLater, removeTraceDirs, SHAPES, SOURCE, traceDir } from './helpers/trace_dirs.js';

afterAll(removeTraceDirs);

describe('line parsing is linear time', () => {
  it('a real header line still reads the same (task with a dash and spaces, no flags column)', () => {
    const r = parseLine('   kworker/u4:2-my task-17     [001] 12.5: console: hello', SOURCE);
    expect(r.kind === 'record' && r.record.kind === 'console' ? [r.record.header, r.record.text] : r).toEqual([{ task: 'kworker/u4:2-my task', pid: 17, cpu: 1, flags: '', timestamp: 12.5 }, 'hello']);
  });

  it('a banner of 60000 #s and an /proc/iomem name of 60000 spaces (under its 64 KiB line limit) are read in linear time', () => {
    expect(kernelFromBanner(`Linux version 6.1.0-56-amd64 #${'#'.repeat(60_000)}`)).toBe('6.1.192');
    expect(kernelFromBanner(`Linux version 6.1.0-56-amd64 (gcc) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2025-01-01)`)).toBe('6.1.192');
    const r = parseIomem(`0-fff : x${' '.repeat(60_000)}y\n`, 'iomem', 1);
    expect(r.ok && r.value[0]?.name.length).toBe(60_002);
  }, 5000);

  it('memhp check on a trace holding every shape at 64 KiB (within the limit) reads the rest of the trace', async () => {
    const dir = traceDir(Object.values(SHAPES).map((make) => make(MAX_TRACE_LINE_LENGTH - 32)));
    const r = await cli(['check', dir]);
    expect(r.stdout).toContain('line(s) of no known kind were skipped');
    expect(r.code).toBe(0);
  }, 5000);
});

describe('the largest trace the reader accepts', () => {
  it(`a line longer than MAX_TRACE_LINE_LENGTH (${MAX_TRACE_LINE_LENGTH}) is refused with its file:line`, () => {
    const r = readTrace(`# tracer: nop\n${'a'.repeat(MAX_TRACE_LINE_LENGTH)}\n${' '.repeat(MAX_TRACE_LINE_LENGTH + 1)}\n`, 'trace.txt');
    expect(r.ok ? null : r.errors).toEqual([
      { code: 'E_LIMIT', file: 'trace.txt', line: 3, message: `a line of ${MAX_TRACE_LINE_LENGTH + 1} characters: longer than the longest trace line memhp reads (MAX_TRACE_LINE_LENGTH = 65536)` },
    ]);
  });
});

describe('repeated ZONE_DEVICE moves', () => {
  it('the log of 4n moves of the same range is about 4 times that of n (was 16: the range list grew every step)', async () => {
    const size = async (n: number): Promise<number> => {
      const dir = traceDir(Array.from({ length: n }, () => DEVICE_LINE));
      const r = await cli(['record', dir, '-o', `${dir}/run.memhp`]);
      expect(r.code).toBe(0);
      return statSync(`${dir}/run.memhp`).size;
    };
    const [small, big] = [await size(300), await size(1200)];
    expect(big / small).toBeLessThan(6);
  }, 10_000);
});

describe('whole-trace errors carry file:line', () => {
  it('no kernel banner, no run.json, no release directory: line 1 of the trace', async () => {
    const dir = mkdtempSync(`${tmpdir()}/memhp-limits-`);
    removeLater(dir);
    writeFileSync(`${dir}/trace.txt`, `${LINES.filter((l) => !l.includes('Linux version')).join('\n')}`);
    const r = await cli(['check', dir]);
    expect(r.stderr).toBe(`${dir}/trace.txt:1: error[E_PARSE]: no kernel banner (Linux version …), no run.json and no release directory name: which kernel recorded this trace?\n  hint: give --kernel VERSION, e.g. --kernel 6.1.192\n`);
    expect(r.code).toBe(2);
  });
});

describe("a trace's calls are held to a scenario's bounds before the model runs them", () => {
  // A call of 2^40 pages (2^25 sections) would make the model allocate per section for minutes.
  const HUGE = `${HDR}0xffffffffc00840a8: lab_call/__add_pages: nid=0 pfn=0x40000 nr_pages=0x10000000000 altmap=NULL pgmap=NULL`;
  it.each([['check'], ['replay'], ['run']])('%s: exit 2 at the line of the call, naming the limit', async (cmd) => {
    const dir = traceDir([HUGE]);
    const r = await cli([cmd, dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^${dir}/trace.txt:269: error\\[E_LIMIT\\]: __add_pages spans 33554432 sections: memhp models at most MAX_SECTIONS_PER_CALL \\(524288\\) sections per call`));
  });
});

describe('a boot layout from the trace is ascending and disjoint', () => {
  it('an IOMEM System RAM line recorded twice: the ranges merge, and the recorded log reads back (fuzz: it was refused on reading)', async () => {
    const run = `${TRACES}/6.12.95+deb12-amd64/sparse_error_paths`;
    const lines = readFileSync(`${run}/trace.txt`, 'utf8').split('\n');
    const i = lines.findIndex((l) => /IOMEM boot\|00100000-[0-9a-f]+ : System RAM/.test(l));
    expect(i).toBeGreaterThan(0);
    const dir = mkdtempSync(`${tmpdir()}/memhp-boot-`);
    removeLater(dir);
    writeFileSync(`${dir}/trace.txt`, [...lines.slice(0, i + 1), ...lines.slice(i)].join('\n'));
    copyFileSync(`${run}/run.json`, `${dir}/run.json`);
    const log = `${dir}/out.memhp`;
    expect((await cli(['record', dir, '-o', log])).code).toBe(0);
    const r = await cli(['state', log]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });
});
