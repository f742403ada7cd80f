/** The CLI's input/output: where text goes, whether to colour it, how files are read. */
import { readFileSync } from 'node:fs';
import pc from 'picocolors';
import type { WriteFs } from '../store/write_atomic.js';

/** Colour functions (identity when colour is off). */
export type Colors = ReturnType<typeof pc.createColors>;

/** What a command may do to the outside world. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly color: Colors;
  readonly readFile: (path: string) => { ok: true; text: string } | { ok: false; message: string };
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

/** Read a UTF-8 text file, with the system's reason on failure. */
export function readTextFile(path: string): { ok: true; text: string } | { ok: false; message: string } {
  try {
    return { ok: true, text: readFileSync(path, 'utf8') };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : String((e as Error).message);
    return { ok: false, message: `cannot read ${path}: ${why}` };
  }
}
