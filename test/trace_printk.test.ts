/**
 * printk prefixes (inputs/trace/printk.ts) in console text — raw console.log lines and 5.10's
 * `console:` events carry `[    1.234567] `, 6.1+ events none — and the WARNING line of every
 * release's __warn() (inputs/trace/warning.ts), read from real lines cut out of the recorded traces
 * (test/fixtures/trace-cuts/).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLine } from '../inputs/trace/line.js';
import { splitPrintk } from '../inputs/trace/printk.js';
import { readTrace } from '../inputs/trace/reader.js';
import { parseWarningLine } from '../inputs/trace/warning.js';

const CUTS = new URL('./fixtures/trace-cuts/', import.meta.url);
const fixture = (name: string): string => readFileSync(new URL(name, CUTS), 'utf8');
const consoleLines = (name: string): string[] => fixture(name).split(/\r?\n/).filter((l) => l !== '');
const source = { file: 'cut', line: 1 };

describe('printk prefixes', () => {
  it('a raw console.log line (5.10, CRLF): time stamp split off, message kept', () => {
    const [cut, msg, warn] = consoleLines('console-5.10-warn.log').map(splitPrintk);
    expect(cut).toEqual({ time: 28.50229, caller: null, text: '------------[ cut here ]------------' });
    expect(msg?.text).toBe('Misaligned __add_pages start: 0x40100 end: #401ff');
    expect(warn?.time).toBeCloseTo(28.503703, 6);
  });

  it('5.10 console: events carry the prefix; 6.1+ events none (the text is the message either way)', () => {
    const l510 = fixture('warn-splats-5.10.0-32-amd64.txt').split('\n')[1] ?? '';
    const l73 = fixture('warn-splats-7.3.4+deb13-amd64.txt').split('\n')[1] ?? '';
    const r510 = parseLine(l510, source);
    const r73 = parseLine(l73, source);
    expect(r510).toMatchObject({ kind: 'record', record: { kind: 'console', text: 'Misaligned __add_pages start: 0x40100 end: #401ff', printkTime: 28.502867 } });
    expect(r73).toMatchObject({ kind: 'record', record: { kind: 'console', text: 'Misaligned __add_pages start: 0x40100 end: 0x401ff', printkTime: null } });
  });

  // No recorded kernel had CONFIG_PRINTK_CALLER: these are real lines with the caller id inserted
  // exactly as print_caller() formats it (`[%6s]` of `T%u` / `C%u`, kernel/printk/printk.c).
  it('CONFIG_PRINTK_CALLER: `[time][  T820] ` and `[time][    C1] `, with and without a time stamp', () => {
    const [, msg] = consoleLines('console-5.10-warn.log');
    const withCaller = (msg ?? '').replace('] ', '][  T820] ');
    expect(withCaller).toBe('[   28.502867][  T820] Misaligned __add_pages start: 0x40100 end: #401ff');
    expect(splitPrintk(withCaller)).toEqual({ time: 28.502867, caller: { kind: 'task', id: 820 }, text: 'Misaligned __add_pages start: 0x40100 end: #401ff' });
    expect(splitPrintk('[    C1] Misaligned __add_pages start: 0x40100 end: #401ff')).toEqual({ time: null, caller: { kind: 'cpu', id: 1 }, text: 'Misaligned __add_pages start: 0x40100 end: #401ff' });
    // A pid wider than six columns is printed unpadded.
    expect(splitPrintk('[12345.000001][T1234567] x')).toEqual({ time: 12345.000001, caller: { kind: 'task', id: 1234567 }, text: 'x' });
  });

  it('no prefix, and text that only looks like one, come back whole', () => {
    expect(splitPrintk('Misaligned __add_pages start')).toEqual({ time: null, caller: null, text: 'Misaligned __add_pages start' });
    expect(splitPrintk('[mem 0x40000000-0x43efffff flags 0x200] misaligned').text).toBe('[mem 0x40000000-0x43efffff flags 0x200] misaligned');
    expect(splitPrintk('[ 1.23] x').text).toBe('[ 1.23] x');
    // The message keeps its own leading spaces (call-trace lines).
    expect(splitPrintk('[   30.041397]  trace_clock_x86_tsc+0x20/0x20').text).toBe(' trace_clock_x86_tsc+0x20/0x20');
  });

  it('a long run of spaces or brackets is read in linear time', () => {
    const t = Date.now();
    splitPrintk(`[${' '.repeat(200_000)}`);
    parseLine(' '.repeat(200_000), source);
    expect(Date.now() - t).toBeLessThan(500);
  });
});

describe('the WARNING line of every release', () => {
  const RELEASES = ['5.10.0-32-amd64', '6.1.0-56-amd64', '6.12.95+deb12-amd64', '7.3.4+deb13-amd64'] as const;

  it('5.10–6.12 `WARNING: CPU: N PID: P at FILE:LINE FUNC+0x…/0x…` (6.1 and 6.12 lines)', () => {
    expect(parseWarningLine('WARNING: CPU: 0 PID: 826 at mm/memory_hotplug.c:328 __add_pages+0x111/0x120')).toEqual({
      cpu: 0, pid: 826, comm: null, file: 'mm/memory_hotplug.c', line: 328, site: { func: '__add_pages', offset: 0x111, size: 0x120 }, module: null,
    });
    expect(parseWarningLine('WARNING: CPU: 1 PID: 1107 at mm/sparse.c:937 sparse_remove_section+0x52/0x70')).toMatchObject({ cpu: 1, pid: 1107, file: 'mm/sparse.c', line: 937, site: { func: 'sparse_remove_section' } });
  });

  it('7.3 `WARNING: FILE:LINE at FUNC+0x…/0x…, CPU#N: COMM/PID`', () => {
    expect(parseWarningLine('WARNING: mm/memory_hotplug.c:410 at __add_pages+0xff/0x120, CPU#0: insmod/838')).toEqual({
      cpu: 0, pid: 838, comm: 'insmod', file: 'mm/memory_hotplug.c', line: 410, site: { func: '__add_pages', offset: 0xff, size: 0x120 }, module: null,
    });
  });

  // The forms without file:line and with a module symbol, as __warn() and %pS print them.
  it('the forms without FILE:LINE, a symbol in a module, a comm with slashes', () => {
    expect(parseWarningLine('WARNING: CPU: 1 PID: 99 at labcall_init+0x2f/0x60 [labcall]')).toMatchObject({ file: null, line: null, site: { func: 'labcall_init', offset: 0x2f }, module: 'labcall' });
    expect(parseWarningLine('WARNING: at section_deactivate+0x17e/0x270, CPU#1: kworker/1:2/99')).toMatchObject({ file: null, cpu: 1, comm: 'kworker/1:2', pid: 99, site: { func: 'section_deactivate' } });
    expect(parseWarningLine('WARNING: mm/sparse.c:1 at x+0x1/0x2 [mod], CPU#0: a b/7')).toMatchObject({ file: 'mm/sparse.c', module: 'mod', comm: 'a b', pid: 7 });
    // The 5.10–6.12 form may be followed by more text of the line.
    expect(parseWarningLine('WARNING: CPU: 0 PID: 1 at mm/sparse.c:1 f+0x1/0x2 more')).toMatchObject({ site: { func: 'f' } });
  });

  it('lines that are not WARNING lines', () => {
    for (const t of ['WARNING: the trace_printk() buffer', 'WARNING: at x, CPU#0: a/b', 'WARNING: CPU: 0 PID: 1 at ', 'WARNING: a:b at f+0x1/0x2, CPU#0: x/1', 'Misaligned']) expect(parseWarningLine(t)).toBeNull();
  });

  for (const release of RELEASES) {
    it(`${release}: every splat of sparse_error_paths is a WARN with its message (E8's without one)`, () => {
      const doc = readTrace(fixture(`warn-splats-${release}.txt`), 'cut.txt');
      if (!doc.ok) throw new Error('unreadable');
      const texts = doc.value.warns.map((w) => w.text);
      const end = release.startsWith('6.1.') || release.startsWith('5.10') ? '#401ff' : '0x401ff';
      expect(texts).toEqual([
        `Misaligned __add_pages start: 0x40100 end: ${end}`,
        `Misaligned __remove_pages start: 0x40100 end: ${end}`,
        'section already deactivated (0x4c000 + 512)',
        null,
        'section already deactivated (0x4be00 + 1024)',
      ]);
      expect(doc.value.warns.every((w) => w.file !== null && w.line !== null)).toBe(true);
    });
  }

  it('7.3: the WARN without message is sparse_remove_section\'s, at mm/sparse-vmemmap.c:924', () => {
    const doc = readTrace(fixture('warn-splats-7.3.4+deb13-amd64.txt'), 'cut.txt');
    if (!doc.ok) throw new Error('unreadable');
    expect(doc.value.warns[3]).toMatchObject({ text: null, file: 'mm/sparse-vmemmap.c', line: 924, symbol: 'sparse_remove_section', cpu: 1, pid: 1091, comm: 'insmod', source: { line: 11 } });
  });
});
