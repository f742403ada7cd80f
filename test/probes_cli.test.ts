/**
 * `memhp probes` on the real BTF of Debian's 6.1.0-56 and 6.12.95 kernels (test/fixtures/btf/):
 * the definitions are those the lab recorded with (its kprobes.txt plus the ones the kernel
 * refused), the functions without a BTF record are commented out and named, and the sections come
 * from --sections or --range.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

const FIX = 'test/fixtures/btf';
interface Recorded {
  readonly kprobe_failures: string[];
  readonly secstate_sections: number[];
}
const recorded = JSON.parse(readFileSync(`${FIX}/recorded.json`, 'utf8')) as Record<string, Recorded>;
/** The kernel lists `r:` probes as `rMAXACTIVE:`; compare without the number. */
const norm = (l: string): string => l.trim().replace(/^# /, '').replace(/^r\d*:/, 'r:');

describe.each(Object.keys(recorded))('memhp probes --btf %s', (release) => {
  const rec = recorded[release]!;

  it('prints the definitions the lab recorded with: kprobes.txt and the refused ones, same offsets', async () => {
    const r = await cli(['probes', '--btf', `${FIX}/${release}.btf.gz`, '--sections', rec.secstate_sections.join(',')]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter((l) => /^(# )?[pr]:lab\//.test(l)).map(norm);
    const want = [...readFileSync(`${FIX}/${release}.kprobes.txt`, 'utf8').split('\n').filter((l) => l.trim() !== ''), ...rec.kprobe_failures].map(norm);
    expect(new Set(lines)).toEqual(new Set(want));
  });

  it('comments out and names the functions with no BTF record', async () => {
    const r = await cli(['probes', '--btf', `${FIX}/${release}.btf.gz`]);
    expect(r.stdout).toMatch(/^# p:lab\/section_activate section_activate$/m);
    expect(r.stdout).toMatch(/^# no BTF function record \(inlined, not in kallsyms\): section_activate, fill_subsection_map, clear_subsection_map/m);
    expect(r.stdout).not.toMatch(/^p:lab\/secstate/m);
    expect(r.stdout).toMatch(/^# no secstate probes: give --sections/m);
  });
});

describe('memhp probes: sections and errors', () => {
  it('--range takes the sections of a byte range; --json gives the same lines', async () => {
    const r = await cli(['probes', '--btf', `${FIX}/6.1.0-56-amd64.btf.gz`, '--range', '0x40000000-0x4fffffff', '--json']);
    const j = JSON.parse(r.stdout) as { sections: number[]; spr: number; kprobeEvents: string[]; offsets: Record<string, number> };
    expect(j.sections).toEqual([8, 9]);
    expect(j.spr).toBe(128);
    expect(j.offsets.MS_SIZE).toBe(32);
    expect(j.kprobeEvents.filter((l) => l.startsWith('p:lab/secstate'))).toHaveLength(1);
  });

  it.each([
    [['probes', '--btf', 'x', '--running'], 'E_USAGE', 'not both'],
    [['probes', '--btf', `${FIX}/6.1.0-56-amd64.btf.gz`, '--sections', '9-4'], 'E_USAGE', 'runs backwards'],
    [['probes', '--btf', `${FIX}/6.1.0-56-amd64.btf.gz`, '--sections', 'a'], 'E_USAGE', 'expected section numbers'],
    [['probes', '--btf', `${FIX}/6.1.0-56-amd64.btf.gz`, '--sections', '0-999'], 'E_LIMIT', 'more than 256'],
    [['probes', '--btf', 'test/fixtures/nonexistent.btf'], 'E_IO', 'cannot read'],
    [['probes', '--btf', 'README.md'], 'E_ENV', 'no xz or zstd payload'],
  ])('%j → %s', async (args, code, text) => {
    const r = await cli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error[${code}]`);
    expect(r.stderr).toContain(text);
  });
});
