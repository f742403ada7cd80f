/**
 * The scenario parser's input errors: one test per kind, each a `file:line` with its code.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LINE_LENGTH, parseScenario } from '../inputs/index.js';
import { BOOT, FILE, geometry, ok, onlyError, parse } from './helpers/scenario.js';

describe('errors', () => {
  it('a malformed line: a key without a value', () => {
    const e = onlyError(BOOT + '__add_pages pfn=0x200000 nr_pages');
    expect(e).toMatchObject({ code: 'E_PARSE', file: FILE, line: 2 });
    expect(e.message).toBe('expected key=value, got "nr_pages"');
    expect(e.hint).toContain('nr_pages=');
  });

  it('a malformed line: an unterminated string, a missing size', () => {
    expect(onlyError(BOOT + 'expect warn "open')).toMatchObject({ code: 'E_PARSE', line: 2, message: expect.stringContaining('unterminated string') });
    expect(onlyError(BOOT + 'add 0x200000000')).toMatchObject({ code: 'E_PARSE', line: 2, message: 'missing SIZE after address 0x200000000' });
  });

  it('a missing key and a value that is not a number name the key', () => {
    expect(onlyError(BOOT + 'sparse_add_section pfn=0x300000')).toMatchObject({ code: 'E_PARSE', line: 2, message: 'missing key nr_pages for sparse_add_section' });
    const e = onlyError(BOOT + 'pfn_valid pfn=lots');
    expect(e).toMatchObject({ code: 'E_PARSE', line: 2 });
    expect(e.message).toContain('value of pfn');
    expect(e.message).toContain('"lots"');
  });

  it('an unknown key is named', () => {
    const e = onlyError(BOOT + '__remove_pages pfn=0x200000 nr_pages=1 nid=0');
    expect(e).toMatchObject({ code: 'E_PARSE', line: 2, message: 'unknown key nid for __remove_pages' });
  });

  it('an unknown operation lists the known ones', () => {
    const e = onlyError(BOOT + 'hotplug 0x200000000 128M');
    expect(e).toMatchObject({ code: 'E_UNKNOWN_OP', file: FILE, line: 2, message: 'unknown operation hotplug' });
    expect(e.hint).toContain('__add_pages');
    expect(e.hint).toContain('sparse_remove_section');
    expect(onlyError(BOOT + 'sparse_add_sectoin pfn=1 nr_pages=1').hint).toMatch(/^did you mean sparse_add_section\?/);
  });

  it('an unknown operation word as long as a line may be is refused at once (fuzz: "did you mean" compared it in full with every known word)', () => {
    const t0 = performance.now();
    const e = onlyError(`${BOOT}${'x'.repeat(MAX_LINE_LENGTH)}`);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(e).toMatchObject({ code: 'E_UNKNOWN_OP', line: 2 });
    expect(e.hint).toMatch(/^known operations: /);
  });

  it('a call past MAX_PHYSMEM_BITS is parsed (the model answers it); one past the 64-bit physical address space is not', () => {
    const ok = parseScenario(BOOT + '__add_pages pfn=0x400000001 nr_pages=0\n', FILE, { geometry });
    expect(ok.ok).toBe(true);
    const e = onlyError(BOOT + '__add_pages pfn=0x10000000000001 nr_pages=0');
    expect(e).toMatchObject({ code: 'E_RANGE', file: FILE, line: 2 });
    expect(e.message).toBe('pfn=0x10000000000001 is past the end of the 64-bit physical address space (PFN_PHYS() overflows from pfn 0x10000000000000)');
  });

  it('one call spans at most MAX_SECTIONS_PER_CALL sections (memhp\'s own limit)', () => {
    const e = onlyError(BOOT + 'add 0x0 0x4000000000000');
    expect(e).toMatchObject({ code: 'E_LIMIT', line: 2, message: 'add spans 8388608 sections: memhp models at most 524288 sections per call (its own limit, not the kernel\'s)' });
    expect(parseScenario(BOOT + 'add 0x0 0x400000000000\n', FILE, { geometry }).ok).toBe(true);
  });

  it('a size that overflows 64 bits, and a sum that does', () => {
    const e = onlyError(BOOT + 'add 0x200000000 16777216T');
    expect(e).toMatchObject({ code: 'E_RANGE', file: FILE, line: 2 });
    expect(e.message).toContain('size 16777216T overflows 64 bits');
    const sum = onlyError(BOOT + '__remove_pages pfn=0xffffffffffffffff nr_pages=1');
    expect(sum).toMatchObject({ code: 'E_RANGE', line: 2 });
    expect(sum.message).toContain('pfn=0xffffffffffffffff + nr_pages=1 overflows 64 bits');
  });

  it('boot RAM past MAX_PHYSMEM_BITS is refused; a call past it is not', () => {
    const ram = onlyError('ram 0x3fff00000000-0x400000000000\n');
    expect(ram).toMatchObject({ code: 'E_RANGE', line: 1 });
    expect(ram.message).toBe('END 0x400000000000 + 1 = 0x400000000001 is past the end of the physical address space (limit 2^46 = 0x400000000000, MAX_PHYSMEM_BITS 46)');
    expect(parseScenario(BOOT + 'add 0x3ffff8000000 256M\n', FILE, { geometry }).ok).toBe(true);
    const bytes = onlyError(BOOT + 'add 0xfffffffff8000000 0x8000000');
    expect(bytes.message).toBe('0xfffffffff8000000 + 0x8000000 overflows 64 bits (0x10000000000000000 > 0xffffffffffffffff)');
  });

  it('an unaligned add address, and an END that is not inclusive', () => {
    const e = onlyError(BOOT + 'add 0x200000800 128M');
    expect(e).toMatchObject({ code: 'E_RANGE', file: FILE, line: 2, message: 'address 0x200000800 is not page aligned (PAGE_SIZE 0x1000)' });
    expect(e.hint).toBe('use 0x200000000 or 0x200001000');
    const end = onlyError(BOOT + 'remove 0x200000000-0x208000000');
    expect(end).toMatchObject({ code: 'E_RANGE', line: 2 });
    expect(end.hint).toContain('did you mean 0x200000000-0x207ffffff?');
    expect(onlyError(BOOT + 'add 0x200000000 2049').message).toBe('size 2049 (0x801) is not a multiple of PAGE_SIZE 0x1000');
  });

  it('END below START', () => {
    const e = onlyError(BOOT + 'online 0x300000000-0x2ffffffff');
    expect(e).toMatchObject({ code: 'E_RANGE', line: 2, message: 'range 0x300000000-0x2ffffffff: END 0x2ffffffff is below START 0x300000000' });
  });

  it('a duplicate key', () => {
    const e = onlyError(BOOT + '__add_pages pfn=0x200000 nr_pages=0x4000 pfn=0x300000');
    expect(e).toMatchObject({ code: 'E_PARSE', file: FILE, line: 2, message: 'duplicate key pfn' });
  });

  it('sparse_add_section / sparse_remove_section crossing a section', () => {
    const e = onlyError(BOOT + 'sparse_add_section pfn=0x27000 nr_pages=0x2000');
    expect(e).toMatchObject({ code: 'E_RANGE', file: FILE, line: 2 });
    expect(e.message).toContain('crosses the section boundary at pfn 0x28000');
    expect(e.hint).toContain('subsection_mask_set write out of bounds');
    expect(e.hint).toContain('pfn=0x27000 nr_pages=0x1000, then pfn=0x28000 nr_pages=0x1000');
    expect(onlyError(BOOT + 'sparse_remove_section pfn=0x20000 nr_pages=0x8001').code).toBe('E_RANGE');
    expect(ok(BOOT + 'sparse_remove_section pfn=0x20000 nr_pages=0x8000').steps).toHaveLength(1);
  });

  it('map_offset above nr_pages', () => {
    const e = onlyError(BOOT + 'sparse_remove_section pfn=0x300000 nr_pages=0x10 map_offset=0x11');
    expect(e).toMatchObject({ code: 'E_RANGE', line: 2, message: 'map_offset=0x11 is greater than nr_pages=0x10' });
  });

  it('boot layout after the first operation', () => {
    const e = onlyError(BOOT + 'pfn_valid pfn=1\nram 0x300000000 1G\n');
    expect(e).toMatchObject({ code: 'E_PARSE', line: 3, message: 'ram: boot layout must come before the first operation' });
  });

  it('no RAM at all', () => {
    const e = onlyError('kernel 5.3\n');
    expect(e).toMatchObject({ code: 'E_PARSE', file: FILE, line: 1 });
    expect(e.message).toContain('at least one RAM range');
    expect(e.hint).toContain('ram 0x100000000-0x1ffffffff');
  });

  it('overlapping RAM ranges', () => {
    const e = onlyError(BOOT + 'ram 0x180000000 4G\n');
    expect(e).toMatchObject({ code: 'E_RANGE', line: 2, message: 'RAM 0x180000000-0x27fffffff overlaps RAM 0x100000000-0x1ffffffff (line 1)' });
  });

  it('an architecture that is not modelled, and a repeated header', () => {
    const e = onlyError('arch arm64\n' + BOOT);
    expect(e).toMatchObject({ code: 'E_USAGE', line: 1 });
    expect(e.hint).toContain('x86_64');
    expect(onlyError('kernel 5.3\nkernel 6.1\n' + BOOT)).toMatchObject({ code: 'E_PARSE', line: 2, message: 'kernel given twice (first at line 1)' });
  });

  it('collects errors from many lines (at most 20) and returns no scenario', () => {
    const r = parse(BOOT + 'bogus\n'.repeat(30));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.errors).toHaveLength(20);
      expect(r.errors.map((e) => e.line).slice(0, 3)).toEqual([2, 3, 4]);
    }
  });
});
