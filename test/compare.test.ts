/**
 * `memhp compare FILE --kernels …`: one scenario under several profiles, one row per step and one
 * column per profile, the first step where they differ marked and explained, the final state of
 * each profile diffed against the first, --json as data, usage errors exit 2.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../query/compare.js';
import type { Comparison } from '../query/compare_types.js';
import { parseScenario } from '../inputs/index.js';
import { createProfile } from '../kernel/profile.js';
import { recordScenario } from '../log/record.js';
import { ROOT, cli, spawnCli } from './helpers/cli.js';

const SEED = 'examples/seed-pmem-shared-section.scn';
const SEED_TAG = 'seed-pmem-shared-section.scn';
const dir = mkdtempSync(join(tmpdir(), 'memhp-compare-'));
const ANSI = /\u001b\[/;

async function compareJson(args: string[]): Promise<Comparison & { file: string }> {
  const r = await cli(['compare', ...args, '--json']);
  expect(r.stderr).toBe('');
  // 1 when an expect line failed under a kernel (the exit status is tested on its own below).
  expect(r.code).toBeLessThanOrEqual(1);
  return JSON.parse(r.stdout) as Comparison & { file: string };
}

/** The table row of step `n`. */
function stepRow(stdout: string, n: number): string {
  const line = stdout.split('\n').find((l) => new RegExp(`^\\[step ${n} [^\\]]+:\\d+\\] +[ ≠] `).test(l));
  if (!line) throw new Error(`no row for step ${n} in:\n${stdout}`);
  return line;
}

describe('memhp compare: v5.3 against 6.1.192 on the seed example', () => {
  // v5.3 and 6.1.192 agree until the removal of the PMEM range (step 4): there v5.3 frees the
  // usage of sections 64-95 with plain kfree() (F14 race, fixed in 6.1.76), leaves ENCODED_NULL in
  // their section_mem_map (F4: 6.1 writes 0), and 0xFD-fills the PMEM half of section 96's boot
  // memmap (F10: 6.1 keeps an early section's memmap).
  it('marks step 4 (the removal) as the first divergence and says why', async () => {
    const r = await cli(['compare', SEED, '--kernels', '5.3,6.1.192']);
    // The expect lines are v5.3's: two of them fail under 6.1.192 (exit 1, as run).
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('  5.3      linux 5.3 x86_64 SPARSEMEM_VMEMMAP=y');
    expect(r.stdout).toContain('  6.1.192  linux 6.1.192 x86_64 SPARSEMEM_VMEMMAP=y');
    expect(r.stdout).toMatch(/^\[step file:line\] +operation +│ 5\.3 +│ 6\.1\.192$/m);
    for (const n of [0, 1, 2, 3]) expect(stepRow(r.stdout, n)).toMatch(/^\[step \d+ [^\]]+\] +[^\s≠]/);
    expect(stepRow(r.stdout, 3)).toMatch(/│ -EEXIST {2}1 WARN .*96 early\.grown +│ -EEXIST {2}1 WARN .*96 early\.grown$/);
    const row4 = stepRow(r.stdout, 4);
    expect(row4).toMatch(/^\[step 4 seed-pmem-shared-section\.scn:43\] +≠ remove 0x200000000-0x303ffffff/);
    expect(row4).toMatch(/│ void +- +F10,F14 +64-95 absent\.deactivated, 96 early\.boot +│ void +- +- +64-95 absent\.deactivated, 96 early\.boot +◀ first divergence$/);
    expect(r.stdout.match(/◀ first divergence/g)).toHaveLength(1);
    expect(r.stdout).toContain(`[step 4 ${SEED_TAG}:43] first divergence: 5.3 hazards F10,F14 vs 6.1.192 hazards none (+2 more, see below)`);
  });

  it('lists per step what differs, with the hazards of each profile, and the final state against the first profile', async () => {
    const r = await cli(['compare', SEED, '--kernels', '5.3,6.1.192']);
    const [, diffs = ''] = r.stdout.split('\ndifferences by step\n');
    const t4 = `[step 4 ${SEED_TAG}:43]`;
    expect(diffs).toContain(`${t4} remove 0x200000000-0x303ffffff\n${t4}   5.3 hazards F10,F14 vs 6.1.192 hazards none\n`);
    expect(diffs).toContain(`${t4}   5.3 sections 64-95 map encoded_null vs 6.1.192 sections 64-95 map zero\n`);
    expect(diffs).toContain(`${t4}   5.3 section 96 memmap F×32 B×32 vs 6.1.192 section 96 memmap B×64\n`);
    expect(diffs).toContain(`${t4}   5.3      HAZARD RACE F14: usage of section(s) 64,`);
    expect(diffs).toContain(`${t4}   5.3      HAZARD CORRUPTION F10: section 96: the boot memmap of pfn 0x300000-0x303fff is now filled with 0xFD`);
    expect(diffs).toContain(`${t4}   6.1.192  (no hazard)`);
    // Step 5: the same WARN texts, but 6.1's "already deactivated" sits in clear_subsection_map
    // (~v5.7); section 96's memmap still differs. Step 6: the F10 re-add.
    expect(diffs).toContain(
      `[step 5 ${SEED_TAG}:50] remove 0x200000000-0x303ffffff\n[step 5 ${SEED_TAG}:50]   5.3 warnings WARN_ON_ONCE (__remove_section), WARN "section already deactivated (0x300000 + 16384)" (section_deactivate) vs 6.1.192 warnings WARN_ON_ONCE (__remove_section), WARN "section already deactivated (0x300000 + 16384)" (clear_subsection_map)\n[step 5 ${SEED_TAG}:50]   5.3 section 96 memmap F×32 B×32 vs 6.1.192 section 96 memmap B×64\n`,
    );
    expect(diffs).toContain(`[step 6 ${SEED_TAG}:54] add 0x300000000 64M\n[step 6 ${SEED_TAG}:54]   5.3 hazards F10 vs 6.1.192 hazards none\n`);
    expect(diffs).not.toContain('[step 3 ');
    const [, final = ''] = r.stdout.split('\nfinal state against 5.3 (sections only)\n');
    expect(final).toMatch(/^ {2}6\.1\.192:\n {4}sections 64-95: fields differ\n {6}map: encoded_null → zero\n {4}section 96: fields differ\n {6}memmap: F×32 B×32 → B×64\n/);
  });

  it('says how each profile fared on the whole scenario (its expectations were written for v5.3)', async () => {
    const r = await cli(['compare', SEED, '--kernels', '5.3,6.1.192']);
    expect(r.stdout).toContain('  5.3      3 warning(s), 3 hazard(s), 15/15 expectations held');
    expect(r.stdout).toContain('  6.1.192  3 warning(s), 0 hazard(s), 13/15 expectations held');
  });

  it('--json: profiles, one step per row with one cell per profile, the first divergence and the final diffs', async () => {
    const j = await compareJson([SEED, '--kernels', '5.3,6.1.192']);
    expect(j.file).toBe(SEED);
    expect(j.kernels).toEqual(['5.3', '6.1.192']);
    expect(j.profiles).toHaveLength(2);
    expect(j.profiles[0]).toMatch(/^linux 5\.3 x86_64 /);
    expect(j.profiles[1]).toMatch(/^linux 6\.1\.192 x86_64 /);
    expect(j.steps.map((s) => s.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(j.steps.map((s) => s.differs)).toEqual([false, false, false, false, true, true, true]);
    for (const s of j.steps) {
      expect(Object.keys(s)).toEqual(expect.arrayContaining(['seq', 'source', 'text', 'cells', 'differs']));
      expect(s.cells.map((c) => c.kernel)).toEqual(['5.3', '6.1.192']);
      for (const c of s.cells) expect(Object.keys(c)).toEqual(expect.arrayContaining(['kernel', 'ret', 'value', 'warnings', 'hazards', 'sections']));
    }
    const s3 = j.steps[3];
    expect(s3?.source).toBe(`${SEED}:36`);
    expect(s3?.text).toBe('add 0x300000000 64M');
    expect(s3?.cells[0]).toMatchObject({ ret: -17, value: null, warnings: [{ kind: 'WARN_ON_ONCE', func: 'add_pages', text: '' }], hazards: [] });
    expect(s3?.cells[0]?.sections).toEqual([
      { nr: 96, touched: true, state: 'early.grown', flags: 'PRESENT|HAS_MEM_MAP|ONLINE|EARLY', usage: 'boot', map: 'vmemmap', subsection_map: ['0xffffffffffffffff'], memmap: 'B'.repeat(64) },
    ]);
    expect(j.steps[2]?.cells[1]).toMatchObject({ ret: null, value: true });
    expect(j.firstDivergence).toMatchObject({ seq: 4, source: `${SEED}:43` });
    const reasons = j.firstDivergence?.reasons ?? [];
    expect(reasons.map((r) => [r.kind, r.field ?? null, r.sections ?? null])).toEqual([
      ['hazards', null, null],
      ['section', 'map', Array.from({ length: 32 }, (_, i) => 64 + i)],
      ['section', 'memmap', [96]],
    ]);
    expect(reasons[0]?.groups).toEqual([
      { kernels: ['5.3'], value: 'F10,F14' },
      { kernels: ['6.1.192'], value: 'none' },
    ]);
    expect(j.steps[4]?.cells[1]?.sections.find((s) => s.nr === 96)?.memmap).toBe('B'.repeat(64));
    expect(j.steps[4]?.cells[0]?.sections.find((s) => s.nr === 96)?.memmap).toBe(`${'F'.repeat(32)}${'B'.repeat(32)}`);
    expect(j.finalDiffs).toHaveLength(1);
    expect(j.finalDiffs[0]).toMatchObject({ kernel: '6.1.192', against: '5.3' });
    expect(j.finalDiffs[0]?.sections.map((d) => d.nr)).toEqual([...Array.from({ length: 32 }, (_, i) => 64 + i), 96]);
    expect(j.finalDiffs[0]?.sections[0]).toEqual({ nr: 64, state: ['absent.deactivated', 'absent.deactivated'], flagsSet: [], flagsCleared: [], bitsSet: [], bitsCleared: [], fields: [['map', 'encoded_null', 'zero']] });
  });
});

describe('memhp compare: the seed story, v5.2 against v5.3', () => {
  // v5.2 cannot add the PMEM half of section 96: __add_section() finds the section valid, and
  // __add_pages() swallows the -EEXIST (ret 0, section 96 untouched). v5.3 adds sub-sections 0-31.
  it('marks the add of the PMEM range sharing section 96 with System RAM as the first divergence', async () => {
    const r = await cli(['compare', SEED, '--kernels', '5.2,5.3', '--expects-for', '5.3']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(stepRow(r.stdout, 0)).toMatch(/^\[step 0 [^\]]+\] +boot/);
    expect(stepRow(r.stdout, 1)).toMatch(/^\[step 1 seed-pmem-shared-section\.scn:26\] +≠ add 0x200000000-0x303ffffff +│ 0 +- +- +64-95 full-hotplug +│ 0 +- +- +64-95 full-hotplug, 96 early\.grown +◀ first divergence$/);
    expect(r.stdout).toContain(`[step 1 ${SEED_TAG}:26] first divergence: 5.2 section 96 state early.boot vs 5.3 section 96 state early.grown`);
    expect(r.stdout).toContain(`[step 1 ${SEED_TAG}:26]   5.2  path: add_pages → __add_pages → __add_section(96): pfn_valid(section start): -EEXIST (swallowed by __add_pages)`);
    expect(r.stdout).toContain(`[step 1 ${SEED_TAG}:26]   5.3  path: add_pages → __add_pages → sparse_add_section(96): added`);
    // v5.2 has neither SECTION_IS_EARLY nor subsection_map: boot is not a divergence.
    expect(r.stdout).toContain('note: not compared: EARLY flag, subsection_map, bootMap — 5.2 is before sub-section hotplug (SUBSECTION, v5.3)');
    // The second add: v5.2 swallows -EEXIST again, v5.3 returns it with a WARN.
    const t3 = `[step 3 ${SEED_TAG}:36]`;
    expect(r.stdout).toContain(`${t3} add 0x300000000 64M\n${t3}   5.2 ret 0 vs 5.3 ret -EEXIST\n${t3}   5.2 warnings none vs 5.3 warnings WARN_ON_ONCE (add_pages)\n`);
    expect(r.stdout).toContain(`${t3}   5.3  WARNING WARN_ON_ONCE without text in add_pages (arch/x86/mm/init_64.c)`);
  });

  it('--json: v5.2 returns 0 and leaves section 96 alone, v5.3 returns 0 and fills sub-sections 0-31', async () => {
    const j = await compareJson([SEED, '--kernels', '5.2,5.3']);
    expect(j.firstDivergence).toMatchObject({ seq: 1, source: `${SEED}:26` });
    expect(j.firstDivergence?.reasons).toEqual([
      {
        kind: 'section',
        sections: [96],
        field: 'state',
        groups: [
          { kernels: ['5.2'], value: 'early.boot' },
          { kernels: ['5.3'], value: 'early.grown' },
        ],
        text: '5.2 section 96 state early.boot vs 5.3 section 96 state early.grown',
      },
    ]);
    const [v52, v53] = j.steps[1]?.cells ?? [];
    expect(v52).toMatchObject({ kernel: '5.2', ret: 0, warnings: [] });
    expect(v52?.sections.find((s) => s.nr === 96)).toMatchObject({ touched: false, state: 'early.boot' });
    expect(v53).toMatchObject({ kernel: '5.3', ret: 0, warnings: [] });
    expect(v53?.sections.find((s) => s.nr === 96)).toMatchObject({ touched: true, state: 'early.grown', subsection_map: ['0xffffffffffffffff'] });
    expect(j.steps[0]?.cells[1]?.sections.find((s) => s.nr === 96)?.subsection_map).toEqual(['0xffffffff00000000']);
    expect(j.steps[0]?.differs).toBe(false);
    expect(j.notCompared?.fields).toEqual(['EARLY flag', 'subsection_map', 'bootMap']);
  });

  it('with more profiles, those that agree are grouped: 5.2 against 5.3,6.1,newest', async () => {
    const r = await cli(['compare', SEED, '--kernels', '5.2,5.3,6.1,newest', '--expects-for', '5.3']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`[step 1 ${SEED_TAG}:26] first divergence: 5.2 section 96 state early.boot vs 5.3,6.1,newest section 96 state early.grown`);
    expect(r.stdout).toMatch(/^\[step \d+ [^\]]+\] {3}5\.2 hazards CRASH vs 5\.3 hazards F10,F14 vs 6\.1 hazards F14 vs newest hazards none$/m);
    expect(r.stdout).toMatch(/^final state against 5\.2 \(sections only\)\n {2}5\.3:\n/m);
  });
});

describe('memhp compare: no divergence, section sizes, colours', () => {
  it('two releases that run the scenario alike: no divergence, no final difference', async () => {
    const r = await cli(['compare', SEED, '--kernels', '5.4,5.4.8']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('◀');
    expect(r.stdout).not.toMatch(/^≠/m);
    expect(r.stdout).toContain('no divergence: 5.4, 5.4.8 agree on every step');
    expect(r.stdout).toContain('  5.4.8:\n    (no difference)');
    expect(r.stdout).toContain('differences by step\n  (none)');
    const j = await compareJson([SEED, '--kernels', '5.4,5.4.8']);
    expect(j.firstDivergence).toBeNull();
    expect(j.finalDiffs).toEqual([{ kernel: '5.4.8', against: '5.4', sections: [] }]);
  });

  it('the F3 stable backport (5.4.14): 5.4.13 and 5.4.14 first differ where a re-added early section is removed', async () => {
    const f = join(dir, 'f3.scn');
    writeFileSync(f, 'ram 0x200000000 2G\nremove 0x200000000 128M\nadd 0x200000000 128M\nremove 0x200000000 128M\n');
    const j = await compareJson([f, '--kernels', '5.4.13,5.4.14']);
    expect(j.steps.map((s) => s.differs)).toEqual([false, false, false, true]);
    expect(j.firstDivergence?.seq).toBe(3);
    expect(j.firstDivergence?.reasons.map((r) => r.text)).toEqual([
      '5.4.13 hazards F14,F3 vs 5.4.14 hazards none',
      '5.4.13 section 64 state absent.deactivated vs 5.4.14 section 64 state absent.emptied-early',
      '5.4.13 section 64 usage none vs 5.4.14 section 64 usage boot',
    ]);
  });

  it('profiles whose section sizes differ (arm64 4K before and after 5.12) compare outcomes, not sections', async () => {
    const f = join(dir, 'arm64.scn');
    writeFileSync(f, 'ram 0x40000000 2G\nadd 0x100000000 1G\nremove 0x100000000 1G\n');
    const r = await cli(['compare', f, '--kernels', '5.3,6.1', '--arch', 'arm64-4k']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('note: the profiles have different section sizes: sections are not compared');
    expect(stepRow(r.stdout, 1)).toMatch(/│ 0 .* 4 full-hotplug +│ 0 .* 32-39 full-hotplug$/);
    const j = await compareJson([f, '--kernels', '5.3,6.1', '--arch', 'arm64-4k']);
    expect(j.sectionsCompared).toBe(false);
    expect(j.finalDiffs).toEqual([]);
    expect(j.steps.every((s) => s.reasons.every((x) => x.kind !== 'section'))).toBe(true);
  });

  it('colours only when the Io has colour on', async () => {
    const plain = await cli(['compare', SEED, '--kernels', '5.3,6.1.192']);
    expect(plain.stdout).not.toMatch(ANSI);
    const coloured = await cli(['compare', SEED, '--kernels', '5.3,6.1.192'], { color: true });
    expect(coloured.stdout).toMatch(ANSI);
    const piped = spawnCli(['compare', SEED, '--kernels', '5.3,6.1.192', '--expects-for', '5.3'], { FORCE_COLOR: '1' });
    expect(piped.code).toBe(0);
    expect(piped.stdout).not.toMatch(ANSI);
  });
});

describe('memhp compare: the exit status gates on the expect lines, as run does', () => {
  const last = (out: string): string => out.trimEnd().split('\n').at(-1) ?? '';

  it('exits 1 when an expect line failed under one of the kernels, and says under which', async () => {
    const r = await cli(['compare', SEED, '--kernels', '5.2,5.3']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(last(r.stdout)).toBe('expectations failed: 7 of 15 under 5.2 (exit 1; --expects-for V checks them only under the kernels they were written for)');
    const j = JSON.parse((await cli(['compare', SEED, '--kernels', '5.2,5.3', '--json'])).stdout) as { expectations: unknown };
    expect(j.expectations).toEqual({ checkedUnder: ['5.2', '5.3'], failedUnder: ['5.2'] });
    // run exits 1 on the same file under 5.2.
    expect((await cli(['run', SEED, '--kernel', '5.2'])).code).toBe(1);
  });

  it('--expects-for checks them under the kernels named only: 5.3 holds them all (exit 0), 5.2 does not (exit 1)', async () => {
    const ok = await cli(['compare', SEED, '--kernels', '5.2,5.3', '--expects-for', 'v5.3']);
    expect(ok.code).toBe(0);
    expect(last(ok.stdout)).toBe('expectations: all 15 held under 5.3 (not checked under 5.2: --expects-for)');
    const bad = await cli(['compare', SEED, '--kernels', '5.2,5.3', '--expects-for', '5.2']);
    expect(bad.code).toBe(1);
    expect(last(bad.stdout)).toBe('expectations failed: 7 of 15 under 5.2 (not checked under 5.3: --expects-for) (exit 1; --expects-for V checks them only under the kernels they were written for)');
  });

  it('--expects-for must name kernels of --kernels', async () => {
    const r = await cli(['compare', SEED, '--kernels', '5.2,5.3', '--expects-for', '6.1']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("memhp: error[E_USAGE]: --expects-for names '6.1', which is not one of --kernels 5.2,5.3\n  hint: give the kernels the expect lines were written for, from --kernels\n");
  });

  it('a file without expect lines exits 0', async () => {
    const f = join(dir, 'no-expects.scn');
    writeFileSync(f, 'ram 0x100000000 1G\nadd 0x200000000 128M\n');
    const r = await cli(['compare', f, '--kernels', '5.2,5.3']);
    expect(r.code).toBe(0);
    expect(last(r.stdout)).toBe('expectations: none in the file');
  });

  it('npm run demo (the seed example under 5.2,5.3, its expect lines written for 5.3) ends cleanly', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { demo: string } };
    const argv = pkg.scripts.demo.split(' && ').at(-1)?.split(' ') ?? [];
    expect(argv.slice(0, 3)).toEqual(['node', 'bin/memhp.js', 'compare']);
    const r = await cli(argv.slice(2));
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('first divergence');
  });
});

describe('compareRuns (the comparison as data)', () => {
  it('compares the same scenario recorded under two profiles', () => {
    const parsed = parseScenario('ram 0x100000000 1G\nadd 0x200000000 0x8000000\nremove 0x200000000 0x8000000\n', 't.scn', { geometry: createProfile().geometry, readFile: () => ({ ok: false, code: 'E_IO', message: 'no' }) });
    if (!parsed.ok) throw new Error('parse');
    const runs = ['5.3', '5.6'].map((kernel) => {
      const profile = createProfile({ kernel });
      return { profile, log: recordScenario(parsed.value, profile) };
    });
    const c = compareRuns(runs);
    expect(c.kernels).toEqual(['5.3', '5.6']);
    expect(c.steps).toHaveLength(3);
    // F4 (v5.6): a fully removed section's word is 0, not ENCODED_NULL.
    expect(c.firstDivergence).toMatchObject({ seq: 2, source: 't.scn:3' });
    expect(c.firstDivergence?.reasons).toContainEqual(expect.objectContaining({ kind: 'section', field: 'map', sections: [64], text: '5.3 section 64 map encoded_null vs 5.6 section 64 map zero' }));
    expect(() => compareRuns([])).toThrow();
  });
});

describe('memhp compare: usage errors exit 2 with one line and a hint', () => {
  it.each([
    [['compare', SEED], "memhp: error[E_USAGE]: missing --kernels for 'compare'"],
    [['compare', SEED, '--kernels'], "memhp: error[E_USAGE]: option '--kernels' needs a value"],
    [['compare', SEED, '--kernels', '5.3'], "memhp: error[E_USAGE]: --kernels needs at least two kernels to compare, got '5.3'"],
    [['compare', SEED, '--kernels', '5.3,4.19'], 'memhp: error[E_PROFILE]: --kernels: kernel 4.19 is not a release memhp models'],
    [['compare', SEED, '--kernels', 'banana,5.3'], 'memhp: error[E_PROFILE]: --kernels: kernel banana is not a release memhp models'],
    [['compare', SEED, '--kernels', '5.3,6.1,5.3'], 'memhp: error[E_USAGE]: --kernels lists 5.3 twice'],
    [['compare', SEED, '--kernels', '6.1,6.1.0'], 'memhp: error[E_USAGE]: --kernels lists 6.1 and 6.1.0, the same release'],
    [['compare', SEED, '--kernels', '5.3,,6.1'], "memhp: error[E_USAGE]: --kernels has an empty entry: '5.3,,6.1'"],
    [['compare', SEED, '--kernels', '5.3,6.1', '--arch', 'vax'], 'memhp: error[E_PROFILE]: unknown --arch vax'],
    [['compare', SEED, '--kernels', '5.3,6.1', '--kernel', '5.3'], "memhp: error[E_USAGE]: unknown option '--kernel' for 'compare'"],
    [['compare', '--kernels', '5.3,6.1'], "memhp: error[E_USAGE]: missing FILE for 'compare'"],
    [['compare', 'no/such/file.scn', '--kernels', '5.3,6.1'], 'memhp: error[E_IO]: cannot read no/such/file.scn: no such file'],
  ])('memhp %j', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(r.stderr).toMatch(/^memhp: error\[E_[A-Z_]+\]: .*\n( {2}hint: .*\n)?$/);
  });

  it('bad input names file:line, exit 2, no stack trace (the real binary)', () => {
    const f = join(dir, 'bad.scn');
    writeFileSync(f, 'ram 0x100000000 1G\nhotplug 0x200000000 2M\n');
    const r = spawnCli(['compare', f, '--kernels', '5.3,6.1']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/:2: error\[E_UNKNOWN_OP\]: unknown operation hotplug/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--help prints its usage and exits 0', async () => {
    const r = await cli(['compare', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('USAGE memhp compare');
    expect(r.stdout).toContain('--kernels');
    expect(r.stdout).toContain('--json');
  });
});
