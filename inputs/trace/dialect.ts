/**
 * Which tool printed a trace text, told once per file from its content (never from its name):
 *   - `ftrace`: tracefs `trace` (its `# tracer:` header) or `trace_pipe` (the same lines without
 *     it), the flags column after `[CPU]`;
 *   - `trace-cmd`: `trace-cmd report`, any of its time stamp options: its `cpus=N` / `version = N`
 *     header, no flags column, event names padded to 20 columns, or the `-l` latency columns;
 *   - `perf`: `perf script`: `COMM TID [CPU] TIME: GROUP:EVENT: …`.
 * The dialect picks the line parser (inputs/trace/tool_lines.ts); the event text after the header
 * is read the same way in all three.
 */
import type { SourceLoc } from '../../kernel/operation.js';
import { parseLine, scanHeader, TRACE_CMD_NOTE_RE, type LineResult } from './line.js';
import { parsePerfLine, parseTraceCmdLine, scanPerfHeader, scanTraceCmdLatency, unpadTraceCmdName } from './tool_lines.js';

/** The tool that printed a trace. */
export type TraceDialect = 'ftrace' | 'trace-cmd' | 'perf';

/** How many lines detection looks at, at most. */
const DETECT_LINES = 2000;

/** The dialect of a trace's lines, or null when none of the first lines is a trace line of any of them. */
export function detectDialect(lines: readonly string[]): TraceDialect | null {
  let traceCmdNote = false;
  let plain = false;
  const n = Math.min(lines.length, DETECT_LINES);
  for (let i = 0; i < n; i++) {
    const line = lines[i] ?? '';
    const t = line.trim();
    if (t === '') continue;
    if (t.startsWith('# tracer: ')) return 'ftrace';
    if (TRACE_CMD_NOTE_RE.test(t)) {
      traceCmdNote = true;
      continue;
    }
    const h = scanHeader(line);
    if (h !== null) {
      if (h.header.flags !== '') return 'ftrace';
      if (traceCmdNote || isPadded(h.body)) return 'trace-cmd';
      // No flags and no padding: tracefs without irq-info, or a trace-cmd line of a name of 20 or more.
      plain = true;
      continue;
    }
    if (t.endsWith('EVENTS DROPPED]')) return 'trace-cmd';
    if (t.includes('PERF_RECORD_LOST')) return 'perf';
    if (scanTraceCmdLatency(line) !== null) return 'trace-cmd';
    if (scanPerfHeader(line) !== null) return 'perf';
  }
  if (traceCmdNote) return 'trace-cmd';
  return plain ? 'ftrace' : null;
}

/** The line parser of a dialect. */
export function dialectLineParser(dialect: TraceDialect): (text: string, source: SourceLoc) => LineResult {
  switch (dialect) {
    case 'trace-cmd':
      return parseTraceCmdLine;
    case 'perf':
      return parsePerfLine;
    default:
      return parseLine;
  }
}

// --- internal ---

/** True when the event part has trace-cmd's shape: a `--ts-diff` column, or a short name padded after its `: `. */
function isPadded(body: string): boolean {
  if (/^\s/.test(body)) return true;
  const colon = body.indexOf(': ');
  if (colon <= 0 || colon >= 20) return false;
  return unpadTraceCmdName(body) !== body;
}
