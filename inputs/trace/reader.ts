/**
 * The ftrace text reader: a whole trace.txt (or the trace embedded in a console.log) into a
 * TraceDocument — records in line order, WARN splats with their message text, LAB_SNAP snapshots
 * with their /proc/iomem resources (parsed by inputs/iomem.ts), MEMBLK lines and secstate, and
 * the unknown lines. A malformed line of a known kind, or a last line cut short, is skipped and
 * listed with its file:line (never half-read); the rest of the trace is still read.
 */
import { parseIomemLines } from '../iomem.js';
import type { InputError, Result } from '../types.js';
import type { SourceLoc } from '../../kernel/operation.js';
import { traceLimitError } from './limits.js';
import { detectDialect, dialectLineParser } from './dialect.js';
import type { LineResult } from './line.js';
import type { Memblk, SecstateRecord, Snapshot, TraceDocument, TraceRecord, TraceWarning, UnknownLine, WarnRecord } from './types.js';
import { parseWarningLine } from './warning.js';

/** The line a lab console.log starts its trace with (and its END line ends it). */
export const LAB_TRACE_BEGIN = '=====LAB TRACE BEGIN=====';
const BEGIN = LAB_TRACE_BEGIN;
const END = '=====LAB TRACE END=====';
const CUT_HERE = /^-+\[ cut here \]-+$/;
/** At most this many message lines are collected between `cut here` and `WARNING:`. */
const MAX_WARN_TEXT_LINES = 8;

/** The trace text embedded in a console.log and the console line number of its first line. */
export interface EmbeddedTrace {
  readonly text: string;
  readonly firstLine: number;
}

/** Cut the trace out of a console.log (between the LAB TRACE BEGIN/END lines); null when absent. */
export function findTraceText(consoleLog: string): EmbeddedTrace | null {
  const lines = consoleLog.split(/\r?\n/);
  const begin = lines.findIndex((l) => l.trim() === BEGIN);
  if (begin < 0) return null;
  const end = lines.findIndex((l, i) => i > begin && l.trim() === END);
  // Without the END line the console was cut short, and so may be its last line.
  const body = lines.slice(begin + 1, end < 0 ? lines.length : end);
  return { text: end < 0 ? body.join('\n') : `${body.join('\n')}\n`, firstLine: begin + 2 };
}

interface SnapBuilder {
  label: string;
  begin: SourceLoc | null;
  end: SourceLoc | null;
  iomem: { text: string; line: number }[];
  memblocks: Memblk[];
  secstate: SecstateRecord | null;
}

/** Read ftrace text; `firstLine` is the line number of the text's first line within `file`. */
export function readTrace(text: string, file: string, firstLine = 1): Result<TraceDocument> {
  const limit = traceLimitError(text, file, firstLine);
  if (limit !== null) return { ok: false, errors: [limit] };
  const lines = text.split(/\r?\n/);
  // ftrace ends every line with a newline: a last line without one was cut short (a truncated copy).
  const cut = lines.length > 0 && (lines[lines.length - 1] ?? '') !== '' ? lines.length - 1 : -1;
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const input: NumberedLine[] = lines.map((t, idx) => ({ text: t, line: firstLine + idx }));
  const errors: InputError[] = [];
  if (cut >= 0 && cut < input.length && (input[cut]?.text ?? '').trim() !== '') {
    errors.push({ code: 'E_PARSE', message: 'the last line has no line end: the trace was cut short here', file, line: firstLine + cut });
    input.splice(cut, 1);
  }
  // tracefs, trace-cmd report or perf script: told once from the lines, then every line read as that tool prints it.
  const dialect = detectDialect(lines) ?? 'ftrace';
  return { ok: true, value: buildDocument(input, file, dialectLineParser(dialect), { from: 'trace', errors }) };
}

/** A line of input text with its line number in the file. */
export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

/** How buildDocument reads: the line parser, where the lines come from, errors found before, records found elsewhere (oopses). */
export interface BuildOptions {
  readonly from: TraceDocument['from'];
  readonly errors?: readonly InputError[];
  /** Records appended after the lines' records (an oops happens after everything its dump shows). */
  readonly after?: readonly TraceRecord[];
  /** Remarks found before (a dump cut short). */
  readonly warnings?: readonly TraceWarning[];
  /** The console lines of the ftrace dump the lines come from. */
  readonly dump?: TraceDocument['dump'];
}

/** Turn parsed lines into a TraceDocument: WARN splats with their texts, snapshots, unknown and malformed lines. */
export function buildDocument(input: readonly NumberedLine[], file: string, parse: (text: string, source: SourceLoc) => LineResult, opts: BuildOptions): TraceDocument {
  const records: TraceRecord[] = [];
  const errors: InputError[] = [...(opts.errors ?? [])];
  const warnings: TraceWarning[] = [...(opts.warnings ?? [])];
  const unknown: UnknownLine[] = [];
  const warns: WarnRecord[] = [];
  const snapshots: SnapBuilder[] = [];
  const open = new Map<string, SnapBuilder>();
  /** Console lines after a `cut here`, per pid, waiting for their WARNING line. */
  const pendingWarn = new Map<number, { lines: string[]; first: SourceLoc | null }>();

  const snapFor = (label: string, source: SourceLoc): SnapBuilder => {
    let s = open.get(label);
    if (s === undefined) {
      warnings.push({ message: `snapshot line for "${label}" outside LAB_SNAP_BEGIN/END`, ...source });
      s = { label, begin: null, end: null, iomem: [], memblocks: [], secstate: null };
      snapshots.push(s);
      open.set(label, s);
    }
    return s;
  };

  for (const { text: raw, line } of input) {
    const source: SourceLoc = { file, line };
    const r = parse(raw, source);
    if (r.kind === 'skip') continue;
    if (r.kind === 'unknown') {
      unknown.push({ source, text: raw });
      continue;
    }
    if (r.kind === 'error') {
      errors.push({ code: 'E_PARSE', message: r.message, ...source });
      continue;
    }
    let rec = r.record;
    if (rec.kind === 'console') {
      const pid = rec.header.pid;
      const w = parseWarningLine(rec.text);
      if (w !== null) {
        const pending = pendingWarn.get(pid);
        pendingWarn.delete(pid);
        const textLines = pending?.lines ?? [];
        rec = {
          kind: 'warn',
          source: rec.source,
          header: rec.header,
          cpu: w.cpu,
          pid: w.pid,
          comm: w.comm,
          file: w.file,
          line: w.line,
          symbol: w.site.func,
          site: w.site,
          text: textLines.length > 0 ? textLines.join('\n') : null,
          textSource: textLines.length > 0 ? (pending?.first ?? null) : null,
        };
        warns.push(rec);
      } else if (CUT_HERE.test(rec.text.trim())) {
        pendingWarn.set(pid, { lines: [], first: null });
      } else {
        const pending = pendingWarn.get(pid);
        if (pending !== undefined) {
          if (pending.lines.length < MAX_WARN_TEXT_LINES) {
            pending.lines.push(rec.text);
            pending.first ??= rec.source;
          } else pendingWarn.delete(pid);
        }
      }
    } else if (rec.kind === 'marker') {
      const m = rec.marker;
      if (m.type === 'snap_begin') {
        const s: SnapBuilder = { label: m.label, begin: source, end: null, iomem: [], memblocks: [], secstate: null };
        if (open.has(m.label)) warnings.push({ message: `LAB_SNAP_BEGIN ${m.label} while a snapshot of that label is open`, ...source });
        snapshots.push(s);
        open.set(m.label, s);
      } else if (m.type === 'snap_end') {
        const s = open.get(m.label);
        if (s === undefined) warnings.push({ message: `LAB_SNAP_END ${m.label} without LAB_SNAP_BEGIN`, ...source });
        else {
          s.end = source;
          open.delete(m.label);
        }
      } else if (m.type === 'iomem') {
        snapFor(m.label, source).iomem.push({ text: m.line, line: source.line });
      } else if (m.type === 'memblk') {
        const { type: _type, ...blk } = m;
        snapFor(m.label, source).memblocks.push(blk);
      }
    } else if (rec.kind === 'secstate') {
      const target = [...open.values()].reverse().find((s) => s.secstate === null);
      if (target !== undefined) target.secstate = rec;
    }
    records.push(rec);
  }
  for (const r of opts.after ?? []) records.push(r);

  const done: Snapshot[] = [];
  for (const s of snapshots) {
    const parsed = parseIomemLines(s.iomem.map((l) => l.text).join('\n'), file, 0);
    if (!parsed.ok) {
      for (const e of parsed.errors) errors.push({ ...e, message: `IOMEM ${s.label}: ${e.message} (this snapshot's /proc/iomem is skipped)`, line: s.iomem[e.line]?.line ?? e.line });
      const { iomem: _bad, ...kept } = s;
      done.push({ ...kept, iomem: [] });
      continue;
    }
    const { iomem: _lines, ...rest } = s;
    done.push({ ...rest, iomem: parsed.value.map((l) => l.resource) });
  }
  errors.sort((a, b) => a.line - b.line);
  const lostEvents = records.some((r) => r.kind === 'lost');
  return { file, records, warns, snapshots: done, unknown, lostEvents, from: opts.from, dump: opts.dump ?? null, warnings, malformed: errors };
}

/** Read the trace embedded in a console.log, with console.log line numbers in every location. */
export function readConsoleTrace(consoleLog: string, file: string): Result<TraceDocument> {
  const limit = traceLimitError(consoleLog, file);
  if (limit !== null) return { ok: false, errors: [limit] };
  const found = findTraceText(consoleLog);
  if (found === null) {
    return { ok: false, errors: [{ code: 'E_PARSE', message: `no ${BEGIN} line: not a lab console.log`, file, line: 1 }] };
  }
  return readTrace(found.text, file, found.firstLine);
}
