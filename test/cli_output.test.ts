/**
 * What the CLI prints (issue 16, part B), as a user runs it (the built bin/memhp.js): --section
 * ranges and lists, an out-of-range section, bisect's wording, step tags by file name on traces,
 * `run` collapsing runs of sections, `state`'s summary against --all, `replay`'s header and
 * operations, the v5.2 add_pages() WARN of the seed changelog, and the note on removing memory
 * that is still online.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnCli } from './helpers/cli.js';
import { TRACES } from './helpers/traces.js';

const SEED = 'examples/seed-pmem-shared-section.scn';
const CYCLE = 'examples/partial-cycle.scn';
const TRACE = `${TRACES}/6.1.0-56-amd64/dimm_hotplug`;
const dir = mkdtempSync(join(tmpdir(), 'memhp-cli-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scn(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('--section takes ranges and lists', () => {
  it('state --section 95-97: each section of the range with its raw word; an untouched one is named', () => {
    const r = spawnCli(['state', SEED, '--at', '4', '--section', '95-97,200']);
    expect(r.code).toBe(0);
    for (const nr of [95, 96, 97]) expect(r.stdout).toMatch(new RegExp(`^section ${nr}  0x`, 'm'));
    expect(r.stdout.match(/section_mem_map 0x/g)).toHaveLength(3);
    expect(r.stdout).toContain('section 200: never touched (all zero)');
  });

  it('blame --section 143-145: the changes of every section of the range, each line naming its section', () => {
    const r = spawnCli(['blame', CYCLE, '--section', '143-145', '--field', 'flags']);
    expect(r.code).toBe(0);
    const [head, ...lines] = r.stdout.trimEnd().split('\n');
    expect(head).toBe(`memhp blame ${CYCLE} section 143-145 flags, steps 0-8: 3 change(s), last writer first`);
    expect(lines).toEqual([
      '[step 8 partial-cycle.scn:40] __add_pages nid=0 pfn=0x480000 nr_pages=0x8000: section 144 flags: 0 → PRESENT|HAS_MEM_MAP',
      '[step 7 partial-cycle.scn:35] __remove_pages pfn=0x481000 nr_pages=0x1000: section 144 flags: PRESENT|HAS_MEM_MAP → 0',
      '[step 1 partial-cycle.scn:10] __add_pages nid=0 pfn=0x480000 nr_pages=0x800: section 144 flags: 0 → PRESENT|HAS_MEM_MAP',
    ]);
    const j = JSON.parse(spawnCli(['blame', CYCLE, '--section', '0x8f-0x91', '--json']).stdout) as { section: number | null; sections: number[]; entries: Array<{ section: number }> };
    expect(j.section).toBeNull();
    expect(j.sections).toEqual([143, 144, 145]);
    expect(new Set(j.entries.map((e) => e.section))).toEqual(new Set([144]));
  });

  it('print --section 144,145: both sections, interleaved by step', () => {
    const r = spawnCli(['print', CYCLE, '--section', '144,145', '--from', '1', '--to', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(1, -1)).toEqual([
      '[step 1 partial-cycle.scn:10] __add_pages nid=0 pfn=0x480000 nr_pages=0x800: section 144 subsection_map = 0x000000000000000f [0-3]',
      '[step 1 partial-cycle.scn:10] __add_pages nid=0 pfn=0x480000 nr_pages=0x800: section 145 subsection_map = 0x0000000000000000 [none]',
      '[step 2 partial-cycle.scn:15] __add_pages nid=0 pfn=0x481000 nr_pages=0x1000: section 144 subsection_map = 0x000000000000ff0f [0-3,8-15]',
    ]);
  });

  it.each([
    [['blame', CYCLE, '--section', '99999999'], 'E_RANGE', /^memhp: error\[E_RANGE\]: --section 99999999 is out of range: sections run from 0 to 524287 on x86_64 with MAX_PHYSMEM_BITS 46 .*\n {2}hint: section 524287 is the last one: physical 0x3ffff8000000-0x3fffffffffff\n$/],
    [['print', CYCLE, '--section', '10-524288'], 'E_RANGE', /^memhp: error\[E_RANGE\]: --section 524288 is out of range: sections run from 0 to 524287 /],
    [['state', CYCLE, '--section', '130-128'], 'E_USAGE', /^memhp: error\[E_USAGE\]: --section 130-128: the range ends before it starts\n {2}hint: write it as 128-130\n$/],
    [['blame', CYCLE, '--section', '0-5000'], 'E_LIMIT', /^memhp: error\[E_LIMIT\]: --section 0-5000 names more than 4096 sections\n/],
    [['blame', CYCLE, '--section', '1-'], 'E_USAGE', /^memhp: error\[E_USAGE\]: --section must be a section number, a range A-B or a comma list of them/],
  ])('memhp %j: one-line %s error, exit 2', (args, _code, msg) => {
    const r = spawnCli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(msg);
  });

  it('a 5-level-paging trace allows the larger range (MAX_PHYSMEM_BITS 52)', () => {
    expect(spawnCli(['blame', TRACE, '--section', '524288']).code).toBe(0);
    expect(spawnCli(['blame', TRACE, '--section', '33554432']).stderr).toContain('sections run from 0 to 33554431 on x86_64 with MAX_PHYSMEM_BITS 52');
  });
});

describe('bisect says what happened, without double negatives', () => {
  it('an invariant "first fails here"; a step predicate is "first seen here"', () => {
    const inv = spawnCli(['bisect', SEED, '--until', 'invariant:active-subsection-memmap']);
    expect(inv.stdout).toContain('] add 0x300000000 64M: invariant:active-subsection-memmap first fails here: broken after this step (');
    const warn = spawnCli(['bisect', SEED, '--until', 'warn']);
    expect(warn.stdout).toContain('[step 3 seed-pmem-shared-section.scn:36] add 0x300000000 64M: warn first seen here (');
    for (const r of [inv, warn]) expect(r.stdout).not.toMatch(/turns true|never turns/);
  });

  it('when nothing is found it says what holds (exit 1)', () => {
    const bin = spawnCli(['bisect', CYCLE, '--until', 'invariant:active-subsection-memmap']);
    expect(bin.code).toBe(1);
    expect(bin.stdout).toContain('error[E_NEVER]: invariant:active-subsection-memmap holds at step 8, the end of steps 0-8: nothing to bisect (a break repaired before step 8 is found by --exact)');
    const exact = spawnCli(['bisect', CYCLE, '--until', 'invariant:active-subsection-memmap', '--exact']);
    expect(exact.stdout).toContain('error[E_NEVER]: invariant:active-subsection-memmap holds after every step in 0-8');
    const step = spawnCli(['bisect', CYCLE, '--until', 'hazard:F10']);
    expect(step.stdout).toContain('error[E_NEVER]: no step in 0-8 matches hazard:F10');
    for (const r of [bin, exact, step]) expect(r.stdout).not.toMatch(/turns true|never|does not hold/);
  });
});

describe('run and replay', () => {
  it('step tags name the trace by its file name: the directory path only in the header', () => {
    const r = spawnCli(['replay', TRACE]);
    expect(r.code).toBe(0);
    const [head, ...lines] = r.stdout.trimEnd().split('\n');
    expect(head).toMatch(/^memhp replay .*dimm_hotplug\/trace\.txt — linux 6\.1\.192 /);
    expect(lines.filter((l) => l.includes('dimm_hotplug'))).toEqual([]);
    for (const l of lines.filter((x) => /^\[step \d/.test(x))) expect(l).toMatch(/^\[step \d+ trace\.txt:\d+\] /);
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(160);
  });

  it('replay shows the operation with its arguments, the lab label as a heading once per label', () => {
    const r = spawnCli(['replay', TRACE]);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('── d1: hot-add: (qemu) device_add pc-dimm,id=d1,memdev=m1');
    expect(r.stdout).toMatch(/^\[step 1 trace\.txt:86\] +__add_pages nid=0 pfn=0x100000 nr_pages=0x10000 +0 +- +32-33 full-hotplug$/m);
    expect(r.stdout).toMatch(/^\[step 10 trace\.txt:379\] +offline_mem_sections start_pfn=0x100000 end_pfn=0x108000 +void /m);
    expect(r.stdout).toMatch(/^\[step 11 trace\.txt:382\] +offline_mem_sections start_pfn=0x108000 end_pfn=0x110000 +void /m);
    // Steps 10-12 share one label: it heads them once.
    expect(lines.filter((l) => l === '── d2: hot-add, online_movable, device_del while online: (qemu) device_del d2')).toHaveLength(1);
    expect(r.stdout).not.toContain('memhp run');
    const v = spawnCli(['replay', TRACE, '-v']);
    expect(v.stdout).toContain('[step 1 trace.txt:86]   traced: __add_pages nid=0 pfn=0x100000 nr_pages=0x10000 altmap=0x0 pgmap=0x0 = 0');
  });

  it('run collapses consecutive sections in the same state, as compare does', () => {
    const r = spawnCli(['run', SEED]);
    expect(r.stdout).toMatch(/^\[step 0 seed-pmem-shared-section\.scn:11\] +boot +- +0-15 early\.boot, 32-63 early\.boot, 96-135 early\.boot$/m);
    expect(r.stdout).toMatch(/^\[step 1 seed-pmem-shared-section\.scn:26\] +add 0x200000000-0x303ffffff +0 +- +64-95 full-hotplug, 96 early\.grown$/m);
    expect(r.stdout).not.toContain('more');
  });

  it('a list too long for the column ends in the number of sections left out', () => {
    const lines = ['ram 0x100000000 1G'];
    // Every other section of 64 added on its own: 32 runs of one section.
    for (let nr = 0; nr < 64; nr += 2) lines.push(`add 0x${((200 + nr) * 2 ** 27).toString(16)} 128M`);
    const f = scn('holes.scn', `${lines.join('\n')}\nremove 0x${(200 * 2 ** 27).toString(16)}-0x${(264 * 2 ** 27 - 1).toString(16)}\n`);
    const r = spawnCli(['run', f]);
    expect(r.stdout).toMatch(/^\[step 33 holes\.scn:34\] .* 200 absent\.deactivated, 202 absent\.deactivated, .*… \+\d+ section\(s\)$/m);
  });
});

describe('state: a summary, --all for every section', () => {
  // The seed changelog's /proc/iomem with its System RAM up to 0x43fffffff, and RAM from 16 GiB to 272 GiB (2,048 sections).
  const BIG = scn('big.scn', ['iomem', '00001000-0009fbff : System RAM', '100000000-1ffffffff : System RAM', '200000000-303ffffff : Persistent Memory (legacy)', '304000000-43fffffff : System RAM', '440000000-43ffffffff : System RAM', 'end', ''].join('\n'));

  it('groups alike neighbours: a handful of lines for 2,000+ sections, with the count per state', () => {
    const r = spawnCli(['state', BIG]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBeLessThan(20);
    expect(r.stdout).toMatch(/^sections 97-2175 \(2079\)  0x308000000-0x43fffffff[f]*  early\.boot /m);
    expect(r.stdout).toMatch(/^section 96  0x300000000-0x307ffffff  early\.boot /m);
    expect(r.stdout).toMatch(/^\d+ section\(s\) in \d+ group\(s\): \d+ early\.boot$/m);
    expect(r.stdout).toContain('--all lists every section');
  });

  it('--all lists every section, three lines each', () => {
    const summary = spawnCli(['state', BIG]).stdout;
    const n = Number(/^(\d+) section\(s\) in/m.exec(summary)?.[1]);
    const r = spawnCli(['state', BIG, '--all']);
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^section \d+  0x/gm)).toHaveLength(n);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(2 + 3 * n);
  });
});

describe('the seed changelog\'s v5.2 WARN', () => {
  it('--kernel 5.2 runs the seed example\'s adds with ret 0 and no WARN: section 96\'s -EEXIST is swallowed by __add_pages', () => {
    const j = spawnCli(['run', SEED, '--kernel', '5.2', '--json']).stdout.trimEnd().split('\n').slice(1).map((l) => JSON.parse(l) as { seq?: number; outcome?: { ret: number | null; warnings: unknown[]; notes: string[]; path: string } });
    for (const seq of [1, 3]) {
      const s = j.find((x) => x.seq === seq);
      expect(s?.outcome?.ret).toBe(0);
      expect(s?.outcome?.warnings).toEqual([]);
      expect(s?.outcome?.path).toContain('__add_section(96): pfn_valid(section start): -EEXIST (swallowed by __add_pages)');
    }
  });

  it('run --kernel 5.2 says so on the step: the path of a swallowed errno is shown although ret is 0', () => {
    const r = spawnCli(['run', SEED, '--kernel', '5.2']);
    expect(r.stdout).toContain('[step 1 seed-pmem-shared-section.scn:26]   path: add_pages → __add_pages → __add_section(96): pfn_valid(section start): -EEXIST (swallowed by __add_pages)\n');
    expect(r.stdout).toContain('[step 3 seed-pmem-shared-section.scn:36]   path: add_pages → __add_pages → __add_section(96): pfn_valid(section start): -EEXIST (swallowed by __add_pages)\n');
  });

  it('examples/v5.2-add-pages-warn.scn reproduces the add_pages() WARN under v5.2 (an invalid altmap: -EINVAL)', () => {
    const r = spawnCli(['run', 'examples/v5.2-add-pages-warn.scn']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('WARNING WARN_ON_ONCE without text in add_pages (arch/x86/mm/init_64.c)');
    expect(r.stdout).toContain('WARNING pr_warn_once __add_pages (mm/memory_hotplug.c): memory add fail, invalid altmap');
    expect(r.stdout).toMatch(/7\/7 expectations held/);
  });
});

describe('removing memory that is still online', () => {
  const F = scn('online.scn', 'kernel 6.1.192\nram 0x100000000-0x13fffffff\nadd 0x640000000 256M\nonline 0x640000000 128M\nremove 0x640000000 256M\nadd 0x640000000 128M\nonline 0x640000000 128M\noffline 0x640000000 128M\nremove 0x640000000 128M\n');

  it('gets a note that offline_pages()/try_remove_memory() would refuse it first; offlined memory does not', () => {
    const r = spawnCli(['run', F]);
    expect(r.code).toBe(0);
    const notes = r.stdout.split('\n').filter((l) => l.includes('note:'));
    expect(notes).toEqual([
      '[step 3 online.scn:5]   note: section 200 still online: offline_pages() would have to offline it first; try_remove_memory() refuses online memory (-EBUSY, "removing memory fails, because memory [...] is onlined")',
    ]);
  });

  it('the seed example\'s removal next to online boot RAM (an early section) gets none', () => {
    expect(spawnCli(['run', SEED]).stdout).not.toContain('note:');
  });
});
