/**
 * Log files on disk: recognise one by its first line, and read its lines in chunks (a 10^6-step log
 * is larger than a JavaScript string can be; a line past MAX_LOG_LINE_BYTES is counted, not kept).
 * log/write_atomic.ts writes them.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { LOG_FILE } from '../inputs/registry.js';
import { ioReason } from './io_reason.js';
import { readLogLines } from './logfile.js';
import { MAX_COMPACT_LOG_BYTES, MAX_LOG_LINE_BYTES } from './logfile_limits.js';
import { readCompactLog } from './logfile_compact.js';
import type { LoadedLogFile, LogDamage, LogLine, ReadLogOptions } from './logfile.js';

const CHUNK = 1 << 22;

/** True when `path` is a file that inputs/registry.ts's LOG_FILE recognises by its first bytes (a byte order mark dropped). */
export function isLogFile(path: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const buf = Buffer.alloc(64);
    const text = buf.toString('utf8', 0, readSync(fd, buf, 0, buf.length, 0));
    return LOG_FILE.sniff({ name: basename(path), head: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, text: () => null });
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

/**
 * The lines of a file, read in chunks; the last one is `complete: false` when no newline ends it.
 * A line longer than `maxLine` bytes (MAX_LOG_LINE_BYTES) is not kept: it comes as `tooLong` with
 * empty text, and reading goes on after its newline.
 */
export function* fileLines(path: string, maxLine: number = MAX_LOG_LINE_BYTES): Generator<LogLine> {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK, fstatSync(fd).size)));
    // The start of the current line: the pieces of earlier chunks (joined once, at its newline).
    let pieces: Buffer[] = [];
    let held = 0;
    let skipped = -1;
    let line = 0;
    let pos = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) break;
      pos += n;
      const chunk = buf.subarray(0, n);
      let start = 0;
      for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
        const len = held + nl - start;
        if (skipped >= 0 || len > maxLine) {
          yield { text: '', line: ++line, complete: true, tooLong: Math.max(skipped, 0) + len };
        } else {
          const text = pieces.length ? Buffer.concat([...pieces, chunk.subarray(start, nl)]).toString('utf8') : chunk.toString('utf8', start, nl);
          yield { text, line: ++line, complete: true };
        }
        pieces = [];
        held = 0;
        skipped = -1;
        start = nl + 1;
      }
      if (start < n) {
        if (skipped >= 0 || held + n - start > maxLine) {
          // Past the limit: count the bytes, keep none of them.
          skipped = Math.max(skipped, 0) + held + n - start;
          pieces = [];
          held = 0;
        } else {
          pieces.push(Buffer.from(chunk.subarray(start)));
          held += n - start;
        }
      }
    }
    if (skipped >= 0) yield { text: '', line: ++line, complete: false, tooLong: skipped };
    else if (held) yield { text: Buffer.concat(pieces).toString('utf8'), line: ++line, complete: false };
  } finally {
    closeSync(fd);
  }
}

/** True when the file's first line is a header that says format 3 (read from its bytes, not as lines). */
function isCompact(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(256);
    const head = buf.toString('latin1', 0, readSync(fd, buf, 0, buf.length, 0));
    return /^(\xef\xbb\xbf)?\{"memhp":"log","format":3,/.test(head);
  } finally {
    closeSync(fd);
  }
}

/** Read and check a log file (log/logfile.ts); an unreadable file is damage at line 1. `tap` sees the lines on their way (a caller's progress count). */
export function readLogFile(path: string, opts: ReadLogOptions = {}, tap?: (lines: Iterable<LogLine>) => Iterable<LogLine>): { ok: true; value: LoadedLogFile } | { ok: false; damage: LogDamage } {
  const lines = fileLines(path);
  try {
    if (isCompact(path)) {
      // Format 3: binary after its header, read whole and decoded lazily.
      const size = statSync(path).size;
      if (size > MAX_COMPACT_LOG_BYTES) return { ok: false, damage: { code: 'E_LIMIT', file: path, line: 1, message: `a format-3 log larger than MAX_COMPACT_LOG_BYTES (${MAX_COMPACT_LOG_BYTES} bytes), the largest memhp reads (${size} bytes)` } };
      return readCompactLog(readFileSync(path), path, opts);
    }
    return readLogLines(tap ? tap(lines) : lines, path, opts);
  } catch (e) {
    return { ok: false, damage: { code: 'E_IO', file: path, line: 1, message: `cannot read: ${ioReason(e)}` } };
  } finally {
    lines.return(undefined);
  }
}
