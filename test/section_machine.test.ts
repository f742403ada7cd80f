/**
 * The section machine (model/section_machine.ts) against the kernel fields that define each of
 * its states (kernel/classify.ts): one `it` per transition, each driven through the real model
 * with real operations and pfns (x86_64: 512 pfns per sub-section, 32768 per section).
 */
import { describe, expect, it } from 'vitest';
import { bootState, getSection, step } from '../model/index.js';
import { classifySection, createProfile } from '../kernel/index.js';
import type { InjectedFailure, KernelState, MemSection, Outcome, SectionStateValue } from '../kernel/index.js';
import type { BootRange, Operation } from '../kernel/operation.js';
import { SEC, SUB, pfnOf } from './helpers/arbitraries.js';
import { bootLayout } from './helpers/scenario_build.js';

const profile = createProfile({ kernel: '5.3', arch: 'x86_64' });
const g = profile.geometry;

/** Flag bits, spelled out. */
const PRESENT = 1;
const HAS_MEM_MAP = 2;
const ONLINE = 4;
const EARLY = 8;
const BOOT_FLAGS = PRESENT | HAS_MEM_MAP | ONLINE | EARLY;
const HOTPLUG_FLAGS = PRESENT | HAS_MEM_MAP;

/** A subsection_map (two 32-bit words) with bits first..last set. */
function bits(first: number, last: number): number[] {
  const out = [0, 0];
  for (let b = first; b <= last; b++) out[b >>> 5] = (out[b >>> 5]! | (1 << (b & 31))) >>> 0;
  return out;
}
const NONE = [0, 0];
const ALL = bits(0, 63);

/** Section 40 holds boot RAM in sub-sections 0–31 (pfn 0x140000–0x143fff). */
const BOOT_40: BootRange[] = [{ startPfn: pfnOf(40), endPfn: pfnOf(40, 32 * SUB), nid: 0 }];

const add = (pfn: number, nr: number): Operation => ({ kind: '__add_pages', nid: 0, pfn, nr_pages: nr, altmap: null });
const remove = (pfn: number, nr: number): Operation => ({ kind: '__remove_pages', pfn, nr_pages: nr, altmap: null });
const online = (sec: number): Operation => ({ kind: 'online_mem_sections', start_pfn: pfnOf(sec), end_pfn: pfnOf(sec + 1) });
const offline = (sec: number): Operation => ({ kind: 'offline_mem_sections', start_pfn: pfnOf(sec), end_pfn: pfnOf(sec + 1) });

/** A model run: boot, then each op in turn; `at(i)` is the state after op i (-1 = boot). */
class Run {
  state: KernelState;
  readonly outcomes: Outcome[] = [];

  constructor(ranges: readonly BootRange[]) {
    const b = bootState(profile, bootLayout(ranges));
    this.state = b.state;
    this.outcomes.push(b.outcome);
  }

  /** Apply one op; returns its outcome. */
  do(op: Operation, inject: readonly InjectedFailure[] = []): Outcome {
    const r = step(profile, this.state, op, inject);
    this.state = r.state;
    this.outcomes.push(r.outcome);
    return r.outcome;
  }

  sec(nr: number): MemSection | undefined {
    return getSection(profile, this.state, nr);
  }

  /** The section, which must be stored, with its machine state checked against classifySection. */
  must(nr: number): MemSection {
    const ms = this.sec(nr);
    expect(ms, `section ${nr} is not stored`).toBeDefined();
    expect(ms!.machine).toBe(classifySection(g, ms!));
    return ms!;
  }
}

/** The last outcome's machine-state change of section nr. */
function effect(o: Outcome, nr: number): readonly [SectionStateValue, SectionStateValue] | undefined {
  const e = o.sections.find((x) => x.nr === nr);
  return e ? [e.before, e.after] : undefined;
}

describe('section machine ↔ kernel state, driven through the model', () => {
  it('boot → early.boot: PRESENT|HAS_MEM_MAP|ONLINE|EARLY, boot usage, the boot sub-sections, a PMD boot memmap', () => {
    const r = new Run(BOOT_40);
    const ms = r.must(40);
    expect(ms).toMatchObject({ machine: 'early.boot', flags: BOOT_FLAGS, usage: 'boot', map: 'vmemmap', subsectionMap: bits(0, 31), bootMap: bits(0, 31) });
    expect(ms.memmap).toBe('B'.repeat(64));
    expect(effect(r.outcomes[0]!, 40)).toEqual(['absent.never', 'early.boot']);
    // Neighbouring sections stay absent.never, i.e. not stored at all.
    expect(r.sec(39)).toBeUndefined();
    expect(r.sec(41)).toBeUndefined();
  });

  it('boot → early.boot also for a page-granular range, rounded outward to sub-sections', () => {
    const r = new Run([{ startPfn: pfnOf(33, 100), endPfn: pfnOf(33, 1100), nid: 1 }]);
    expect(r.must(33)).toMatchObject({ machine: 'early.boot', flags: BOOT_FLAGS, usage: 'boot', nid: 1, subsectionMap: bits(0, 2), bootMap: bits(0, 2) });
  });

  it("early.boot → early.grown: activating sub-sections in an early section's holes keeps EARLY and the boot usage", () => {
    const r = new Run(BOOT_40);
    expect(r.do(add(pfnOf(40, 32 * SUB), 4 * SUB)).ret).toBe(0);
    const ms = r.must(40);
    expect(ms).toMatchObject({ machine: 'early.grown', flags: BOOT_FLAGS, usage: 'boot', subsectionMap: bits(0, 35), bootMap: bits(0, 31) });
    // sparse_add_section() at a start that is not the section start writes pfn_to_kaddr (F5).
    expect(ms.map).toBe('direct_map');
    // The boot memmap is reused: nothing populated.
    expect(ms.memmap).toBe('B'.repeat(64));
    expect(effect(r.outcomes[1]!, 40)).toEqual(['early.boot', 'early.grown']);
    // Filling every hole: still early.grown (an early section never becomes full-hotplug).
    expect(r.do(add(pfnOf(40, 36 * SUB), 28 * SUB)).ret).toBe(0);
    expect(r.must(40)).toMatchObject({ machine: 'early.grown', flags: BOOT_FLAGS, subsectionMap: ALL });
  });

  it('early.grown → early.boot: removing exactly the added sub-sections restores the boot map', () => {
    const r = new Run(BOOT_40);
    r.do(add(pfnOf(40, 32 * SUB), 32 * SUB));
    r.do(remove(pfnOf(40, 32 * SUB), 32 * SUB));
    const ms = r.must(40);
    expect(ms).toMatchObject({ machine: 'early.boot', flags: BOOT_FLAGS, usage: 'boot', subsectionMap: bits(0, 31) });
    expect(effect(r.outcomes[2]!, 40)).toEqual(['early.grown', 'early.boot']);
  });

  it('early.boot → early.trimmed: partial removal of boot memory (its boot memmap 0xFD-filled, F10)', () => {
    const r = new Run(BOOT_40);
    const o = r.do(remove(pfnOf(40), SUB));
    const ms = r.must(40);
    expect(ms).toMatchObject({ machine: 'early.trimmed', flags: BOOT_FLAGS, usage: 'boot', map: 'vmemmap', subsectionMap: bits(1, 31), bootMap: bits(0, 31) });
    expect(ms.memmap).toBe(`F${'B'.repeat(63)}`);
    expect(effect(o, 40)).toEqual(['early.boot', 'early.trimmed']);
    expect(o.hazards.map((h) => `${h.bug}:${h.kind}`)).toEqual(['F10:corruption']);
  });

  it('early.grown → early.trimmed: a boot bit removed while hot-added bits remain', () => {
    const r = new Run(BOOT_40);
    r.do(add(pfnOf(40, 40 * SUB), SUB));
    r.do(remove(pfnOf(40, 31 * SUB), SUB));
    expect(r.must(40)).toMatchObject({ machine: 'early.trimmed', flags: BOOT_FLAGS, subsectionMap: [0x7fffffff, 0x100] }); // bits 0–30 and 40
  });

  it('early.trimmed → early.boot: re-adding the removed boot sub-section (reusing a torn-down memmap: F10 hazard)', () => {
    const r = new Run(BOOT_40);
    r.do(remove(pfnOf(40), SUB));
    const o = r.do(add(pfnOf(40), SUB));
    expect(o.ret).toBe(0);
    expect(r.must(40)).toMatchObject({ machine: 'early.boot', flags: BOOT_FLAGS, usage: 'boot', subsectionMap: bits(0, 31) });
    expect(o.hazards.map((h) => h.bug)).toContain('F10');
  });

  it('early.* → absent.emptied-early: emptying an early section clears every flag, writes ENCODED_NULL, keeps the boot usage', () => {
    const r = new Run(BOOT_40);
    const o = r.do(remove(pfnOf(40), 32 * SUB));
    const ms = r.must(40);
    expect(ms).toMatchObject({ machine: 'absent.emptied-early', flags: 0, usage: 'boot', map: 'encoded_null', subsectionMap: NONE });
    expect(ms.memmap).toBe('.'.repeat(64)); // free_map_bootmem() of the whole section
    expect(effect(o, 40)).toEqual(['early.boot', 'absent.emptied-early']);
    // From early.trimmed too.
    const t = new Run(BOOT_40);
    t.do(remove(pfnOf(40), SUB));
    t.do(remove(pfnOf(40, SUB), 31 * SUB));
    expect(t.must(40)).toMatchObject({ machine: 'absent.emptied-early', flags: 0, usage: 'boot', map: 'encoded_null', subsectionMap: NONE });
  });

  it('absent.never → partial: the first sub-sections of a fresh section (kzalloc usage, 4K memmap)', () => {
    const r = new Run(BOOT_40);
    const o = r.do(add(pfnOf(42, 4 * SUB), 2 * SUB));
    expect(o.ret).toBe(0);
    const ms = r.must(42);
    expect(ms).toMatchObject({ machine: 'partial', flags: HOTPLUG_FLAGS, usage: 'slab', map: 'direct_map', subsectionMap: bits(4, 5), bootMap: null });
    expect(ms.memmap).toBe(`....vv${'.'.repeat(58)}`);
    expect(effect(o, 42)).toEqual(['absent.never', 'partial']);
  });

  it('absent.never → full-hotplug: all 64 sub-sections at once (PMD memmap, vmemmap encoding)', () => {
    const r = new Run(BOOT_40);
    const o = r.do(add(pfnOf(42), SEC));
    expect(o.ret).toBe(0);
    const ms = r.must(42);
    expect(ms).toMatchObject({ machine: 'full-hotplug', flags: HOTPLUG_FLAGS, usage: 'slab', map: 'vmemmap', subsectionMap: ALL, bootMap: null });
    expect(ms.memmap).toBe('V'.repeat(64));
    expect(effect(o, 42)).toEqual(['absent.never', 'full-hotplug']);
  });

  it('partial → full-hotplug: activating the last missing sub-sections', () => {
    const r = new Run(BOOT_40);
    r.do(add(pfnOf(42, 4 * SUB), 60 * SUB));
    expect(r.must(42).machine).toBe('partial');
    const o = r.do(add(pfnOf(42), 4 * SUB));
    expect(o.ret).toBe(0);
    expect(r.must(42)).toMatchObject({ machine: 'full-hotplug', flags: HOTPLUG_FLAGS, usage: 'slab', subsectionMap: ALL });
    expect(effect(o, 42)).toEqual(['partial', 'full-hotplug']);
  });

  it('full-hotplug → partial: deactivating some sub-sections', () => {
    const r = new Run(BOOT_40);
    r.do(add(pfnOf(42), SEC));
    const o = r.do(remove(pfnOf(42, 63 * SUB), SUB));
    expect(r.must(42)).toMatchObject({ machine: 'partial', flags: HOTPLUG_FLAGS, usage: 'slab', subsectionMap: bits(0, 62) });
    expect(effect(o, 42)).toEqual(['full-hotplug', 'partial']);
  });

  it('partial / full-hotplug → absent.deactivated: emptying a hot-added section frees its usage and writes ENCODED_NULL (F4)', () => {
    const r = new Run(BOOT_40);
    r.do(add(pfnOf(42, 4 * SUB), 2 * SUB));
    const o = r.do(remove(pfnOf(42, 4 * SUB), 2 * SUB));
    const ms = r.must(42);
    expect(ms).toMatchObject({ machine: 'absent.deactivated', flags: 0, usage: 'none', map: 'encoded_null', subsectionMap: NONE });
    expect(ms.memmap).toBe('.'.repeat(64));
    expect(effect(o, 42)).toEqual(['partial', 'absent.deactivated']);
    expect(o.hazards.map((h) => h.bug)).toContain('F14');

    const f = new Run([]);
    f.do(add(pfnOf(42), SEC));
    const o2 = f.do(remove(pfnOf(42), SEC));
    expect(f.must(42)).toMatchObject({ machine: 'absent.deactivated', flags: 0, usage: 'none', map: 'encoded_null', subsectionMap: NONE });
    expect(effect(o2, 42)).toEqual(['full-hotplug', 'absent.deactivated']);
  });

  it('absent.deactivated → partial: re-activating a deactivated section allocates a new usage', () => {
    const r = new Run(BOOT_40);
    r.do(add(pfnOf(42), SEC));
    r.do(remove(pfnOf(42), SEC));
    const o = r.do(add(pfnOf(42), SUB));
    expect(o.ret).toBe(0);
    expect(r.must(42)).toMatchObject({ machine: 'partial', flags: HOTPLUG_FLAGS, usage: 'slab', map: 'vmemmap', subsectionMap: bits(0, 0) });
    expect(effect(o, 42)).toEqual(['absent.deactivated', 'partial']);
  });

  it('absent.emptied-early → partial → full-hotplug → absent.deactivated: the kept boot usage is then kfree()d (F3)', () => {
    const r = new Run(BOOT_40);
    r.do(remove(pfnOf(40), 32 * SUB));
    let o = r.do(add(pfnOf(40), 8 * SUB));
    expect(o.ret).toBe(0);
    // EARLY is never set again, and ONLINE was cleared with the rest of the flags.
    expect(r.must(40)).toMatchObject({ machine: 'partial', flags: HOTPLUG_FLAGS, usage: 'boot', subsectionMap: bits(0, 7) });
    expect(effect(o, 40)).toEqual(['absent.emptied-early', 'partial']);
    o = r.do(add(pfnOf(40, 8 * SUB), 56 * SUB));
    expect(r.must(40)).toMatchObject({ machine: 'full-hotplug', flags: HOTPLUG_FLAGS, usage: 'boot', subsectionMap: ALL });
    o = r.do(remove(pfnOf(40), SEC));
    expect(r.must(40)).toMatchObject({ machine: 'absent.deactivated', flags: 0, usage: 'none', map: 'encoded_null', subsectionMap: NONE });
    expect(o.hazards.map((h) => h.bug)).toContain('F3');
    expect(effect(o, 40)).toEqual(['full-hotplug', 'absent.deactivated']);
  });

  it('online / offline toggle SECTION_IS_ONLINE and keep the machine state', () => {
    const r = new Run(BOOT_40);
    r.do(add(pfnOf(42, 4 * SUB), 2 * SUB));
    let o = r.do(online(42));
    expect(r.must(42)).toMatchObject({ machine: 'partial', flags: HOTPLUG_FLAGS | ONLINE, subsectionMap: bits(4, 5) });
    expect(effect(o, 42)).toEqual(['partial', 'partial']);
    o = r.do(offline(42));
    expect(r.must(42)).toMatchObject({ machine: 'partial', flags: HOTPLUG_FLAGS });
    expect(effect(o, 42)).toEqual(['partial', 'partial']);

    o = r.do(offline(40));
    expect(r.must(40)).toMatchObject({ machine: 'early.boot', flags: BOOT_FLAGS & ~ONLINE, usage: 'boot', subsectionMap: bits(0, 31) });
    expect(effect(o, 40)).toEqual(['early.boot', 'early.boot']);
    r.do(online(40));
    expect(r.must(40)).toMatchObject({ machine: 'early.boot', flags: BOOT_FLAGS });

    r.do(add(pfnOf(41), SEC));
    r.do(online(41));
    expect(r.must(41)).toMatchObject({ machine: 'full-hotplug', flags: HOTPLUG_FLAGS | ONLINE });
    r.do(remove(pfnOf(40), SUB));
    r.do(offline(40));
    expect(r.must(40)).toMatchObject({ machine: 'early.trimmed', flags: BOOT_FLAGS & ~ONLINE });

    // An invalid (absent) section: WARN_ON and skipped, nothing changes.
    r.do(remove(pfnOf(42, 4 * SUB), 2 * SUB));
    const before = r.state;
    o = r.do(online(42));
    expect(o.warnings.map((w) => w.kind)).toEqual(['WARN_ON']);
    expect(r.must(42)).toMatchObject({ machine: 'absent.deactivated', flags: 0 });
    expect(r.state).toStrictEqual(before);
  });

  it('failed activations leave the machine state (and the whole state) as it was', () => {
    const r = new Run(BOOT_40);
    const booted = r.state;
    expect(r.do(add(pfnOf(40), SUB)).ret).toBe(-17); // -EEXIST into boot memory
    expect(r.do(add(pfnOf(40, 1), SUB)).ret).toBe(-22); // misaligned
    expect(r.state.roots).toStrictEqual(booted.roots);
    expect(r.must(40).machine).toBe('early.boot');
    // Injected kzalloc failure on a fresh section: the zeroed section is not stored.
    expect(r.do(add(pfnOf(42), SUB), [{ kind: 'usage', nth: 1 }]).ret).toBe(-12);
    expect(r.sec(42)).toBeUndefined();
    // Injected vmemmap failure: activate then roll back, ending absent.deactivated (usage freed, ENCODED_NULL).
    const o = r.do(add(pfnOf(42), SUB), [{ kind: 'memmap', nth: 1 }]);
    expect(o.ret).toBe(-12);
    expect(r.must(42)).toMatchObject({ machine: 'absent.deactivated', flags: 0, usage: 'none', map: 'encoded_null', subsectionMap: NONE });
    expect(effect(o, 42)).toEqual(['absent.never', 'absent.deactivated']);
  });
});
