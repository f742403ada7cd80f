/**
 * x86_64 paging as geometry (arch/x86/include/asm/sparsemem.h: MAX_PHYSMEM_BITS is
 * `pgtable_l5_enabled() ? 52 : 46`) and what each release does with a range at or past the end of
 * the physical address space:
 *
 *   pfn 0x400000000 (2^46 bytes)                          pfn 0x10000000000 (2^52 bytes)
 *   v                                                     v
 *   |-- 4-level: past MAX_PHYSMEM_BITS 46 --------------->|-- 5-level: past MAX_PHYSMEM_BITS 52 -->
 *
 * Expect 5.10.223 (4-level, Debian's default before 6.1.8) to WARN and return -E2BIG at 2^46,
 * 6.1.192 (5-level) to add the same range, and 7.3.4 to oops in sparse_add_section at 2^52 exactly
 * as its trace shows (`BUG: kernel NULL pointer dereference, address: 0000000000000008`,
 * `RIP: 0010:sparse_add_section+0x55/0x290`), with no later step run.
 */
import { describe, expect, it } from 'vitest';
import { createProfile, resolveProfile } from '../kernel/profile.js';
import { defaultPaging, pagingOfVmemmapBase, X86_64_VMEMMAP_BASE } from '../kernel/geometry.js';
import { parseVersion } from '../kernel/versions.js';
import { oopsOf } from '../model/oops.js';
import type { Operation } from '../kernel/operation.js';
import { bootModel, run } from './helpers/model.js';
import { cli } from './helpers/cli.js';

const addAt = (pfn: number): Operation => ({ kind: '__add_pages', nid: 0, pfn, nr_pages: 0x200, altmap: null });
const version = (v: string): NonNullable<ReturnType<typeof parseVersion>> => parseVersion(v) as NonNullable<ReturnType<typeof parseVersion>>;

describe('paging levels', () => {
  it('Debian defaults: 4-level before 6.1.8, 5-level from it (the Debian changelog enables X86_5LEVEL in 6.1.8-1); 7.x always 5', () => {
    expect(['5.3', '5.10.223', '6.0', '6.1', '6.1.7'].map((v) => defaultPaging(version(v)))).toEqual([4, 4, 4, 4, 4]);
    expect(['6.1.8', '6.1.192', '6.12.95', '7.3.4', 'newest'].map((v) => defaultPaging(version(v)))).toEqual([5, 5, 5, 5, 5]);
  });

  it('the geometry each gives: MAX_PHYSMEM_BITS, NR_MEM_SECTIONS and NR_SECTION_ROOTS', () => {
    const four = createProfile({ kernel: '6.1.192', paging: 4 }).geometry;
    const five = createProfile({ kernel: '6.1.192' }).geometry;
    expect([four.MAX_PHYSMEM_BITS, four.NR_MEM_SECTIONS, four.NR_SECTION_ROOTS, four.MAX_PFN]).toEqual([46, 2 ** 19, 4096, 2 ** 34]);
    expect([five.MAX_PHYSMEM_BITS, five.NR_MEM_SECTIONS, five.NR_SECTION_ROOTS, five.MAX_PFN]).toEqual([52, 2 ** 25, 2 ** 18, 2 ** 40]);
    expect(four.SECTIONS_PER_ROOT).toBe(five.SECTIONS_PER_ROOT);
  });

  it('a trace\'s vmemmap_base tells the levels: the nokaslr bases and KASLR-like ones', () => {
    expect(pagingOfVmemmapBase(X86_64_VMEMMAP_BASE[4])).toBe(4);
    expect(pagingOfVmemmapBase(X86_64_VMEMMAP_BASE[5])).toBe(5);
    expect(pagingOfVmemmapBase(0xffffe88000000000n)).toBe(4);
    expect(pagingOfVmemmapBase(0xff7f000000000000n)).toBe(5);
  });

  it('paging is an x86_64 choice', () => {
    const r = resolveProfile({ kernel: '6.1', arch: 'arm64-4k', paging: 5 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe('--paging is an x86_64 choice; arm64-4k has one geometry per release');
  });
});

describe('a range at the end of the physical address space', () => {
  it('5.10.223, 4-level, at 2^46: WARN "Hotplugged memory exceeds maximum addressable address" and -E2BIG, nothing added', () => {
    const p = createProfile({ kernel: '5.10.223' });
    const s0 = bootModel(p);
    const r = run(p, s0, addAt(0x400000000));
    expect(r.outcome.ret).toBe(-7);
    expect(r.outcome.warnings).toEqual([
      { kind: 'WARN', func: 'check_hotplug_memory_addressable', file: 'mm/memory_hotplug.c', text: 'Hotplugged memory exceeds maximum addressable address, range=0x400000000000-0x4000001fffff, maximum=0x7fffffffffff' },
    ]);
    expect(r.state.roots).toStrictEqual(s0.roots);
  });

  it('6.1.192, 5-level, at 2^46: added (section 524288 in a new root)', () => {
    const p = createProfile({ kernel: '6.1.192' });
    const r = run(p, bootModel(p), addAt(0x400000000));
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(r.outcome.sections).toEqual([{ nr: 524288, before: 'absent.never', after: 'partial' }]);
  });

  it('7.3.4, 5-level, at 2^52: the oops of the trace; the next call is not run and changes nothing', () => {
    const p = createProfile({ kernel: '7.3.4' });
    const r = run(p, bootModel(p), addAt(0x10000000000));
    expect(oopsOf(r.outcome)).toEqual({ line: 'BUG: kernel NULL pointer dereference, address: 0000000000000008', func: 'sparse_add_section' });
    expect(r.outcome.ret).toBeNull();
    expect(r.outcome.hazards.map((h) => h.kind)).toEqual(['corruption', 'crash']);
    const next = run(p, r.state, addAt(0x400000));
    expect(next.outcome.path).toBe('not run: the kernel oopsed at an earlier step');
    expect(next.patches).toEqual([]);
    expect(oopsOf(next.outcome)).toBeNull();
  });

  it('7.3.4 on 4-level paging: the same oops already at 2^46', () => {
    const p = createProfile({ kernel: '7.3.4', paging: 4 });
    const r = run(p, bootModel(p), addAt(0x400000000));
    expect(oopsOf(r.outcome)?.func).toBe('sparse_add_section');
  });
});

describe('the CLI', () => {
  it('--paging 4|5 picks the levels and the profile line says so; anything else is one line, exit 2', async () => {
    const five = await cli(['run', 'examples/partial-cycle.scn', '--kernel', '6.1.192']);
    expect(five.stdout.split('\n')[0]).toMatch(/MAX_PHYSMEM_BITS=52 \(5-level paging\)$/);
    const four = await cli(['run', 'examples/partial-cycle.scn', '--kernel', '6.1.192', '--paging', '4']);
    expect(four.stderr).toBe('');
    expect(four.stdout.split('\n')[0]).toMatch(/MAX_PHYSMEM_BITS=46 \(4-level paging\)$/);
    const bad = await cli(['run', 'examples/partial-cycle.scn', '--paging', '3']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--paging must be 4 or 5, got '3'");
  });

  it('--kernel 7.3.4, 5.10.223 and newest (= 7.3) work as releases; 7.4 does not', async () => {
    for (const k of ['7.3.4', '5.10.223', 'newest']) {
      const r = await cli(['run', 'examples/partial-cycle.scn', '--kernel', k]);
      expect(r.stderr, k).toBe('');
      expect(r.stdout.split('\n')[0], k).toContain(`linux ${k} x86_64`);
    }
    const r = await cli(['run', 'examples/partial-cycle.scn', '--kernel', '7.4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('kernel 7.4 is not a release memhp models (any release from 5.2 to 7.3');
  });
});
