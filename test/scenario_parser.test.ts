/**
 * The scenario parser (inputs/scenario.ts and the files it uses): number syntax, the boot layout
 * and every operation form (expectations: scenario_expectations.test.ts; input errors:
 * scenario_errors.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { parseNumber, parseSafeInteger, parseSize } from '../inputs/index.js';
import { BOOT, FILE, ok, op } from './helpers/scenario.js';

describe('numbers', () => {
  it('parses hex and decimal, sizes with binary suffixes', () => {
    expect(parseNumber('0x1F')).toEqual({ ok: true, value: 31n });
    expect(parseNumber('010')).toEqual({ ok: true, value: 10n });
    expect(parseSize('128M')).toEqual({ ok: true, value: 128n << 20n });
    expect(parseSize('4GiB')).toEqual({ ok: true, value: 4n << 30n });
    expect(parseSize('0x2K')).toEqual({ ok: true, value: 2048n });
    expect(parseNumber('12K').ok).toBe(false);
    expect(parseSize('4g').ok).toBe(false);
    expect(parseNumber('0x10000000000000000')).toMatchObject({ ok: false, code: 'E_RANGE' });
    expect(parseSize('16777216T')).toMatchObject({ ok: false, code: 'E_RANGE' });
    expect(parseSafeInteger('0x1fffffffffffff')).toEqual({ ok: true, value: Number.MAX_SAFE_INTEGER });
    expect(parseSafeInteger('0x20000000000000')).toMatchObject({ ok: false, message: expect.stringContaining('2^53') });
    expect(parseSafeInteger('2G', true)).toEqual({ ok: true, value: 2 ** 31 });
  });
});

describe('boot layout', () => {
  it('reads the seed changelog layout from an inline iomem block', () => {
    const s = ok(
      [
        '# pmem sharing section 96 with System RAM',
        'kernel 5.3',
        'arch x86_64',
        'iomem',
        '    100000000-1ffffffff : System RAM',
        '    200000000-303ffffff : Persistent Memory (legacy)',
        '    304000000-43fffffff : System RAM   # the upper half of section 96',
        '    440000000-23ffffffff : Persistent Memory',
        '    2400000000-43bfffffff : Persistent Memory',
        '      2400000000-43bfffffff : namespace2.0',
        'end',
        'add 0x200000000 0x104000000',
      ].join('\n'),
    );
    expect(s.kernel).toBe('5.3');
    expect(s.boot.source).toEqual({ file: FILE, line: 4 });
    expect(s.boot.ranges).toEqual([
      { startPfn: 0x100000, endPfn: 0x200000, nid: 0 },
      { startPfn: 0x304000, endPfn: 0x440000, nid: 0 },
    ]);
    expect(s.boot.iomem).toHaveLength(6);
    expect(s.boot.iomem[5]).toEqual({ start: 0x2400000000, end: 0x43bfffffff, name: 'namespace2.0', depth: 1 });
    expect(s.steps).toEqual([
      {
        op: { kind: 'add_pages', nid: 0, pfn: 0x200000, nr_pages: 0x104000, altmap: null },
        inject: [],
        source: { file: FILE, line: 12 },
        text: 'add 0x200000000 0x104000000',
        expects: [],
      },
    ]);
  });

  it('reads ram lines: inclusive ranges, sizes, nid, page rounding, empty ranges dropped, sorted', () => {
    const s = ok('ram 0x300000000 4G nid=1\nram 0x100000800-0x1fffff7ff\nram 0x80000000 0x800\nram 0x90000000 0\n');
    expect(s.kernel).toBeNull();
    expect(s.boot).toEqual({
      ranges: [
        { startPfn: 0x100001, endPfn: 0x1fffff, nid: 0 },
        { startPfn: 0x300000, endPfn: 0x400000, nid: 1 },
      ],
      iomem: [],
      source: { file: FILE, line: 1 },
    });
    expect(s.steps).toEqual([]);
  });
});

describe('operations', () => {
  it('add ADDR SIZE and add START-END with nid, altmap and fail', () => {
    expect(op('add 0x200000000 128M')).toEqual({ kind: 'add_pages', nid: 0, pfn: 0x200000, nr_pages: 0x8000, altmap: null });
    const s = ok(BOOT + 'add 0x200000000-0x203ffffff nid=1 altmap=0x200000,0x100,2 fail=usage@2,memmap,root@3');
    expect(s.steps[0]?.op).toEqual({ kind: 'add_pages', nid: 1, pfn: 0x200000, nr_pages: 0x4000, altmap: { base_pfn: 0x200000, free: 0x100, reserve: 2 } });
    expect(s.steps[0]?.inject).toEqual([
      { kind: 'usage', nth: 2 },
      { kind: 'memmap', nth: 1 },
      { kind: 'root', nth: 3 },
    ]);
  });

  it('remove, online and offline by byte range', () => {
    expect(op('remove 0x200000000 2M altmap_base_pfn=0x200000 altmap_free=64')).toEqual({
      kind: '__remove_pages',
      pfn: 0x200000,
      nr_pages: 0x200,
      altmap: { base_pfn: 0x200000, free: 64, reserve: 0 },
    });
    expect(op('online 0x100000000-0x107ffffff')).toEqual({ kind: 'online_mem_sections', start_pfn: 0x100000, end_pfn: 0x108000 });
    expect(op('offline 4G 256M')).toEqual({ kind: 'offline_mem_sections', start_pfn: 0x100000, end_pfn: 0x110000 });
  });

  it('the key=value forms named after kernel functions', () => {
    expect(op('__add_pages nid=0 pfn=0x200000 nr_pages=0x4000')).toEqual({ kind: '__add_pages', nid: 0, pfn: 0x200000, nr_pages: 0x4000, altmap: null });
    expect(op('add_pages nid=2 pfn=0x200000 nr_pages=512')).toEqual({ kind: 'add_pages', nid: 2, pfn: 0x200000, nr_pages: 512, altmap: null });
    expect(op('__remove_pages pfn=0x200000 nr_pages=0x4000 altmap=0x200000,16')).toEqual({
      kind: '__remove_pages',
      pfn: 0x200000,
      nr_pages: 0x4000,
      altmap: { base_pfn: 0x200000, free: 16, reserve: 0 },
    });
    expect(op('sparse_add_section pfn=0x300000 nr_pages=0x4000')).toEqual({ kind: 'sparse_add_section', nid: 0, pfn: 0x300000, nr_pages: 0x4000, altmap: null });
    expect(op('sparse_add_section nid=1 pfn=0x307fff nr_pages=0')).toEqual({ kind: 'sparse_add_section', nid: 1, pfn: 0x307fff, nr_pages: 0, altmap: null });
    expect(op('sparse_remove_section pfn=0x300000 nr_pages=0x4000')).toEqual({
      kind: 'sparse_remove_section',
      pfn: 0x300000,
      nr_pages: 0x4000,
      map_offset: 0,
      altmap: null,
    });
    expect(op('sparse_remove_section pfn=0x300000 nr_pages=0x4000 map_offset=0x40 altmap_base_pfn=0x300000 altmap_free=8 altmap_reserve=1')).toEqual({
      kind: 'sparse_remove_section',
      pfn: 0x300000,
      nr_pages: 0x4000,
      map_offset: 0x40,
      altmap: { base_pfn: 0x300000, free: 8, reserve: 1 },
    });
    expect(op('online_mem_sections start_pfn=0x100000 end_pfn=0x108000')).toEqual({ kind: 'online_mem_sections', start_pfn: 0x100000, end_pfn: 0x108000 });
    expect(op('offline_mem_sections start_pfn=0x100000 end_pfn=0x100000')).toEqual({ kind: 'offline_mem_sections', start_pfn: 0x100000, end_pfn: 0x100000 });
    expect(op('pfn_valid pfn=0x303fff')).toEqual({ kind: 'pfn_valid', pfn: 0x303fff });
    expect(op('pfn_to_online_page pfn=0x400000000')).toEqual({ kind: 'pfn_to_online_page', pfn: 0x400000000 });
    const s = ok(BOOT + 'sparse_add_section pfn=0x300000 nr_pages=0x200 fail=root');
    expect(s.steps[0]?.inject).toEqual([{ kind: 'root', nth: 1 }]);
  });

  it('keeps the trimmed text without comment and the line of each step', () => {
    const s = ok(BOOT + '\n   # nothing here\n  pfn_valid pfn=1   # is it?\n');
    expect(s.steps.map((st) => [st.text, st.source])).toEqual([['pfn_valid pfn=1', { file: FILE, line: 4 }]]);
  });
});
