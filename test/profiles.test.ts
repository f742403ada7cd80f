/**
 * `memhp profiles`: the kernel changes memhp knows (version, stable backport, commit, functions,
 * what, modelled or not, the source lines checked), the changes in effect at one release and those
 * it lacks, the named releases and the architectures; --json as data; a bad release is a usage error.
 */
import { describe, expect, it } from 'vitest';
import { GEOMETRY_ROWS } from '../kernel/geometry.js';
import { KERNELS } from '../kernel/profile.js';
import { CHANGES } from '../kernel/versions.js';
import { cli, spawnCli } from './helpers/cli.js';

interface Change {
  id: string;
  version: string;
  backports: Record<string, string>;
  commit: string | null;
  func: string;
  what: string;
  modelled: boolean;
  source: string[];
}
interface Report {
  kernel: string | null;
  profile: string | null;
  changes: Change[];
  notInEffect: Change[] | null;
  kernels: string[];
  arches: string[];
}

async function json(args: string[]): Promise<Report> {
  const r = await cli(['profiles', ...args, '--json']);
  expect(r.code).toBe(0);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Report;
}

/** The table row of change `id` (version, stable, commit, id, modelled, functions). */
function row(stdout: string, id: string): string | undefined {
  return stdout.split('\n').find((l) => new RegExp(`^\\s+\\S+\\s+\\S+\\s+\\S+\\s+${id}\\s+(yes|no)\\s`).test(l));
}

describe('memhp profiles', () => {
  it('lists every change oldest first, with its version, stable backport, commit, functions and what it does', async () => {
    const r = await cli(['profiles']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(row(r.stdout, 'F3')).toMatch(/^\s+5\.5\s+5\.4\.14\s+-\s+F3\s+yes\s+section_deactivate$/);
    expect(row(r.stdout, 'F14')).toMatch(/^\s+6\.8\s+5\.10\.210,6\.1\.76\s+5ec8e8ea8b77\s+F14\s+yes\s+section_deactivate, pfn_valid$/);
    expect(row(r.stdout, 'SUBSECTION')).toMatch(/^\s+5\.3\s+-\s+ba72b4c8cf60\s+SUBSECTION\s+yes\s/);
    expect(r.stdout).toContain("\"don't free usage map when removing a re-added early section\"");
    const order = CHANGES.map((ch) => r.stdout.indexOf(row(r.stdout, ch.id) ?? `missing ${ch.id}`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('says which changes memhp does not model, and why', async () => {
    const r = await cli(['profiles']);
    expect(row(r.stdout, 'ACCOUNTING')).toMatch(/\s+ACCOUNTING\s+no\s+section_activate, section_deactivate$/);
    expect(r.stdout).toContain('not modelled: memmap_pages_add() accounting of populated memmap pages (a counter memhp does not show)');
    expect(r.stdout).not.toMatch(/not modelled: "don't free usage map/);
  });

  it('prints under each change the kernel source lines checked, or "not checked"', async () => {
    const r = await cli(['profiles']);
    const lines = r.stdout.split('\n');
    for (const ch of CHANGES) {
      const at = lines.indexOf(row(r.stdout, ch.id) ?? `missing ${ch.id}`);
      expect(at).toBeGreaterThanOrEqual(0);
      expect(lines[at + 2]?.trim()).toBe(`source: ${ch.source.length ? ch.source.join(', ') : 'not checked'}`);
      for (const s of ch.source) expect(s).toMatch(/^[\w./-]+\.[chS]:\d+ @(5\.10\.223|6\.1\.192|6\.12\.95|7\.3\.4)$|^mm\/Kconfig:\d+ @(6\.12\.95|7\.3\.4)$/);
    }
    expect(r.stdout).toContain('source: mm/sparse.c:667 @6.12.95, mm/sparse.c:937 @6.12.95, mm/sparse-vmemmap.c:727 @7.3.4, mm/sparse-vmemmap.c:924 @7.3.4');
  });

  it('--kernel 7.3.4 has the 6.12 → 7.3 changes, with their sources; 6.12.95 lists them as not in effect', async () => {
    const news = ['VMEMMAP_ONLY', 'HOTPLUG_IN_SPARSE_VMEMMAP', 'ONLINE_UNCHECKED', 'REMOVE_PGMAP', 'ACCOUNTING_VMEMMAP_PAGES', 'MEMMAP_FROM_PFN', 'VMEMMAP_PREINIT_BIT', 'NO_INACCESSIBLE_ALTMAP', 'ADD_MEMORY_ONLINE_TYPE'];
    const r73 = await cli(['profiles', '--kernel', '7.3.4']);
    expect(r73.code).toBe(0);
    for (const id of news) expect(row(r73.stdout, id)).toMatch(new RegExp(`^\\s+7\\.3\\s+-\\s+-\\s+${id}\\s+(yes|no)\\s`));
    expect(row(r73.stdout, 'HOTPLUG_IN_SPARSE_VMEMMAP')).toMatch(/\s+yes\s+/);
    expect(row(r73.stdout, 'ONLINE_UNCHECKED')).toMatch(/\s+yes\s+/);
    expect(r73.stdout).toContain('source: mm/sparse.c:602 @6.12.95, mm/sparse.c:623 @6.12.95, mm/sparse-vmemmap.c:632 @7.3.4, mm/sparse-vmemmap.c:645 @7.3.4');
    expect(r73.stdout).toContain('[first release between 6.13 and 7.3 unverified]');
    expect(r73.stdout).not.toMatch(/^not in effect at 7\.3\.4: .*HOTPLUG_IN_SPARSE_VMEMMAP/m);
    const r612 = await cli(['profiles', '--kernel', '6.12.95']);
    for (const id of news) expect(row(r612.stdout, id)).toBeUndefined();
    expect(r612.stdout).not.toContain('mm/sparse-vmemmap.c:727 @7.3.4');
    for (const id of news) expect(r612.stdout).toMatch(new RegExp(`^not in effect at 6\\.12\\.95: .*${id} \\(7\\.3\\)`, 'm'));
    const j = await json(['--kernel', '7.3.4']);
    expect(j.changes.find((ch) => ch.id === 'HOTPLUG_IN_SPARSE_VMEMMAP')?.source).toEqual(['mm/sparse.c:667 @6.12.95', 'mm/sparse.c:937 @6.12.95', 'mm/sparse-vmemmap.c:727 @7.3.4', 'mm/sparse-vmemmap.c:924 @7.3.4']);
    expect(j.notInEffect?.map((ch) => ch.id)).toEqual([]);
  });

  it('--kernel 5.10.223: F14 (stable 5.10.210) and F15 (5.10.222) in effect, E2BIG too; no TAINT, no MHP_RANGE_ALLOWED', async () => {
    const j = await json(['--kernel', '5.10.223']);
    const ids = j.changes.map((ch) => ch.id);
    expect(ids).toEqual(expect.arrayContaining(['E2BIG', 'F14', 'F15', 'F10', 'SUBSECTION_MAP_HELPERS']));
    expect(j.notInEffect?.map((ch) => ch.id)).toEqual(expect.arrayContaining(['TAINT', 'MHP_RANGE_ALLOWED', 'CALLER_WARN', 'REMOVE_SECTION', 'NID_SHIFT']));
    expect(j.changes.find((ch) => ch.id === 'F14')?.backports).toEqual({ '5.10': '5.10.210', '6.1': '6.1.76' });
    const early = await json(['--kernel', '5.10.209']);
    expect(early.changes.map((ch) => ch.id)).not.toContain('F14');
  });

  it('lists the named releases and the architectures', async () => {
    const r = await cli(['profiles']);
    expect(r.stdout).toContain(`releases: ${KERNELS.join(', ')}`);
    expect(r.stdout).toContain(`architectures: ${Object.keys(GEOMETRY_ROWS).join(', ')}`);
  });

  it('--kernel 6.1.192: the profile line, the changes in effect (stable backports F14 and F15 included), and what it lacks', async () => {
    const r = await cli(['profiles', '--kernel', '6.1.192']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('profile: linux 6.1.192 x86_64 SPARSEMEM_VMEMMAP=y');
    expect(row(r.stdout, 'F14')).toBeDefined();
    expect(row(r.stdout, 'F15')).toBeDefined();
    expect(row(r.stdout, 'F10')).toBeDefined();
    expect(row(r.stdout, 'FMT_0X')).toBeUndefined();
    expect(row(r.stdout, 'REMOVE_SECTION')).toBeUndefined();
    expect(r.stdout).toMatch(/^not in effect at 6\.1\.192: .*FMT_0X \(6\.5\)/m);
    expect(r.stdout).toMatch(/^not in effect at 6\.1\.192: .*REMOVE_SECTION \(6\.5\)/m);
    expect(r.stdout).not.toMatch(/^not in effect at 6\.1\.192: .*F14/m);
  });

  it('--kernel 6.1.50 lacks the F14 backport (6.1.76) and says where it is', async () => {
    const r = await cli(['profiles', '--kernel', '6.1.50']);
    expect(row(r.stdout, 'F14')).toBeUndefined();
    expect(r.stdout).toMatch(/^not in effect at 6\.1\.50: .*F14 \(6\.8, stable 5\.10\.210, stable 6\.1\.76\)/m);
  });

  it('--kernel 5.2 has no change in effect: it is the model before SUBSECTION', async () => {
    const r = await cli(['profiles', '--kernel', '5.2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('profile: linux 5.2 x86_64');
    expect(r.stdout).toContain(`changes in effect at 5.2: 0 of ${CHANGES.length}`);
    expect(r.stdout).toContain('none: 5.2 is the model before SUBSECTION (ba72b4c8cf60, v5.3)');
    expect(row(r.stdout, 'SUBSECTION')).toBeUndefined();
    const j = await json(['--kernel', '5.2']);
    expect(j.changes).toEqual([]);
    expect(j.notInEffect?.map((ch) => ch.id)).toEqual(CHANGES.map((ch) => ch.id));
  });

  it('--json gives every change, the releases and the architectures as data', async () => {
    const j = await json([]);
    expect(j.kernel).toBeNull();
    expect(j.profile).toBeNull();
    expect(j.notInEffect).toBeNull();
    expect(j.changes.map((ch) => ch.id)).toEqual(CHANGES.map((ch) => ch.id));
    expect(j.changes.find((ch) => ch.id === 'F3')).toEqual(expect.objectContaining({ version: '5.5', backports: { '5.4': '5.4.14' }, func: 'section_deactivate', modelled: true }));
    expect(j.changes.find((ch) => ch.id === 'ACCOUNTING')?.modelled).toBe(false);
    expect(j.changes.find((ch) => ch.id === 'F3')?.source).toEqual(['mm/sparse.c:826 @5.10.223', 'mm/sparse-vmemmap.c:803 @7.3.4']);
    expect(j.kernels).toEqual([...KERNELS]);
    expect(j.arches).toEqual(Object.keys(GEOMETRY_ROWS));
    expect(j.arches).toContain('x86_64');
  });

  it('--kernel V --json: the profile and the changes in effect and not', async () => {
    const j = await json(['--kernel', '6.1.192']);
    expect(j.kernel).toBe('6.1.192');
    expect(j.profile).toMatch(/^linux 6\.1\.192 x86_64 /);
    const ids = j.changes.map((ch) => ch.id);
    expect(ids).toEqual(expect.arrayContaining(['SUBSECTION', 'F3', 'F4', 'F10', 'F14', 'F15']));
    expect(ids).not.toContain('FMT_0X');
    expect(j.notInEffect?.map((ch) => ch.id)).toEqual(expect.arrayContaining(['FMT_0X', 'REMOVE_SECTION', 'VMEMMAP_ONLY']));
    expect(ids.length + (j.notInEffect?.length ?? 0)).toBe(CHANGES.length);
  });

  it.each([['4.19'], ['5.1'], ['banana'], ['6']])('a bad version (%s) is a usage error: exit 2, one line and a hint', async (v) => {
    const r = await cli(['profiles', '--kernel', v]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`memhp: error[E_PROFILE]: kernel ${v} is not a release memhp models`);
    expect(r.stderr).toMatch(/^ {2}hint: named releases: 5\.2, 5\.3, /m);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(2);
  });

  it('the real binary: exit 0 with a list, exit 2 for a bad version, no stack trace', () => {
    const ok = spawnCli(['profiles', '--kernel', '6.1.192']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('F15');
    const bad = spawnCli(['profiles', '--kernel', '4.19']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help prints its usage and exits 0', async () => {
    const r = await cli(['profiles', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('USAGE memhp profiles');
    expect(r.stdout).toContain('--kernel');
    expect(r.stdout).toContain('--json');
  });
});
