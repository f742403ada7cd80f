/**
 * Load a recorded kernel trace (a trace.txt, a console.log, or a directory holding trace.txt) as a
 * scenario, with the kernel that recorded it: from --kernel, the trace's banner, run.json beside
 * it, or the release directory name.
 */
import { basename, dirname, join } from 'node:path';
import { CONSOLE_LOG, FTRACE_TEXT, IOMEM_TEXT } from '../inputs/registry.js';
import { readFtraceDump, type TraceDocument } from '../inputs/trace/index.js';
import { kernelForRelease, kernelFromBanner, traceToScenario } from '../inputs/trace/to_scenario.js';
import type { TraceScenario } from '../inputs/trace/to_scenario_types.js';
import type { IomemResource, SourceLoc } from '../kernel/operation.js';
import { pagingOfVmemmapBase } from '../kernel/geometry.js';
import { UserError } from './errors.js';
import { escapeControls } from '../present/printable.js';
import type { Io } from './io.js';
import { openInput, type InputFile } from './input_file.js';

/** A trace read and translated into a scenario. */
export interface LoadedTrace {
  readonly file: string;
  readonly text: string;
  readonly trace: TraceScenario;
  /** The trace's LAB_SNAP snapshots, as read. */
  readonly snapshots: TraceDocument['snapshots'];
  readonly kernel: string;
  /** x86_64 page-table levels the traced kernel ran with, from its vmemmap_base (secstate `vmb=`); undefined without one. */
  readonly paging: 4 | 5 | undefined;
  /** The WARN splats the trace recorded (console line and message). */
  readonly warns: ReadonlyArray<{ readonly source: { readonly file: string; readonly line: number }; readonly text: string | null }>;
  /** True when the ring buffer dropped events ([LOST N EVENTS]): steps may be missing. */
  readonly lostEvents: boolean;
  /** The lost-events lines: how many, the events they count (null: one of them gives no count), the first one's line; null without any. */
  readonly lost: LostSummary | null;
  /** The functions the trace's probes recorded (entries and returns), sorted. */
  readonly probes: readonly string[];
  /** Lines of no known kind, with where they are. */
  readonly unknownLines: number;
  /** The lines of no known kind (listed by --verbose). */
  readonly unknown: ReadonlyArray<{ readonly source: SourceLoc; readonly text: string }>;
  /** Remarks about the trace (unpaired calls, snapshot markers out of place), listed by --verbose. */
  readonly notes: ReadonlyArray<{ readonly file: string; readonly line: number; readonly message: string }>;
  /** How the boot layout was found (when not from the trace's /proc/iomem) and what contradicts it. */
  readonly bootNotes: ReadonlyArray<{ readonly file: string; readonly line: number; readonly message: string }>;
  /** Lines of a known kind that could not be read and were skipped (each already reported on stderr). */
  readonly malformed: number;
  /** Where the records were read when not from the trace file itself (an ftrace dump in console.log), else null. */
  readonly readFrom: string | null;
  /** Every file read to load it (trace.txt, console.log, run.json, --iomem): an output must be none of them. */
  readonly readFiles: readonly string[];
}

/** The lost-events lines of a trace, summed up. */
export interface LostSummary {
  readonly lines: number;
  readonly events: number | null;
  readonly first: SourceLoc;
}

/** Read, parse and translate a trace (a path, or an input opened by openInput); throws UserError for anything unreadable. `iomemArg`: a /proc/iomem copy for the boot layout. */
export function loadTrace(io: Io, input: string | InputFile, kernelArg: string | undefined, iomemArg?: string): LoadedTrace {
  const opened = typeof input === 'string' ? openInput(io, input) : input;
  const readFile = opened.readFile;
  let file = opened.file;
  let text = opened.text();
  // Whatever else the file looks like, a command that takes a trace reads it as one.
  let doc = opened.kind === 'console' ? CONSOLE_LOG.read(text, file) : FTRACE_TEXT.read(text, file);
  let emptyTrace: string | null = null;
  if (doc.ok && doc.value.records.length === 0) {
    // A kernel that crashed leaves trace.txt empty: its ring buffer is in console.log, as ftrace_dump_on_oops printed it.
    const logFile = join(dirname(file), 'console.log');
    const log = logFile === file ? null : readFile(logFile);
    const dumped = log?.ok ? readFtraceDump(log.text, logFile) : null;
    if (dumped?.ok === false) throw UserError.atLines(`${logFile}: unreadable console log`, dumped.errors);
    if (log?.ok && dumped?.ok) {
      emptyTrace = file;
      file = logFile;
      text = log.text;
      doc = dumped;
    }
  }
  if (!doc.ok) throw UserError.atLines(`${file}: unreadable trace`, doc.errors);
  // Skipped lines are said once, on stderr, whatever the command prints on stdout.
  for (const e of doc.value.malformed) io.err(`${e.file}:${e.line}: warning: skipped: ${escapeControls(e.message)}\n`);
  const lost = lostSummary(doc.value);
  if (lost !== null) io.err(`${lost.first.file}:${lost.first.line}: warning: ${lostText(lost)}: calls may be missing from the steps\n`);
  const run = readRunJson(readFile, dirname(file));
  const ts = traceToScenario(doc.value, file, { cmdline: run?.cmdline ?? null, ...(iomemArg === undefined ? {} : { iomem: readIomem(readFile, iomemArg) }) });
  if (!ts.ok) throw UserError.atLines(`${file}: cannot translate the trace`, ts.errors);
  const kernel = kernelArg ?? ts.value.kernel ?? run?.kernel ?? kernelForRelease(basename(dirname(dirname(file))));
  // A whole-trace condition: said at the trace's line 1 (like "nothing usable" in traceToScenario).
  if (kernel === null) {
    const hint = 'give --kernel VERSION, e.g. --kernel 6.1.192';
    throw UserError.atLines(`${file}: no kernel banner`, [{ code: 'E_PARSE', message: 'no kernel banner (Linux version …), no run.json and no release directory name: which kernel recorded this trace?', file, line: 1, hint }]);
  }
  const warns = doc.value.warns.map((w) => ({ source: w.textSource ?? w.source, text: w.text }));
  return {
    file,
    text,
    trace: ts.value,
    snapshots: doc.value.snapshots,
    kernel,
    paging: ts.value.scenario.vmemmapBase === undefined ? undefined : pagingOfVmemmapBase(ts.value.scenario.vmemmapBase),
    warns,
    lostEvents: doc.value.lostEvents,
    lost,
    probes: [...new Set(doc.value.records.flatMap((r) => (r.kind === 'entry' || r.kind === 'return' ? [r.name] : [])))].sort(),
    unknownLines: doc.value.unknown.length,
    unknown: doc.value.unknown,
    notes: [...doc.value.warnings, ...ts.value.notes].sort((a, b) => a.line - b.line),
    bootNotes: ts.value.bootNotes,
    malformed: doc.value.malformed.length,
    readFrom: dumpNote(doc.value, emptyTrace),
    readFiles: [...new Set(opened.readFiles)],
  };
}

/** The lost-events lines of a trace, summed up; null when it lost none. */
function lostSummary(doc: TraceDocument): LostSummary | null {
  let lines = 0;
  let events: number | null = 0;
  let first: SourceLoc | null = null;
  for (const r of doc.records) {
    if (r.kind !== 'lost') continue;
    lines++;
    first ??= r.source;
    events = events === null || r.count === null ? null : events + r.count;
  }
  return first === null ? null : { lines, events, first };
}

/** `the ring buffer lost 12 events (2 lost-events lines, the first here)`. */
export function lostText(lost: LostSummary): string {
  const what = lost.events === null ? 'events' : `${lost.events} event${lost.events === 1 ? '' : 's'}`;
  const where = lost.lines === 1 ? 'here' : `in ${lost.lines} places, the first here`;
  return `the trace lost ${what} ${where}`;
}

/** What to say when the records come from an ftrace dump (`emptyTrace`: the trace file that had none). */
function dumpNote(doc: TraceDocument, emptyTrace: string | null): string | null {
  if (doc.from !== 'ftrace_dump' || doc.dump === null) return null;
  const where = `${basename(doc.file)}:${doc.dump.begin}–${doc.dump.end ?? 'end'}`;
  const instead = emptyTrace === null ? 'no trace lines between LAB TRACE BEGIN/END' : `${basename(emptyTrace)} has no trace lines`;
  return `${instead}: read the ftrace_dump_on_oops dump of the ring buffer in ${where}`;
}
// --- internal ---

/** What run.json beside a lab trace says: the kernel (from its banner or release) and the command line. */
function readRunJson(readFile: Io['readFile'], dir: string): { kernel: string | null; cmdline: string | null } | null {
  const run = readFile(join(dir, 'run.json'));
  if (!run.ok) return null;
  try {
    const j = JSON.parse(run.text) as { kernel_version_banner?: unknown; kernel_release?: unknown; kernel_cmdline?: unknown };
    const banner = typeof j.kernel_version_banner === 'string' ? kernelFromBanner(j.kernel_version_banner) : null;
    const release = typeof j.kernel_release === 'string' ? kernelForRelease(j.kernel_release) : null;
    return { kernel: banner ?? release, cmdline: typeof j.kernel_cmdline === 'string' ? j.kernel_cmdline : null };
  } catch {
    return null;
  }
}

/** A /proc/iomem copy given with --iomem. */
function readIomem(readFile: Io['readFile'], path: string): { resources: IomemResource[]; file: string } {
  const read = readFile(path);
  if (!read.ok) throw UserError.from(read);
  const r = IOMEM_TEXT.read(read.text, path);
  if (!r.ok) throw UserError.atLines(`${path}: invalid /proc/iomem`, r.errors);
  return { resources: r.value, file: path };
}
