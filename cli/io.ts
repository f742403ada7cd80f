/** The CLI's input/output: where text goes, whether to colour it, how files are read. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import pc from 'picocolors';
import { ioReason } from '../log/io_reason.js';
import type { WriteFs } from '../log/write_atomic.js';
import type { Colors } from '../present/colors.js';

/** What a command may do to the outside world. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly color: Colors;
  readonly readFile: (path: string) => ReadResult;
  /** The file-system calls output files are written with (default node:fs's; a test's may fail on purpose). */
  readonly writeFs?: WriteFs;
  /** Where a long command draws its progress (cli/progress.ts): stderr when it is a terminal, else none. */
  readonly progress?: ProgressStream;
}

/** A terminal stream a progress bar is drawn on (process.stderr on a TTY). */
export interface ProgressStream {
  write(text: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Why a file could not be read: the branch a caller takes is on this, never on the message's words. */
export type ReadFailure = 'missing' | 'directory' | 'too-large' | 'io';

/** A text file read whole, or why it was not (`message`: `cannot read PATH: reason`, for the user). */
export type ReadResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly code: 'E_IO' | 'E_LIMIT'; readonly reason: ReadFailure; readonly message: string };

/** Colours only on a TTY, and never with NO_COLOR set (https://no-color.org). */
export function wantsColor(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): boolean {
  return isTTY === true && !('NO_COLOR' in env && env.NO_COLOR !== '');
}

/** The process's own Io. */
export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    color: pc.createColors(wantsColor(process.env, process.stdout.isTTY)),
    readFile: readTextFile,
    ...(process.stderr.isTTY ? { progress: process.stderr } : {}),
  };
}

/** `io.readFile`, noting in `into` each file it read. */
export function readingInto(io: Io, into: string[]): Io['readFile'] {
  return (path) => {
    const r = io.readFile(path);
    if (r.ok) into.push(path);
    return r;
  };
}

/** The largest text input memhp reads whole (256 MiB): a scenario of a million steps is ~40 MiB. */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/**
 * Read a UTF-8 text file (a leading byte-order mark dropped), with the system's reason on failure.
 * At most MAX_INPUT_BYTES are read, also from a pipe or a device that never ends (/dev/zero).
 */
export function readTextFile(path: string): ReadResult {
  return readUpTo(path, MAX_INPUT_BYTES, false);
}

/** The first `bytes` bytes of a file as UTF-8 text (a leading byte-order mark dropped): enough to tell what it is. */
export function readFileHead(path: string, bytes: number): ReadResult {
  return readUpTo(path, bytes, true);
}

// --- internal ---

/** Read at most `limit` bytes of `path`; past them, the text so far (`head`) or a 'too-large' failure. */
function readUpTo(path: string, limit: number, head: boolean): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return failed(path, e);
  }
  try {
    if (fstatSync(fd).isDirectory()) return { ok: false, code: 'E_IO', reason: 'directory', message: `cannot read ${path}: is a directory` };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const want = head ? limit - total : limit + 1 - total;
      if (want === 0) break;
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, want));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
      if (!head && total > limit) return { ok: false, code: 'E_LIMIT', reason: 'too-large', message: `cannot read ${path}: more than ${limit} bytes (memhp reads text inputs of at most 256 MiB)` };
    }
    const text = Buffer.concat(chunks, total).toString('utf8');
    return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch (e) {
    return failed(path, e);
  } finally {
    closeSync(fd);
  }
}

/** A failed read as a ReadResult (a missing input is "no such file"). */
function failed(path: string, e: unknown): ReadResult {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return { ok: false, code: 'E_IO', reason: 'missing', message: `cannot read ${path}: no such file` };
  if (code === 'EISDIR') return { ok: false, code: 'E_IO', reason: 'directory', message: `cannot read ${path}: is a directory` };
  return { ok: false, code: 'E_IO', reason: 'io', message: `cannot read ${path}: ${ioReason(e)}` };
}
