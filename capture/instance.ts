/**
 * The tracing a capture sets up and takes down again: its own tracefs instance
 * (`instances/memhp-PID`), kprobe definitions in groups of its own (kprobe events are global; they
 * are enabled only in the instance), and nothing written to the top-level buffer's settings.
 * What was set up is noted as it happens, so that a teardown after a failure half-way removes
 * exactly what exists.
 */
import { reasonOf, type Tracefs } from './tracefs.js';

/** A probe line the kernel refused, with the system's reason. */
export interface RefusedProbe {
  readonly line: string;
  readonly reason: string;
}

/** What a capture has set up so far (mutated by setUp, read by tearDown). */
export interface InstanceState {
  /** `instances/NAME`, relative to the tracefs root. */
  readonly dir: string;
  made: boolean;
  /** `group/event` of every definition written and accepted, in order. */
  readonly defined: string[];
  /** Enable files (relative to the instance) set to 1. */
  readonly enabled: string[];
  readonly refused: RefusedProbe[];
}

/** The state of a capture that has set up nothing yet, for instance `name`. */
export function newInstance(name: string): InstanceState {
  return { dir: `instances/${name}`, made: false, defined: [], enabled: [], refused: [] };
}

/** `p:group/event SYM …` → `group/event` (null for a line that defines no event). */
export function eventOf(line: string): string | null {
  const m = /^[pr]\d*:([A-Za-z_]\w*\/[A-Za-z_]\w*)\s/.exec(line);
  return m?.[1] ?? null;
}

/** Create the instance directory (throws the system's error: EEXIST when a capture of this pid is still there, EACCES without root). */
export function makeInstance(fs: Tracefs, st: InstanceState): void {
  fs.mkdir(st.dir);
  st.made = true;
}

/** In the instance made: define the probes (a refused line is noted, not fatal), enable their groups and printk:console in the instance only. */
export function setUp(fs: Tracefs, st: InstanceState, probes: readonly string[], bufferKb: number | undefined, progress: (text: string) => void): void {
  progress(`instance ${fs.root}/${st.dir}`);
  fs.write(`${st.dir}/tracing_on`, '0\n');
  if (bufferKb !== undefined) fs.write(`${st.dir}/buffer_size_kb`, `${bufferKb}\n`);
  for (const line of probes) {
    const ev = eventOf(line);
    if (ev === null) continue;
    try {
      fs.append('kprobe_events', `${line}\n`);
      st.defined.push(ev);
    } catch (e) {
      st.refused.push({ line, reason: reasonOf(e) });
    }
  }
  progress(`probes: ${st.defined.length} defined, ${st.refused.length} refused`);
  const groups = [...new Set(st.defined.map((e) => e.split('/')[0] ?? ''))];
  for (const g of groups) enable(fs, st, `events/${g}/enable`, true);
  // WARN splats and driver messages: optional (a kernel without the event still records the probes).
  enable(fs, st, 'events/printk/console/enable', false);
  fs.write(`${st.dir}/tracing_on`, '1\n');
}

/** Stop recording into the instance (its buffer stays readable). */
export function stop(fs: Tracefs, st: InstanceState): void {
  if (st.made) fs.write(`${st.dir}/tracing_on`, '0\n');
}

/** Disable, remove the instance, remove the definitions; every step is tried, whatever failed before. Returns what could not be undone. */
export function tearDown(fs: Tracefs, st: InstanceState): string[] {
  const problems: string[] = [];
  const attempt = (what: string, f: () => void): void => {
    try {
      f();
    } catch (e) {
      problems.push(`${what}: ${reasonOf(e)}`);
    }
  };
  if (st.made) {
    attempt(`${st.dir}/tracing_on`, () => fs.write(`${st.dir}/tracing_on`, '0\n'));
    for (const f of st.enabled.splice(0).reverse()) attempt(`${st.dir}/${f}`, () => fs.write(`${st.dir}/${f}`, '0\n'));
    attempt(`rmdir ${st.dir}`, () => fs.rmdir(st.dir));
    if (!problems.some((p) => p.startsWith('rmdir'))) st.made = false;
  }
  const left: string[] = [];
  for (const ev of st.defined.splice(0).reverse()) {
    try {
      fs.append('kprobe_events', `-:${ev}\n`);
    } catch (e) {
      left.push(ev);
      problems.push(`kprobe_events -:${ev}: ${reasonOf(e)}`);
    }
  }
  for (const ev of left.reverse()) st.defined.push(ev);
  return problems;
}

// --- internal ---

/** Set an enable file of the instance; `required`: throw when it fails, else skip it. */
function enable(fs: Tracefs, st: InstanceState, file: string, required: boolean): void {
  try {
    fs.write(`${st.dir}/${file}`, '1\n');
    st.enabled.push(file);
  } catch (e) {
    if (required) throw e;
  }
}
