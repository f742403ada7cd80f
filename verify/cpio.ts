/**
 * A cpio "newc" (SVR4, no CRC) archive writer, the format the kernel unpacks as an initramfs
 * (init/initramfs.c). Entries are sorted by path, missing parent directories are added, and every
 * entry has uid/gid 0, mtime 0 and an inode number from its position, so the same input gives the
 * same bytes.
 */

/** One archive member; `path` is relative to the archive root (no leading `/`, no `.`/`..` parts). */
export type CpioEntry =
  | { readonly kind: 'dir'; readonly path: string; readonly mode?: number }
  | { readonly kind: 'file'; readonly path: string; readonly data: Uint8Array; readonly mode?: number }
  | { readonly kind: 'symlink'; readonly path: string; readonly target: string }
  | { readonly kind: 'chardev'; readonly path: string; readonly major: number; readonly minor: number; readonly mode?: number };

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const S_IFCHR = 0o020000;
const TRAILER = 'TRAILER!!!';

/** The archive's bytes for `entries` (throws on a bad or repeated path: a bug of the caller). */
export function writeCpio(entries: readonly CpioEntry[]): Uint8Array {
  const byPath = new Map<string, CpioEntry>();
  for (const e of entries) {
    checkPath(e.path);
    if (byPath.has(e.path)) throw new Error(`cpio: ${e.path} given twice`);
    byPath.set(e.path, e);
  }
  for (const p of [...byPath.keys()]) {
    for (let dir = parentOf(p); dir !== ''; dir = parentOf(dir)) {
      const there = byPath.get(dir);
      if (there === undefined) byPath.set(dir, { kind: 'dir', path: dir });
      else if (there.kind !== 'dir') throw new Error(`cpio: ${dir} is not a directory but ${p} is inside it`);
    }
  }
  const sorted = [...byPath.values()].sort((a, b) => compareBytes(a.path, b.path));
  const parts: Uint8Array[] = [];
  sorted.forEach((e, i) => parts.push(member(i + 1, e)));
  parts.push(record({ ino: 0, mode: 0, nlink: 1, rdevMajor: 0, rdevMinor: 0 }, TRAILER, new Uint8Array(0)));
  return Buffer.concat(parts);
}

// --- internal ---

interface Header {
  readonly ino: number;
  readonly mode: number;
  readonly nlink: number;
  readonly rdevMajor: number;
  readonly rdevMinor: number;
}

/** The header, name and data of one entry. */
function member(ino: number, e: CpioEntry): Uint8Array {
  switch (e.kind) {
    case 'dir':
      return record({ ino, mode: S_IFDIR | perm(e.mode, 0o755), nlink: 2, rdevMajor: 0, rdevMinor: 0 }, e.path, new Uint8Array(0));
    case 'file':
      return record({ ino, mode: S_IFREG | perm(e.mode, 0o644), nlink: 1, rdevMajor: 0, rdevMinor: 0 }, e.path, e.data);
    case 'symlink':
      return record({ ino, mode: S_IFLNK | 0o777, nlink: 1, rdevMajor: 0, rdevMinor: 0 }, e.path, Buffer.from(e.target, 'utf8'));
    case 'chardev':
      return record({ ino, mode: S_IFCHR | perm(e.mode, 0o600), nlink: 1, rdevMajor: e.major, rdevMinor: e.minor }, e.path, new Uint8Array(0));
  }
}

/** A newc record: the 110-byte header, the NUL-terminated name padded to 4 bytes, the data padded to 4 bytes. */
function record(h: Header, name: string, data: Uint8Array): Uint8Array {
  const nameBytes = Buffer.from(`${name}\0`, 'utf8');
  const fields = [h.ino, h.mode, 0, 0, h.nlink, 0, data.length, 0, 0, h.rdevMajor, h.rdevMinor, nameBytes.length, 0];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`, 'ascii');
  return Buffer.concat([header, nameBytes, pad(header.length + nameBytes.length), data, pad(data.length)]);
}

function hex8(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`cpio: field ${n} does not fit 32 bits`);
  return n.toString(16).toUpperCase().padStart(8, '0');
}

function pad(len: number): Uint8Array {
  return new Uint8Array((4 - (len % 4)) % 4);
}

function perm(mode: number | undefined, dflt: number): number {
  return (mode ?? dflt) & 0o7777;
}

function parentOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '' : p.slice(0, i);
}

function checkPath(p: string): void {
  const parts = p.split('/');
  if (p === '' || p.includes('\0') || parts.some((x) => x === '' || x === '.' || x === '..') || p === TRAILER) {
    throw new Error(`cpio: bad member path ${JSON.stringify(p)}`);
  }
}

/** Order by the UTF-8 bytes, so a directory comes before everything inside it. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
