/**
 * `memhp probes --perf`: the same probes as `perf probe -a` commands, for users who record with
 * perf (`perf record -e 'probe:*'` then `perf script`): one command a probe, with the same fetch
 * arguments as the kprobe_events line, entries under perf's default name (`probe:FUNC`), returns as
 * `FUNC%return` (`probe:FUNC__return`), the snapshots as `secstateN=ksys_sync`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { perfProbeSpec } from '../verify/perf_probe.js';
import { cli } from './helpers/cli.js';

const BTF = 'test/fixtures/btf/6.1.0-56-amd64.btf.gz';

describe('perfProbeSpec', () => {
  it.each([
    ['p:lab/__add_pages __add_pages nid=$arg1:s32 altmap=+0($arg4):x64', '__add_pages nid=$arg1:s32 altmap=+0($arg4):x64'],
    ['r:lab/__add_pages_ret __add_pages ret=$retval:s32', '__add_pages%return ret=$retval:s32'],
    ['r16:lab/sparse_remove_section_ret sparse_remove_section', 'sparse_remove_section%return'],
    ['p:lab/secstate0 ksys_sync vmb=@vmemmap_base:x64 m8=+256(+0(@mem_section)):x64', 'secstate0=ksys_sync vmb=@vmemmap_base:x64 m8=+256(+0(@mem_section)):x64'],
    ['r:memhp_7/secstate3 memremap_pages vmb=@vmemmap_base:x64', 'secstate3=memremap_pages%return vmb=@vmemmap_base:x64'],
  ])('%s → %s', (line, spec) => {
    expect(perfProbeSpec(line)).toBe(spec);
  });

  it('comments, blanks and malformed lines give null', () => {
    for (const l of ['# p:lab/x x', '', '-:lab/x', 'p:lab/only_a_name']) expect(perfProbeSpec(l)).toBeNull();
  });
});

describe('memhp probes --perf', () => {
  it('one perf probe command per kprobe_events line, the refused ones commented out as there', async () => {
    const [kp, pf] = await Promise.all([cli(['probes', '--btf', BTF, '--sections', '31-36']), cli(['probes', '--btf', BTF, '--sections', '31-36', '--perf'])]);
    expect(pf.code).toBe(0);
    const defs = kp.stdout.split('\n').filter((l) => /^(# )?[pr]:lab\//.test(l));
    const cmds = pf.stdout.split('\n').filter((l) => /^(# )?perf probe -q -a '/.test(l));
    expect(cmds).toHaveLength(defs.length);
    expect(cmds.filter((l) => l.startsWith('# ')).length).toBe(defs.filter((l) => l.startsWith('# ')).length);
    expect(pf.stdout).toContain("perf probe -q -a '__add_pages nid=$arg1:s32 pfn=$arg2:x64 nr_pages=$arg3:x64 altmap=+0($arg4):x64 pgmap=+16($arg4):x64'\n");
    expect(pf.stdout).toContain("perf probe -q -a '__add_pages%return ret=$retval:s32'\n");
    expect(pf.stdout).toMatch(/^perf probe -q -a 'secstate0=ksys_sync vmb=@vmemmap_base:x64 m31=\+992\(\+0\(@mem_section\)\):x64 /m);
    expect(pf.stdout).toMatch(/^# perf probe -q -a 'section_activate'$/m);
    expect(pf.stdout).toContain("perf record -e 'probe:*'");
  });

  it('prints the specs the real perf 6.1.192 took on Debian 6.1.0-56 (test/fixtures/formats: perf-probes.txt, each accepted by perf probe -a)', async () => {
    const taken = readFileSync('test/fixtures/formats/6.1.0-56-amd64/perf-probes.txt', 'utf8').split('\n').filter((l) => l !== '');
    expect(taken.length).toBeGreaterThan(20);
    const r = await cli(['probes', '--btf', BTF, '--sections', '31-36', '--perf']);
    const printed = new Set(r.stdout.split('\n').filter((l) => l.startsWith('perf probe -q -a ')).map((l) => l.slice('perf probe -q -a '.length).replace(/^'|'$/g, '')));
    for (const spec of taken) expect(printed, spec).toContain(spec);
  });

  it('--perf with --json is refused', async () => {
    const r = await cli(['probes', '--btf', BTF, '--perf', '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('error[E_USAGE]: give --perf or --json, not both');
  });
});
