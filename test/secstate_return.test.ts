/**
 * A section snapshot taken by a return probe (`memhp capture` adds the section fields to the return
 * probes of the top-level hotplug calls) prints its site as `(CALLER <- FUNC)`, as every kretprobe
 * line does (kernel/trace/trace_kprobe.c print_kretprobe_event(), 5.10–7.3): it is read like the
 * `ksys_sync` snapshot, with FUNC as its site.
 */
import { describe, expect, it } from 'vitest';
import { parseLine } from '../inputs/trace/line.js';

const src = { file: 'trace.txt', line: 7 };
const FIELDS = 'vmb=0xffd4000000000000 m32=0xffd4000000e00007 p32=0xff11000004a41c00 u32=0x3';

describe('secstate at a return site', () => {
  it('(CALLER <- FUNC) reads as a snapshot whose site is FUNC, with every section field', () => {
    const r = parseLine(`           ndctl-716     [001] .....     6.995087: secstate1: (devm_memremap_pages+0x3c/0x70 <- memremap_pages) ${FIELDS}`, src);
    expect(r.kind).toBe('record');
    if (r.kind !== 'record' || r.record.kind !== 'secstate') throw new Error(`not a snapshot: ${JSON.stringify(r)}`);
    expect(r.record.site.func).toBe('memremap_pages');
    expect(r.record.vmemmapBase).toBe(0xffd4000000000000n);
    expect(r.record.sections).toEqual([{ nr: 32, word: 0xffd4000000e00007n, usage: 0xff11000004a41c00n, map0: 3n }]);
  });

  it('the entry form still reads as before, and a return site without fields names what is missing', () => {
    const entry = parseLine(`            sync-716     [001] .....     6.995087: secstate0: (ksys_sync+0x0/0xa0) ${FIELDS}`, src);
    expect(entry.kind === 'record' && entry.record.kind === 'secstate' && entry.record.site.func).toBe('ksys_sync');
    const bare = parseLine('           ndctl-716     [001] .....     6.995087: secstate1: (devm_memremap_pages+0x3c/0x70 <- memremap_pages)', src);
    expect(bare).toEqual({ kind: 'error', message: 'secstate1: no vmb= field' });
  });
});
