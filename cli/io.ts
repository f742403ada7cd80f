/** The CLI's input/output: where text goes, whether to colour it, how files are read. */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import pc from 'picocolors';
import type { Failed } from '../kernel/errors.js';
import { ioReason } from '../log/io_reason.js';
import type { WriteFs } from '../log/write_atomic.js';
import type { Colors } from '../present/colors.js';

/** What a command may do to the outside world. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly color: Colors;
  readonly readFile: (path: string) => { ok: true; text: string } | Failed;
  /** The file-system calls output files are written with (default node:fs's; a test's may fail on purpose). */
  readonly writeFs?: WriteFs;
}

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
export function readTextFile(path: string): { ok: true; text: string } | Failed {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    return { ok: false, code: 'E_IO', message: `cannot read ${path}: ${reason(e)}` };
  }
  try {
    if (fstatSync(fd).isDirectory()) return { ok: false, code: 'E_IO', message: `cannot read ${path}: is a directory` };
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(1 << 20, MAX_INPUT_BYTES + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(n === buf.length ? buf : buf.subarray(0, n));
      total += n;
      if (total > MAX_INPUT_BYTES) return { ok: false, code: 'E_LIMIT', message: `cannot read ${path}: more than ${MAX_INPUT_BYTES} bytes (memhp reads text inputs of at most 256 MiB)` };
    }
    const text = Buffer.concat(chunks, total).toString('utf8');
    return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch (e) {
    return { ok: false, code: 'E_IO', message: `cannot read ${path}: ${reason(e)}` };
  } finally {
    closeSync(fd);
  }
}

/** The system's reason for a failed read, in words (a missing input is "no such file"). */
function reason(e: unknown): string {
  return (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : ioReason(e);
}
