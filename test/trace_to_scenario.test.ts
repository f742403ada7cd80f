/**
 * `memhp trace-to-scenario`: every shared trace written as a scenario file and run with `memhp run`
 * must reproduce what the kernel recorded — every expect line (secstate sections, return values,
 * WARN texts) holds, and there is one `expect section` line per section per snapshot.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';
import { TRACES, readRun, recordedRuns } from './helpers/traces.js';

const ROOT = TRACES;
const RUNS = recordedRuns().map((r) => `${r.release}/${r.run}`);

describe('trace-to-scenario output reproduces the trace under memhp run', () => {
  it('finds the 34 recorded runs', () => {
    expect(RUNS).toHaveLength(34);
  });

  for (const run of RUNS) {
    it(run, async () => {
      const dir = `${ROOT}/${run}`;
      const r = await cli(['trace-to-scenario', dir]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const { doc } = readRun(...(run.split('/') as [string, string]));
      const watched = doc.records.reduce((n, rec) => n + (rec.kind === 'secstate' ? rec.sections.length : 0), 0);
      const lines = r.stdout.split('\n');
      expect(lines.filter((l) => l.startsWith('expect section ')).length).toBe(watched);
      expect(lines.filter((l) => l.startsWith('expect warn ')).length).toBe(doc.warns.length);
      const expects = lines.filter((l) => l.startsWith('expect ')).length;

      const scn = `${mkdtempSync(`${tmpdir()}/memhp-t2s-`)}/run.scn`;
      writeFileSync(scn, r.stdout);
      const ran = await cli(['run', scn]);
      expect(ran.stderr).toBe('');
      expect(ran.stdout).toContain(`${expects}/${expects} expectations held`);
      expect(ran.code).toBe(0);
    });
  }

  it('the scenario of a 6.1 run, replayed under 5.3, fails where 5.3 had no ZONE_DEVICE taint', async () => {
    const r = await cli(['trace-to-scenario', `${ROOT}/6.1.0-56-amd64/legacy_pmem_shared_section`]);
    const scn = `${mkdtempSync(`${tmpdir()}/memhp-t2s-`)}/run.scn`;
    writeFileSync(scn, r.stdout);
    const ran = await cli(['run', scn, '--kernel', '5.3']);
    expect(ran.code).toBe(1);
    expect(ran.stdout).toMatch(/expect section 8 flags=PRESENT\|HAS_MEM_MAP\|ONLINE\|EARLY\|TAINT_ZONE_DEVICE/);
  });

  it('-o writes the file and never over the input', async () => {
    const out = `${mkdtempSync(`${tmpdir()}/memhp-t2s-`)}/out.scn`;
    const dir = `${ROOT}/6.1.0-56-amd64/dimm_hotplug`;
    const r = await cli(['trace-to-scenario', dir, '-o', out]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('kernel 6.1.192\n');
    const copyDir = mkdtempSync(`${tmpdir()}/memhp-t2s-`);
    const copy = `${copyDir}/trace.txt`;
    writeFileSync(copy, readFileSync(`${dir}/trace.txt`));
    writeFileSync(`${copyDir}/run.json`, readFileSync(`${dir}/run.json`));
    const refused = await cli(['trace-to-scenario', copy, '-o', copy]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`refusing to write over ${copy}: the run read it`);
    expect(readFileSync(copy)).toEqual(readFileSync(`${dir}/trace.txt`));
  });
});

describe('trace-to-scenario --json and --help', () => {
  it('--json gives the scenario text with its counts', async () => {
    const r = await cli(['trace-to-scenario', `${ROOT}/6.1.0-56-amd64/sparse_error_paths`, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { kernel: string; steps: number; snapshots: number; sectionExpects: number; scenario: string };
    expect(j).toMatchObject({ kernel: '6.1.192', steps: 15, snapshots: 12, sectionExpects: 60, output: null });
    expect(j.scenario).toContain('kernel 6.1.192\n');
  });

  it('--help names the options', async () => {
    const r = await cli(['trace-to-scenario', '--help']);
    expect(r.code).toBe(0);
    for (const o of ['--iomem', '--kernel', '--output', '--json']) expect(r.stdout).toContain(o);
  });
});
