/**
 * Writing an output file atomically: the lines go into a temporary file beside it (every byte
 * checked written: a full disk gives short writes, then ENOSPC), the file is flushed to the disk,
 * renamed over the target, and the directory flushed where the platform allows. On any failure the
 * temporary file is removed and the target is left as it was. Never over a file it was told to
 * protect (the files the run read), compared by device and inode, so links to them count too.
 */
import { closeSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Failed, MemhpError } from '../kernel/errors.js';
import { ioReason } from './io_reason.js';

/** The file-system calls the writer makes: node:fs's, or a test's that fails on purpose. */
export interface WriteFs {
  readonly openSync: (path: string, flags: string) => number;
  readonly writeSync: (fd: number, buffer: Uint8Array, offset: number, length: number) => number;
  readonly fsyncSync: (fd: number) => void;
  readonly closeSync: (fd: number) => void;
  readonly renameSync: (from: string, to: string) => void;
  readonly unlinkSync: (path: string) => void;
}

/** node:fs's calls. */
export const NODE_WRITE_FS: WriteFs = {
  openSync: (path, flags) => openSync(path, flags),
  writeSync: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length),
  fsyncSync: (fd) => fsyncSync(fd),
  closeSync: (fd) => closeSync(fd),
  renameSync: (from, to) => renameSync(from, to),
  unlinkSync: (path) => unlinkSync(path),
};

/** How to write. */
export interface AtomicWriteOptions {
  /** Files the output must not be (the files the run read): `path` naming one of them is refused. */
  readonly protect?: readonly string[];
  /** Told the temporary file's path just before it is created (`live` true), and when it is gone (renamed, removed, or never created). */
  readonly onTemp?: (tmp: string, live: boolean) => void;
  /** The file-system calls (default node:fs). */
  readonly fs?: WriteFs;
}

/** What a write did: the bytes written, or why nothing was (the target is then as it was). */
export type WriteResult =
  | { readonly ok: true; readonly bytes: number }
  /** `path` is a protected file (or a link to one): `refusing to write over PATH: the run read it`. */
  | Failed<MemhpError & { readonly code: 'E_PROTECTED' }>
  /** The file system failed: `cannot write PATH: the system's reason`. */
  | Failed<MemhpError & { readonly code: 'E_IO' }>;

/** Write `lines` (each without its newline; a Uint8Array is written as it is) to `path` atomically; see the file comment. A failure of the lines themselves (a bug) is thrown, after cleaning up. */
export function writeLinesAtomic(path: string, lines: Iterable<string | Uint8Array>, opts: AtomicWriteOptions = {}): WriteResult {
  const w = writing(path, lines, opts);
  for (;;) {
    const r = w.next();
    if (r.done) return r.value;
  }
}

/** writeLinesAtomic, giving the event loop a turn after each chunk written (so a signal can be handled while a big file is written). */
export async function writeLinesAtomicAsync(path: string, lines: Iterable<string | Uint8Array>, opts: AtomicWriteOptions = {}): Promise<WriteResult> {
  const w = writing(path, lines, opts);
  for (;;) {
    const r = w.next();
    if (r.done) return r.value;
    await new Promise<void>((done) => setImmediate(done));
  }
}

/** True when `a` and `b` name the same file: the same device and inode when both exist, else the same path once resolved. */
export function sameFile(a: string, b: string): boolean {
  const x = statOrNull(a);
  const y = statOrNull(b);
  if (x && y) return x.dev === y.dev && x.ino === y.ino;
  return canonicalPath(a) === canonicalPath(b);
}

// --- internal ---

/** Text is written in chunks of this many UTF-16 units (~1 MiB): few write(2) calls, and a signal waits for one chunk at most. */
const CHUNK = 1 << 20;

/** The write, yielding after each chunk; returns what it did. */
function* writing(path: string, lines: Iterable<string | Uint8Array>, opts: AtomicWriteOptions): Generator<void, WriteResult> {
  const guarded = (opts.protect ?? []).find((p) => sameFile(p, path));
  if (guarded !== undefined) return { ok: false, code: 'E_PROTECTED', message: `refusing to write over ${path}: the run read it${guarded === path ? '' : ` (as ${guarded})`}` };
  const fs = opts.fs ?? NODE_WRITE_FS;
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  let fd: number | undefined;
  let created = false;
  // Said before the file exists, so that whoever removes it on a signal is ready before it can be seen.
  opts.onTemp?.(tmp, true);
  try {
    try {
      fd = fs.openSync(tmp, 'wx');
    } catch (e) {
      opts.onTemp?.(tmp, false);
      throw e;
    }
    created = true;
    let bytes = 0;
    let pending = '';
    for (const l of lines) {
      if (typeof l !== 'string') {
        // Bytes (a format-3 log's frames) are written as they are, no newline added.
        if (pending) bytes += writeAll(fs, fd, pending);
        pending = '';
        bytes += writeAll(fs, fd, l);
        yield;
        continue;
      }
      pending += `${l}\n`;
      if (pending.length >= CHUNK) {
        bytes += writeAll(fs, fd, pending);
        pending = '';
        yield;
      }
    }
    if (pending) bytes += writeAll(fs, fd, pending);
    fs.fsyncSync(fd);
    const closing = fd;
    fd = undefined;
    fs.closeSync(closing);
    fs.renameSync(tmp, path);
    created = false;
    opts.onTemp?.(tmp, false);
    syncDirectory(fs, dirname(path));
    return { ok: true, bytes };
  } catch (e) {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // the write already failed; that is the error to report
      }
    }
    if (created) {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // already gone
      }
      opts.onTemp?.(tmp, false);
    }
    // A failure of the file system is the user's to fix; anything else (a bug producing the lines) is not.
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code !== 'string') throw e;
    // (Another process's temporary file of the same name is left alone: it is not ours to remove.)
    const why = code === 'EEXIST' && !created ? `its temporary file ${tmp} exists (left by a process that was killed?)` : ioReason(e);
    return { ok: false, code: 'E_IO', message: `cannot write ${path}: ${why}` };
  }
}

/** Write all of `text` (or bytes), however short each write(2) is; a write that takes nothing is a full disk. Returns the bytes. */
function writeAll(fs: WriteFs, fd: number, text: string | Uint8Array): number {
  const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  for (let off = 0; off < buf.length; ) {
    const n = fs.writeSync(fd, buf, off, buf.length - off);
    if (!(n > 0)) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    off += n;
  }
  return buf.length;
}

/** Flush the directory so the rename is on the disk too; best effort (some platforms cannot open or flush a directory, and the file is already in place). */
function syncDirectory(fs: WriteFs, dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // not supported here
  } finally {
    if (fd !== undefined) {
      try {
        fs.closeSync(fd);
      } catch {
        // nothing more to do
      }
    }
  }
}

function statOrNull(p: string): { dev: number; ino: number } | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

/** `p` made absolute, its directory's symbolic links resolved where it exists. */
function canonicalPath(p: string): string {
  const abs = resolve(p);
  try {
    return join(realpathSync(dirname(abs)), basename(abs));
  } catch {
    return abs;
  }
}
