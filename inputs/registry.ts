/**
 * The input formats memhp reads, and the one answer to "what is this input?": each format is one
 * entry `{ name, title, sniff, read }`, tried in order; the first whose sniff recognises the sample
 * names the input. Detection is by content; a lab's file names (console.log, trace.txt) count too.
 * Nothing here opens a file: the caller gives the sample (a directory's input is its trace.txt).
 * A log file's entry only recognises one: turning it into a HotplugLog is log/'s job (readLogFile),
 * so its `read` is null and the inputs layer stays below log/.
 */
import type { IomemResource } from '../kernel/operation.js';
import { parseIomem } from './iomem.js';
import { parseScenario, type ParseScenarioOptions } from './scenario.js';
import { readConsoleLog } from './trace/console_log.js';
import { detectDialect } from './trace/dialect.js';
import { LAB_TRACE_BEGIN, readTrace } from './trace/reader.js';
import type { TraceDocument } from './trace/types.js';
import type { Result, Scenario } from './types.js';

/** How much of an input's start the sniffers see as its `head`. */
export const SNIFF_BYTES = 4096;

/** What the sniffers see of an input file. */
export interface InputSample {
  /** The file's name, without its directory. */
  readonly name: string;
  /** Its first SNIFF_BYTES bytes as text, a leading byte-order mark dropped. */
  readonly head: string;
  /** Its whole text, read when a sniffer asks; null when it cannot be read whole. */
  readonly text: () => string | null;
}

/** One input format: its name, how an input of it is named to the user, how it is recognised, and its reader (null: read above the inputs layer). */
export interface InputFormat<N extends string, R> {
  readonly name: N;
  readonly title: string;
  readonly sniff: (sample: InputSample) => boolean;
  readonly read: R;
}

/** A memhp log file (log/serialize.ts): its first line is the JSON header (scenario lines never start with `{`). */
export const LOG_FILE: InputFormat<'log', null> = {
  name: 'log',
  title: 'a log file',
  sniff: (s) => s.head.startsWith('{'),
  read: null,
};

/** A lab console.log: the trace between its LAB TRACE BEGIN/END lines, else the ftrace_dump_on_oops dump in it. */
export const CONSOLE_LOG: InputFormat<'console', (text: string, file: string) => Result<TraceDocument>> = {
  name: 'console',
  title: 'a recorded trace',
  sniff: (s) => s.name === 'console.log' || (s.text()?.includes(LAB_TRACE_BEGIN) ?? false),
  read: readConsoleLog,
};

/**
 * A trace as text: tracefs `trace` (saved as trace.txt) or `trace_pipe`, `trace-cmd report`, `perf
 * script` (inputs/trace/dialect.ts tells them apart by their lines); or the lab's name for it.
 */
export const FTRACE_TEXT: InputFormat<'trace', (text: string, file: string) => Result<TraceDocument>> = {
  name: 'trace',
  title: 'a recorded trace',
  sniff: (s) => s.name === 'trace.txt' || detectDialect(s.head.split('\n').slice(0, -1)) !== null,
  read: (text, file) => readTrace(text, file),
};

/** A copy of /proc/iomem: its first line that is not blank or a comment is `START-END : NAME`. */
export const IOMEM_TEXT: InputFormat<'iomem', (text: string, file: string) => Result<IomemResource[]>> = {
  name: 'iomem',
  title: 'a copy of /proc/iomem',
  sniff: (s) => IOMEM_LINE.test(s.head.split('\n').find((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) ?? ''),
  read: (text, file) => parseIomem(text, file, 1),
};

/** A scenario file (docs/scenario-format.md): whatever no other format recognises. */
export const SCENARIO_FILE: InputFormat<'scenario', (text: string, file: string, opts: ParseScenarioOptions) => Result<Scenario>> = {
  name: 'scenario',
  title: 'a scenario file',
  sniff: () => true,
  read: parseScenario,
};

/** Every format, in the order they are tried (the scenario, which takes anything, last). */
export const INPUT_FORMATS = [LOG_FILE, CONSOLE_LOG, FTRACE_TEXT, IOMEM_TEXT, SCENARIO_FILE] as const;

/** The name of an input format. */
export type InputKind = (typeof INPUT_FORMATS)[number]['name'];

/** What the input is: the first format whose sniff recognises the sample. */
export function sniffInput(sample: InputSample): InputKind {
  return INPUT_FORMATS.find((f) => f.sniff(sample))?.name ?? SCENARIO_FILE.name;
}

/** The format named `kind`. */
export function inputFormat(kind: InputKind): (typeof INPUT_FORMATS)[number] {
  return INPUT_FORMATS.find((f) => f.name === kind) ?? SCENARIO_FILE;
}

// --- internal ---

/** A /proc/iomem line (kernel/resource.c r_show): `START-END : NAME`, hex without 0x, indented by nesting. */
const IOMEM_LINE = /^\s*[0-9a-fA-F]+-[0-9a-fA-F]+\s*:/;
