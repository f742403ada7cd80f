/**
 * `memhp capture`'s recorder (prints nothing, never exits): set up its own tracefs instance and
 * probes (capture/instance.ts), take a section snapshot, run the user's COMMAND — or wait until the
 * caller's AbortSignal fires (SIGINT/SIGTERM) —, take a snapshot after, and write the run directory
 * in the trace-directory layout (trace.txt, iomem-before.txt, kprobes.txt, run.json). Whatever
 * happens, the instance and the definitions are removed before it returns.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { constants, release } from 'node:os';
import { join, resolve } from 'node:path';
import { GUEST_GEOMETRY } from '../verify/guest_geometry.js';
import { makeInstance, newInstance, setUp, stop, tearDown, type InstanceState, type RefusedProbe } from './instance.js';
import { openTracefs, reasonOf, type Tracefs } from './tracefs.js';

/** What to record and where. */
export interface CaptureOptions {
  /** The tracefs root (/sys/kernel/tracing, or a plain directory standing in for it). */
  readonly tracefs: string;
  /** The run directory to write (created; must be empty when it exists). */
  readonly out: string;
  /** The instance's directory name (`memhp-PID`). */
  readonly instance: string;
  /** The kprobe_events lines, their groups already unique to this run. */
  readonly probes: readonly string[];
  /** The sections the secstate probes snapshot, and sections per mem_section root. */
  readonly sections: readonly number[];
  readonly spr: number;
  /** buffer_size_kb of the instance (per CPU); the kernel's default when undefined. */
  readonly bufferKb?: number;
  /** The command to run (argv), or null to record until the signal. */
  readonly command: readonly string[] | null;
  /** Where the probes' offsets came from (a BTF file), for run.json. */
  readonly btf: string;
  /** Remarks of the probe generator (arguments left out), for run.json. */
  readonly notes: readonly string[];
  /** Where /proc is (iomem, version, cmdline); default /proc. */
  readonly proc?: string;
}

/** How a capture reports and is stopped. */
export interface CaptureHooks {
  /** One line of progress. */
  readonly progress: (text: string) => void;
  /** Fires on SIGINT/SIGTERM; its reason is the signal name. */
  readonly signal: AbortSignal;
}

/** What a capture did. */
export interface CaptureResult {
  /** The run directory, or null when a signal came before the recording began (nothing written). */
  readonly dir: string | null;
  /** The command's exit status (128+N when a signal ended it; 127 when it could not be started); null without a command. */
  readonly exit: number | null;
  /** The signal that ended the recording, if one did. */
  readonly signal: string | null;
  readonly defined: number;
  readonly refused: readonly RefusedProbe[];
  /** Lines of trace.txt. */
  readonly traceLines: number;
  /** Events the ring buffer dropped or overwrote (0 when none). */
  readonly lostEvents: number;
  /** What could not be undone at the end (empty: nothing left behind). */
  readonly leftBehind: readonly string[];
}

/** A capture that failed: why, and what could not be undone. */
export interface CaptureFailure {
  readonly code: 'E_ENV' | 'E_IO' | 'E_USAGE';
  readonly message: string;
  readonly hint?: string;
  readonly leftBehind: readonly string[];
}

/** The default run directory name for a capture started at `now`: memhp-capture-YYYYMMDD-HHMMSS (local time). */
export function defaultCaptureDir(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `memhp-capture-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

/** Record; every path out of it (success, failure, signal) has removed what it set up. */
export async function capture(opts: CaptureOptions, hooks: CaptureHooks): Promise<{ ok: true; value: CaptureResult } | { ok: false; error: CaptureFailure }> {
  const proc = opts.proc ?? '/proc';
  const fs = openTracefs(opts.tracefs);
  if (!fs.exists('kprobe_events') || !fs.exists('instances')) {
    const what = fs.exists('instances') ? 'kprobe_events' : 'instances/';
    return fail('E_ENV', `${opts.tracefs} has no ${what}: not a tracefs with kprobe events`, 'mount it (mount -t tracefs nodev /sys/kernel/tracing) on a kernel built with CONFIG_KPROBE_EVENTS, or give --tracefs DIR');
  }
  const made = prepareOut(opts.out);
  if (made !== null) return fail(made.code, made.message);
  const st = newInstance(opts.instance);
  const started = new Date();
  let result: CaptureResult | null = null;
  let failure: { code: CaptureFailure['code']; message: string; hint?: string } | null = null;
  try {
    result = await record(fs, st, opts, hooks, proc, started);
  } catch (e) {
    failure = e instanceof StepError && e.step.startsWith('mkdir')
      ? { code: 'E_ENV', message: `cannot create the tracefs instance ${opts.tracefs}/${st.dir}: ${reasonOf(e.cause)}`, hint: 'capture needs root; an instance of this pid left by a capture killed with SIGKILL: rmdir it' }
      : { code: e instanceof StepError && e.step === 'kprobe_events' ? 'E_ENV' : 'E_IO', message: `capture stopped: ${e instanceof StepError ? e.message : reasonOf(e)}` };
  }
  const left = tearDown(fs, st);
  hooks.progress(left.length === 0 ? 'cleaned up: instance and probes removed' : `NOT cleaned up: ${left.join('; ')}`);
  // Nothing recorded (a signal before the recording began, or a failure): no empty run directory either.
  if (result === null || result.dir === null) removeIfEmpty(opts.out);
  if (failure !== null || result === null) {
    const f = failure ?? { code: 'E_IO' as const, message: 'capture ended without a result' };
    return { ok: false, error: { ...f, message: left.length > 0 ? `${f.message}; left behind: ${left.join('; ')}` : f.message, leftBehind: left } };
  }
  return { ok: true, value: { ...result, leftBehind: left } };

  function fail(code: CaptureFailure['code'], message: string, hint?: string): { ok: false; error: CaptureFailure } {
    return { ok: false, error: { code, message, ...(hint === undefined ? {} : { hint }), leftBehind: [] } };
  }
}

// --- internal ---

/** A failure with the step it happened in. */
class StepError extends Error {
  constructor(
    readonly step: string,
    override readonly cause: unknown,
  ) {
    super(`${step}: ${reasonOf(cause)}`);
  }
}

/** Run `f`, naming `step` when it throws. */
function step<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new StepError(name, e);
  }
}

/** The recording itself (the caller tears down). */
async function record(fs: Tracefs, st: InstanceState, opts: CaptureOptions, hooks: CaptureHooks, proc: string, started: Date): Promise<CaptureResult> {
  const early = (): CaptureResult => ({ dir: null, exit: null, signal: String(hooks.signal.reason), defined: st.defined.length, refused: st.refused, traceLines: 0, lostEvents: 0, leftBehind: [] });
  if (hooks.signal.aborted) return early();
  step(`mkdir ${st.dir}`, () => makeInstance(fs, st));
  step('set-up', () => setUp(fs, st, opts.probes, opts.bufferKb, hooks.progress));
  if (st.defined.length === 0) throw new StepError('kprobe_events', new Error(`the kernel refused every probe (${st.refused[0]?.reason ?? 'none given'})`));
  const marker = (text: string): void => step('trace_marker', () => fs.append(`${st.dir}/trace_marker`, `${text}\n`));
  const iomem = step(`${proc}/iomem`, () => readFileSync(join(proc, 'iomem'), 'utf8'));
  step('iomem-before.txt', () => writeFileSync(join(opts.out, 'iomem-before.txt'), iomem));
  if (opts.sections.length > 0) marker(`LAB_SECSTATE_SECTIONS ${opts.sections.join(' ')} spr=${opts.spr}`);
  snapshot(marker, 'before', iomem, opts.sections, hooks);
  if (hooks.signal.aborted) return early();
  let exit: number | null = null;
  if (opts.command !== null) {
    marker(`LAB_STEP capture: ${opts.command.join(' ')}`);
    marker(`LAB_CMD ${opts.command.join(' ')}`);
    hooks.progress(`running ${opts.command.join(' ')}`);
    exit = await runCommand(opts.command, hooks.signal, { MEMHP_CAPTURE_INSTANCE: resolve(fs.root, st.dir), MEMHP_CAPTURE_DIR: resolve(opts.out) });
    marker(`LAB_RC ${exit}`);
  } else {
    marker('LAB_STEP capture: recording until SIGINT/SIGTERM');
    hooks.progress('recording: press Ctrl-C (or send SIGTERM) to stop');
    await aborted(hooks.signal);
  }
  const after = step(`${proc}/iomem`, () => readFileSync(join(proc, 'iomem'), 'utf8'));
  snapshot(marker, 'after', after, opts.sections, hooks);
  step('tracing_on', () => stop(fs, st));
  const trace = step(`${st.dir}/trace`, () => fs.read(`${st.dir}/trace`));
  const kprobes = step('kprobe_events', () => fs.read('kprobe_events'));
  const ours = new Set(st.defined);
  const mine = kprobes.split('\n').filter((l) => {
    const m = /^[pr-]\d*:(\S+)/.exec(l);
    return m?.[1] !== undefined && ours.has(m[1]);
  });
  const lostEvents = lostOf(trace);
  const traceLines = trace === '' ? 0 : trace.split('\n').length - (trace.endsWith('\n') ? 1 : 0);
  step('trace.txt', () => writeFileSync(join(opts.out, 'trace.txt'), trace));
  step('kprobes.txt', () => writeFileSync(join(opts.out, 'kprobes.txt'), mine.map((l) => `${l}\n`).join('')));
  const signal = hooks.signal.aborted ? String(hooks.signal.reason) : null;
  const run = {
    capture: true,
    kernel_release: release(),
    kernel_version_banner: readOr(join(proc, 'version')).trim(),
    kernel_cmdline: readOr(join(proc, 'cmdline')).trim(),
    tracefs: resolve(fs.root),
    tracefs_real: fs.real,
    instance: st.dir,
    command: opts.command,
    exit,
    signal,
    started_utc: started.toISOString(),
    duration_s: Math.round((Date.now() - started.getTime()) / 100) / 10,
    btf: opts.btf,
    secstate_sections: opts.sections,
    spr: opts.spr,
    probes: st.defined.length === opts.probes.length ? opts.probes : opts.probes.filter((l) => !st.refused.some((r) => r.line === l)),
    refused: st.refused,
    notes: opts.notes,
    trace_lines: traceLines,
    lost_events: lostEvents,
  };
  step('run.json', () => writeFileSync(join(opts.out, 'run.json'), `${JSON.stringify(run, null, 1)}\n`));
  return { dir: opts.out, exit, signal, defined: st.defined.length, refused: st.refused, traceLines, lostEvents, leftBehind: [] };
}

/** LAB_SNAP_BEGIN, the IOMEM and MEMBLK lines, `sync` (fires the secstate probes on ksys_sync), LAB_SNAP_END. */
function snapshot(marker: (text: string) => void, label: string, iomem: string, sections: readonly number[], hooks: CaptureHooks): void {
  marker(`LAB_SNAP_BEGIN ${label}`);
  for (const l of iomem.split('\n')) if (l !== '') marker(`IOMEM ${label}|${l}`);
  for (const l of memblkLines(label, sections)) marker(l);
  const s = spawnSync('sync', [], { stdio: 'ignore' });
  if (s.error !== undefined) hooks.progress(`no section snapshot ${label}: cannot run sync: ${reasonOf(s.error)}`);
  marker(`LAB_SNAP_END ${label}`);
}

/** The MEMBLK lines of the watched sections' memory blocks (sysfs), as the guests write them. */
function memblkLines(label: string, sections: readonly number[]): string[] {
  const base = '/sys/devices/system/memory';
  const bs = readOr(join(base, 'block_size_bytes')).trim();
  if (!/^[0-9a-f]+$/i.test(bs) || sections.length === 0) return [];
  const spb = Math.max(1, Number(BigInt(`0x${bs}`) / BigInt(GUEST_GEOMETRY.SECTION_BYTES)));
  return sections.map((s) => {
    const b = Math.floor(s / spb);
    const d = join(base, `memory${b}`);
    const state = readOr(join(d, 'state')).trim();
    if (state === '') return `MEMBLK ${label} section=${s} block=${b} absent`;
    const zones = readOr(join(d, 'valid_zones')).trim().split(/\s+/).join(',');
    return `MEMBLK ${label} section=${s} block=${b} state=${state} online=${readOr(join(d, 'online')).trim()} zones=${zones} removable=${readOr(join(d, 'removable')).trim()}`;
  });
}

/** A file's text, or '' when it cannot be read. */
function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** Make the run directory; an error when it exists with files in it. */
function prepareOut(out: string): { code: 'E_USAGE' | 'E_IO'; message: string } | null {
  try {
    mkdirSync(out, { recursive: true });
    if (readdirSync(out).length > 0) return { code: 'E_USAGE', message: `${out} exists and is not empty: give a new directory with -o DIR` };
    return null;
  } catch (e) {
    return { code: 'E_IO', message: `cannot create ${out}: ${reasonOf(e)}` };
  }
}

/** Remove a directory if it is empty (best effort). */
function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // an output directory left is no tracing left behind
  }
}

/** Events lost: the `[LOST N EVENTS]` lines plus what overwriting dropped (entries-written minus entries-in-buffer). */
function lostOf(trace: string): number {
  let n = 0;
  for (const m of trace.matchAll(/\[LOST (\d+) EVENTS\]/g)) n += Number(m[1]);
  const h = /^# entries-in-buffer\/entries-written: (\d+)\/(\d+)/m.exec(trace);
  if (h !== null) n += Math.max(0, Number(h[2]) - Number(h[1]));
  return n;
}

/** Run the command with the terminal; a signal is passed on to it. Its exit status (128+N for a signal, 127 when it cannot start). */
function runCommand(argv: readonly string[], signal: AbortSignal, env: Record<string, string>): Promise<number> {
  return new Promise((done) => {
    const [cmd = '', ...args] = argv;
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
    const pass = (): void => {
      child.kill(String(signal.reason) as NodeJS.Signals);
    };
    if (signal.aborted) pass();
    else signal.addEventListener('abort', pass, { once: true });
    child.on('error', () => {
      signal.removeEventListener('abort', pass);
      done(127);
    });
    child.on('exit', (code, sig) => {
      signal.removeEventListener('abort', pass);
      done(code ?? 128 + (sig === null ? 0 : signalNumber(sig)));
    });
  });
}

/** The number of a signal name (SIGINT → 2). */
function signalNumber(sig: NodeJS.Signals): number {
  return constants.signals[sig] ?? 0;
}

/** Resolves when the signal fires; a timer keeps the process alive meanwhile (signal listeners do not). */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((done) => {
    if (signal.aborted) return done();
    const alive = setInterval(() => undefined, 1 << 30);
    signal.addEventListener(
      'abort',
      () => {
        clearInterval(alive);
        done();
      },
      { once: true },
    );
  });
}
