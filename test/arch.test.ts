/**
 * Architectures as geometry rows (kernel-semantics.md §1.2): x86_64; arm64 4K/16K/64K with
 * SECTION_SIZE_BITS 30 before v5.12 and 27/27/29 from it; ppc64 book3s 64K and 4K (16 MiB
 * sections); s390 (256 MiB sections through 6.12, 128 MiB in `newest`). Per row: the derived
 * constants, a pfn's section and sub-section index, and an __add_pages across the section boundary
 * of that geometry run through the model; then arm64-4K under 5.11 and 5.12 side by side, and the
 * CLI's --arch.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARCH_NAMES, GEOMETRY_ROWS, bitmapBits, bitmapToLongs, createProfile, geometryFor, geometryForRelease, pfnToSectionNr, resolveProfile, sectionNrToPfn, subsectionMapIndex, type Profile } from '../kernel/index.js';
import { bootState, getSection, step } from '../model/index.js';
import { parseVersion } from '../kernel/versions.js';
import { cli } from './helpers/cli.js';

/** The physical address every row maps (64K-aligned, below 2^46): 0x123456780000. */
const PHYS = 0x123456780000;

// arch, kernel, PAGE_SHIFT, SECTION_SIZE_BITS, MAX_PHYSMEM_BITS, PAGES_PER_SECTION, PAGES_PER_SUBSECTION,
// SUBSECTIONS_PER_SECTION, MAP_LONGS, NR_MEM_SECTIONS, SECTIONS_PER_ROOT (32-byte mem_section),
// then PHYS as pfn, its section and sub-section index, and the top long holding the last sub-section's bit.
type Row = [string, string, number, number, number, number, number, number, number, number, number, number, number, number, string];
const ROWS: Row[] = [
  ['x86_64', '5.3', 12, 27, 46, 32768, 512, 64, 1, 2 ** 19, 128, 0x123456780, 149130, 51, '0x8000000000000000'],
  ['arm64-4k', '5.11', 12, 30, 48, 262144, 512, 512, 8, 2 ** 18, 128, 0x123456780, 18641, 179, '0x8000000000000000'],
  ['arm64-4k', '5.12', 12, 27, 48, 32768, 512, 64, 1, 2 ** 21, 128, 0x123456780, 149130, 51, '0x8000000000000000'],
  ['arm64-16k', '5.3', 14, 30, 48, 65536, 128, 512, 8, 2 ** 18, 512, 0x48d159e0, 18641, 179, '0x8000000000000000'],
  ['arm64-16k', '6.1', 14, 27, 48, 8192, 128, 64, 1, 2 ** 21, 512, 0x48d159e0, 149130, 51, '0x8000000000000000'],
  ['arm64-64k', '5.3', 16, 30, 48, 16384, 32, 512, 8, 2 ** 18, 2048, 0x12345678, 18641, 179, '0x8000000000000000'],
  ['arm64-64k', '6.12.95', 16, 29, 48, 8192, 32, 256, 4, 2 ** 19, 2048, 0x12345678, 37282, 179, '0x8000000000000000'],
  ['ppc64-64k', '6.1', 16, 24, 51, 256, 32, 8, 1, 2 ** 27, 2048, 0x12345678, 1193046, 3, '0x0000000000000080'],
  ['ppc64-4k', '5.3', 12, 24, 51, 4096, 512, 8, 1, 2 ** 27, 128, 0x123456780, 1193046, 3, '0x0000000000000080'],
  ['s390', '6.12.95', 12, 28, 46, 65536, 512, 128, 2, 2 ** 18, 128, 0x123456780, 74565, 51, '0x8000000000000000'],
  ['s390', 'newest', 12, 27, 46, 32768, 512, 64, 1, 2 ** 19, 128, 0x123456780, 149130, 51, '0x8000000000000000'],
];

/** The model's profile for `arch` at `kernel`. */
const profileOf = (arch: string, kernel: string): Profile => createProfile({ kernel, arch });

describe('the architecture list', () => {
  it('names every row exactly, and every name resolves for every era memhp models', () => {
    expect(ARCH_NAMES).toEqual(['x86_64', 'arm64-4k', 'arm64-16k', 'arm64-64k', 'ppc64-64k', 'ppc64-4k', 's390']);
    expect(Object.keys(GEOMETRY_ROWS)).toEqual(ARCH_NAMES);
    for (const arch of ARCH_NAMES) for (const k of ['5.2', '5.3', '6.1.192', 'newest']) expect(profileOf(arch, k).geometry.name).toBe(arch);
  });

  it('refuses an unknown arch, listing the known ones', () => {
    const r = resolveProfile({ kernel: '6.1', arch: 'arm64' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toBe(`arch arm64 is not modelled (known: ${ARCH_NAMES.join(', ')})`);
    expect(geometryFor('riscv64', parseVersion('6.1')!)).toBeUndefined();
    expect(geometryFor('toString', parseVersion('6.1')!)).toBeUndefined();
  });

  it('picks the era by mainline release: stable updates follow their series, s390 changes only in newest', () => {
    const bits = (arch: string, k: string): number | undefined => geometryFor(arch, parseVersion(k)!)?.SECTION_SIZE_BITS;
    expect([bits('arm64-4k', '5.2'), bits('arm64-4k', '5.11'), bits('arm64-4k', '5.11.22'), bits('arm64-4k', '5.12'), bits('arm64-4k', 'newest')]).toEqual([30, 30, 30, 27, 27]);
    expect([bits('arm64-16k', '5.10.200'), bits('arm64-16k', '5.15')]).toEqual([30, 27]);
    expect([bits('arm64-64k', '5.4'), bits('arm64-64k', '6.1.192')]).toEqual([30, 29]);
    expect([bits('s390', '5.3'), bits('s390', '6.12.95'), bits('s390', '6.13'), bits('s390', 'newest')]).toEqual([28, 28, 28, 27]);
    expect([bits('ppc64-64k', '5.3'), bits('ppc64-4k', 'newest'), bits('x86_64', 'newest')]).toEqual([24, 24, 27]);
    // For parsing before the profile is resolved: no kernel, or one memhp refuses, means 5.3.
    expect(geometryForRelease('arm64-4k')?.SECTION_SIZE_BITS).toBe(30);
    expect(geometryForRelease('arm64-4k', '4.19')?.SECTION_SIZE_BITS).toBe(30);
    expect(geometryForRelease('arm64-4k', '6.1')?.SECTION_SIZE_BITS).toBe(27);
  });
});

describe.each(ROWS)('%s under %s', (arch, kernel, PAGE_SHIFT, SECTION_SIZE_BITS, MAX_PHYSMEM_BITS, PPS, PPSUB, SPS, LONGS, NR, SPR, pfn, sec, sub, lastLong) => {
  const p = profileOf(arch, kernel);
  const g = p.geometry;

  it(`derives PAGES_PER_SECTION ${PPS}, ${SPS} sub-sections of ${PPSUB} pages, ${LONGS} map long(s), SECTIONS_PER_ROOT ${SPR}`, () => {
    expect({ PAGE_SHIFT: g.PAGE_SHIFT, SECTION_SIZE_BITS: g.SECTION_SIZE_BITS, MAX_PHYSMEM_BITS: g.MAX_PHYSMEM_BITS }).toEqual({ PAGE_SHIFT, SECTION_SIZE_BITS, MAX_PHYSMEM_BITS });
    expect(g.PAGES_PER_SECTION).toBe(PPS);
    expect(g.PAGES_PER_SUBSECTION).toBe(PPSUB);
    expect(g.SUBSECTIONS_PER_SECTION).toBe(SPS);
    expect(g.MAP_LONGS).toBe(LONGS);
    expect(g.MAP_WORDS).toBe(Math.ceil(SPS / 32));
    expect(g.NR_MEM_SECTIONS).toBe(NR);
    expect(g.SECTIONS_PER_ROOT).toBe(SPR);
    expect(g.NR_SECTION_ROOTS).toBe(Math.ceil(NR / SPR));
    expect(g.SECTION_BYTES).toBe(2 ** SECTION_SIZE_BITS);
    expect(g.SUBSECTION_BYTES).toBe(0x200000);
    expect(g.MAX_PFN).toBe(2 ** (MAX_PHYSMEM_BITS - PAGE_SHIFT));
  });

  it(`maps 0x123456780000 (pfn ${pfn.toString(16)}) to section ${sec}, sub-section ${sub}`, () => {
    expect(PHYS / g.PAGE_SIZE).toBe(pfn);
    expect(pfnToSectionNr(g, pfn)).toBe(sec);
    expect(subsectionMapIndex(g, pfn)).toBe(sub);
    // The last pfn of the section and the first of the next.
    const next = sectionNrToPfn(g, sec + 1);
    expect([pfnToSectionNr(g, next - 1), subsectionMapIndex(g, next - 1)]).toEqual([sec, SPS - 1]);
    expect([pfnToSectionNr(g, next), subsectionMapIndex(g, next)]).toEqual([sec + 1, 0]);
    // The last addressable pfn: last section, last sub-section.
    expect([pfnToSectionNr(g, g.MAX_PFN - 1), subsectionMapIndex(g, g.MAX_PFN - 1)]).toEqual([NR - 1, SPS - 1]);
  });

  /*
   * Boot RAM: sections 2 and 3, whole. One __add_pages of the last sub-section of section 8 and the
   * first of section 9 (nr_pages = 2 sub-sections, straddling pfn 9 << PFN_SECTION_SHIFT):
   *   section 8 |.......…......+|  section 9 |+.......…......|
   */
  it('an __add_pages across the section 8/9 boundary touches both sections with the right bits', () => {
    const boot = bootState(p, { ranges: [{ startPfn: 2 * PPS, endPfn: 4 * PPS, nid: 0 }], iomem: [], source: { file: 'arch.test.ts', line: 1 } });
    expect(bitmapBits(getSection(p, boot.state, 2)!.subsectionMap)).toHaveLength(SPS);
    const r = step(p, boot.state, { kind: '__add_pages', nid: 0, pfn: 9 * PPS - PPSUB, nr_pages: 2 * PPSUB, altmap: null });
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.warnings).toEqual([]);
    expect(r.outcome.sections.map((s) => s.nr)).toEqual([8, 9]);
    const s8 = getSection(p, r.state, 8)!;
    const s9 = getSection(p, r.state, 9)!;
    expect(bitmapBits(s8.subsectionMap)).toEqual([SPS - 1]);
    expect(bitmapBits(s9.subsectionMap)).toEqual([0]);
    const longs8 = bitmapToLongs(s8.subsectionMap);
    const longs9 = bitmapToLongs(s9.subsectionMap);
    expect(longs8).toHaveLength(LONGS);
    expect(longs8[LONGS - 1]).toBe(lastLong);
    expect(longs9[0]).toBe('0x0000000000000001');
    expect([...longs8.slice(0, -1), ...longs9.slice(1)].every((l) => l === '0x0000000000000000')).toBe(true);
    expect([s8.machine, s9.machine]).toEqual(['partial', 'partial']);
    expect([s8.memmap.length, s9.memmap.length]).toEqual([SPS, SPS]);
    // Sections 7 and 10 stay untouched.
    expect(getSection(p, r.state, 7)?.usage ?? 'none').toBe('none');
    expect(getSection(p, r.state, 10)?.usage ?? 'none').toBe('none');
  });
});

describe('arm64 4K before and after v5.12: 512 vs 64 sub-sections a section', () => {
  // RAM 0x40000000-0x7fdfffff and 0x80000000-0x801fffff: 1 GiB from 1 GiB less its last 2 MiB, and
  // the 2 MiB at 2 GiB; then hot-add the missing 2 MiB at 0x7fe00000.
  const ranges = [
    { startPfn: 0x40000, endPfn: 0x7fe00, nid: 0 },
    { startPfn: 0x80000, endPfn: 0x80200, nid: 0 },
  ];
  const layout = { ranges, iomem: [], source: { file: 'arch.test.ts', line: 1 } };
  const hotAdd = { kind: '__add_pages', nid: 0, pfn: 0x7fe00, nr_pages: 0x200, altmap: null } as const;

  it('5.11: one 1 GiB section holds all the boot RAM below 2 GiB; its map is 8 longs (16 words)', () => {
    const p = profileOf('arm64-4k', '5.11');
    const boot = bootState(p, layout);
    const s1 = getSection(p, boot.state, 1)!;
    expect(s1.subsectionMap).toHaveLength(16);
    expect(bitmapToLongs(s1.subsectionMap)).toEqual(['0xffffffffffffffff', ...Array(6).fill('0xffffffffffffffff'), '0x7fffffffffffffff']);
    expect(bitmapToLongs(getSection(p, boot.state, 2)!.subsectionMap)).toEqual(['0x0000000000000001', ...Array(7).fill('0x0000000000000000')]);
    const r = step(p, boot.state, hotAdd);
    // 0x7fe00000 is the last sub-section (511) of section 1, which boot RAM left a hole: an early section grows.
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.sections.map((s) => s.nr)).toEqual([1]);
    expect(bitmapToLongs(getSection(p, r.state, 1)!.subsectionMap)).toEqual(Array(8).fill('0xffffffffffffffff'));
    expect(getSection(p, r.state, 1)!.machine).toBe('early.grown');
  });

  it('5.12: the same RAM is eight 128 MiB sections and one sub-section of a ninth; each map is 1 long (2 words)', () => {
    const p = profileOf('arm64-4k', '5.12');
    const boot = bootState(p, layout);
    for (let nr = 8; nr <= 14; nr++) expect(bitmapToLongs(getSection(p, boot.state, nr)!.subsectionMap)).toEqual(['0xffffffffffffffff']);
    const s15 = getSection(p, boot.state, 15)!;
    expect(s15.subsectionMap).toHaveLength(2);
    expect(bitmapToLongs(s15.subsectionMap)).toEqual(['0x7fffffffffffffff']);
    expect(bitmapToLongs(getSection(p, boot.state, 16)!.subsectionMap)).toEqual(['0x0000000000000001']);
    const r = step(p, boot.state, hotAdd);
    expect(r.outcome.ret).toBe(0);
    expect(r.outcome.sections.map((s) => s.nr)).toEqual([15]);
    expect(bitmapToLongs(getSection(p, r.state, 15)!.subsectionMap)).toEqual(['0xffffffffffffffff']);
    expect(getSection(p, r.state, 15)!.machine).toBe('early.grown');
  });
});

describe('memhp run --arch', () => {
  const dir = mkdtempSync(join(tmpdir(), 'memhp-arch-'));
  const scn = (name: string, text: string): string => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };
  const dots = (n: number): string => '.'.repeat(n);

  it('arm64-64k: a 512 MiB-section scenario runs and its expectations hold', async () => {
    // Sections 2-3 boot RAM (0x40000000-0x7fffffff); hot-add the last 2 MiB of section 8 and the first of 9.
    const f = scn(
      'arm64-64k.scn',
      [
        'kernel 6.1',
        'arch arm64-64k',
        'ram 0x40000000-0x7fffffff',
        '__add_pages nid=0 pfn=0x11fe0 nr_pages=0x40',
        'expect ret=0',
        'expect section 8 state=partial map=0,0,0,0x8000000000000000',
        'expect section 9 state=partial map=0x1',
        '',
      ].join('\n'),
    );
    const r = await cli(['run', f, '--arch', 'arm64-64k']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/linux 6\.1 arm64-64k SPARSEMEM_VMEMMAP=y .* SECTIONS_PER_ROOT=2048/);
    expect(r.stdout).toMatch(/(\d+)\/\1 expectations held/);
  });

  it('an arch line that does not match --arch is a usage error with a hint to pass --arch', async () => {
    const f = scn('mismatch.scn', 'arch arm64-64k\nram 0x40000000-0x7fffffff\n');
    const r = await cli(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('arch arm64-64k does not match the geometry in use (x86_64)');
    expect(r.stderr).toContain('--arch arm64-64k');
    const unknown = await cli(['run', scn('unknown.scn', 'arch sparc64\nram 0x40000000-0x7fffffff\n'), '--arch', 'arm64-64k']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('arch sparc64 is not modelled');
    const badFlag = await cli(['run', f, '--arch', 'arm64']);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('arm64-4k');
  });

  it('arm64-4k parses with the geometry of the release: --kernel 5.3 or the file\'s own kernel line', async () => {
    // memmap= takes one character per sub-section: 512 under 5.3, 64 under 5.12.
    const body = (memmap: string): string => `arch arm64-4k\nram 0x40000000 1G\nexpect section 1 memmap=${memmap}\n`;
    const old = scn('arm64-4k-old.scn', body('B'.repeat(512)));
    const r1 = await cli(['run', old, '--arch', 'arm64-4k', '--kernel', '5.3']);
    expect(r1.stderr).toBe('');
    expect(r1.code).toBe(0);
    expect(r1.stdout).toMatch(/linux 5\.3 arm64-4k /);
    // The same file under 5.12 has 64 sub-sections a section: 512 characters are an input error.
    const r2 = await cli(['run', old, '--arch', 'arm64-4k', '--kernel', '5.12']);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('memmap= has 512 characters, not 64');
    // A `kernel 5.12` line picks the 128 MiB geometry without --kernel (section 8 is the first of RAM).
    const recent = scn('arm64-4k-new.scn', `kernel 5.12\narch arm64-4k\nram 0x40000000 1G\nexpect section 8 memmap=${'B'.repeat(64)}\nexpect section 16 memmap=${dots(64)}\n`);
    const r3 = await cli(['run', recent, '--arch', 'arm64-4k']);
    expect(r3.stderr).toBe('');
    expect(r3.code).toBe(0);
    expect(r3.stdout).toMatch(/linux 5\.12 arm64-4k /);
  });
});

describe('arm64 pfn_valid before v5.14 (its own, memblock-based) and F16', () => {
  /*
   * arm64-4k, 1 GiB sections before v5.12, 128 MiB from v5.12. Boot RAM: the first 64 MiB of
   * section 1; a devdax range hot-added right after it in the same section and moved to
   * ZONE_DEVICE. Expect: the early section's hole is invalid on arm64 (memblock has no entry) where
   * the generic pfn_valid says valid, and the ZONE_DEVICE pfn invalid both before and after F16 —
   * F16 asks pfn_section_valid() only for non-early sections; an early one still asks memblock.
   */
  it.each([
    ['5.11', false],
    ['5.13', false],
  ] as const)('%s: a ZONE_DEVICE pfn in an early section is not in memblock', async (kernel, devValid) => {
    const { bootState, step } = await import('../model/index.js');
    const { createProfile } = await import('../kernel/index.js');
    const p = createProfile({ kernel, arch: 'arm64-4k' });
    const base = p.geometry.PAGES_PER_SECTION; // section 1
    const boot = bootState(p, { ranges: [{ startPfn: base, endPfn: base + 0x4000, nid: 0 }], iomem: [], source: { file: 't', line: 1 } }).state;
    const add = step(p, boot, { kind: '__add_pages', nid: 0, pfn: base + 0x4000, nr_pages: 0x800, altmap: null });
    const dev = step(p, add.state, { kind: 'move_pfn_range_to_zone', pfn: base + 0x4000, nr_pages: 0x800, zone: 'device' });
    expect(step(p, dev.state, { kind: 'pfn_valid', pfn: base + 0x4000 }).outcome.value).toBe(devValid);
    expect(step(p, dev.state, { kind: 'pfn_valid', pfn: base + 0x100 }).outcome.value).toBe(true);
    expect(step(p, dev.state, { kind: 'pfn_valid', pfn: base + 0x6000 }).outcome.value).toBe(false);
  });

  /*
   * A section hot-added whole and given to ZONE_DEVICE (not early): before F16 its pfns are
   * invalid (no memblock entry), from 5.10.24 / 5.12 valid (pfn_section_valid), and from ~5.14 the
   * generic pfn_valid agrees.
   */
  it.each([
    ['5.10.23', false],
    ['5.10.24', true],
    ['5.12', true],
    ['6.1.192', true],
  ] as const)('%s: a ZONE_DEVICE pfn of a hot-added section', async (kernel, valid) => {
    const { bootState, step } = await import('../model/index.js');
    const { createProfile } = await import('../kernel/index.js');
    const p = createProfile({ kernel, arch: 'arm64-4k' });
    const pps = p.geometry.PAGES_PER_SECTION;
    const boot = bootState(p, { ranges: [{ startPfn: pps, endPfn: 2 * pps, nid: 0 }], iomem: [], source: { file: 't', line: 1 } }).state;
    const add = step(p, boot, { kind: '__add_pages', nid: 0, pfn: 4 * pps, nr_pages: pps, altmap: null });
    const dev = step(p, add.state, { kind: 'move_pfn_range_to_zone', pfn: 4 * pps, nr_pages: pps, zone: 'device' });
    expect(step(p, dev.state, { kind: 'pfn_valid', pfn: 4 * pps + 5 }).outcome.value).toBe(valid);
  });
});
