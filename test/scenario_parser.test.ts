/**
 * The scenario parser (inputs/scenario.ts and the files it uses): every operation form, the boot
 * layout, expectations, number syntax, and one test per kind of input error.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LINE_LENGTH, parseNumber, parseSafeInteger, parseScenario, parseSize, type InputError, type Result, type Scenario } from '../inputs/index.js';
import { deriveGeometry, X86_64 } from '../kernel/geometry.js';

const geometry = deriveGeometry(X86_64);
const FILE = 'test.scn';
const BOOT = 'ram 0x100000000-0x1ffffffff\n';

function parse(text: string): Result<Scenario> {
  return parseScenario(text, FILE, { geometry });
}

function ok(text: string): Scenario {
  const r = parse(text);
  if (!r.ok) throw new Error(`unexpected errors: ${JSON.stringify(r.errors, null, 1)}`);
  return r.value;
}

/** The single error of a scenario that must fail with exactly one. */
function onlyError(text: string): InputError {
  const r = parse(text);
  if (r.ok) throw new Error('expected an error');
  expect(r.errors).toHaveLength(1);
  return r.errors[0] as InputError;
}

/** The operation of a one-operation scenario after the default boot layout. */
function op(line: string) {
  return ok(BOOT + line).steps[0]?.op;
}

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

describe('expectations', () => {
  it('attach to the operation before them; before any operation they check the boot state', () => {
    const s = ok(
      BOOT +
        'expect section 32 state=early.boot flags=PRESENT|HAS_MEM_MAP|ONLINE|EARLY map=0xffffffffffffffff usage=boot memmap=' +
        'B'.repeat(64) +
        '\n' +
        '__add_pages pfn=0x200000 nr_pages=0x4000\n' +
        'expect ret=-EEXIST\nexpect ret=-17\nexpect ret=void\nexpect value=false\n' +
        'expect warn "Block size [0x8000000] unaligned: \\"x\\" \\\\ # kept"  # comment\n' +
        'expect no-warn\nexpect hazard F10\nexpect hazard any\nexpect no-hazard\n' +
        'expect section 0x40 state=absent flags=0 map=0x00000000ffffffff usage=none memmap=' +
        'vvvv'.repeat(16) +
        '\n',
    );
    expect(s.bootExpects).toEqual([
      {
        expect: { kind: 'section', nr: 32, state: 'early.boot', flags: 15, map: [0xffffffff, 0xffffffff], usage: 'boot', memmap: 'B'.repeat(64) },
        source: { file: FILE, line: 2 },
        text: expect.stringMatching(/^expect section 32 /),
      },
    ]);
    expect(s.steps[0]?.expects.map((e) => e.expect)).toEqual([
      { kind: 'ret', ret: -17 },
      { kind: 'ret', ret: -17 },
      { kind: 'ret', ret: null },
      { kind: 'value', value: false },
      { kind: 'warn', text: 'Block size [0x8000000] unaligned: "x" \\ # kept' },
      { kind: 'no-warn' },
      { kind: 'hazard', bug: 'F10' },
      { kind: 'hazard', bug: 'any' },
      { kind: 'no-hazard' },
      { kind: 'section', nr: 64, state: 'absent', flags: 0, map: [0xffffffff, 0], usage: 'none', memmap: 'vvvv'.repeat(16) },
    ]);
    expect(s.steps[0]?.expects[0]?.source).toEqual({ file: FILE, line: 4 });
  });

  it('rejects an expect before the boot layout', () => {
    const e = onlyError('kernel 5.3\nexpect ret=0\n' + BOOT);
    expect(e).toMatchObject({ code: 'E_PARSE', file: FILE, line: 2 });
    expect(e.message).toContain('before the boot layout');
    expect(e.hint).toContain('ram/iomem');
  });

  it('rejects bad expectation values, naming them', () => {
    const cases: Array<[string, string]> = [
      ['expect ret=maybe', 'ret=maybe'],
      ['expect value=yes', 'value=yes'],
      ['expect warn unquoted', 'double quotes'],
      ['expect hazard X1', 'X1'],
      ['expect section 96 state=online', 'unknown section state online'],
      ['expect section 96 flags=PRESENT|BOGUS', 'BOGUS'],
      ['expect section 96 map=0x1,0x0', 'map=0x1,0x0'],
      ['expect section 96 memmap=BBB', '3 characters, not 64'],
      ['expect section 96 colour=red', 'unknown key colour'],
    ];
    for (const [line, needle] of cases) {
      const e = onlyError(BOOT + line);
      expect(e, line).toMatchObject({ code: 'E_PARSE', file: FILE, line: 2 });
      expect(e.message, line).toContain(needle);
    }
    expect(onlyError(BOOT + 'expect section 0x80000').code).toBe('E_RANGE');
  });
});

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
