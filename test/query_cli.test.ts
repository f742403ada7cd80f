/**
 * The query commands as a user runs them (the built bin/memhp.js): bisect, blame, print,
 * invariants — their output lines start with `[step N file:line]`, --json, --help, exit codes
 * (0 ran / found, 1 bisect found nothing, 2 usage or input error) and one-line user errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { INVARIANTS } from '../model/invariants.js';
import { spawnCli } from './helpers/cli.js';
import { TRACES } from './helpers/traces.js';

const SEED = 'examples/seed-pmem-shared-section.scn';
const CYCLE = 'examples/partial-cycle.scn';
const CYCLE_TAG = 'partial-cycle.scn';
const TAG = /^\[step \d+ [^\]\s]+:\d+\] /;
/** A recorded trace (test/fixtures/traces). */
const TRACE = `${TRACES}/6.1.0-56-amd64/devdax_kmem`;
/** An output path a refused shrink never writes (in a fresh temporary directory). */
const OUT = mkdtempSync(join(tmpdir(), 'memhp-query-cli-'));
const NEVER = join(OUT, 'never.scn');
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

describe('memhp bisect', () => {
  it('finds the F10 step of the seed example: source line, why, call path, hazard and diff, each line tagged', () => {
    const r = spawnCli(['bisect', SEED, '--until', 'invariant:active-subsection-memmap']);
    expect(r.code).toBe(0);
    const [head, ...lines] = r.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^memhp bisect .* --until invariant:active-subsection-memmap — linux 5\.3 /);
    for (const l of lines) expect(l).toMatch(/^\[step 6 seed-pmem-shared-section\.scn:54\] /);
    expect(r.stdout).toContain('] add 0x300000000 64M: invariant:active-subsection-memmap first fails here: broken after this step (binary search, ');
    expect(r.stdout).toContain('] why: section 96: active sub-section(s) 0-31 without a usable memmap');
    expect(r.stdout).toContain('] path: add_pages → __add_pages → sparse_add_section(96): added');
    expect(r.stdout).toContain('] HAZARD CORRUPTION F10: ');
    expect(r.stdout).toContain('] section 96: early.boot → early.grown; bits +0-31');
  });

  it('--json names the step, the probes and the materialisations; a step predicate materialises none', () => {
    const r = spawnCli(['bisect', SEED, '--until', 'invariant:active-subsection-memmap', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { found: { step: number; source: string; diff: { sections: Array<{ nr: number }> } }; method: string; materialisations: number; probes: Array<{ step: number; value: boolean }> };
    expect(j.found.step).toBe(6);
    expect(j.found.source).toBe(`${SEED}:54`);
    expect(j.found.diff.sections.map((s) => s.nr)).toEqual([96]);
    expect(j.method).toBe('binary');
    expect(j.materialisations).toBe(j.probes.length);
    const w = JSON.parse(spawnCli(['bisect', SEED, '--until', 'warn', '--json']).stdout) as { found: { step: number }; method: string; materialisations: number };
    expect(w).toMatchObject({ found: { step: 3 }, method: 'scan', materialisations: 0 });
  });

  it('--exact finds the same first violation by walking the patch paths, one state built', () => {
    const r = spawnCli(['bisect', SEED, '--until', 'invariant:active-subsection-memmap', '--exact', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ found: { step: 6 }, method: 'exact', materialisations: 1 });
    expect(spawnCli(['bisect', SEED, '--until', 'invariant:active-subsection-memmap', '--exact']).stdout).toContain('] add 0x300000000 64M: invariant:active-subsection-memmap first fails here: broken after this step (exact walk over the patch paths, 1 state(s) materialised)');
  });

  it('exits 1 when no step matches the predicate, also within --from/--to', () => {
    const r = spawnCli(['bisect', CYCLE, '--until', 'error']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('error[E_NEVER]: no step in 0-8 matches error (');
    expect(spawnCli(['bisect', SEED, '--until', 'warn', '--to', '2']).code).toBe(1);
    expect(spawnCli(['bisect', SEED, '--until', 'warn', '--from', '2', '--to', '3']).code).toBe(0);
    const j = spawnCli(['bisect', CYCLE, '--until', 'error', '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ found: null });
  });

  it.each([
    [['bisect', CYCLE], /^memhp: error\[E_USAGE\]: missing --until for 'bisect'\n/],
    [['bisect', CYCLE, '--until', 'oops'], /^memhp: error\[E_USAGE\]: --until oops: not a predicate\n  hint: predicates: warn, error, leak, hazard, expect/],
    [['bisect', CYCLE, '--until', 'invariant:nope'], /^memhp: error\[E_USAGE\]: --until invariant:nope: no invariant 'nope'\n  hint: memhp invariants lists them\n$/],
    [['bisect', CYCLE, '--until', 'warn', '--to', '99'], /^memhp: error\[E_USAGE\]: --to 99 is past the last step\n/],
    [['bisect', CYCLE, '--until', 'warn', '--from', '5', '--to', '2'], /^memhp: error\[E_USAGE\]: --from 5 is after --to 2\n$/],
    [['blame', CYCLE], /^memhp: error\[E_USAGE\]: missing --section for 'blame'\n/],
    [['blame', CYCLE, '--section', '144', '--field', 'colour'], /^memhp: error\[E_USAGE\]: --field colour: not a section field\n  hint: fields: flags, map, nid, usage, subsection_map, boot_map, memmap, state\n$/],
    [['blame', CYCLE, '--section', '144', '--field', 'usage', '--bit', '1'], /^memhp: error\[E_USAGE\]: --bit needs a bitmap or bit field, not usage\n/],
    [['print', CYCLE, '--section', 'x'], /^memhp: error\[E_USAGE\]: --section must be a section number/],
    [['print', CYCLE, '--section', '144', '--bit', '64'], /^memhp: error\[E_USAGE\]: --bit must be a bit number from 0 to 63 for subsection_map, got '64'\n$/],
    [['print', 'no/such.scn', '--section', '1'], /^memhp: error\[E_IO\]: cannot read no\/such\.scn: no such file\n$/],
    [['shrink', CYCLE, '-o', NEVER], /^memhp: error\[E_USAGE\]: missing --until for 'shrink'\n/],
    [['shrink', CYCLE, '--until', 'warn'], /^memhp: error\[E_USAGE\]: missing -o FILE for 'shrink'\n/],
    [['shrink', TRACE, '--until', 'warn', '-o', NEVER], /^memhp: error\[E_USAGE\]: .*devdax_kmem is a recorded trace: shrink takes a scenario file\n/],
    [['shrink', CYCLE, '--until', 'warn', '-o', '/no/such/dir/min.scn'], /^memhp: error\[E_IO\]: cannot write \/no\/such\/dir\/min\.scn: no such file or directory\n$/],
  ])('memhp %j: a one-line user error, exit 2, no stack', (args, msg) => {
    const r = spawnCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('memhp blame and print', () => {
  it('blame: the writers of sub-section 0 of section 144, last first, old → new', () => {
    const r = spawnCli(['blame', CYCLE, '--section', '144', '--bit', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(1, -1)).toEqual([
      `[step 8 ${CYCLE_TAG}:40] __add_pages nid=0 pfn=0x480000 nr_pages=0x8000: subsection_map bit 0: 0 → 1`,
      `[step 5 ${CYCLE_TAG}:25] __remove_pages pfn=0x480000 nr_pages=0x800: subsection_map bit 0: 1 → 0`,
      `[step 1 ${CYCLE_TAG}:10] __add_pages nid=0 pfn=0x480000 nr_pages=0x800: subsection_map bit 0: 0 → 1`,
    ]);
    const j = JSON.parse(spawnCli(['blame', CYCLE, '--section', '144', '--field', 'flags', '--json']).stdout) as { entries: Array<{ step: number; before: string; after: string }> };
    expect(j.entries.map((e) => [e.step, e.before, e.after])).toEqual([
      [8, '0', 'PRESENT|HAS_MEM_MAP'],
      [7, 'PRESENT|HAS_MEM_MAP', '0'],
      [1, '0', 'PRESENT|HAS_MEM_MAP'],
    ]);
    const never = spawnCli(['blame', CYCLE, '--section', '500']);
    expect(never.code).toBe(0);
    expect(never.stdout).toContain('never changed');
  });

  it('print: the value after --from, then one line per change', () => {
    const r = spawnCli(['print', CYCLE, '--section', '144', '--field', 'subsection_map', '--from', '1', '--to', '5']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').slice(1, -1);
    expect(lines).toEqual([
      `[step 1 ${CYCLE_TAG}:10] __add_pages nid=0 pfn=0x480000 nr_pages=0x800: section 144 subsection_map = 0x000000000000000f [0-3]`,
      `[step 2 ${CYCLE_TAG}:15] __add_pages nid=0 pfn=0x481000 nr_pages=0x1000: section 144 subsection_map = 0x000000000000ff0f [0-3,8-15]`,
      `[step 5 ${CYCLE_TAG}:25] __remove_pages pfn=0x480000 nr_pages=0x800: section 144 subsection_map = 0x000000000000ff00 [8-15]`,
    ]);
    const j = JSON.parse(spawnCli(['print', CYCLE, '--section', '144', '--json']).stdout) as { field: string; entries: Array<{ step: number }> };
    expect(j.field).toBe('subsection_map');
    expect(j.entries.map((e) => e.step)).toEqual([0, 1, 2, 5, 7, 8]);
  });
});

describe('memhp invariants, --help', () => {
  it('lists every invariant with its doc and source, and the step predicates; --json too', () => {
    const r = spawnCli(['invariants']);
    expect(r.code).toBe(0);
    for (const i of INVARIANTS) expect(r.stdout).toContain(`  ${i.name}: ${i.doc}\n    ${i.source}\n`);
    const j = JSON.parse(spawnCli(['invariants', '--json']).stdout) as { invariants: Array<{ name: string }>; stepPredicates: Array<{ name: string }> };
    expect(j.invariants.map((i) => i.name)).toEqual(INVARIANTS.map((i) => i.name));
    expect(j.stepPredicates.map((p) => p.name)).toEqual(['warn', 'error', 'leak', 'hazard', 'expect']);
  });

  it.each([['bisect', '--until'], ['blame', '--section'], ['print', '--field'], ['shrink', '--output'], ['invariants', '--json']])('memhp %s --help prints its usage (%s) and exits 0', (name, opt) => {
    const r = spawnCli([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(opt);
    expect(r.stdout).toContain('--json');
  });

  it('every line about a step in the new commands starts with its tag', () => {
    for (const args of [['blame', SEED, '--section', '96'], ['print', SEED, '--section', '96', '--field', 'memmap']]) {
      const lines = spawnCli(args).stdout.trimEnd().split('\n');
      for (const l of lines.slice(1)) expect(l).toMatch(TAG);
    }
  });
});
