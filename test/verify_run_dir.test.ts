/**
 * verify/run_dir.ts and verify/console_sections.ts on the lab's recorded console logs
 * (test/fixtures/traces/6.1.0-56-amd64/*): the trace.txt and iomem-before.txt cut from each
 * console.log equal the committed ones byte for byte, run.json has the lab's keys, and a console
 * of a guest that panicked (no TRACE section) leaves console.log and run.json only.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { consoleText, iomemBefore, kernelRelease, kprobeFailures, section } from '../verify/console_sections.js';
import type { GuestRun } from '../verify/qemu.js';
import { writeRunDir } from '../verify/run_dir.js';

const TRACES = fileURLToPath(new URL('./fixtures/traces/6.1.0-56-amd64', import.meta.url));
const SCENARIOS = readdirSync(TRACES).sort();
const work = mkdtempSync(join(tmpdir(), 'memhp-rundir-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const RUN: GuestRun = {
  exit: 0,
  signal: null,
  timedOut: false,
  completed: true,
  booted: true,
  panicked: false,
  lastLines: [],
  durationS: 51.2,
  accel: 'tcg',
  kvmNote: null,
  argv: ['qemu-system-x86_64', '-accel', 'tcg'],
  hostCommands: [{ cmd: 'info version', answer: 'OK 7.2.22', t: 3.5 }],
};

describe('cutting the recorded console logs', () => {
  it('finds the eight 6.1 scenarios', () => {
    expect(SCENARIOS).toHaveLength(8);
  });

  for (const scen of SCENARIOS) {
    it(`${scen}: trace.txt and iomem-before.txt equal the recorded ones byte for byte`, () => {
      const out = join(work, scen);
      const w = writeRunDir({ consolePath: join(TRACES, scen, 'console.log'), outDir: out, scenario: scen, run: RUN, kernelCmdline: 'console=ttyS0', qemuVersion: 'QEMU x' });
      expect(w.ok && w.files).toEqual(['console.log', 'trace.txt', 'dmesg.txt', 'kprobes.txt', 'kallsyms.txt', 'iomem-before.txt', 'run.json']);
      for (const f of ['trace.txt', 'iomem-before.txt', 'console.log']) {
        expect(readFileSync(join(out, f)).equals(readFileSync(join(TRACES, scen, f))), f).toBe(true);
      }
      const got = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as Record<string, unknown>;
      const lab = JSON.parse(readFileSync(join(TRACES, scen, 'run.json'), 'utf8')) as Record<string, unknown>;
      expect(Object.keys(got)).toEqual([...Object.keys(lab), 'memhp']);
      for (const k of ['kernel_release', 'kernel_version_banner', 'kprobes_defined', 'kprobe_failures', 'completed']) expect(got[k], k).toEqual(lab[k]);
      expect(got).toMatchObject({ scenario: scen, accel: 'tcg', qemu_exit: 0, duration_s: 51.2, host_commands: RUN.hostCommands, memhp: { booted: true, trace_dumped: true } });
    });
  }
});

describe('console sections', () => {
  const log = (s: string): string => consoleText(Buffer.from(s, 'latin1'));

  it('turns CRLF into LF, keeps lone CRs and other bytes, and takes the first complete section', () => {
    const t = log('x\r\n=====LAB TRACE BEGIN=====\r\na\rb\xff\r\n=====LAB TRACE END=====\r\n=====LAB TRACE BEGIN=====\nsecond\n=====LAB TRACE END=====\n');
    expect(section(t, 'TRACE')).toBe('a\rb\xff\n');
    expect(section(log('=====LAB DMESG BEGIN=====\nno end\n'), 'DMESG')).toBeNull();
  });

  it('takes the IOMEM lines of the first label only', () => {
    const trace = ['  sh-1 [000] ..... 1.0: tracing_mark_write: IOMEM before|00000000-00000fff : Reserved', '  sh-1 [000] ..... 1.0: tracing_mark_write: IOMEM after|x', '  sh-1 [000] ..... 1.0: tracing_mark_write: IOMEM before|  00001000-0009fbff : System RAM', ''].join('\n');
    expect(iomemBefore(trace)).toBe('00000000-00000fff : Reserved\n  00001000-0009fbff : System RAM\n');
    expect(iomemBefore('no markers\n')).toBeNull();
  });

  it('reads the release from the BOOTED marker, else the banner, and the kprobe failures', () => {
    expect(kernelRelease('=====LAB BOOTED scenario=x kernel=6.1.0-56-amd64=====\n')).toBe('6.1.0-56-amd64');
    expect(kernelRelease('[ 0.0] Linux version 6.12.1 (x)\n')).toBe('6.12.1');
    expect(kprobeFailures('@@LAB KPROBE_FAIL: p:lab/a a x=%di \r\n@@LAB other\n')).toEqual(['p:lab/a a x=%di']);
  });
});

describe('a panicked guest', () => {
  it('keeps console.log and run.json only when the trace was dumped by ftrace_dump_on_oops (an earlier trace.txt removed)', () => {
    const c = join(work, 'panic.console.log');
    writeFileSync(c, '[ 1.0] Linux version 6.1.0-56-amd64 (x)\r\n=====LAB BOOTED kernel=6.1.0-56-amd64=====\r\nDumping ftrace buffer:\r\n---------------------------------\r\n[ 2.0] Kernel panic - not syncing: Fatal exception\r\n');
    const out = join(work, 'panic');
    mkdirSync(out);
    writeFileSync(join(out, 'trace.txt'), 'an earlier run\n');
    const w = writeRunDir({ consolePath: c, outDir: out, scenario: 'p', run: { ...RUN, completed: false, panicked: true, exit: null, signal: 'SIGKILL' }, kernelCmdline: '', qemuVersion: '' });
    expect(w.ok && w.files).toEqual(['console.log', 'run.json']);
    expect(existsSync(join(out, 'trace.txt'))).toBe(false);
    const got = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as Record<string, unknown>;
    expect(got).toMatchObject({ qemu_exit: -9, completed: false, kernel_release: '6.1.0-56-amd64', memhp: { panicked: true, trace_dumped: false } });
  });

  it('is E_IO when the console cannot be read', () => {
    const w = writeRunDir({ consolePath: join(work, 'none.log'), outDir: join(work, 'none'), scenario: 'n', run: RUN, kernelCmdline: '', qemuVersion: '' });
    expect(w).toMatchObject({ ok: false, code: 'E_IO' });
  });
});
