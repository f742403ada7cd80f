/**
 * A log as Chrome trace-event JSON (the JSON format Perfetto, chrome://tracing and the DevTools
 * Performance panel open), for `memhp export --format perfetto`. No I/O: the events as data, and
 * the file's lines, byte-identical for the same log.
 *
 * Time is the step number: step n runs from n·STEP_US to (n+1)·STEP_US µs (a model has no clock).
 * Process 1 "memhp …" holds the "kernel calls" thread (one slice per step named for its
 * operation, the call path nested under it, WARNs, hazards and failed expectations as instants)
 * and the counter `present` with the series `sections` (Perfetto names the track "present
 * sections"). Process 2 "mem_section" holds one thread per section an operation touched (tid =
 * section + 2: Perfetto names a thread by its tid alone, so no tid is used twice, and takes tid 0
 * for the idle thread), whose slices are its machine states (` online` after the name while
 * SECTION_IS_ONLINE is set): a state starts where the step that set it ends and lasts until the
 * step that changes it ends, the states after the last step for one step's width past it.
 */
import { formatRet } from '../kernel/errno.js';
import { describeProfile } from '../kernel/profile.js';
import { SECTION_IS_ONLINE, type SectionEffect, type SectionStateValue } from '../kernel/types.js';
import { parseLine } from '../inputs/trace/line.js';
import { operationLine } from '../inputs/trace/scenario_text.js';
import { getSection, listSections } from '../model/model.js';
import { LogCursor, type HotplugLog } from '../log/log.js';
import type { LogStep } from '../log/types.js';
import { hazardLine, warningLine } from './render.js';

/** Microseconds per step on the exported timeline (1 ms: a step reads as one millisecond). */
export const STEP_US = 1000;

/** The process of the kernel calls and the counter. */
export const CALLS_PID = 1;
/** The thread of the kernel calls. */
export const CALLS_TID = 1;
/** The process holding one thread per touched section. */
export const SECTIONS_PID = 2;
/** The name of the kernel calls' thread. */
export const CALLS_TRACK = 'kernel calls';
/** The counter of present sections: its event name and its one series (Perfetto's track is `present sections`). */
export const PRESENT_COUNTER = 'present';
/** The series of PRESENT_COUNTER. */
export const PRESENT_SERIES = 'sections';

/** One trace event (the fields of the Trace Event Format memhp writes). */
export interface TraceEvent {
  readonly name: string;
  readonly ph: 'X' | 'i' | 'C' | 'M';
  readonly pid: number;
  readonly tid: number;
  readonly ts: number;
  readonly cat?: string;
  readonly dur?: number;
  /** Instant scope: `t` the thread. */
  readonly s?: 't';
  readonly args?: Readonly<Record<string, string | number | boolean | null>>;
}

/** What the file says about itself besides its events (`otherData`). */
export interface PerfettoMeta {
  /** The input's name as the user gave it. */
  readonly input: string;
  readonly memhpVersion: string;
  /** For a recorded trace: each step's ftrace timestamp in seconds (traceTimestamps), kept as the step slice's `trace_ts` arg. */
  readonly traceTimes?: ReadonlyMap<number, number>;
}

/** One run of a section in one machine state and online state: the state after steps `from` … `to` (`to` is the last step, or the step before the one that changed it). */
export interface StateRun {
  readonly nr: number;
  readonly state: SectionStateValue;
  /** SECTION_IS_ONLINE (online_mem_sections / offline_mem_sections). */
  readonly online: boolean;
  readonly from: number;
  readonly to: number;
}

/** The thread id of section `nr`: past CALLS_TID, since Perfetto names a thread by its tid alone (and tid 0 is its idle thread). */
export function sectionTid(nr: number): number {
  return nr + CALLS_TID + 1;
}

/** The sections an operation touched (step 0, boot, excluded), ascending. */
export function touchedSections(log: HotplugLog): number[] {
  const seen = new Set<number>();
  for (const s of log.walk(1)) for (const e of s.outcome.sections) seen.add(e.nr);
  return [...seen].sort((a, b) => a - b);
}

/** A state slice's name: the machine state, ` online` after it while SECTION_IS_ONLINE is set. */
export function stateSliceName(state: SectionStateValue, online: boolean): string {
  return online ? `${state} online` : state;
}

/** Each touched section's machine and online states over the log (one forward walk of its patches), as runs in step order, by ascending section. */
export function stateRuns(log: HotplugLog): StateRun[] {
  const touched = touchedSections(log);
  const cursor = new LogCursor(log, 0);
  const now = (nr: number): { state: SectionStateValue; online: boolean } => {
    const ms = getSection(log.profile, cursor.state, nr);
    return { state: ms?.machine ?? 'absent.never', online: ((ms?.flags ?? 0) & SECTION_IS_ONLINE) !== 0 };
  };
  const open = new Map<number, { state: SectionStateValue; online: boolean; from: number }>();
  for (const nr of touched) open.set(nr, { ...now(nr), from: 0 });
  const runs = new Map<number, StateRun[]>(touched.map((nr) => [nr, []]));
  while (cursor.stepForward()) {
    const seq = cursor.index;
    for (const e of log.step(seq).outcome.sections) {
      const cur = open.get(e.nr);
      const next = now(e.nr);
      if (!cur || (cur.state === next.state && cur.online === next.online)) continue;
      runs.get(e.nr)?.push({ nr: e.nr, state: cur.state, online: cur.online, from: cur.from, to: seq - 1 });
      open.set(e.nr, { ...next, from: seq });
    }
  }
  const last = log.length - 1;
  const out: StateRun[] = [];
  for (const nr of touched) {
    const cur = open.get(nr);
    for (const r of runs.get(nr) ?? []) out.push(r);
    if (cur) out.push({ nr, state: cur.state, online: cur.online, from: cur.from, to: last });
  }
  return out;
}

/** Whether a machine state has SECTION_MARKED_PRESENT (every state but the absent ones). */
export function isPresentState(s: SectionStateValue): boolean {
  return !s.startsWith('absent');
}

/** The number of present sections after each step (index = step). */
export function presentCounts(log: HotplugLog): number[] {
  let n = listSections(log.stateAt(0)).filter((ms) => isPresentState(ms.machine)).length;
  const out = [n];
  for (const s of log.walk(1)) {
    for (const e of s.outcome.sections) n += Number(isPresentState(e.after)) - Number(isPresentState(e.before));
    out.push(n);
  }
  return out;
}

/** A step's slice name: its operation with its arguments as a scenario line (`boot` for step 0). */
export function stepSliceName(s: LogStep): string {
  return s.op === null ? 'boot' : operationLine(s.op);
}

/** The call path's functions, outermost first, each with what it decided (`add_pages → … → section_activate: -EEXIST`). */
export function pathFrames(path: string): Array<{ name: string; result: string | null }> {
  if (path === '') return [];
  return path.split(' → ').map((part) => {
    const i = part.indexOf(': ');
    return i < 0 ? { name: part, result: null } : { name: part.slice(0, i), result: part.slice(i + 2) };
  });
}

/** Each step's timestamp in a recorded trace (seconds, as ftrace printed it), read from its source line in `text`, the text of the trace file `file`; steps read from elsewhere are left out. */
export function traceTimestamps(steps: Iterable<LogStep>, file: string, text: string): Map<number, number> {
  const lines = text.split('\n');
  const out = new Map<number, number>();
  for (const s of steps) {
    if (s.seq === 0 || s.source.file !== file) continue;
    const r = parseLine(lines[s.source.line - 1] ?? '', s.source);
    if (r.kind === 'record' && 'header' in r.record) out.set(s.seq, r.record.header.timestamp);
  }
  return out;
}

/** Every event of the export, in file order: metadata, then each step's slices and instants with the counter, then the sections' state slices. */
export function* perfettoEvents(log: HotplugLog, meta: PerfettoMeta): Generator<TraceEvent> {
  // A process's own metadata on tid = pid, as a consumer takes an event without tid (tid 0 is Perfetto's idle thread).
  yield { name: 'process_name', ph: 'M', pid: CALLS_PID, tid: CALLS_PID, ts: 0, args: { name: `memhp ${meta.input}` } };
  yield { name: 'process_sort_index', ph: 'M', pid: CALLS_PID, tid: CALLS_PID, ts: 0, args: { sort_index: 0 } };
  yield { name: 'thread_name', ph: 'M', pid: CALLS_PID, tid: CALLS_TID, ts: 0, args: { name: CALLS_TRACK } };
  yield { name: 'process_name', ph: 'M', pid: SECTIONS_PID, tid: SECTIONS_PID, ts: 0, args: { name: 'mem_section' } };
  yield { name: 'process_sort_index', ph: 'M', pid: SECTIONS_PID, tid: SECTIONS_PID, ts: 0, args: { sort_index: 1 } };
  const touched = touchedSections(log);
  for (const nr of touched) {
    yield { name: 'thread_name', ph: 'M', pid: SECTIONS_PID, tid: sectionTid(nr), ts: 0, args: { name: `section ${nr}` } };
    yield { name: 'thread_sort_index', ph: 'M', pid: SECTIONS_PID, tid: sectionTid(nr), ts: 0, args: { sort_index: nr } };
  }
  const counts = presentCounts(log);
  for (const s of log.walk()) {
    for (const e of stepEvents(s, meta.traceTimes?.get(s.seq))) yield e;
    const n = counts[s.seq] ?? 0;
    if (s.seq === 0 || n !== counts[s.seq - 1]) yield { name: PRESENT_COUNTER, ph: 'C', pid: CALLS_PID, tid: CALLS_TID, ts: (s.seq + 1) * STEP_US, args: { [PRESENT_SERIES]: n } };
  }
  for (const r of stateRuns(log)) {
    yield {
      name: stateSliceName(r.state, r.online),
      cat: r.state.split('.')[0] ?? r.state,
      ph: 'X',
      pid: SECTIONS_PID,
      tid: sectionTid(r.nr),
      ts: (r.from + 1) * STEP_US,
      dur: (r.to + 1 - r.from) * STEP_US,
      args: { section: r.nr, state: r.state, online: r.online, from_step: r.from, to_step: r.to },
    };
  }
}

/** The export file's lines (join with '\n', end with one): one event a line, so two exports diff line by line. */
export function* perfettoLines(log: HotplugLog, meta: PerfettoMeta): Generator<string> {
  yield '{"traceEvents":[';
  let prev: string | null = null;
  for (const e of perfettoEvents(log, meta)) {
    if (prev !== null) yield `${prev},`;
    prev = eventJson(e);
  }
  if (prev !== null) yield prev;
  const other = { memhp: meta.memhpVersion, input: meta.input, profile: describeProfile(log.profile), steps: log.length, step_us: STEP_US };
  // No displayTimeUnit: Perfetto reads "ms" there as the unit of every ts (the format says µs, and µs is what every consumer takes without it).
  yield `],"otherData":${JSON.stringify(other)}}`;
}

/** The sections a step left, runs of consecutive sections in one state collapsed: `64-95 full-hotplug, 96 early.grown`. */
export function sectionsText(effects: readonly SectionEffect[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < effects.length) {
    const first = effects[i];
    if (!first) break;
    let j = i;
    while (j + 1 < effects.length && effects[j + 1]?.after === first.after && effects[j + 1]?.nr === (effects[j]?.nr ?? 0) + 1) j++;
    const lastNr = effects[j]?.nr ?? first.nr;
    out.push(`${lastNr === first.nr ? first.nr : `${first.nr}-${lastNr}`} ${first.after}`);
    i = j + 1;
  }
  return out.join(', ');
}

// --- internal ---

/**
 * One event as JSON, `ph` and `ts` first: older Perfetto tokenizers read the keys before `ts`
 * with a string reader that refuses `\u` escapes, so nothing a name could hold comes before it.
 */
function eventJson(e: TraceEvent): string {
  return JSON.stringify({ ph: e.ph, ts: e.ts, pid: e.pid, tid: e.tid, name: e.name, cat: e.cat, dur: e.dur, s: e.s, args: e.args });
}

/** One step's events on the kernel calls thread: its slice, its call path nested inside, its instants. */
function* stepEvents(s: LogStep, traceTs: number | undefined): Generator<TraceEvent> {
  const ts = s.seq * STEP_US;
  const o = s.outcome;
  const sections = sectionsText(o.sections);
  yield {
    name: stepSliceName(s),
    cat: 'step',
    ph: 'X',
    pid: CALLS_PID,
    tid: CALLS_TID,
    ts,
    dur: STEP_US,
    args: { step: s.seq, source: `${s.source.file}:${s.source.line}`, ...(traceTs === undefined ? {} : { trace_ts: traceTs }), input: s.text, ret: formatRet(o.ret), value: o.value, path: o.path, sections },
  };
  // Each frame of the call path strictly inside its caller (1 µs in on each side), so every consumer nests them the same way.
  const frames = pathFrames(o.path);
  for (let k = 0; k < frames.length; k++) {
    const f = frames[k];
    if (!f) continue;
    const depth = k + 1;
    yield { name: f.name, cat: 'call', ph: 'X', pid: CALLS_PID, tid: CALLS_TID, ts: ts + depth, dur: STEP_US - 2 * depth, args: { step: s.seq, result: f.result } };
  }
  const mid = ts + STEP_US / 2;
  for (const w of o.warnings) yield { name: `${w.kind} ${w.func}`, cat: 'warn', ph: 'i', s: 't', pid: CALLS_PID, tid: CALLS_TID, ts: mid, args: { step: s.seq, kind: w.kind, func: w.func, file: w.file, text: w.text, line: warningLine(w) } };
  for (const h of o.hazards) yield { name: `${h.kind.toUpperCase()}${h.bug ? ` ${h.bug}` : ''}`, cat: 'hazard', ph: 'i', s: 't', pid: CALLS_PID, tid: CALLS_TID, ts: mid, args: { step: s.seq, kind: h.kind, bug: h.bug, fixed_by: h.fixedBy, text: h.text, oops: h.oops?.line ?? null, line: hazardLine(h) } };
  for (const x of s.expects) if (!x.ok) yield { name: 'expect failed', cat: 'expect', ph: 'i', s: 't', pid: CALLS_PID, tid: CALLS_TID, ts: mid, args: { step: s.seq, source: `${x.source.file}:${x.source.line}`, expect: x.text, found: x.detail } };
}
