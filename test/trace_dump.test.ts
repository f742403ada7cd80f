/**
 * A kernel that crashed: the ring buffer exists only as ftrace_dump_on_oops printed it into the
 * console (inputs/trace/dump.ts), around the oops splat (inputs/trace/oops_splat.ts). The fixture is
 * lines 400–559 of the 7.3.4 sparse_add_beyond_maxphys console.log (the step, the oops, the dump),
 * with that run's empty trace.txt and run.json.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { findFtraceDumps, readConsoleLog, readTrace } from '../inputs/trace/index.js';
import { consoleLines, parseDumpLine } from '../inputs/trace/dump.js';
import { findOopses } from '../inputs/trace/oops_splat.js';
import { pairCalls } from '../inputs/trace/pair.js';
import { traceToScenario } from '../inputs/trace/to_scenario.js';
import { cli } from './helpers/cli.js';

const DIR = new URL('./fixtures/trace-cuts/sparse_add_beyond_maxphys/', import.meta.url).pathname;
const LOG = readFileSync(`${DIR}console.log`, 'utf8');
const source = { file: 'console.log', line: 1 };

/** A copy of the fixture run with console.log passed through `edit`; returns the directory. */
function editedCopy(edit: (text: string) => string): string {
  const after = edit(LOG);
  expect(after).not.toBe(LOG);
  const dir = mkdtempSync(`${tmpdir()}/memhp-oops-`);
  writeFileSync(`${dir}/console.log`, after);
  copyFileSync(`${DIR}trace.txt`, `${dir}/trace.txt`);
  copyFileSync(`${DIR}run.json`, `${dir}/run.json`);
  return dir;
}

describe('the ftrace dump in a console log', () => {
  it('finds the dump between its dashes lines, after `Dumping ftrace buffer:`', () => {
    const dumps = findFtraceDumps(consoleLines(LOG));
    expect(dumps.map((d) => ({ begin: d.begin, end: d.end, instance: d.instance, n: d.lines.length }))).toEqual([{ begin: 79, end: 137, instance: null, n: 56 }]);
  });

  it('reads the latency format of each entry: comm-pid, cpu, flags, microseconds, then the event as in trace.txt', () => {
    const lines = consoleLines(LOG);
    const entry = (n: number): string => (lines[n - 1]?.text ?? '').replace(/^\[[ \d.]+\] /, '');
    expect(parseDumpLine(entry(134), source)).toMatchObject({
      kind: 'record',
      record: { kind: 'entry', origin: 'lab_call', name: '__add_pages', printkCaller: 'labcall_init', header: { task: 'insmod', pid: 730, cpu: 0, flags: '.....', timestamp: 21.59766 }, args: { pfn: { int: 0x10000000000n } } },
    });
    expect(parseDumpLine(entry(114), source)).toMatchObject({ kind: 'record', record: { kind: 'secstate', header: { task: 'sync', pid: 729 }, vmemmapBase: 0xffd4000000000000n } });
    expect(parseDumpLine(entry(118), source)).toMatchObject({ kind: 'record', record: { kind: 'console', text: 'labcall: loading out-of-tree module taints kernel.', header: { flags: 'd....' } } });
    // print_trace_line(): lost events, with and without a count; trace.c's annotations.
    expect(parseDumpLine('CPU:1 [LOST 12 EVENTS]', source)).toMatchObject({ kind: 'record', record: { kind: 'lost', count: 12 } });
    expect(parseDumpLine('CPU:1 [LOST EVENTS]', source)).toMatchObject({ kind: 'record', record: { kind: 'lost', count: null } });
    expect(parseDumpLine('##### CPU 1 buffer started ####', source)).toEqual({ kind: 'skip' });
    // A counter clock (lat_print_timestamp's ` %4lld: `) and a delay mark (`us+:`).
    expect(parseDumpLine('  insmod-730       0.....  123: console: x', source)).toMatchObject({ record: { header: { timestamp: 123 }, text: 'x' } });
    expect(parseDumpLine('  insmod-730       0..... 21597660us+: console: x', source)).toMatchObject({ record: { header: { timestamp: 21.59766 } } });
    expect(parseDumpLine('Killed', source)).toEqual({ kind: 'unknown' });
  });

  it('finds the oops: its first line, the function of the first kernel RIP line, the PID', () => {
    const lines = consoleLines(LOG).map((l) => ({ text: l.text.replace(/^\[[ \d.]+\] /, ''), source: { file: 'console.log', line: l.line } }));
    expect(findOopses(lines)).toEqual([
      { kind: 'oops', source: { file: 'console.log', line: 22 }, line: 'BUG: kernel NULL pointer dereference, address: 0000000000000008', func: 'sparse_add_section', rip: { file: 'console.log', line: 30 }, pid: 730 },
    ]);
  });

  it('the other first lines an x86 kernel prints (fault.c, lib/bug.c, dumpstack.c of 5.10 and 6.12+)', () => {
    const splat = (first: string, ...more: string[]) =>
      findOopses([first, ...more, 'CPU: 1 PID: 5 Comm: a Not tainted 5.10.0-32-amd64 #1 Debian 5.10.223-1', 'RIP: 0010:f+0x1/0x2'].map((text, i) => ({ text, source: { file: 'c', line: i + 1 } })));
    expect(splat('BUG: unable to handle page fault for address: ffffea0000000008', 'Oops: 0000 [#1] SMP NOPTI')).toMatchObject([{ line: 'BUG: unable to handle page fault for address: ffffea0000000008', func: 'f', pid: 5 }]);
    expect(splat('general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] SMP NOPTI')).toMatchObject([{ line: 'general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] SMP NOPTI' }]);
    expect(splat('kernel BUG at mm/sparse.c:123!', 'Oops: invalid opcode: 0000 [#1] SMP NOPTI')).toMatchObject([{ line: 'kernel BUG at mm/sparse.c:123!', func: 'f' }]);
    expect(splat('Oops: general protection fault, probably for non-canonical address 0xdead000000000100: 0000 [#1] SMP NOPTI')).toHaveLength(1);
    expect(splat('BUG: sleeping function called from invalid context')).toEqual([]);
  });

  it('the crashed run: trace.txt has no records, console.log holds the dump and the oops', () => {
    const trace = readTrace(readFileSync(`${DIR}trace.txt`, 'utf8'), 'trace.txt');
    expect(trace.ok && trace.value.records.length).toBe(0);
    const doc = readConsoleLog(LOG, 'console.log');
    if (!doc.ok) throw new Error('unreadable');
    const d = doc.value;
    expect(d.from).toBe('ftrace_dump');
    expect(d.unknown).toEqual([]);
    expect(d.malformed).toEqual([]);
    const kinds = new Map<string, number>();
    for (const r of d.records) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
    expect(Object.fromEntries(kinds)).toEqual({ marker: 36, secstate: 1, console: 16, entry: 3, oops: 1 });
    expect(d.records[d.records.length - 1]).toMatchObject({ kind: 'oops', source: { line: 22 }, func: 'sparse_add_section', pid: 730 });
    expect(d.snapshots.map((s) => [s.label, s.iomem.length, s.secstate?.source.line])).toEqual([['boot', 23, 114]]);
  });

  it('the calls that never returned nest in task 730 and carry the oops; the step is one crashed __add_pages', () => {
    const doc = readConsoleLog(LOG, 'console.log');
    if (!doc.ok) throw new Error('unreadable');
    const paired = pairCalls(doc.value.records);
    expect(paired.calls).toHaveLength(1);
    const top = paired.calls[0];
    expect(top).toMatchObject({ origin: 'lab_call', name: '__add_pages', exit: null, crash: { line: 'BUG: kernel NULL pointer dereference, address: 0000000000000008' } });
    expect(top?.children.map((c) => c.name)).toEqual(['__add_pages']);
    expect(top?.children[0]?.children.map((c) => [c.name, c.crash?.func])).toEqual([['sparse_add_section', 'sparse_add_section']]);
    const ts = traceToScenario(doc.value, 'console.log');
    if (!ts.ok) throw new Error('untranslatable');
    expect(ts.value.scenario.steps.map((s) => s.op)).toEqual([{ kind: '__add_pages', nid: 0, pfn: 0x10000000000, nr_pages: 0x200, altmap: null }]);
    expect(ts.value.crashes).toEqual([{ step: 1, source: { file: 'console.log', line: 22 }, line: 'BUG: kernel NULL pointer dereference, address: 0000000000000008', func: 'sparse_add_section' }]);
    expect(ts.value.subcalls[0]).toMatchObject([{ fn: 'sparse_add_section', pfn: 0x10000000000, nr_pages: 0x200, ret: null, crashed: true }]);
    expect(ts.value.rets[0]?.ret).toBeNull();
  });
});

describe('memhp check on a run that crashed', () => {
  // Needs the model's 5-level geometry and the root >= NR_SECTION_ROOTS NULL dereference (model/).
  it('reads the dump (says so), compares the oops: 0 mismatches, the crash compared', async () => {
    const r = await cli(['check', DIR]);
    expect(r.stdout).toContain('note: trace.txt has no trace lines: read the ftrace_dump_on_oops dump of the ring buffer in console.log:79–137\n');
    expect(r.stdout).toContain('1 steps, 1 snapshots, 1 sections, 5 fields compared, 0 mismatches');
    expect(r.code).toBe(0);
    const j = JSON.parse((await cli(['check', `${DIR}console.log`, '--json'])).stdout) as { fieldsCompared: number; mismatches: unknown[]; readFrom: string };
    expect(j.mismatches).toEqual([]);
    expect(j.readFrom).toContain('console.log:79–137');
  });

  it('the RIP function changed in a copy: exactly one crash mismatch, on the oops line', async () => {
    let n = 0;
    const dir = editedCopy((t) => t.replace(/RIP: 0010:sparse_add_section\+/, () => (n++, 'RIP: 0010:__add_pages+')));
    expect(n).toBe(1);
    const r = await cli(['check', dir, '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { mismatches: unknown[] };
    expect(j.mismatches).toEqual([
      {
        code: 'E_MISMATCH',
        step: 1,
        file: `${dir}/console.log`,
        line: 22,
        section: null,
        field: 'crash',
        model: 'BUG: kernel NULL pointer dereference, address: 0000000000000008 (RIP: sparse_add_section)',
        kernel: 'BUG: kernel NULL pointer dereference, address: 0000000000000008 (RIP: __add_pages)',
      },
    ]);
    expect((await cli(['check', dir])).stdout).toContain('[step 1 console.log:22] error[E_MISMATCH]: crash: model BUG: kernel NULL pointer dereference, address: 0000000000000008 (RIP: sparse_add_section), kernel BUG: kernel NULL pointer dereference, address: 0000000000000008 (RIP: __add_pages)\n');
  });

  it('the page-fault line removed from a copy: the die header is the oops\'s first line, and differs from the model\'s', async () => {
    const dir = editedCopy((t) => t.replace('BUG: kernel NULL pointer dereference, address: 0000000000000008', 'something else'));
    const j = JSON.parse((await cli(['check', dir, '--json'])).stdout) as { mismatches: Array<{ field: string; line: number; kernel: string }> };
    expect(j.mismatches).toEqual([expect.objectContaining({ field: 'crash', line: 26, kernel: 'Oops: Oops: 0000 [#1] SMP NOPTI (RIP: sparse_add_section)' })]);
  });
});
