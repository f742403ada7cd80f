/**
 * One line of `trace-cmd report` or `perf script` output → the same records as a tracefs line
 * (inputs/trace/line.ts parseEvent reads the event part of all three):
 *   - trace-cmd report (tracecmd/trace-read.c trace_show_data(), 3.1.6): `%16s-%-5d [%03d]` (no
 *     flags column), ` %6.1000d:` (`-t`: nine digits), `--ts-diff`'s ` %-8s` `(+DELTA)`, then
 *     print_event_name()'s ` NAME: ` padded with spaces to 20 columns; with `-l` the latency form
 *     `%8.8s-%-5d %3d` + the latency flags; its notes (`cpus=2`, `version = 6`, `CPU 0 is empty`)
 *     and `CPU:%d [%lld EVENTS DROPPED]`;
 *   - perf script (tools/perf/builtin-script.c perf_sample__fprintf_start(), 6.1; the default
 *     fields of a tracepoint are `-F comm,tid,cpu,time,event,trace`): `%16s %7d` (or
 *     `%7d/%-7d` with pid and tid) `[%03d] %12s: `, the event `%*s: ` as GROUP:NAME (right-aligned),
 *     then the event's text; `--show-lost-events`' PERF_RECORD_LOST lines.
 */
import type { SourceLoc } from '../../kernel/operation.js';
import { parseEvent, parseLost, scanHeader, TRACE_CMD_NOTE_RE, type LineResult } from './line.js';
import type { TraceHeader } from './types.js';

const SKIP: LineResult = { kind: 'skip' };
const UNKNOWN: LineResult = { kind: 'unknown' };

/** trace-cmd's print_event_name(): names shorter than this are padded with spaces to it. */
const TRACE_CMD_NAME_WIDTH = 20;
/** `--ts-diff`: `(+N)` after the time stamp (N in the clock's unit; empty on the first line). */
const TS_DIFF_RE = /^\s*(?:\(\+\d+(?:\.\d+)?\)\s)?\s*/;
/** After `%8.8s-` in `-l`: `%-5d %3d` (pid, cpu), the latency flags, ` %6.1000d:` (or a counter clock's integer). */
const TRACE_CMD_LAT_RE = /^(\d+) +(\d+) ?([^\s\d]\S*) +(\d+(?:\.\d+)?): /;

/** Parse one line of `trace-cmd report` output. */
export function parseTraceCmdLine(text: string, source: SourceLoc): LineResult {
  const t = text.trim();
  if (t === '' || TRACE_CMD_NOTE_RE.test(t)) return SKIP;
  const lost = parseLost(t, source);
  if (lost !== null) return lost;
  const h = scanHeader(text) ?? scanTraceCmdLatency(text);
  if (h === null) return UNKNOWN;
  return parseEvent(cookRaw(unpadTraceCmdName(h.body)), h.header, source);
}

/**
 * `-R` (tep's raw fields, ` NAME=VALUE` each): a kprobe's `__probe_ip=ADDR …`, a kretprobe's
 * `__probe_func=F __probe_ret_ip=R …` (the event format prints them `(%lx)` / `(%lx <- %lx)` with F
 * first), an ftrace:print's `ip=SYMBOL buf=TEXT`; string fields unquoted.
 */
const RAW_ENTRY_RE = /^([^\s:]+): +__probe_ip=(?:0x)?([0-9a-fA-F]+)(?: (.*))?$/s;
const RAW_RETURN_RE = /^([^\s:]+): +__probe_func=(?:0x)?([0-9a-fA-F]+) __probe_ret_ip=(?:0x)?([0-9a-fA-F]+)(?: (.*))?$/s;
const RAW_PRINT_RE = /^print: +ip=\S+ buf=(.*)$/s;
/** Where the next raw field starts: a space, then `NAME=`. */
const RAW_FIELD_START = / (?=[A-Za-z_][\w.[\]-]*=)/;

/** A `trace-cmd report -R` event part as the printed form reads it (`NAME: (ADDR) key=value …`); other event parts as they are. */
export function cookRaw(event: string): string {
  const e = RAW_ENTRY_RE.exec(event);
  if (e !== null) return `${e[1]}: (${e[2]})${rawFields(e[3])}`;
  const r = RAW_RETURN_RE.exec(event);
  if (r !== null) return `${r[1]}: (${r[2]} <- ${r[3]})${rawFields(r[4])}`;
  const p = RAW_PRINT_RE.exec(event);
  if (p !== null) return `tracing_mark_write: ${p[1]}`;
  return event;
}

/** Raw fields as the event format prints them: a string holding spaces (`name=System RAM (kmem)`) quoted. */
function rawFields(text: string | undefined): string {
  if (text === undefined || text === '') return '';
  const fields = text.split(RAW_FIELD_START).map((f) => {
    const eq = f.indexOf('=');
    const value = f.slice(eq + 1);
    return /\s/.test(value) && !value.includes('"') ? `${f.slice(0, eq + 1)}"${value}"` : f;
  });
  return ` ${fields.join(' ')}`;
}

/** The event part of a trace-cmd line without `--ts-diff`'s delta and print_event_name()'s padding: `NAME: INFO`. */
export function unpadTraceCmdName(body: string): string {
  const rest = body.slice(TS_DIFF_RE.exec(body)?.[0].length ?? 0);
  const colon = rest.indexOf(': ');
  if (colon <= 0) return rest;
  let pad = Math.max(0, TRACE_CMD_NAME_WIDTH - colon);
  let at = colon + 2;
  while (pad > 0 && rest[at] === ' ') {
    at++;
    pad--;
  }
  return `${rest.slice(0, colon + 2)}${rest.slice(at)}`;
}

/** trace-cmd report -l: `%8.8s-%-5d %3d` + flags + time (the comm right-aligned in 8 columns, cut to 8); null for other lines. */
export function scanTraceCmdLatency(text: string): { header: TraceHeader; body: string } | null {
  if (text.length < 10 || text[8] !== '-') return null;
  const rest = text.slice(9);
  const m = TRACE_CMD_LAT_RE.exec(rest);
  if (m === null) return null;
  const header: TraceHeader = { task: text.slice(0, 8).trim(), pid: Number(m[1]), cpu: Number(m[2]), flags: m[3] ?? '', timestamp: Number(m[4]) };
  return { header, body: rest.slice(m[0].length) };
}

/** perf script: `[CPU] SECONDS.FRACTION: ` after the comm and tid columns. */
const PERF_CPU_TIME_RE = /\[(\d+)\] +(\d+\.\d+): +/;
/** The tid, or `pid/tid`, ending the columns before `[CPU]` (the comm before it may hold spaces). */
const PERF_TID_RE = /(?:^|\s)(\d+)(?:\/(\d+))?$/;
/** perf's GROUP:NAME event (`probe:__add_pages`, `lab:secstate0`): the group is dropped. */
const PERF_GROUP_RE = /^[A-Za-z_][\w-]*:(?=[^\s:]+: )/;
/**
 * `perf script --show-lost-events`: `PERF_RECORD_LOST lost N` (also PERF_RECORD_LOST_SAMPLES); perf's
 * summary `Processed N events and lost M chunks!` (chunks of the ring buffer: how many events, it cannot tell).
 */
const PERF_LOST_RE = /^(?:.*\bPERF_RECORD_LOST(?:_SAMPLES)?\b\D*(\d+)?.*|.*Processed \d+ events and lost \d+ chunks!.*)$/;

/** Parse one line of `perf script` output. */
export function parsePerfLine(text: string, source: SourceLoc): LineResult {
  const t = text.trim();
  if (t === '') return SKIP;
  const lost = PERF_LOST_RE.exec(t);
  if (lost !== null) {
    const n = lost[1];
    return { kind: 'record', record: { kind: 'lost', source, count: n === undefined ? null : Number(n) } };
  }
  const h = scanPerfHeader(text);
  if (h === null) return UNKNOWN;
  return parseEvent(h.body.replace(PERF_GROUP_RE, ''), h.header, source);
}

/** The header columns of a perf script line and the rest (`GROUP:NAME: TEXT`), or null. */
export function scanPerfHeader(text: string): { header: TraceHeader; body: string } | null {
  const m = PERF_CPU_TIME_RE.exec(text);
  if (m === null) return null;
  const before = text.slice(0, m.index);
  if (!/\s$/.test(before)) return null;
  const ids = PERF_TID_RE.exec(before.trimEnd());
  if (ids === null) return null;
  const task = before.slice(0, ids.index).trim();
  if (task === '') return null;
  const header: TraceHeader = {
    task,
    pid: Number(ids[2] ?? ids[1]),
    cpu: Number(m[1]),
    flags: '',
    timestamp: Number(m[2]),
  };
  return { header, body: text.slice(m.index + m[0].length) };
}
