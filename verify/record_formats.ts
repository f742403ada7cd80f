/**
 * Recording one pmem hotplug session (verify/guest/formats_session.sh) with each standard tool —
 * tracefs `cat trace` and `trace_pipe`, trace-cmd record/report, perf probe/record/script — in a
 * host-root guest (verify/host_root_guest.ts) on the NVDIMM machine, and keeping the tools' text
 * outputs with a run.json (kernel, tool versions, command lines, durations, refused probes).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { envError, type EnvResult } from './env_result.js';
import type { KernelTree } from './environment.js';
import { NVDIMM_MACHINE, runHostRootGuest, type HostRootRun } from './host_root_guest.js';
import { guestSourceDir } from './module_build.js';

/** The modules the session needs beside the 9p ones. */
export const FORMATS_MODULES: readonly string[] = ['nfit', 'libnvdimm', 'nd_pmem', 'dax_pmem', 'device_dax', 'kmem'];

/** The text outputs kept as fixtures (those the guest wrote). */
export const FORMATS_FILES: readonly string[] = [
  'trace.txt',
  'trace_pipe.txt',
  'trace-cmd-report.txt',
  'trace-cmd-report-t.txt',
  'trace-cmd-report-l.txt',
  'trace-cmd-report-ts-diff.txt',
  'trace-cmd-report-R.txt',
  'trace-cmd-report-q.txt',
  'perf-script.txt',
  'perf-script-F.txt',
  'iomem-before.txt',
  'kprobes.txt',
  'perf-probes.txt',
];

/** The binary recordings kept too when smaller than this many bytes. */
export const BINARY_LIMIT = 256 << 10;

/** What to record. */
export interface RecordFormatsOptions {
  readonly kernel: KernelTree;
  /** bin/memhp.js of this worktree (the guest runs it with the host's node: same path). */
  readonly memhp: string;
  /** e.g. `31-36` */
  readonly sections: string;
  /** The guest's output share (everything it wrote). */
  readonly workDir: string;
  /** Where the kept files and run.json go. */
  readonly fixtureDir: string;
  readonly busybox: string;
  readonly timeoutS: number;
  /** The command line that recorded, for run.json. */
  readonly commandLine: string;
  readonly onLine?: (line: string) => void;
}

/** The result: the guest run and the files written to the fixture dir. */
export interface RecordFormatsResult {
  readonly guest: HostRootRun;
  readonly written: readonly string[];
  readonly missing: readonly string[];
}

/** The guest.sh text: the variables, then verify/guest/record_formats.sh. */
export function formatsGuestScript(memhp: string, sections: string, recorder: string): string {
  if (!/^[\d,-]+$/.test(sections)) throw new Error(`bad section list ${sections}`);
  return `MEMHP='${memhp}'\nSECTIONS='${sections}'\nSESSION=$OUT/session.sh\n${recorder}`;
}

/** Parse meta.txt (`key<TAB>value` lines) into run.json's fields (kernel_release, kernel_version_banner and kernel_cmdline as `memhp check` reads them). */
export function runJsonFromMeta(meta: string, extra: Record<string, unknown>): Record<string, unknown> {
  const tools: Record<string, string> = {};
  const commands: Record<string, string> = {};
  const seconds: Record<string, number> = {};
  const refusedKprobes: string[] = [];
  const refusedPerfProbes: string[] = [];
  let kernel = '';
  let banner = '';
  let cmdline = '';
  let marker = '';
  for (const line of meta.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const k = line.slice(0, tab);
    const v = line.slice(tab + 1);
    if (k === 'kernel') kernel = v;
    else if (k === 'banner') banner = v;
    else if (k === 'cmdline') cmdline = v;
    else if (k === 'marker') marker = v;
    else if (['ndctl', 'daxctl', 'trace-cmd', 'perf', 'node'].includes(k)) tools[k] = v;
    else if (k.endsWith('-seconds')) seconds[k.slice(0, -'-seconds'.length)] = Number(v);
    else if (k === 'refused-kprobe') refusedKprobes.push(v);
    else if (k === 'refused-perf-probe') refusedPerfProbes.push(v);
    else commands[k] = v;
  }
  return { kernel_release: kernel, kernel_version_banner: banner, kernel_cmdline: cmdline, tools, marker, commands, seconds, refusedKprobes, refusedPerfProbes, ...extra };
}

/** Boot the guest, record, and copy the outputs and a run.json into the fixture dir. */
export async function recordFormats(o: RecordFormatsOptions): Promise<EnvResult<RecordFormatsResult>> {
  const src = guestSourceDir();
  if (src === null) return envError('cannot find verify/guest/ (the guest scripts) beside memhp: is the installation complete?');
  mkdirSync(o.workDir, { recursive: true });
  copyFileSync(join(src, 'formats_session.sh'), join(o.workDir, 'session.sh'));
  const script = formatsGuestScript(resolve(o.memhp), o.sections, readFileSync(join(src, 'record_formats.sh'), 'utf8'));
  const r = await runHostRootGuest({
    kernel: o.kernel,
    machine: NVDIMM_MACHINE,
    modules: FORMATS_MODULES,
    script,
    outDir: o.workDir,
    timeoutS: o.timeoutS,
    busybox: o.busybox,
    // The checkout whose bin/memhp.js the guest runs, seen at its own path even under /tmp.
    shared: [dirname(dirname(resolve(o.memhp)))],
    ...(o.onLine === undefined ? {} : { onLine: o.onLine }),
  });
  if (!r.ok) return r;
  mkdirSync(o.fixtureDir, { recursive: true });
  const written: string[] = [];
  const missing: string[] = [];
  for (const f of FORMATS_FILES) {
    const from = join(o.workDir, f);
    if (existsSync(from)) {
      copyFileSync(from, join(o.fixtureDir, f));
      written.push(f);
    } else missing.push(f);
  }
  for (const f of ['trace.dat', 'perf.data']) {
    const from = join(o.workDir, f);
    if (existsSync(from) && statSync(from).size < BINARY_LIMIT) {
      copyFileSync(from, join(o.fixtureDir, f));
      written.push(f);
    }
  }
  const metaFile = join(o.workDir, 'meta.txt');
  const meta = existsSync(metaFile) ? readFileSync(metaFile, 'utf8') : '';
  const g = r.value;
  const run = runJsonFromMeta(meta, {
    recordedWith: o.commandLine,
    sections: o.sections,
    guest: { accel: g.run.accel, durationS: g.run.durationS, completed: g.run.completed, scriptStatus: g.scriptStatus, machine: NVDIMM_MACHINE },
  });
  writeFileSync(join(o.fixtureDir, 'run.json'), `${JSON.stringify(run, null, 2)}\n`);
  written.push('run.json');
  return { ok: true, value: { guest: g, written, missing } };
}
