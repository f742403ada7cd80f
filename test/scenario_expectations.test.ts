/**
 * The scenario parser's expectations: the `expect` lines after an operation.
 */
import { describe, expect, it } from 'vitest';
import { BOOT, FILE, ok, onlyError } from './helpers/scenario.js';

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
