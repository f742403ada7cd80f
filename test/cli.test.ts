/**
 * The command line as a user meets it: exact exit codes (0 ok, 1 expect failed, 2 usage or input
 * error), `file:line: message` for bad input with no stack trace and nothing on stdout, --help and
 * --json on every command, colours only on a TTY and never with NO_COLOR.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { wantsColor } from '../cli/io.js';
import { ROOT, cli, spawnCli } from './helpers/cli.js';

const SEED = 'examples/seed-pmem-shared-section.scn';
const dir = mkdtempSync(join(tmpdir(), 'memhp-cli-'));

/** Write a scenario into the temp dir and return its path. */
function scn(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const ANSI = /\u001b\[/;

describe('memhp run', () => {
  it('runs the seed example: one row per step, every expectation holds, exit 0', async () => {
    const r = await cli(['run', SEED]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/linux 5\.3 x86_64 SPARSEMEM_VMEMMAP=y/);
    expect(r.stdout).toMatch(/^\[step 1 seed-pmem-shared-section\.scn:\d+\] +add 0x200000000-0x303ffffff +0 /m);
    // Every line about a step starts with its tag: the rows and their path, WARNING and HAZARD lines.
    for (const l of r.stdout.split('\n').filter((x) => /WARNING|HAZARD|path:/.test(x))) expect(l).toMatch(/^\[step \d+ seed-pmem-shared-section\.scn:\d+\] {3}\S/);
    expect(r.stdout).toMatch(/-EEXIST/);
    expect(r.stdout).toMatch(/WARNING WARN section_deactivate \(mm\/sparse\.c\): section already deactivated \(0x300000 \+ 16384\)/);
    expect(r.stdout).toMatch(/HAZARD CORRUPTION F10/);
    expect(r.stdout).toMatch(/(\d+)\/\1 expectations held/);
  });

  it('exits 1 and names the line when an expect fails', async () => {
    const f = scn('fail.scn', 'ram 0x100000000 1G\n__add_pages nid=0 pfn=0x200000 nr_pages=0x200\nexpect ret=-EEXIST\n');
    const r = await cli(['run', f]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`[step 1 fail.scn:2]   ${f}:3: error[E_EXPECT]: expect ret=-EEXIST: ret is 0, expected -EEXIST`);
  });

  it('--json writes the log as JSON lines: a header, then one record per step', async () => {
    const r = await cli(['run', SEED, '--json']);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ memhp: 'log', format: 2, kernel: '5.3', arch: 'x86_64' });
    expect(lines.slice(1).map((l) => l.seq)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(lines[4]).toMatchObject({ seq: 3, outcome: { ret: -17 } });
  });

  it('--verbose shows the call path, resources and notes of every step', async () => {
    const r = await cli(['run', 'examples/partial-cycle.scn', '--verbose']);
    expect(r.stdout).toContain('path: __add_pages → sparse_add_section(144): added');
    expect(r.stdout).toContain('resource: memmap-populate section 144 pfn 0x480000 +2048: vmemmap_populate_basepages (4K, altmap ignored)');
    expect(r.stdout).toContain('resource: usage-alloc section 144');
  });
});

describe('memhp state', () => {
  it('--all shows every non-absent section at step N with flags, map as 0x%016lx and a strip of 64 cells', async () => {
    const r = await cli(['state', 'examples/partial-cycle.scn', '--at', '2', '--all']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('section 144  0x480000000-0x487ffffff  partial  flags PRESENT|HAS_MEM_MAP  usage slab');
    expect(r.stdout).toContain(`subsection_map 0x000000000000ff0f  ####....########${'.'.repeat(48)}`);
    expect(r.stdout).toContain('section 39  0x138000000-0x13fffffff  early.boot  flags PRESENT|HAS_MEM_MAP|ONLINE|EARLY  usage boot');
  });

  it('--section S shows one section with its raw section_mem_map word', async () => {
    const r = await cli(['state', SEED, '--at', '4', '--section', '64']);
    expect(r.stdout).toContain('section 64  0x200000000-0x207ffffff  absent.deactivated  flags 0  usage none');
    // ENCODED_NULL for section 64: -(0x200000 pfn × 64 bytes) mod 2^64, all flag bits clear.
    expect(r.stdout).toContain('section_mem_map 0xfffffffff8000000 (map encoded_null, nid 0)');
  });

  // The second add started mid-section, so v5.3 realigned the word with pfn_to_kaddr() (F5):
  // PAGE_OFFSET + 0x480000000 - 0x480000 × 64, flags PRESENT|HAS_MEM_MAP.
  it('--json gives the sections as data', async () => {
    const r = await cli(['state', 'examples/partial-cycle.scn', '--at', '2', '--section', '144', '--json']);
    const j = JSON.parse(r.stdout) as { step: number; sections: Array<Record<string, unknown>> };
    expect(j.step).toBe(2);
    expect(j.sections).toEqual([
      expect.objectContaining({ nr: 144, state: 'partial', flags: 'PRESENT|HAS_MEM_MAP', subsection_map: ['0x000000000000ff0f'], bits: [0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15], usage: 'slab', section_mem_map: '0xffff88846e000003' }),
    ]);
  });
});

describe('memhp diff', () => {
  it('reports per section the state change and the bits set and cleared', async () => {
    const r = await cli(['diff', 'examples/partial-cycle.scn', '2', '7']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('diff [step 2 partial-cycle.scn:15] → [step 7 partial-cycle.scn:35]');
    expect(r.stdout).toContain('section 144: partial → absent.deactivated; flags -PRESENT|HAS_MEM_MAP; bits -0-3,8-15');
  });

  it('reports no difference between a step and itself', async () => {
    const r = await cli(['diff', SEED, '3', '3']);
    expect(r.stdout).toContain('(no difference)');
  });

  it('--json gives the diff as data', async () => {
    const r = await cli(['diff', 'examples/partial-cycle.scn', '1', '2', '--json']);
    const d = JSON.parse(r.stdout) as { sections: Array<{ nr: number; bitsSet: number[] }> };
    expect(d.sections).toEqual([expect.objectContaining({ nr: 144, bitsSet: [8, 9, 10, 11, 12, 13, 14, 15] })]);
  });
});

describe('usage errors exit 2 with one line and a hint', () => {
  it.each([
    [['frob'], "unknown command 'frob'"],
    [['run'], "missing FILE for 'run'"],
    [['run', SEED, '--bogus'], "unknown option '--bogus' for 'run'"],
    [['state', SEED, '--at', '99'], '--at 99 is past the last step'],
    [['state', SEED, '--at', 'x'], "--at must be a step number, got 'x'"],
    [['diff', SEED, '1'], "missing B for 'diff'"],
    [['run', SEED, '--kernel', '4.19'], 'kernel 4.19 is not a release memhp models'],
    [['run', SEED, '--checkpoint-every', '0'], "--checkpoint-every must be a positive integer, got '0'"],
    [['run', 'no/such/file.scn'], 'cannot read no/such/file.scn: no such file'],
  ])('memhp %j', async (args, message) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
  });

  it.each([['run'], ['state'], ['diff']])('memhp %s --help prints its usage and exits 0', async (name) => {
    const r = await cli([name, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`USAGE memhp ${name}`);
    expect(r.stdout).toContain('--json');
  });
});

describe('bad input: file:line: message, exit 2, no stack trace, nothing on stdout (the real binary)', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['malformed line', 'ram 0x100000000 1G\n__add_pages nid=0 pfn=0x200000 nr_pages\n', /:2: error\[E_PARSE\]: .*nr_pages/],
    ['unknown operation', 'ram 0x100000000 1G\nhotplug 0x200000000 2M\n', /:2: error\[E_UNKNOWN_OP\]: unknown operation hotplug/],
    ['pfn past the 64-bit physical address space', 'ram 0x100000000 1G\n__add_pages nid=0 pfn=0x10000000000000 nr_pages=0x200\n', /:2: error\[E_RANGE\]: .*past the end of the 64-bit physical address space/],
    ['size that overflows', 'ram 0x100000000 1G\nadd 0x200000000 0x10000000000000000\n', /:2: error\[E_RANGE\]: .*overflows 64 bits/],
    ['boot RAM past MAX_PHYSMEM_BITS', 'ram 0x3ffffff00000 4M\n', /:1: error\[E_RANGE\]: .*past the end of the physical address space .*MAX_PHYSMEM_BITS 46/],
    ['kernel line naming a release memhp does not model', '# two\nkernel 9.9\nram 0x100000000 1G\n', /:2: error\[E_PROFILE\]: kernel 9\.9 is not a release memhp models/],
    ['bad /proc/iomem line (inline)', 'iomem\n00001000-0009fbff : System RAM\n1zz-2 : System RAM\nend\n', /:3: error\[E_IOMEM\]: /],
  ];
  it.each(cases)('%s', (_name, text, message) => {
    const f = scn(`${_name.replace(/\W+/g, '-')}.scn`, text);
    const r = spawnCli(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.startsWith(f)).toBe(true);
    expect(r.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
  });

  it('bad /proc/iomem line in a file names that file and line', () => {
    const f = scn('iomem-file.scn', `iomem ${ROOT}test/fixtures/bad-iomem.txt\n`);
    const r = spawnCli(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${ROOT}test/fixtures/bad-iomem.txt:2: error[E_IOMEM]:`);
  });

  it('control characters of the input (NUL, ESC) are shown escaped in messages, never sent to the terminal', () => {
    const f = scn('control.scn', 'ram 0x100000000 1G\nhot\u0000plug\u001b[31m 0x200000000 2M\n');
    const r = spawnCli(['run', f]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(':2: error[E_UNKNOWN_OP]: unknown operation hot\\u0000plug\\u001b[31m');
    expect(r.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });
});

describe('colours', () => {
  it('are used only on a TTY and never with NO_COLOR', () => {
    expect(wantsColor({}, true)).toBe(true);
    expect(wantsColor({}, false)).toBe(false);
    expect(wantsColor({}, undefined)).toBe(false);
    expect(wantsColor({ NO_COLOR: '1' }, true)).toBe(false);
  });

  it('a piped run prints no escape codes, even with FORCE_COLOR or CI set', () => {
    const r = spawnCli(['run', SEED], { FORCE_COLOR: '1', CI: 'true' });
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    const h = spawnCli(['run', '--help']);
    expect(h.stdout).not.toMatch(ANSI);
  });

  it('with colour on, rows are coloured', async () => {
    const r = await cli(['run', SEED], { color: true });
    expect(r.stdout).toMatch(ANSI);
  });
});

describe('--config: kernel options that change behaviour', () => {
  const f10 = scn('f10.scn', 'kernel 5.3\nram 0x100000000-0x143ffffff\n__add_pages nid=0 pfn=0x144200 nr_pages=0xe00\n__remove_pages pfn=0x144200 nr_pages=0xe00\n');
  // x86 vmemmap: with PSE the boot memmap is PMD-mapped and a partial vmemmap_free() 0xFD-fills it;
  // without PSE it is 4K-mapped and the pages are freed (kernel-semantics.md §4 row 20, F10).
  it('PSE decides between the 0xFD-filled and the unmapped boot memmap of F10, and the profile line says so', async () => {
    const pse = await cli(['run', f10, '--verbose']);
    expect(pse.stdout).toContain('PSE=y');
    expect(pse.stdout).toContain('HAZARD CORRUPTION F10');
    const nopse = await cli(['run', f10, '--config', 'PSE=n']);
    expect(nopse.code).toBe(0);
    expect(nopse.stdout).toContain('linux 5.3 x86_64 SPARSEMEM_VMEMMAP=y PSE=n DEBUG_VM=n');
    expect(nopse.stdout).toContain('HAZARD CRASH F10');
  });

  it.each([
    [['--config', 'FOO=y'], "--config: 'FOO=y' is not NAME=y|n with a known NAME"],
    [['--config', 'PSE=maybe'], "--config: 'PSE=maybe' is not NAME=y|n"],
    [['--config', 'PSE=n,PSE=y'], '--config: PSE given twice'],
    [['--config', 'SPARSEMEM_VMEMMAP=n', '--kernel', 'newest'], 'newest: memory hotplug needs SPARSEMEM_VMEMMAP'],
  ])('memhp run FILE %j is a usage error', async (extra, message) => {
    const r = await cli(['run', f10, ...extra]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });
});

describe('examples/sparse-error-paths.scn: the recorded sparse_error_paths run of Debian 6.1.192 / 6.12.95', () => {
  it('every value the real 6.1.192 kernel recorded holds under the 6.1.192 profile', async () => {
    const r = await cli(['run', 'examples/sparse-error-paths.scn']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('22/22 expectations held');
  });

  it('6.1.192 and 6.12.95 first differ at E1, in the misaligned WARN text ("end: #401ff" vs "end: 0x401ff"), and at E8 in where the valid-section WARN sits', async () => {
    // The file's expect lines are 6.1.192's (its kernel line): checked there only.
    const r = await cli(['compare', 'examples/sparse-error-paths.scn', '--kernels', '6.1.192,6.12.95', '--expects-for', '6.1.192', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { firstDivergence: { seq: number; source: string } | null; steps: Array<{ seq: number; differs: boolean }> };
    expect(j.firstDivergence).toMatchObject({ seq: 5, source: 'examples/sparse-error-paths.scn:36' });
    expect(j.steps.filter((s) => s.differs).map((s) => s.seq)).toEqual([5, 8, 14]);
  });
});
