/**
 * `memhp check TRACE`: real traces (test/fixtures/traces) replayed through the model
 * (inputs/trace/to_scenario.ts + query/check.ts), compared snapshot by snapshot and call by call.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readTrace } from '../inputs/trace/index.js';
import { kernelForRelease, kernelFromBanner, traceToScenario } from '../inputs/trace/to_scenario.js';
import { cli, spawnCli } from './helpers/cli.js';
import { TRACES, recordedRuns } from './helpers/traces.js';

/** The recorded traces (test/fixtures/traces). */
const ROOT = TRACES;
const K61 = '6.1.0-56-amd64';

/** Every recorded run: steps translated, snapshots, distinct sections and fields compared (all must match). */
const CASES = [
  { scenario: 'devdax_kmem', steps: 20, snapshots: 10, sections: 6, fields: 269 },
  { scenario: 'dimm_hotplug', steps: 16, snapshots: 10, sections: 5, fields: 222 },
  { scenario: 'dimm_unaligned', steps: 1, snapshots: 4, sections: 6, fields: 100 },
  { scenario: 'legacy_pmem_mid_section', steps: 18, snapshots: 8, sections: 6, fields: 255 },
  { scenario: 'legacy_pmem_shared_section', steps: 24, snapshots: 11, sections: 4, fields: 238 },
  { scenario: 'legacy_pmem_unaligned', steps: 0, snapshots: 7, sections: 5, fields: 175 },
  { scenario: 'nvdimm_two_namespaces', steps: 24, snapshots: 15, sections: 6, fields: 378 },
  { scenario: 'sparse_error_paths', steps: 15, snapshots: 12, sections: 5, fields: 308 },
] as const;

/** Runs recorded on 6.12 only. */
const CASES_612 = [...CASES, { scenario: 'dimm_hotplug_autoonline_default', steps: 18, snapshots: 10, sections: 5, fields: 232 }] as const;

describe('memhp check on the 6.1 traces', () => {
  for (const c of CASES) {
    it(`${c.scenario}: no mismatch under 6.1.192`, async () => {
      const r = await cli(['check', `${ROOT}/${K61}/${c.scenario}`]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('linux 6.1.192');
      expect(r.stdout).toContain(`${c.steps} steps, ${c.snapshots} snapshots, ${c.sections} sections, ${c.fields} fields compared, 0 mismatches`);
      expect(r.code).toBe(0);
    });

    it(`${c.scenario}: --json`, async () => {
      const r = await cli(['check', `${ROOT}/${K61}/${c.scenario}/trace.txt`, '--json']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as { kernel: string; steps: number; snapshots: number; sections: number; fieldsCompared: number; mismatches: unknown[] };
      expect(j).toMatchObject({ kernel: '6.1.192', steps: c.steps, snapshots: c.snapshots, sections: c.sections, fieldsCompared: c.fields, mismatches: [] });
    });
  }

  it('a kernel with other rules (5.3: no ZONE_DEVICE taint) shows mismatches and exits 1', async () => {
    const r = await cli(['check', `${ROOT}/${K61}/sparse_error_paths`, '--kernel', '5.3']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\[step \d+ trace\.txt:\d+\] error\[E_MISMATCH\]: section 8 flags: model PRESENT\|HAS_MEM_MAP\|ONLINE\|EARLY, kernel PRESENT\|HAS_MEM_MAP\|ONLINE\|EARLY\|TAINT_ZONE_DEVICE$/m);
    expect(r.stdout).not.toContain(' 0 mismatches');
  });

  it('translates sparse_error_paths into the steps of examples/sparse-error-paths.scn', () => {
    const file = `${ROOT}/${K61}/sparse_error_paths/trace.txt`;
    const doc = readTrace(readFileSync(file, 'utf8'), file);
    if (!doc.ok) throw new Error('unreadable');
    const ts = traceToScenario(doc.value, file);
    if (!ts.ok) throw new Error('untranslatable');
    const ops = ts.value.scenario.steps.map((s) => s.op.kind);
    expect(ops.slice(0, 4)).toEqual(['__add_pages', 'move_pfn_range_to_zone', '__add_pages', 'move_pfn_range_to_zone']);
    expect(ts.value.scenario.steps[1]?.op).toMatchObject({ pfn: 0x40000, nr_pages: 0x4000, zone: 'device' });
    // E1 is recorded once (the lab_call line), not again for the nested kprobe.
    expect(ts.value.scenario.steps.filter((s) => s.op.kind === '__add_pages' && s.op.pfn === 0x40100)).toHaveLength(1);
    expect(ts.value.rets.find((r) => r.step === 5)).toMatchObject({ ret: -22 });
    expect(ts.value.scenario.boot.ranges).toContainEqual({ startPfn: 0x100, endPfn: 0x40000, nid: 0 });
    expect(ts.value.snapshots[0]?.afterStep).toBe(0);
    expect(ts.value.kernel).toBeNull();
  });
});

const K612 = '6.12.95+deb12-amd64';

describe('memhp check on the 6.12 traces', () => {
  // sparse_error_paths E8 reaches sparse_remove_section on 6.12 (6.1 stops in __remove_section): one more call compared.
  for (const c of CASES_612.map((x) => (x.scenario === 'sparse_error_paths' ? { ...x, fields: x.fields + 1 } : x))) {
    it(`${c.scenario}: no mismatch under 6.12.95`, async () => {
      const r = await cli(['check', `${ROOT}/${K612}/${c.scenario}`]);
      expect(r.stdout).toContain('linux 6.12.95');
      expect(r.stdout).toContain(`${c.steps} steps, ${c.snapshots} snapshots, ${c.sections} sections, ${c.fields} fields compared, 0 mismatches`);
      expect(r.code).toBe(0);
    });
  }
});

const K510 = '5.10.0-32-amd64';
const K73 = '7.3.4+deb13-amd64';

describe('memhp check on the 5.10 and 7.3 traces', () => {
  // 7.3's E8 reaches sparse_remove_section as on 6.12: one more call compared.
  const cases = [
    ...CASES.map((c) => ({ ...c, release: K510, kernel: '5.10.223' })),
    ...CASES.map((c) => ({ ...c, release: K73, kernel: '7.3.4', fields: c.scenario === 'sparse_error_paths' ? c.fields + 1 : c.fields })),
    { scenario: 'sparse_add_beyond_maxphys', steps: 1, snapshots: 1, sections: 1, fields: 5, release: K73, kernel: '7.3.4' },
  ];
  for (const c of cases) {
    it(`${c.release}/${c.scenario}: no mismatch under ${c.kernel}`, async () => {
      const r = await cli(['check', `${ROOT}/${c.release}/${c.scenario}`]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain(`linux ${c.kernel}`);
      expect(r.stdout).toContain(`${c.steps} steps, ${c.snapshots} snapshots, ${c.sections} sections, ${c.fields} fields compared, 0 mismatches`);
      expect(r.code).toBe(0);
    });
  }

  // 5.10 traces each console line with its printk time stamp; 7.3 prints the new WARNING line: the
  // splats must still be found, each with its message (E8's without one), and match the model's.
  for (const release of [K510, K73]) {
    it(`${release}/sparse_error_paths: five WARN splats compared, their texts without the printk prefix`, async () => {
      const r = await cli(['check', `${ROOT}/${release}/sparse_error_paths`, '--kernel', '6.1.192', '--json']);
      const j = JSON.parse(r.stdout) as { mismatches: Array<{ field: string; kernel: string }> };
      // Under 6.1.192's rules the misaligned WARNs read "#401ff": on 7.3 ("0x401ff") those two differ, on 5.10 none.
      const warn = j.mismatches.filter((m) => m.field === 'warn').map((m) => m.kernel);
      expect(warn).toEqual(release === K510 ? [] : ['"Misaligned __add_pages start: 0x40100 end: 0x401ff"', '"Misaligned __remove_pages start: 0x40100 end: 0x401ff"']);
    });
  }
});

describe('every recorded run', () => {
  for (const { release, run } of recordedRuns()) {
    it(`${release}/${run}: 0 mismatches, fields compared`, async () => {
      const j = JSON.parse((await cli(['check', `${ROOT}/${release}/${run}`, '--json'])).stdout) as { fieldsCompared: number; mismatches: unknown[] };
      expect(j.mismatches).toEqual([]);
      expect(j.fieldsCompared).toBeGreaterThan(0);
    });
  }
});

describe('check that compares nothing', () => {
  // Seven real marker lines of the 6.1 dimm_unaligned trace: no snapshot, no call, no WARN, no oops.
  it('exits 2 through the built CLI, saying what the trace holds instead', () => {
    const r = spawnCli(['check', 'test/fixtures/trace-cuts/markers-only', '--kernel', '6.1.192']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('test/fixtures/trace-cuts/markers-only/trace.txt:1: error[E_PARSE]: 0 steps, no section snapshots, no recorded returns, no nested calls, no WARN, no oops: nothing to compare\n  hint: check needs secstate snapshots, return probes, WARN splats or an oops in the trace\n');
  });
});

describe('check: kernels and input errors', () => {
  it('reads the kernel from a banner or a release name', () => {
    expect(kernelFromBanner('Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)')).toBe('6.1.192');
    expect(kernelFromBanner('Linux version 6.12.95+deb12-amd64 (x) #1 SMP PREEMPT_DYNAMIC Debian 6.12.95-1~bpo12+1 (2026-11-01)')).toBe('6.12.95');
    expect(kernelFromBanner('no banner here')).toBeNull();
    expect(kernelForRelease('6.1.0-56-amd64')).toBe('6.1.192');
    expect(kernelForRelease('6.12.95+deb12-amd64')).toBe('6.12.95');
  });

  it('exits 2 on unreadable input', async () => {
    const r = await cli(['check', '/nonexistent/trace.txt']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read /nonexistent/trace.txt');
  });
});

describe('check compares the text of every WARN splat the trace recorded', () => {
  // sparse_error_paths E1/E4: 6.1.192 prints "end: #401ff"; under the 6.12.95 rules memhp prints
  // "end: 0x401ff" — the check must flag exactly those two splats.
  it('6.1.192 trace under the 6.12.95 profile: the two misaligned WARN texts differ', async () => {
    const r = await cli(['check', `${ROOT}/${K61}/sparse_error_paths`, '--kernel', '6.12.95', '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { mismatches: Array<{ field: string; model: string; kernel: string }> };
    const warn = j.mismatches.filter((m) => m.field === 'warn');
    expect(warn.map((m) => m.kernel)).toEqual(['"Misaligned __add_pages start: 0x40100 end: #401ff"', '"Misaligned __remove_pages start: 0x40100 end: #401ff"']);
    expect(warn.map((m) => m.model)).toEqual(['"Misaligned __add_pages start: 0x40100 end: 0x401ff"', '"Misaligned __remove_pages start: 0x40100 end: 0x401ff"']);
  });
});

describe('check says when the trace is incomplete', () => {
  // A copy of the 6.1 sparse_error_paths run with a [LOST N EVENTS] line and an unknown line appended.
  it('notes lost events and skipped unknown lines', async () => {
    const { mkdtempSync, writeFileSync, copyFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(`${tmpdir()}/memhp-lost-`);
    writeFileSync(`${dir}/trace.txt`, `${readFileSync(`${ROOT}/${K61}/sparse_error_paths/trace.txt`, 'utf8')}CPU:1 [LOST 12 EVENTS]\nsome unknown line\n`);
    copyFileSync(`${ROOT}/${K61}/sparse_error_paths/run.json`, `${dir}/run.json`);
    const r = await cli(['check', dir]);
    expect(r.stdout).toContain('note: the trace lost events ([LOST N EVENTS]): calls may be missing from the steps');
    expect(r.stdout).toContain('note: 1 line(s) of no known kind were skipped');
    const j = JSON.parse((await cli(['check', dir, '--json'])).stdout) as { lostEvents: boolean; unknownLines: number };
    expect(j).toMatchObject({ lostEvents: true, unknownLines: 1 });
  });
});

describe('the check can fail: one recorded value changed in a copy of a trace', () => {
  // The 6.1.192 sparse_error_paths run, copied with exactly one line edited; the check must report
  // exactly one mismatch, on that line, with the model's value and the edited kernel value.
  const SRC = `${ROOT}/${K61}/sparse_error_paths`;

  /** Copy the run with line `line` passed through `edit`; returns the directory. */
  async function editedCopy(line: number, edit: (text: string) => string): Promise<string> {
    const { mkdtempSync, writeFileSync, copyFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const lines = readFileSync(`${SRC}/trace.txt`, 'utf8').split('\n');
    const before = lines[line - 1] ?? '';
    const after = edit(before);
    expect(after).not.toBe(before);
    lines[line - 1] = after;
    const dir = mkdtempSync(`${tmpdir()}/memhp-edit-`);
    writeFileSync(`${dir}/trace.txt`, lines.join('\n'));
    copyFileSync(`${SRC}/run.json`, `${dir}/run.json`);
    return dir;
  }

  type Mismatch = { code: string; step: number; line: number; section: number | null; field: string; model: string; kernel: string };
  async function mismatches(dir: string): Promise<{ code: number; list: Mismatch[]; text: string }> {
    const j = await cli(['check', dir, '--json']);
    const t = await cli(['check', dir]);
    return { code: j.code, list: (JSON.parse(j.stdout) as { mismatches: Mismatch[] }).mismatches, text: t.stdout };
  }

  it('one bit of a u word (u8 bit 2 cleared at the second snapshot)', async () => {
    const dir = await editedCopy(161, (l) => l.replace('u8=0xffffffffffffffff', 'u8=0xfffffffffffffffb'));
    const r = await mismatches(dir);
    expect(r.code).toBe(1);
    expect(r.list).toEqual([{ code: 'E_MISMATCH', step: 4, file: `${dir}/trace.txt`, line: 161, section: 8, field: 'subsection_map', model: '0xffffffffffffffff', kernel: '0xfffffffffffffffb' }]);
    expect(r.text).toContain('[step 4 trace.txt:161] error[E_MISMATCH]: section 8 subsection_map: model 0xffffffffffffffff, kernel 0xfffffffffffffffb\n');
  });

  it('one flag bit of an m word (m9 without SECTION_TAINT_ZONE_DEVICE)', async () => {
    const dir = await editedCopy(161, (l) => l.replace('m9=0xffd400000000001f', 'm9=0xffd400000000000f'));
    const r = await mismatches(dir);
    expect(r.list).toEqual([
      { code: 'E_MISMATCH', step: 4, file: `${dir}/trace.txt`, line: 161, section: 9, field: 'flags', model: 'PRESENT|HAS_MEM_MAP|ONLINE|EARLY|TAINT_ZONE_DEVICE', kernel: 'PRESENT|HAS_MEM_MAP|ONLINE|EARLY' },
    ]);
  });

  it('one return value (E2 __add_pages -17 recorded as -12)', async () => {
    const dir = await editedCopy(274, (l) => l.replace('lab_call/__add_pages_ret: ret=-17', 'lab_call/__add_pages_ret: ret=-12'));
    const r = await mismatches(dir);
    expect(r.list).toEqual([{ code: 'E_MISMATCH', step: 6, file: `${dir}/trace.txt`, line: 274, section: null, field: 'ret', model: '-17', kernel: '-12' }]);
    expect(r.text).toContain('[step 6 trace.txt:274] error[E_MISMATCH]: ret: model -17, kernel -12\n');
  });

  it('one nested return (E5\'s second sparse_add_section -17 recorded as 0)', async () => {
    const dir = await editedCopy(532, (l) => l.replace('sparse_add_section_ret: ret=0xffffffef (4294967279)', 'sparse_add_section_ret: ret=0x0 (0)'));
    const r = await mismatches(dir);
    expect(r.list).toEqual([
      {
        code: 'E_MISMATCH',
        step: 11,
        file: `${dir}/trace.txt`,
        line: 532,
        section: null,
        field: 'calls',
        model: 'sparse_add_section(0x4c000, 0x4000) = 0, sparse_add_section(0x50000, 0x200) = -17',
        kernel: 'sparse_add_section(0x4c000, 0x4000) = 0, sparse_add_section(0x50000, 0x200) = 0',
      },
    ]);
  });

  it('one WARN text (E1 "end: #401ff" recorded as "end: #40200")', async () => {
    const dir = await editedCopy(168, (l) => l.replace('end: #401ff', 'end: #40200'));
    const r = await mismatches(dir);
    expect(r.list).toEqual([
      { code: 'E_MISMATCH', step: 5, file: `${dir}/trace.txt`, line: 168, section: null, field: 'warn', model: '"Misaligned __add_pages start: 0x40100 end: #401ff"', kernel: '"Misaligned __add_pages start: 0x40100 end: #40200"' },
    ]);
  });
});

describe('the check can fail: a memory block state', () => {
  it('MEMBLK memory32 recorded online while the model has section 32 offline', async () => {
    const { mkdtempSync, writeFileSync, copyFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const src = `${ROOT}/${K61}/dimm_hotplug`;
    const lines = readFileSync(`${src}/trace.txt`, 'utf8').split('\n');
    // The first snapshot after d1's hot-add shows memory32 offline.
    const at = lines.findIndex((l, i) => i > lines.findIndex((x) => x.includes('LAB_STEP d1: hot-add')) && /MEMBLK \S+ section=32 block=32 state=offline/.test(l));
    expect(at).toBeGreaterThan(0);
    lines[at] = (lines[at] ?? '').replace('state=offline online=0', 'state=online online=1');
    const dir = mkdtempSync(`${tmpdir()}/memhp-memblk-`);
    writeFileSync(`${dir}/trace.txt`, lines.join('\n'));
    copyFileSync(`${src}/run.json`, `${dir}/run.json`);
    const r = await cli(['check', dir, '--json']);
    const j = JSON.parse(r.stdout) as { mismatches: Array<{ section: number; field: string; model: string; kernel: string }> };
    expect(j.mismatches).toEqual([expect.objectContaining({ section: 32, field: 'online', model: 'offline', kernel: 'online' })]);
    expect(r.code).toBe(1);
  });
});

describe('raw section words of a trace use its own vmemmap_base', () => {
  it('state --section 8 after the pmem adds prints the m8 word the kernel recorded (5-level vmemmap_base)', async () => {
    const r = await cli(['state', `${ROOT}/${K61}/sparse_error_paths`, '--at', '4', '--section', '8']);
    expect(r.stdout).toContain('section_mem_map 0xffd400000000001f (map vmemmap, nid 0)');
    const j = JSON.parse((await cli(['state', `${ROOT}/${K61}/sparse_error_paths`, '--at', '4', '--section', '8', '--json'])).stdout) as { sections: Array<{ section_mem_map: string }> };
    expect(j.sections[0]?.section_mem_map).toBe('0xffd400000000001f');
  });
});
