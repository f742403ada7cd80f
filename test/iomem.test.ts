/**
 * The /proc/iomem parser (inputs/iomem.ts): resources, nesting depth, line numbers and E_IOMEM
 * errors, both on its own and through a scenario's `iomem FILE` / inline `iomem … end` block.
 */
import { describe, expect, it } from 'vitest';
import { parseIomem, parseScenario, type InputError, type Result } from '../inputs/index.js';
import { type IomemResource } from '../kernel/index.js';
import { deriveGeometry, X86_64 } from '../kernel/geometry.js';

const geometry = deriveGeometry(X86_64);

/** The /proc/iomem of the seed changelog (a pmem namespace sharing section 96 with System RAM). */
const SEED = [
  '100000000-1ffffffff : System RAM',
  '200000000-303ffffff : Persistent Memory (legacy)',
  '304000000-43fffffff : System RAM',
  '440000000-23ffffffff : Persistent Memory',
  '2400000000-43bfffffff : Persistent Memory',
  '  2400000000-43bfffffff : namespace2.0',
].join('\n');

const SEED_RESOURCES: IomemResource[] = [
  { start: 0x100000000, end: 0x1ffffffff, name: 'System RAM', depth: 0 },
  { start: 0x200000000, end: 0x303ffffff, name: 'Persistent Memory (legacy)', depth: 0 },
  { start: 0x304000000, end: 0x43fffffff, name: 'System RAM', depth: 0 },
  { start: 0x440000000, end: 0x23ffffffff, name: 'Persistent Memory', depth: 0 },
  { start: 0x2400000000, end: 0x43bfffffff, name: 'Persistent Memory', depth: 0 },
  { start: 0x2400000000, end: 0x43bfffffff, name: 'namespace2.0', depth: 1 },
];

function errorsOf<T>(r: Result<T>): readonly InputError[] {
  if (r.ok) throw new Error(`expected errors, got ${JSON.stringify(r.value)}`);
  return r.errors;
}

function onlyError<T>(r: Result<T>): InputError {
  const errors = errorsOf(r);
  expect(errors).toHaveLength(1);
  return errors[0] as InputError;
}

describe('parseIomem', () => {
  it('reads the seed layout with its nesting', () => {
    expect(parseIomem(SEED, 'iomem.txt', 1)).toEqual({ ok: true, value: SEED_RESOURCES });
  });

  it('measures depth from the first line, accepts uppercase hex, skips blank lines', () => {
    const text = '    00001000-0009FFFF : System RAM\n\n    000A0000-000FFFFF : Reserved\n      000C0000-000CFFFF : Video ROM\n        000C0000-000C0FFF : part\n    00100000-001FFFFF : System RAM\n';
    expect(parseIomem(text, 'x', 1)).toEqual({
      ok: true,
      value: [
        { start: 0x1000, end: 0x9ffff, name: 'System RAM', depth: 0 },
        { start: 0xa0000, end: 0xfffff, name: 'Reserved', depth: 0 },
        { start: 0xc0000, end: 0xcffff, name: 'Video ROM', depth: 1 },
        { start: 0xc0000, end: 0xc0fff, name: 'part', depth: 2 },
        { start: 0x100000, end: 0x1fffff, name: 'System RAM', depth: 0 },
      ],
    });
  });

  it('numbers error lines from firstLine, counting blank lines', () => {
    const e = onlyError(parseIomem('100000000-1ffffffff : System RAM\n\nnonsense\n', 'scn', 10));
    expect(e).toMatchObject({ code: 'E_IOMEM', file: 'scn', line: 12 });
    expect(e.message).toContain('not a /proc/iomem line: nonsense');
    expect(e.hint).toContain('START-END : NAME');
  });

  it('rejects a 0x prefix and says how to write it', () => {
    const e = onlyError(parseIomem('0x100000000-0x1ffffffff : System RAM', 'f', 1));
    expect(e).toMatchObject({ code: 'E_IOMEM', file: 'f', line: 1, hint: 'write 100000000-1ffffffff' });
    expect(e.message).toContain('no 0x prefix');
  });

  it('rejects an end below the start', () => {
    const e = onlyError(parseIomem('200000000-1ffffffff : System RAM', 'f', 1));
    expect(e).toMatchObject({ code: 'E_IOMEM', line: 1 });
    expect(e.message).toBe('end 1ffffffff is below start 200000000');
  });

  it('rejects an address that overflows 64 bits', () => {
    const e = onlyError(parseIomem('0-10000000000000000 : System RAM', 'f', 3));
    expect(e).toMatchObject({ code: 'E_IOMEM', line: 3 });
    expect(e.message).toContain('overflows 64 bits');
  });

  it('rejects a line nested two levels below the one before', () => {
    const e = onlyError(parseIomem('100000000-1ffffffff : System RAM\n    100000000-100ffffff : Kernel code', 'f', 1));
    expect(e).toMatchObject({ code: 'E_IOMEM', line: 2 });
    expect(e.message).toContain('nested 2 levels deep');
  });

  it('rejects odd indentation and lines indented less than the first', () => {
    const errors = errorsOf(parseIomem('  100000000-1ffffffff : A\n   100000000-100ffffff : B\n200000000-2ffffffff : C', 'f', 1));
    expect(errors.map((e) => [e.code, e.line])).toEqual([
      ['E_IOMEM', 2],
      ['E_IOMEM', 3],
    ]);
    expect(errors[0]?.message).toContain('indentation of 3 spaces');
  });

  it('rejects a child outside its parent', () => {
    const e = onlyError(parseIomem('100000000-1ffffffff : System RAM\n  1f0000000-20fffffff : Kernel data', 'f', 1));
    expect(e).toMatchObject({ code: 'E_IOMEM', line: 2 });
    expect(e.message).toBe('1f0000000-20fffffff : Kernel data is not inside its parent 100000000-1ffffffff : System RAM');
  });

  it('reads a name with 50000 spaces inside it in linear time (fuzz: the name pattern was quadratic)', () => {
    const t0 = performance.now();
    const r = parseIomem(`100000000-1ffffffff : System${' '.repeat(50_000)}RAM   `, 'x', 1);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(r.ok && r.value[0]?.name).toBe(`System${' '.repeat(50_000)}RAM`);
  });

  it('does not also report the children of a bad line', () => {
    const e = onlyError(parseIomem('100000000-1fffffffg : System RAM\n  100000000-100ffffff : Kernel code', 'f', 1));
    expect(e).toMatchObject({ code: 'E_IOMEM', line: 1 });
    expect(e.message).toContain('"1fffffffg" is not hex digits');
  });
});

describe('iomem in a scenario', () => {
  const files: Record<string, string> = {
    'seed.iomem': SEED,
    'bad.iomem': '100000000-1ffffffff : System RAM\n# a comment line\n304000000 43fffffff System RAM\n',
  };
  const readFile = (path: string) => {
    const text = files[path];
    return text === undefined ? { ok: false as const, code: 'E_IO' as const, message: 'ENOENT: no such file' } : { ok: true as const, text };
  };

  it('reads an iomem file through readFile: top-level System RAM becomes boot RAM', () => {
    const seen: string[] = [];
    const r = parseScenario('iomem seed.iomem\npfn_valid pfn=0x100000\n', 'dir/a.scn', {
      geometry,
      readFile: (p) => (seen.push(p), readFile(p)),
    });
    expect(seen).toEqual(['seed.iomem']);
    expect(r.ok && r.value.boot).toEqual({
      ranges: [
        { startPfn: 0x100000, endPfn: 0x200000, nid: 0 },
        { startPfn: 0x304000, endPfn: 0x440000, nid: 0 },
      ],
      iomem: SEED_RESOURCES,
      source: { file: 'dir/a.scn', line: 1 },
    });
  });

  it('names the iomem file (relative to the scenario) and its line for a bad line', () => {
    const e = onlyError(parseScenario('iomem bad.iomem\n', 'dir/a.scn', { geometry, readFile }));
    expect(e).toMatchObject({ code: 'E_IOMEM', file: 'dir/bad.iomem', line: 3 });
    expect(e.message).toContain('not a /proc/iomem line: 304000000 43fffffff System RAM');
  });

  it('reports an unreadable iomem file as E_IO at the scenario line', () => {
    const e = onlyError(parseScenario('kernel 5.3\niomem missing.iomem\n', 'a.scn', { geometry, readFile }));
    expect(e).toMatchObject({ code: 'E_IO', file: 'a.scn', line: 2 });
    expect(e.message).toContain('missing.iomem: ENOENT');
  });

  it('names the scenario file and the line inside an inline block', () => {
    const text = 'kernel 5.3\niomem\n  100000000-1ffffffff : System RAM\n  200000000-2ffffffff System RAM\nend\n';
    const e = onlyError(parseScenario(text, 'a.scn', { geometry }));
    expect(e).toMatchObject({ code: 'E_IOMEM', file: 'a.scn', line: 4 });
    expect(e.message).toContain('200000000-2ffffffff System RAM');
  });

  it('needs an end line for an inline block', () => {
    const e = onlyError(parseScenario('iomem\n100000000-1ffffffff : System RAM\n', 'a.scn', { geometry }));
    expect(e).toMatchObject({ code: 'E_PARSE', file: 'a.scn', line: 1 });
    expect(e.message).toContain('no closing `end`');
  });

  it('hints at root when /proc/iomem was read without privileges (all zeros)', () => {
    const e = onlyError(parseScenario('iomem\n00000000-00000000 : System RAM\nend\n', 'a.scn', { geometry }));
    expect(e).toMatchObject({ code: 'E_PARSE', file: 'a.scn', line: 1 });
    expect(e.hint).toContain('root');
  });

  it('rejects System RAM past the end of the physical address space, at the iomem line', () => {
    const e = onlyError(parseScenario('iomem\n100000000-1ffffffff : System RAM\n3ffff0000000-400000ffffff : System RAM\nend\n', 's', { geometry }));
    expect(e).toMatchObject({ code: 'E_RANGE', file: 's', line: 3 });
    expect(e.message).toContain('past the end of the physical address space');
  });
});
