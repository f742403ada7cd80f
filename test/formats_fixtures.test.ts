/**
 * The formats fixtures (test/fixtures/formats/KVER/, recorded by scripts/record-trace-formats.mjs):
 * their tracefs trace.txt checks against the model with no mismatch on both kernels, every file
 * the README lists is there, and the three recorders saw the same session (six LAB_STEP markers in
 * each ftrace-buffer form, the same probe events in perf's and tracefs's).
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FORMATS_FILES } from '../verify/record_formats.js';
import { ROOT, cli } from './helpers/cli.js';

const CASES = [
  { kver: '6.1.0-56-amd64', linux: 'linux 6.1.192', fields: 174 },
  { kver: '7.3.4+deb13-amd64', linux: 'linux 7.3.4', fields: 177 },
] as const;

const read = (kver: string, f: string): string => readFileSync(`${ROOT}/test/fixtures/formats/${kver}/${f}`, 'utf8');

/** The count of each event name (`lab/NAME` in tracefs and trace-cmd, `probe:NAME` in perf; a return probe's `_ret` and `__return` as `<ret>`). */
function eventCounts(text: string, re: RegExp): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of text.matchAll(re)) {
    const name = x[1]!.replace(/(__return|_ret)$/, '<ret>');
    m.set(name, (m.get(name) ?? 0) + 1);
  }
  return m;
}

describe.each(CASES)('formats fixtures of $kver', ({ kver, linux, fields }) => {
  it('trace.txt: memhp check compares the six steps and seven snapshots with no mismatch', async () => {
    const r = await cli(['check', `${ROOT}/test/fixtures/formats/${kver}/trace.txt`]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(linux);
    expect(r.stdout).toContain(`16 steps, 7 snapshots, 6 sections, ${fields} fields compared, 0 mismatches`);
    expect(r.code).toBe(0);
  });

  it('holds every recorded file and a run.json naming the kernel and tools', () => {
    for (const f of FORMATS_FILES.concat(['README.md', 'run.json', 'perf.data'])) expect(existsSync(`${ROOT}/test/fixtures/formats/${kver}/${f}`), f).toBe(true);
    const run = JSON.parse(read(kver, 'run.json')) as { kernel_release: string; tools: Record<string, string>; guest: { scriptStatus: number } };
    expect(run.kernel_release).toBe(kver);
    expect(run.tools).toMatchObject({ ndctl: '76.1', daxctl: '76.1', 'trace-cmd': '3.1.6', perf: 'perf version 6.1.192' });
    expect(run.guest.scriptStatus).toBe(0);
  });

  it('each ftrace-buffer form has the six steps, and perf saw the events tracefs saw', () => {
    for (const f of ['trace.txt', 'trace_pipe.txt', 'trace-cmd-report.txt']) {
      expect([...read(kver, f).matchAll(/LAB_STEP (\w+)/g)].map((m) => m[1]), f).toEqual(['create', 'kmem', 'online', 'offline', 'devdax', 'destroy']);
    }
    const tracefs = eventCounts(read(kver, 'trace.txt'), / (\w+): \(/g);
    const perf = eventCounts(read(kver, 'perf-script.txt'), /probe:(\w+): \(/g);
    expect(perf.get('secstate0')).toBe(7);
    expect(perf).toEqual(tracefs);
  });
});
