/**
 * Access to a tracefs mount — or to a plain directory standing in for one (the tests' fake
 * tracefs) — by paths relative to its root. On a real tracefs a write never truncates or creates
 * (O_TRUNC on `trace` clears a buffer, on `kprobe_events` every probe of every user), and an
 * instance is removed with rmdir alone; on a plain directory missing parents are created and an
 * instance directory is removed with what the test put in it.
 */
import { closeSync, constants, existsSync, mkdirSync, openSync, readFileSync, rmdirSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** statfs f_type of tracefs (include/uapi/linux/magic.h TRACEFS_MAGIC). */
const TRACEFS_MAGIC = 0x74726163;

/** A tracefs root (real or stand-in). Every call throws the system's error (an errno-carrying Error) when it fails. */
export interface Tracefs {
  readonly root: string;
  /** True on a mounted tracefs, false on a plain directory. */
  readonly real: boolean;
  /** Write `text` to an existing file in one write(2), without truncating it. */
  readonly write: (rel: string, text: string) => void;
  /** Append `text` in one write(2) (O_APPEND: kprobe_events keeps the other users' probes). */
  readonly append: (rel: string, text: string) => void;
  /** The file's whole text. */
  readonly read: (rel: string) => string;
  /** True when the path exists. */
  readonly exists: (rel: string) => boolean;
  /** Create an instance directory (fails when it exists). */
  readonly mkdir: (rel: string) => void;
  /** Remove an instance directory. */
  readonly rmdir: (rel: string) => void;
}

/** The tracefs at `root` (real when its file system is tracefs). */
export function openTracefs(root: string): Tracefs {
  let real = false;
  try {
    real = Number(statfsSync(root).type) === TRACEFS_MAGIC;
  } catch {
    real = false;
  }
  const at = (rel: string): string => join(root, rel);
  const writeFlags = (append: boolean): number => constants.O_WRONLY | (append ? constants.O_APPEND : 0);
  const put = (rel: string, text: string, append: boolean): void => {
    if (!real) {
      mkdirSync(dirname(at(rel)), { recursive: true });
      writeFileSync(at(rel), text, { flag: append ? 'a' : 'w' });
      return;
    }
    const fd = openSync(at(rel), writeFlags(append));
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  };
  return {
    root,
    real,
    write: (rel, text) => put(rel, text, false),
    append: (rel, text) => put(rel, text, true),
    // A stand-in's file the test did not write (an instance's trace) reads as empty, as a fresh buffer does.
    read: (rel) => (real || existsSync(at(rel)) ? readFileSync(at(rel), 'utf8') : ''),
    exists: (rel) => existsSync(at(rel)),
    mkdir: (rel) => mkdirSync(at(rel)),
    rmdir: (rel) => (real ? rmdirSync(at(rel)) : rmSync(at(rel), { recursive: true })),
  };
}

/** The system's reason of a failed call (`EBUSY: resource busy`), for a message. */
export function reasonOf(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err && typeof err.code === 'string') return `${err.code}${err.syscall ? ` (${err.syscall})` : ''}`;
  return e instanceof Error ? e.message : String(e);
}
