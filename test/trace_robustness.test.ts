/**
 * The trace reader on damaged and foreign input: CRLF line ends, a last line cut short, lines of
 * other CPUs and tasks interleaved, garbage lines and binary garbage, trace-cmd report's format and
 * probes with ftrace's default event names. Real runs from test/fixtures/traces are rewritten and must
 * give the same check result; the line reader is fuzzed with fast-check and never throws.
 */
import { mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseLine, scanHeader } from '../inputs/trace/line.js';
import { readConsoleTrace, readTrace } from '../inputs/trace/index.js';
import { traceToScenario } from '../inputs/trace/to_scenario.js';
import { cli } from './helpers/cli.js';
import { TRACES } from './helpers/traces.js';

const ROOT = TRACES;
const RUN = `${ROOT}/6.1.0-56-amd64/sparse_error_paths`;
const RUN_612 = `${ROOT}/6.12.95+deb12-amd64/dimm_hotplug`;
const SUMMARY = '15 steps, 12 snapshots, 5 sections, 308 fields compared, 0 mismatches';
const SUMMARY_612 = '16 steps, 10 snapshots, 5 sections, 222 fields compared, 0 mismatches';

/** A copy of a run (trace.txt rewritten by `rewrite`, run.json as it is); returns the trace path. */
function rewritten(run: string, rewrite: (text: string) => string): string {
  const dir = mkdtempSync(`${tmpdir()}/memhp-robust-`);
  writeFileSync(`${dir}/trace.txt`, rewrite(readFileSync(`${run}/trace.txt`, 'utf8')));
  copyFileSync(`${run}/run.json`, `${dir}/run.json`);
  return `${dir}/trace.txt`;
}

const lines = (text: string): string[] => text.split('\n');

describe('the same run, rewritten, gives the same check', () => {
  it('CRLF line ends', async () => {
    const r = await cli(['check', rewritten(RUN, (t) => t.replace(/\n/g, '\r\n'))]);
    expect(r.stdout).toContain(SUMMARY);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('another task on another CPU interleaved between every line (unrelated calls)', async () => {
    const other = (i: number): string =>
      i % 2 === 0
        ? `     kworker/1:2-99      [001] .....     ${(5 + i / 1e5).toFixed(6)}: vmemmap_free: (vmemmap_free+0x0/0x20) start=0xffd4000004000000 end=0xffd4000004200000 altmap=0x0`
        : `     kworker/1:2-99      [001] .....     ${(5 + i / 1e5).toFixed(6)}: online_pages_ret: (memory_block_online+0x1/0x2 <- online_pages) ret=-16`;
    const r = await cli(['check', rewritten(RUN, (t) => lines(t).flatMap((l, i) => (l.startsWith('#') || l === '' ? [l] : [l, other(i)])).join('\n'))]);
    expect(r.stdout).toContain(SUMMARY);
    expect(r.code).toBe(0);
  });

  it('garbage and binary lines in the middle: skipped, counted, listed with --verbose', async () => {
    const file = rewritten(RUN, (t) => {
      const l = lines(t);
      l.splice(120, 0, 'this is not ftrace', '\u0000\u0001\u00ff\ufffd garbage \u001b[31m', '');
      return l.join('\n');
    });
    const r = await cli(['check', file, '--verbose']);
    expect(r.stdout).toContain(SUMMARY);
    expect(r.stdout).toContain('note: 2 line(s) of no known kind were skipped:');
    expect(r.stdout).toContain('  trace.txt:121: this is not ftrace\n');
    expect(r.stdout).toContain('  trace.txt:122: \\u0000\\u0001\\u00ff\\ufffd garbage \\u001b[31m\n');
    expect(r.code).toBe(0);
  });

  it('a malformed line of a known kind is skipped and reported with file:line on stderr', async () => {
    const file = rewritten(RUN, (t) => t.replace('lab_call/__add_pages_ret: ret=-17', 'lab_call/__add_pages_ret: ret=minus17'));
    const r = await cli(['check', file]);
    expect(r.stderr).toBe(`${file}:274: warning: skipped: lab_call/__add_pages_ret: ret=minus17 is not a number\n`);
    expect(r.stdout).toContain('note: 1 malformed line(s) were skipped (listed on stderr)');
    expect(r.code).toBe(0);
  });

  it('trace-cmd report format: no flags column, bare-address probe sites, a cpus= header', async () => {
    const file = rewritten(RUN_612, (t) =>
      [
        'cpus=2',
        ...lines(t)
          .filter((l) => !l.startsWith('#'))
          .map((l) => l.replace(/^(\s*\S+-\d+\s+\[\d+\])\s+\S+\s+(\d+\.\d+:)/, '$1 $2').replace(/: \(([A-Za-z_][\w.]*)\+0x[0-9a-f]+\/0x[0-9a-f]+\)/, ': (ffffffff81a5136d)')),
      ].join('\n'),
    );
    const sample = readFileSync(file, 'utf8').split('\n').find((l) => l.includes(' __add_pages: '));
    expect(sample).toMatch(/^\s*\S+-\d+\s+\[\d+\] \d+\.\d+: __add_pages: \(ffffffff81a5136d\) nid=/);
    const r = await cli(['check', file]);
    expect(r.stdout).toContain(SUMMARY_612);
    expect(r.code).toBe(0);
  });

  it('probes with ftrace\'s default event names (p_FUNC_0 / r_FUNC_0): the function comes from the probe site', async () => {
    const file = rewritten(RUN_612, (t) =>
      t.replace(/: (\w+)_ret: \(/g, ': r_$1_0: (').replace(/: (\w+): \((\1\+)/g, ': p_$1_0: ($2'),
    );
    expect(readFileSync(file, 'utf8')).toContain(': p___add_pages_0: (__add_pages+0x4/');
    const r = await cli(['check', file]);
    expect(r.stdout).toContain(SUMMARY_612);
    expect(r.code).toBe(0);
  });
});

describe('argument names of other probe definitions', () => {
  it('start_pfn= (the BTF name in offline_pages / move_pfn_range_to_zone) reads as pfn=', async () => {
    const file = rewritten(RUN_612, (t) => t.replace(/(: (?:offline_pages|online_pages|move_pfn_range_to_zone): \([^)]*\)(?: zone="[^"]*")?) pfn=/g, '$1 start_pfn='));
    expect(readFileSync(file, 'utf8')).toMatch(/offline_pages: \([^)]*\) start_pfn=0x/);
    const r = await cli(['check', file]);
    expect(r.stdout).toContain(SUMMARY_612);
    expect(r.code).toBe(0);
  });
});

describe('damage', () => {
  it('a last line cut short is skipped with file:line, never half-read', async () => {
    const text = readFileSync(`${RUN}/trace.txt`, 'utf8');
    const at = text.indexOf('lab_call/__add_pages: nid=0 pfn=0x20000') + 'lab_call/__add_pages: nid=0 pfn=0x2'.length;
    const file = rewritten(RUN, () => text.slice(0, at));
    const line = text.slice(0, at).split('\n').length;
    const r = await cli(['check', file, '--json']);
    expect(r.stderr).toBe(`${file}:${line}: warning: skipped: the last line has no line end: the trace was cut short here\n`);
    const j = JSON.parse(r.stdout) as { steps: number; malformedLines: number; mismatches: unknown[] };
    expect(j.malformedLines).toBe(1);
    expect(j.mismatches).toEqual([]);
    // E3's pfn would have read as 0x2: its call must not be a step.
    const doc = readTrace(text.slice(0, at), 'cut.txt');
    if (!doc.ok) throw new Error('unreadable');
    const ts = traceToScenario(doc.value, 'cut.txt');
    if (!ts.ok) throw new Error('untranslatable');
    expect(ts.value.scenario.steps.some((s) => 'pfn' in s.op && s.op.pfn === 0x2)).toBe(false);
  });

  it('a console.log cut before the trace END line keeps what it has', () => {
    const log = readFileSync(`${RUN}/console.log`, 'utf8');
    const cut = log.slice(0, log.indexOf('=====LAB TRACE END=====') - 40);
    const r = readConsoleTrace(cut, 'console.log');
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.malformed.map((e) => e.message)).toEqual(['the last line has no line end: the trace was cut short here']);
  });

  it('binary garbage: exit 2 with a one-line reason naming the file, no stack trace', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    const dir = mkdtempSync(`${tmpdir()}/memhp-robust-`);
    writeFileSync(`${dir}/trace.txt`, Buffer.concat([Buffer.from('# tracer: nop\n'), bytes]));
    const r = await cli(['check', `${dir}/trace.txt`, '--kernel', '6.1.192']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`${dir}/trace.txt:1: error\\[E_PARSE\\]: nothing usable: none of the \\d+ line\\(s\\) is a trace line of a known kind`));
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('fuzzing the line reader', () => {
  const real = readFileSync(`${RUN}/trace.txt`, 'utf8').split('\n').filter((l) => l !== '');
  const source = { file: 'fuzz.txt', line: 1 };

  it('scanHeader reads a header as the regex in its comment does, whatever whitespace (any that \\s matches) separates the fields', () => {
    const HEADER_RE = /^\s*(\S.*)-(\d+)\s+\[(\d+)\]\s+(?:(\S+)\s+)?(\d+\.\d+):\s(.*)$/;
    // Every character \s matches but the line terminators (which '.' does not cross), and a few that look like space but are not.
    const space = fc.constantFrom(' ', '\t', '\v', '\f', '\u00a0', '\u1680', '\u2000', '\u2007', '\u200a', '\u202f', '\u205f', '\u3000', '\ufeff');
    const spaces = fc.array(space, { minLength: 1, maxLength: 3 }).map((a) => a.join(''));
    const word = (chars: string, min: number): fc.Arbitrary<string> => fc.array(fc.constantFrom(...chars), { minLength: min, maxLength: 8 }).map((a) => a.join(''));
    const notSpace = fc.constantFrom('\u200b', '\u180e', '\u0085', 'x');
    fc.assert(
      fc.property(fc.array(fc.oneof(word('ab-[]0 ', 1), notSpace), { minLength: 1, maxLength: 3 }), word('0123456789', 1), spaces, word('0123', 1), spaces, fc.option(fc.tuple(word('.dNh1', 1), spaces)), word('0123456789', 1), word('0123456789', 1), word('ab: [', 0), (task, pid, s1, cpu, s2, flags, sec, frac, body) => {
        const line = `${task.join('')}-${pid}${s1}[${cpu}]${s2}${flags === null ? '' : flags[0] + flags[1]}${sec}.${frac}: ${body}`;
        const m = HEADER_RE.exec(line);
        const h = scanHeader(line);
        expect(h === null).toBe(m === null);
        if (m === null || h === null) return;
        expect({ task: h.header.task, pid: h.header.pid, cpu: h.header.cpu, flags: h.header.flags, timestamp: h.header.timestamp, body: h.body }).toEqual({ task: (m[1] ?? '').trim(), pid: Number(m[2]), cpu: Number(m[3]), flags: m[4] ?? '', timestamp: Number(m[5]), body: m[6] });
      }),
      { numRuns: 2000 },
    );
  });

  it('parseLine never throws on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
        const r = parseLine(s, source);
        expect(['record', 'skip', 'unknown', 'error']).toContain(r.kind);
      }),
      { numRuns: 3000 },
    );
  });

  it('parseLine never throws on real lines with bytes deleted, replaced or cut', () => {
    fc.assert(
      fc.property(fc.constantFrom(...real), fc.nat(), fc.nat(), fc.string({ maxLength: 4 }), (line, a, b, ins) => {
        const i = a % (line.length + 1);
        const j = i + (b % 8);
        parseLine(line.slice(0, i) + ins + line.slice(j), source);
        parseLine(line.slice(0, i), source);
      }),
      { numRuns: 3000 },
    );
  });

  it('readTrace never throws on a mix of real, mutated and random lines', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constantFrom(...real), fc.string({ unit: 'binary', maxLength: 80 }), fc.constantFrom(...real).map((l) => l.slice(0, l.length >> 1))), { maxLength: 60 }), (ls) => {
        const r = readTrace(ls.join('\n'), 'fuzz.txt');
        expect(r.ok).toBe(true);
        if (r.ok) traceToScenario(r.value, 'fuzz.txt');
      }),
      { numRuns: 300 },
    );
  });
});
