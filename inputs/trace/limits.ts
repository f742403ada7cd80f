/**
 * The largest trace the reader accepts, checked before any line is parsed (a trace over a limit is
 * refused whole, with the file:line where the limit is crossed, never half-read):
 *   - a line of at most MAX_TRACE_LINE_LENGTH characters: the kernel formats one ftrace line in a
 *     trace_seq of one page (4 KiB; kernel/trace/trace_seq.c) and one console line in at most
 *     1024 bytes (printk's PRINTKRB_RECORD_MAX / LOG_LINE_MAX), so 64 KiB is 16 times the longest
 *     line a kernel writes and still bounds what a line parser can be made to do (the same limit as a
 *     scenario line's, MAX_LINE_LENGTH);
 *   - at most MAX_TRACE_LINES lines: the recorded runs have about a thousand, a busy ftrace ring
 *     buffer of a few MiB per CPU some tens of thousands; every line can become a step of the model,
 *     so a million lines bounds the work and memory of one check or record.
 */
import { MAX_LINE_LENGTH } from '../limits.js';
import type { InputError } from '../types.js';

/** The longest line (in UTF-16 code units, without its line end) the trace reader reads. */
export const MAX_TRACE_LINE_LENGTH = MAX_LINE_LENGTH;
/** The most lines a trace (or a console.log) may have. */
export const MAX_TRACE_LINES = 1_000_000;

/** The first limit `text` crosses (its line numbered from `firstLine` in `file`), or null when it is within both. */
export function traceLimitError(text: string, file: string, firstLine = 1): InputError | null {
  let start = 0;
  for (let n = 0; start <= text.length; n++) {
    const line = firstLine + n;
    if (n >= MAX_TRACE_LINES) {
      if (start === text.length) return null;
      return { code: 'E_LIMIT', message: `more than ${MAX_TRACE_LINES} lines: the trace is longer than the most memhp reads (MAX_TRACE_LINES = ${MAX_TRACE_LINES})`, file, line };
    }
    const nl = text.indexOf('\n', start);
    const end = nl < 0 ? text.length : nl;
    const length = end - start - (end > start && text[end - 1] === '\r' ? 1 : 0);
    if (length > MAX_TRACE_LINE_LENGTH) {
      return { code: 'E_LIMIT', message: `a line of ${length} characters: longer than the longest trace line memhp reads (MAX_TRACE_LINE_LENGTH = ${MAX_TRACE_LINE_LENGTH})`, file, line };
    }
    if (nl < 0) return null;
    start = nl + 1;
  }
  return null;
}
