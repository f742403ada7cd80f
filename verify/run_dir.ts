/**
 * A guest run's directory in the layout of the shared traces: console.log, the sections cut from
 * it (trace.txt, dmesg.txt, kprobes.txt, kallsyms.txt), iomem-before.txt, and run.json with the
 * keys of the lab's run.json (memhp's own under `memhp`). When the trace was not dumped (a guest
 * that panicked: ftrace_dump_on_oops printed the buffer instead) only console.log and run.json are
 * written, since memhp reads console logs too (section files of an earlier run there are removed).
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join, resolve } from 'node:path';
import type { Failed, MemhpError } from '../kernel/errors.js';
import { consoleText, iomemBefore, kernelRelease, kprobeFailures, section, SECTIONS, versionBanner } from './console_sections.js';
import type { GuestRun } from './qemu.js';

/** What goes into the run directory besides the console. */
export interface RunDirSpec {
  readonly consolePath: string;
  readonly outDir: string;
  readonly scenario: string;
  readonly run: GuestRun;
  readonly kernelCmdline: string;
  /** `qemu-system-x86_64 --version`'s first line. */
  readonly qemuVersion: string;
  /** When the run started (ISO 8601); default: its end less its duration. */
  readonly startedUtc?: string;
  /** memhp's own facts of the run (kept under run.json's `memhp` key). */
  readonly memhp?: Readonly<Record<string, unknown>>;
}

/** The files written (names inside outDir). */
export type RunDirResult = { readonly ok: true; readonly files: string[] } | Failed<MemhpError & { readonly code: 'E_IO' }>;

/** Write the run directory; E_IO when a file cannot be read or written. */
export function writeRunDir(s: RunDirSpec): RunDirResult {
  try {
    mkdirSync(s.outDir, { recursive: true });
    const bytes = readFileSync(s.consolePath);
    const files: string[] = [];
    const put = (name: string, latin1: string): void => {
      writeFileSync(join(s.outDir, name), Buffer.from(latin1, 'latin1'));
      files.push(name);
    };
    const consoleOut = join(s.outDir, 'console.log');
    if (resolve(s.consolePath) !== resolve(consoleOut)) copyFileSync(s.consolePath, consoleOut);
    files.push('console.log');
    const text = consoleText(bytes);
    for (const [name, file] of SECTIONS) {
      const body = section(text, name);
      if (body !== null) put(file, body);
    }
    const trace = section(text, 'TRACE');
    const iomem = trace === null ? null : iomemBefore(trace);
    if (iomem !== null) put('iomem-before.txt', iomem);
    // A file of an earlier run in the same directory would pass for this run's.
    for (const f of [...SECTIONS.map(([, file]) => file), 'iomem-before.txt']) if (!files.includes(f)) rmSync(join(s.outDir, f), { force: true });
    writeFileSync(join(s.outDir, 'run.json'), `${JSON.stringify(runJson(s, text), null, 1)}\n`);
    files.push('run.json');
    return { ok: true, files };
  } catch (e) {
    return { ok: false, code: 'E_IO', message: `cannot write the run directory ${s.outDir}: ${(e as Error).message.split('\n')[0]}` };
  }
}

/** run.json's object: the lab's keys in the lab's order, then `memhp`. */
export function runJson(s: RunDirSpec, text: string): Record<string, unknown> {
  const r = s.run;
  const kprobes = section(text, 'KPROBES');
  return {
    scenario: s.scenario,
    kernel_release: kernelRelease(text),
    kernel_version_banner: versionBanner(text),
    qemu_version: s.qemuVersion,
    accel: r.accel,
    kvm_note: r.kvmNote,
    qemu_command: r.argv,
    kernel_cmdline: s.kernelCmdline,
    started_utc: s.startedUtc ?? new Date(Date.now() - r.durationS * 1000).toISOString(),
    duration_s: r.durationS,
    qemu_exit: r.exit ?? -(r.signal !== null ? (constants.signals as Record<string, number>)[r.signal] ?? 0 : 0),
    timed_out: r.timedOut,
    completed: r.completed,
    host_commands: r.hostCommands,
    offsets_env: {},
    kprobes_defined: kprobes === null ? [] : kprobes.split('\n').map((l) => l.trim()).filter((l) => l !== ''),
    kprobe_failures: kprobeFailures(text),
    memhp: { booted: r.booted, panicked: r.panicked, trace_dumped: section(text, 'TRACE') !== null, ...(s.memhp ?? {}) },
  };
}
