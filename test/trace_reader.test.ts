/**
 * The ftrace text reader (inputs/trace/): real traces from test/fixtures/traces
 * (facts quoted in its README), console.log extraction, call pairing, and synthetic inputs for
 * every error and special line kind.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findTraceText, flattenCalls, pairCalls, readConsoleTrace, readTrace, type Call, type EntryRecord, type ReturnRecord, type TraceDocument, type TraceRecord } from '../inputs/trace/index.js';
import { TRACES } from './helpers/traces.js';

/** The recorded traces (test/fixtures/traces). */
const ROOT = TRACES;
const K61 = '6.1.0-56-amd64';
const K612 = '6.12.95+deb12-amd64';

function load(kernel: string, scenario: string): TraceDocument {
  const file = `${ROOT}/${kernel}/${scenario}/trace.txt`;
  const r = readTrace(readFileSync(file, 'utf8'), file);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.file}:${e.line}: ${e.message}`).join('\n'));
  return r.value;
}

/** Read synthetic text; expect success. */
function ok(text: string): TraceDocument {
  const r = readTrace(`${text}\n`, 'syn.txt');
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}: ${e.message}`).join('\n'));
  return r.value;
}

const H = (pid: number, ts: string, body: string): string => `          task-${pid}     [000] .....     ${ts}: ${body}`;
const entries = (d: TraceDocument): EntryRecord[] => d.records.filter((r): r is EntryRecord => r.kind === 'entry');
const returns = (d: TraceDocument): ReturnRecord[] => d.records.filter((r): r is ReturnRecord => r.kind === 'return');
const calls = (d: TraceDocument): Call[] => flattenCalls(pairCalls(d.records).calls);

describe('real traces', () => {
  it('6.1 sparse_error_paths: E1 lab_call/__add_pages and its -22', () => {
    const d = load(K61, 'sparse_error_paths');
    expect(d.unknown).toEqual([]);
    const e1 = entries(d).find((e) => e.origin === 'lab_call' && e.name === '__add_pages');
    expect(e1?.args.pfn?.num).toBe(0x40100);
    expect(e1?.args.nr_pages?.num).toBe(0x100);
    expect(e1?.args.altmap?.text).toBe('NULL');
    expect(e1?.args.altmap?.int).toBeNull();
    expect(e1?.printkCaller).toBe('dax_kmem_init');
    const paired = pairCalls(d.records);
    expect(paired.warnings).toEqual([]);
    const labCalls = flattenCalls(paired.calls).filter((c) => c.origin === 'lab_call');
    expect(labCalls[0]?.args.pfn?.num).toBe(0x40100);
    expect(labCalls[0]?.retInt32).toBe(-22);
    expect(labCalls[0]?.children.map((c) => c.name)).toContain('__add_pages');
    expect(labCalls.filter((c) => c.name === '__remove_pages').every((c) => c.ret === null && c.exit !== null)).toBe(true);
  });

  it('6.1 sparse_error_paths: WARN splats with text, FILE:LINE and symbol', () => {
    const d = load(K61, 'sparse_error_paths');
    expect(d.warns.map((w) => `${w.file}:${w.line} ${w.symbol}`)).toEqual([
      'mm/memory_hotplug.c:328 __add_pages',
      'mm/memory_hotplug.c:528 __remove_pages',
      'mm/sparse.c:667 section_deactivate',
      'mm/memory_hotplug.c:501 __remove_pages',
      'mm/sparse.c:667 section_deactivate',
    ]);
    expect(d.warns.map((w) => w.text)).toEqual([
      'Misaligned __add_pages start: 0x40100 end: #401ff',
      'Misaligned __remove_pages start: 0x40100 end: #401ff',
      'section already deactivated (0x4c000 + 512)',
      null,
      'section already deactivated (0x4be00 + 1024)',
    ]);
    expect(d.warns[0]?.site).toEqual({ func: '__add_pages', offset: 0x111, size: 0x120 });
    expect(d.warns[0]?.pid).toBe(826);
  });

  it('6.1 lab_kmod: ret=0xffffffef (4294967279) is the int -17', () => {
    const d = load(K61, 'sparse_error_paths');
    const eexist = returns(d).find((r) => r.origin === 'lab_kmod' && r.ret?.text === '0xffffffef');
    expect(eexist?.name).toBe('sparse_add_section');
    expect(eexist?.ret?.int).toBe(0xffffffefn);
    expect(eexist?.retDecimal).toBe(4294967279n);
    expect(eexist?.retInt32).toBe(-17);
    const entry = entries(d).find((e) => e.origin === 'lab_kmod' && e.args.start_pfn?.num === 0x50000);
    expect(entry?.site).toEqual({ func: 'sparse_add_section', offset: 0, size: null });
    const nv = load(K61, 'nvdimm_two_namespaces');
    const pop = returns(nv).find((r) => r.origin === 'lab_kmod' && r.ret?.text === '0xffd4000004200000');
    expect(pop?.name).toBe('__populate_section_memmap');
    expect(pop?.retDecimal).toBe(-12384898906062848n);
    // The decimal labkp prints is always the 64-bit signed reading of the hex value.
    const kmod = returns(nv).filter((r) => r.origin === 'lab_kmod');
    expect(kmod.length).toBeGreaterThan(0);
    for (const r of kmod) expect(BigInt.asIntN(64, r.ret?.int ?? 0n)).toBe(r.retDecimal);
  });

  it('6.12 sparse_error_paths: +0x4 probes, ret=-17, raw-address printk caller, WARN in sparse_remove_section', () => {
    const d = load(K612, 'sparse_error_paths');
    expect(d.unknown).toEqual([]);
    const add = entries(d).find((e) => e.origin === 'kprobe' && e.name === '__add_pages');
    expect(add?.site).toEqual({ func: '__add_pages', offset: 4, size: 0x120 });
    const eexist = returns(d).find((r) => r.origin === 'kprobe' && r.name === 'sparse_add_section' && r.retInt32 === -17);
    expect(eexist?.ret?.text).toBe('-17');
    expect(eexist?.caller).toBe('__add_pages+0x9d/0x120');
    const lab = entries(d).find((e) => e.origin === 'lab_call');
    expect(lab?.printkCaller).toMatch(/^0xffffffff[0-9a-f]+$/);
    expect(d.warns.map((w) => `${w.file}:${w.line} ${w.symbol}`)).toContain('mm/sparse.c:937 sparse_remove_section');
    expect(d.warns[0]?.text).toBe('Misaligned __add_pages start: 0x40100 end: 0x401ff');
    expect(pairCalls(d.records).warnings).toEqual([]);
  });

  it('legacy_pmem_shared_section: first secstate and boot snapshot', () => {
    for (const k of [K61, K612]) {
      const d = load(k, 'legacy_pmem_shared_section');
      const s = d.records.find((r) => r.kind === 'secstate');
      expect(s?.kind).toBe('secstate');
      if (s?.kind !== 'secstate') continue;
      expect(s.vmemmapBase).toBe(0xffd4000000000000n);
      expect(s.sections.map((x) => x.nr)).toEqual([7, 8, 9, 10]);
      const s8 = s.sections.find((x) => x.nr === 8);
      expect(s8?.word).toBe(0xffd400000000000fn);
      expect(s8?.map0).toBe(0xffffffff00000000n);
      expect(s.sections.find((x) => x.nr === 9)?.map0).toBe(0xffffffffn);
      const boot = d.snapshots[0];
      expect(boot?.label).toBe('boot');
      expect(boot?.secstate).toBe(s);
      expect(boot?.iomem).toContainEqual({ start: 0x40000000, end: 0x43ffffff, name: 'Persistent Memory (legacy)', depth: 0 });
      expect(boot?.memblocks.find((b) => b.section === 8)).toMatchObject({ block: 8, state: 'online', zones: 'DMA32', absent: false });
    }
  });

  it('legacy_pmem_shared_section: pairing gives __add_pages calls with ret=0', () => {
    for (const k of [K61, K612]) {
      const all = calls(load(k, 'legacy_pmem_shared_section'));
      const adds = all.filter((c) => c.name === '__add_pages');
      expect(adds.length).toBeGreaterThanOrEqual(2);
      expect(adds.every((c) => c.retInt32 === 0 && c.exit !== null)).toBe(true);
      const first = adds.find((c) => c.args.pfn?.num === 0x40000);
      expect(first?.args.nr_pages?.num).toBe(0x4000);
      const child = first?.children.find((c) => c.name === 'sparse_add_section');
      expect(child?.origin).toBe(k === K61 ? 'lab_kmod' : 'kprobe');
      expect(child?.retInt32).toBe(0);
      const off = all.find((c) => c.name === 'offline_pages' && c.args.pfn?.num === 0x40000);
      expect(off?.args.zone).toMatchObject({ text: 'DMA32', quoted: true, int: null });
      expect(off?.retInt32).toBe(-22);
    }
  });

  it('console.log extraction gives the same records with console line numbers', () => {
    for (const k of [K61, K612]) {
      const dir = `${ROOT}/${k}/sparse_error_paths`;
      const trace = load(k, 'sparse_error_paths');
      const log = readFileSync(`${dir}/console.log`, 'utf8');
      const found = findTraceText(log);
      expect(found).not.toBeNull();
      const offset = (found?.firstLine ?? 0) - 1;
      expect(log.split('\n')[offset - 1]?.trim()).toBe('=====LAB TRACE BEGIN=====');
      const r = readConsoleTrace(log, `${dir}/console.log`);
      expect(r.ok).toBe(true);
      if (!r.ok) continue;
      const strip = (x: TraceRecord): unknown => ({ ...x, source: null, ...(x.kind === 'warn' ? { textSource: x.textSource?.line === undefined ? null : x.textSource.line - (x.textSource.file.endsWith('console.log') ? offset : 0) } : {}) });
      expect(r.value.records.map(strip)).toEqual(trace.records.map(strip));
      expect(r.value.records.map((x) => x.source.line)).toEqual(trace.records.map((x) => x.source.line + offset));
      expect(r.value.warns[0]?.source.file).toBe(`${dir}/console.log`);
    }
  });
});

describe('synthetic input', () => {
  it('skips # lines, lists unknown lines, records [LOST N EVENTS]', () => {
    const d = ok(['# tracer: nop', '#', 'garbage here', H(1, '1.000000', 'sched_switch: prev=a next=b'), 'CPU:1 [LOST 12 EVENTS]'].join('\n'));
    expect(d.unknown.map((u) => u.source.line)).toEqual([3, 4]);
    expect(d.unknown[0]?.text).toBe('garbage here');
    expect(d.records).toEqual([{ kind: 'lost', source: { file: 'syn.txt', line: 5 }, count: 12 }]);
    expect(d.lostEvents).toBe(true);
    expect(ok('[LOST 3 EVENTS]').records[0]).toMatchObject({ kind: 'lost', count: 3 });
    expect(ok(H(1, '1.0', 'console: hi')).lostEvents).toBe(false);
  });

  it('parses header, quoted values and negative numbers', () => {
    const d = ok(H(42, '8.280085', 'add_memory_driver_managed: (add_memory_driver_managed+0x4/0xc0) start=0x108000000 resource_name="System RAM (kmem)" n=-5'));
    const e = entries(d)[0];
    expect(e?.header).toEqual({ task: 'task', pid: 42, cpu: 0, flags: '.....', timestamp: 8.280085 });
    expect(e?.args.resource_name).toEqual({ text: 'System RAM (kmem)', quoted: true, int: null, num: null });
    expect(e?.args.start?.num).toBe(0x108000000);
    expect(e?.args.n?.int).toBe(-5n);
  });

  it('skips malformed lines of known kinds and lists them with file:line', () => {
    const cases: [string, RegExp][] = [
      ['secstate0: (ksys_sync+0x0/0xa0) vmb=0xffd4000000000000 m8=0xzz p8=0x0 u8=0x0', /m8=0xzz: not a 0x hex number/],
      ['secstate0: (ksys_sync+0x0/0xa0) vmb=0x0 m8=0x3 p8=0x0', /section 8 needs all of/],
      ['offline_pages: (offline_pages+0x0/0x7a8) pfn=0x40000 zone="DMA32', /unterminated quoted value of zone=/],
      ['offline_pages_ret: (memory_subsys_offline+0x88/0x160 <- offline_pages) ret=oops', /ret=oops is not a number/],
      ['dax_kmem_init: lab_call/__add_pages_ret: ret=x', /not a number/],
      ['lab_ret: lab_kmod/sparse_add_section_ret: ret=0xffffffef (42x)', /not a decimal number/],
      ['tracing_mark_write: MEMBLK boot section=x block=8 absent', /bad section=/],
      ['tracing_mark_write: LAB_RC zero', /not a number/],
      ['tracing_mark_write: IOMEM no-bar', /without "label\|"/],
    ];
    for (const [body, msg] of cases) {
      const good = H(7, '1.6', 'console: still read');
      const r = readTrace(`# tracer: nop\n${H(7, '1.5', body)}\n${good}\n`, 'bad.txt');
      expect(r.ok, body).toBe(true);
      if (!r.ok) continue;
      expect(r.value.malformed, body).toHaveLength(1);
      expect(r.value.malformed[0], body).toMatchObject({ file: 'bad.txt', line: 2, code: 'E_PARSE' });
      expect(r.value.malformed[0]?.message, body).toMatch(msg);
      expect(r.value.records.map((x) => x.source.line), body).toEqual([3]);
    }
    expect(ok('[LOST many EVENTS]').malformed).toHaveLength(1);
  });

  it('lists every malformed line; unknown markers are unknown lines, not malformed', () => {
    const bad = Array.from({ length: 30 }, (_, i) => H(1, `${i}.0`, 'tracing_mark_write: LAB_RC x')).join('\n');
    expect(ok(bad).malformed.map((e) => e.line)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(ok(H(1, '1.0', 'tracing_mark_write: SOMETHING_ELSE 1')).unknown).toHaveLength(1);
  });

  it('groups IOMEM lines per snapshot and maps iomem errors to trace lines', () => {
    const snap = (iomemLine: string): string =>
      [
        H(1, '1.0', 'tracing_mark_write: LAB_SNAP_BEGIN s1'),
        H(1, '1.1', 'tracing_mark_write: IOMEM s1|00100000-3fffffff : System RAM'),
        H(1, '1.2', 'console: unrelated'),
        H(1, '1.3', `tracing_mark_write: IOMEM s1|${iomemLine}`),
        H(1, '1.4', 'tracing_mark_write: MEMBLK s1 section=32 block=32 absent'),
        H(2, '1.5', 'secstate0: (ksys_sync+0x4/0xb0) vmb=0xffd4000000000000 m32=0x0 p32=0x0 u32=0x0'),
        H(1, '1.6', 'tracing_mark_write: LAB_SNAP_END s1'),
      ].join('\n');
    const d = ok(snap('  01000000-01e01d31 : Kernel code'));
    const s = d.snapshots[0];
    expect(s?.iomem.map((x) => x.depth)).toEqual([0, 1]);
    expect(s?.memblocks[0]).toMatchObject({ section: 32, absent: true, state: null });
    expect(s?.secstate?.sections[0]).toEqual({ nr: 32, word: 0n, usage: 0n, map0: 0n });
    expect(s?.begin?.line).toBe(1);
    expect(s?.end?.line).toBe(7);
    const r = readTrace(`${snap('zz-1 : bad')}\n`, 'io.txt');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.value.malformed[0]).toMatchObject({ code: 'E_IOMEM', file: 'io.txt', line: 4 });
      expect(r.value.snapshots[0]?.iomem).toEqual([]);
      expect(r.value.snapshots[0]?.secstate?.sections).toHaveLength(1);
    }
  });

  it('WARN without cut-here text, and a WARN with its message', () => {
    const d = ok(
      [
        H(5, '1.0', 'console: ------------[ cut here ]------------'),
        H(6, '1.0', 'console: other task'),
        H(5, '1.1', 'console: section already deactivated (0x4c000 + 512)'),
        H(5, '1.2', 'console: WARNING: CPU: 0 PID: 5 at mm/sparse.c:667 section_deactivate+0x108/0x2a0'),
        H(5, '1.3', 'console: ------------[ cut here ]------------'),
        H(5, '1.4', 'console: WARNING: CPU: 1 PID: 5 at mm/sparse.c:937 sparse_remove_section+0x9/0x50'),
      ].join('\n'),
    );
    expect(d.warns.map((w) => [w.text, w.file, w.line, w.symbol, w.cpu, w.source.line])).toEqual([
      ['section already deactivated (0x4c000 + 512)', 'mm/sparse.c', 667, 'section_deactivate', 0, 4],
      [null, 'mm/sparse.c', 937, 'sparse_remove_section', 1, 6],
    ]);
  });

  it('pairs nested calls per task and warns about unmatched ones', () => {
    const d = ok(
      [
        H(1, '1.0', 'outer: (outer+0x0/0x10) a=1'),
        H(2, '1.0', 'outer: (outer+0x0/0x10) a=2'),
        H(1, '1.1', 'inner: (inner+0x0/0x10) b=0x2'),
        H(1, '1.2', 'leaf: (leaf+0x0/0x10)'),
        H(1, '1.3', 'inner_ret: (outer+0x5/0x10 <- inner) ret=-12'),
        H(1, '1.4', 'outer_ret: (x+0x1/0x2 <- outer)'),
        H(3, '1.5', 'inner_ret: (outer+0x5/0x10 <- inner) ret=0'),
      ].join('\n'),
    );
    const p = pairCalls(d.records);
    expect(p.calls.map((c) => [c.name, c.pid, c.exit?.line ?? null])).toEqual([
      ['outer', 1, 6],
      ['outer', 2, null],
    ]);
    const inner = p.calls[0]?.children[0];
    expect([inner?.name, inner?.retInt32, inner?.children.map((c) => c.name)]).toEqual(['inner', -12, ['leaf']]);
    expect(p.calls[0]?.ret).toBeNull();
    expect(p.warnings.map((w) => w.line).sort()).toEqual([2, 7]);
  });
});
