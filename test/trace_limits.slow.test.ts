/**
 * Adversarial traces at full size (the slow tier: npm test, not test:fast): lines of 10^6
 * characters of every shape that once made the line parser backtrack, a trace of more than
 * MAX_TRACE_LINES lines, 10^4 and 10^5 unreturned entries. Each must end quickly with exit 0/1 or a
 * clean `file:line: message` (exit 2), never a hang or an internal error.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readTrace } from '../inputs/trace/index.js';
import { MAX_TRACE_LINES } from '../inputs/trace/limits.js';
import { parseLine } from '../inputs/trace/line.js';
import { parseDumpLine } from '../inputs/trace/dump.js';
import { detectDialect } from '../inputs/trace/dialect.js';
import { parsePerfLine, parseTraceCmdLine } from '../inputs/trace/tool_lines.js';
import { cli, spawnCli } from './helpers/cli.js';
import { DEVICE_LINE, HDR, removeTraceDirs, SHAPES, SOURCE, traceDir } from './helpers/trace_dirs.js';

afterAll(removeTraceDirs);

describe('line parsing is linear time', () => {
  it('every shape of 10^6 characters is parsed in well under a second each (parseLine, parseDumpLine)', () => {
    for (const [name, make] of Object.entries(SHAPES)) {
      const text = make(1_000_000);
      const t0 = performance.now();
      expect(['unknown', 'skip', 'error']).toContain(parseLine(text, SOURCE).kind);
      parseDumpLine(text, SOURCE);
      expect({ name, slow: performance.now() - t0 > 1000 }).toEqual({ name, slow: false });
    }
  }, 5000);
});

describe('the trace-cmd and perf line parsers and the dialect detection read every shape', () => {
  it('every shape of 10^6 characters gives a result (parseTraceCmdLine, parsePerfLine, detectDialect)', () => {
    for (const make of Object.values(SHAPES)) {
      const text = make(1_000_000);
      expect(['record', 'unknown', 'skip', 'error']).toContain(parseTraceCmdLine(text, SOURCE).kind);
      expect(['record', 'unknown', 'skip', 'error']).toContain(parsePerfLine(text, SOURCE).kind);
      expect([null, 'ftrace', 'trace-cmd', 'perf']).toContain(detectDialect([text]));
    }
  });
});

describe('the largest trace the reader accepts', () => {
  it('memhp check: a line of 10^6 spaces, exit 2 with file:line naming the limit (the built CLI)', () => {
    const dir = traceDir([' '.repeat(1_000_000)]);
    const r = spawnCli(['check', dir]);
    expect(r.stderr).toBe(`${dir}/trace.txt:269: error[E_LIMIT]: a line of 1000000 characters: longer than the longest trace line memhp reads (MAX_TRACE_LINE_LENGTH = 65536)\n`);
    expect(r.code).toBe(2);
  });

  it(`more than MAX_TRACE_LINES (${MAX_TRACE_LINES}) lines: exit 2 at the first line past the limit`, async () => {
    const dir = traceDir(Array.from({ length: MAX_TRACE_LINES }, () => '#'));
    const r = await cli(['check', dir]);
    expect(r.stderr).toBe(`${dir}/trace.txt:${MAX_TRACE_LINES + 1}: error[E_LIMIT]: more than 1000000 lines: the trace is longer than the most memhp reads (MAX_TRACE_LINES = 1000000)\n`);
    expect(r.code).toBe(2);
    // Exactly the limit is read.
    expect(readTrace('x\n'.repeat(MAX_TRACE_LINES), 't').ok).toBe(true);
  }, 5000);
});

describe('unreturned entries nested as deep as the trace is long', () => {
  const entry = `${HDR}lab_entry: lab_call/__add_pages: nid=0 pfn=0x118000 nr_pages=0x8000`;
  const bare = `${HDR}lab_entry: lab_call/__add_pages: nid=0`;
  const ret = `${HDR}lab_ret: lab_call/__add_pages_ret: ret=0`;

  it('10^4 __add_pages entries without returns: trace-to-scenario, check, replay and record end normally', async () => {
    const dir = traceDir([...Array.from({ length: 10_000 }, () => entry), ret]);
    const t = await cli(['trace-to-scenario', dir]);
    expect([t.code, t.stderr]).toEqual([0, '']);
    expect(t.stdout).toContain('__add_pages nid=0 pfn=0x118000 nr_pages=0x8000');
    const c = await cli(['check', dir]);
    expect(c.stderr).toBe('');
    expect(c.code).toBe(1);
    expect((await cli(['replay', dir])).code).toBe(0);
    const log = `${dir}/run.memhp`;
    expect((await cli(['record', dir, '-o', log])).code).toBe(0);
  }, 10_000);

  it('10^5 entries that each descend (no pfn=) around a step: its call chain shows the 16 innermost calls', async () => {
    const dir = traceDir([...Array.from({ length: 100_000 }, () => bare), DEVICE_LINE, ret]);
    const t = await cli(['trace-to-scenario', dir]);
    expect([t.code, t.stderr]).toEqual([0, '']);
    const chains = t.stdout.split('\n').filter((l) => l.includes('… › '));
    expect(chains.length).toBeGreaterThan(0);
    for (const l of chains) expect(l.split(' › ').length).toBe(17);
  }, 10_000);
});
