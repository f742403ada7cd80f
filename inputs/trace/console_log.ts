/**
 * A lab console.log as a trace: the trace cut between the LAB TRACE BEGIN/END lines when it holds
 * trace lines, else the ftrace_dump_on_oops dump the kernel printed when it crashed (inputs/trace/dump.ts).
 */
import type { Result } from '../types.js';
import { readFtraceDump } from './dump.js';
import { readConsoleTrace } from './reader.js';
import type { TraceDocument } from './types.js';

/** Read a console.log: its LAB TRACE section, or its ftrace dump when the section has no records (or is missing). */
export function readConsoleLog(consoleLog: string, file: string): Result<TraceDocument> {
  // Both readers refuse a console.log past the trace limits (traceLimitError).
  const section = readConsoleTrace(consoleLog, file);
  if (section.ok && section.value.records.length > 0) return section;
  return readFtraceDump(consoleLog, file) ?? section;
}
