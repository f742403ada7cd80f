/**
 * The ring buffer as ftrace_dump() prints it into the console at an oops (ftrace_dump_on_oops;
 * kernel/trace/trace.c ftrace_dump() / ftrace_dump_one(), 5.10–7.3): `Dumping ftrace buffer:`
 * (7.3: `Dumping ftrace instance NAME buffer:` for an instance), a line of 33 dashes, one printk per
 * entry in the latency format, a closing line of dashes (`   (ftrace buffer empty)` instead when
 * there was nothing). Every line carries the console's printk prefix. Its entries become the same
 * records as trace.txt lines, with console.log line numbers; the oops around it becomes a record.
 */
import type { Result } from '../types.js';
import type { SourceLoc } from '../../kernel/operation.js';
import { parseEvent, parseLost, type LineResult } from './line.js';
import { traceLimitError } from './limits.js';
import { findOopses } from './oops_splat.js';
import { splitPrintk } from './printk.js';
import { buildDocument, type NumberedLine } from './reader.js';
import type { TraceDocument, TraceHeader, TraceWarning } from './types.js';

/** ftrace_dump_one(): the header line of the global buffer's dump, or of an instance's (7.3). */
const DUMP_BEGIN_RE = /^Dumping ftrace (?:instance (\S+) )?buffer:$/;
/** ftrace_dump_one(): `printk(KERN_TRACE "---------------------------------\n")` before and after the entries. */
const DASHES = '-'.repeat(33);
const EMPTY = '(ftrace buffer empty)';
/**
 * After `COMM-`: lat_print_generic() `%-7d %3d` (pid, cpu), trace_print_lat_fmt()'s flags (irqs-off
 * `.dDbX`, need-resched, hardirq/softirq, preempt depth, 6.1+ migrate-disable), then
 * lat_print_timestamp() ` %4lldus%c: ` (clock in ns; %c the delay mark) or ` %4lld: ` (counter clocks).
 */
const LAT_RE = /^(\d+) +(\d+)([^\s\d]\S*) +(\d+)(?:us(.))?: /;

/** A dump found in a console log: its header line and its entry lines (printk prefix removed). */
export interface FtraceDump {
  /** The `Dumping ftrace … buffer:` line. */
  readonly begin: number;
  /** The closing dashes line, or null when the console ends inside the dump. */
  readonly end: number | null;
  /** The instance name, or null for the global buffer. */
  readonly instance: string | null;
  readonly lines: readonly NumberedLine[];
}

/** The ftrace dumps in console lines (raw, printk prefixes on), in order. */
export function findFtraceDumps(lines: readonly NumberedLine[]): FtraceDump[] {
  const out: FtraceDump[] = [];
  let i = 0;
  while (i < lines.length) {
    const head = DUMP_BEGIN_RE.exec(splitPrintk(lines[i]?.text ?? '').text.trimEnd());
    if (head === null) {
      i++;
      continue;
    }
    const begin = lines[i]?.line ?? 0;
    i++;
    // `# WARNING: FUNCTION TRACING IS CORRUPTED` may come before the dashes; an empty buffer has none.
    while (i < lines.length && splitPrintk(lines[i]?.text ?? '').text.startsWith('#')) i++;
    const first = splitPrintk(lines[i]?.text ?? '').text.trim();
    if (first !== DASHES) {
      out.push({ begin, end: first === EMPTY ? (lines[i]?.line ?? null) : null, instance: head[1] ?? null, lines: [] });
      continue;
    }
    i++;
    const body: NumberedLine[] = [];
    let end: number | null = null;
    for (; i < lines.length; i++) {
      const l = lines[i];
      if (l === undefined) break;
      const text = splitPrintk(l.text).text;
      if (text.trim() === DASHES) {
        end = l.line;
        i++;
        break;
      }
      body.push({ text, line: l.line });
    }
    out.push({ begin, end, instance: head[1] ?? null, lines: body });
  }
  return out;
}

/** Parse one dump entry line (printk prefix removed) as a trace line. */
export function parseDumpLine(text: string, source: SourceLoc): LineResult {
  if (text.trim() === '' || text.startsWith('#')) return { kind: 'skip' };
  const lost = parseLost(text.trim(), source);
  if (lost !== null) return lost;
  // lat_print_generic(): `%8.8s-` — the comm right-aligned in 8 columns (cut to 8), so the '-' is column 9.
  let task: string;
  let rest: string;
  if (text.length > 9 && text[8] === '-' && /\d/.test(text[9] ?? '')) {
    task = text.slice(0, 8).trim();
    rest = text.slice(9);
  } else {
    // A copy whose leading spaces were lost: the comm is the first word up to its last '-' before the pid.
    const m = /^\s*(\S+?)-(?=\d+ +\d)/.exec(text);
    if (m === null) return { kind: 'unknown' };
    task = m[1] ?? '';
    rest = text.slice(m[0].length);
  }
  const lat = LAT_RE.exec(rest);
  if (lat === null) return { kind: 'unknown' };
  const header: TraceHeader = {
    task,
    pid: Number(lat[1]),
    cpu: Number(lat[2]),
    flags: lat[3] ?? '',
    // Microseconds since the buffer's start (counter clocks print their raw count).
    timestamp: Number(lat[4]) / (lat[5] === undefined ? 1 : 1e6),
  };
  return parseEvent(rest.slice(lat[0].length), header, source);
}

/** The console lines of a log, numbered from 1, line ends (CRLF as QEMU gives them) removed. */
export function consoleLines(consoleLog: string): NumberedLine[] {
  const lines = consoleLog.split(/\r?\n/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((text, i) => ({ text, line: i + 1 }));
}

/**
 * Read the first global-buffer ftrace dump of a console log as a trace, with the oops it was
 * printed in as its last record; null when the log holds no dump with entries.
 */
export function readFtraceDump(consoleLog: string, file: string): Result<TraceDocument> | null {
  const limit = traceLimitError(consoleLog, file);
  if (limit !== null) return { ok: false, errors: [limit] };
  const lines = consoleLines(consoleLog);
  const dump = findFtraceDumps(lines).find((d) => d.instance === null && d.lines.length > 0);
  if (dump === undefined) return null;
  // The dump is printed from the oops's die notifier (DIE_OOPS): the splat started before it.
  const oops = findOopses(lines.map((l) => ({ text: splitPrintk(l.text).text, source: { file, line: l.line } }))).filter((o) => o.source.line < dump.begin);
  const last = oops[oops.length - 1];
  const warnings: TraceWarning[] = [];
  if (dump.end === null) warnings.push({ message: 'the ftrace dump has no closing line: the console ends inside it', file, line: dump.lines[dump.lines.length - 1]?.line ?? dump.begin });
  const doc = buildDocument(dump.lines, file, parseDumpLine, { from: 'ftrace_dump', after: last === undefined ? [] : [last], warnings, dump: { begin: dump.begin, end: dump.end } });
  return { ok: true, value: doc };
}
