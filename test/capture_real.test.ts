/**
 * Run directories written on a real 6.1.0-56-amd64 by `memhp capture --script` under busybox sh and
 * by `memhp capture` itself (test/fixtures/capture/README.md): the probes it defined are those the generator bakes into the
 * script, the kernel refused exactly the functions it has no ftrace site or symbol for, the return
 * snapshots fired after every top-level hotplug call, and `memhp check` reads the directory.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCRIPT_GROUP } from '../capture/script.js';
import { cli, ROOT } from './helpers/cli.js';

const RUNS = ['pmem_rebind', 'pmem_rebind_node'].map((r) => join(ROOT, 'test/fixtures/capture/6.1.0-56-amd64', r));
const RUN = RUNS[0]!;
const BTF = join(ROOT, 'test/fixtures/btf/6.1.0-56-amd64.btf.gz');
interface RunJson {
  readonly kernel_release: string;
  readonly instance: string;
  readonly exit: number;
  readonly signal: string | null;
  readonly probes: string[];
  readonly refused: Array<{ line: string; reason: string }>;
  readonly secstate_sections: number[];
  readonly trace_lines: number;
  readonly lost_events: number;
}
/** A run directory's run.json. */
const runOf = (dir: string): RunJson => JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')) as RunJson;
/** A run directory's trace.txt. */
const traceOf = (dir: string): string => readFileSync(join(dir, 'trace.txt'), 'utf8');
const run = runOf(RUN);
const group = `memhp_${run.instance.replace('instances/memhp-', '')}`;

describe('memhp capture and capture --script on a real 6.1 kernel', () => {
  it('defined and tried exactly the lines the generator bakes in, with the run\'s group', async () => {
    const gen = await cli(['capture', '--script', '--btf', BTF, '--sections', run.secstate_sections.join(',')]);
    expect(gen.code).toBe(0);
    const baked = gen.stdout.split("<<'MEMHP_PROBES'\n")[1]!.split('\nMEMHP_PROBES\n')[0]!.split('\n');
    const tried = [...run.probes, ...run.refused.map((r) => r.line)].map((l) => l.replace(group, SCRIPT_GROUP));
    expect(tried.sort()).toEqual([...baked].sort());
  });

  describe.each(RUNS)('%s', (dir) => {
    const r = runOf(dir);
    it('was refused the functions without an ftrace site (.meminit.text) or a symbol (inlined), and nothing else', () => {
      const refused = [...new Set(r.refused.map((x) => x.line.split(' ')[1]))].sort();
      expect(refused).toEqual(['__populate_section_memmap', 'clear_subsection_map', 'fill_subsection_map', 'section_activate', 'sparse_add_section', 'vmemmap_populate']);
      // EINVAL: no ftrace site at the symbol; ENOENT: no such symbol (the script keeps the shell's words for them).
      expect(r.refused.every((x) => /^(EINVAL|ENOENT) \(write\)$|^(Invalid argument|No such file or directory)$/.test(x.reason))).toBe(true);
    });

    it('lists the kernel\'s view of the accepted probes in kprobes.txt (r: as rMAXACTIVE:)', () => {
      const listed = readFileSync(join(dir, 'kprobes.txt'), 'utf8').trim().split('\n').map((l) => l.replace(/^r\d+:/, 'r:').split(' ')[0]);
      expect(listed.sort()).toEqual(r.probes.map((l) => l.split(' ')[0]).sort());
    });

    it('snapshotted the sections on the return of each top-level call the COMMAND made, between the sync snapshots', () => {
      const sites = [...traceOf(dir).matchAll(/secstate0: \((\S+)(?: <- (\S+))?\)/g)].map((m) => m[2] ?? m[1]!.split('+')[0]);
      expect(sites).toEqual(['ksys_sync', '__remove_pages', 'memunmap_pages', '__add_pages', 'memremap_pages', 'ksys_sync']);
      expect(r.exit).toBe(3);
      expect(r.signal).toBe(null);
      expect(r.lost_events).toBe(0);
      expect(traceOf(dir).split('\n').filter((l) => l !== '').length).toBe(r.trace_lines);
    });

    it('is read by memhp check (the kernel from run.json, the boot layout from the before snapshot)', async () => {
      const c = await cli(['check', dir]);
      expect(c.stderr).not.toMatch(/error\[/);
      expect(c.stdout).toMatch(/^memhp check .* linux 6\.1\.192 /m);
      expect(c.stdout).toMatch(/\d+ steps, \d+ snapshots, 4 sections/);
    });
  });
});
