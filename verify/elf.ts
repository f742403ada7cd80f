/**
 * The little of the ELF format verify/ needs: whether a file is an ELF executable and whether it
 * is statically linked (no PT_INTERP program header, so it runs in a guest without a libc).
 */
import { closeSync, openSync, readSync } from 'node:fs';

/** What a file is: not ELF, or ELF with or without a program interpreter (dynamic loader). */
export type ElfKind = 'not-elf' | 'static' | 'dynamic';

const PT_INTERP = 3;

/** The kind of the file at `path` (reads its headers only); a file that cannot be read is 'not-elf'. */
export function elfKind(path: string): ElfKind {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(64);
    if (readSync(fd, head, 0, 64, 0) < 52) return 'not-elf';
    const layout = headerLayout(head);
    if (layout === null) return 'not-elf';
    const table = Buffer.alloc(layout.phentsize * layout.phnum);
    if (table.length > 0 && readSync(fd, table, 0, table.length, layout.phoff) < table.length) return 'not-elf';
    for (let i = 0; i < layout.phnum; i++) {
      const off = i * layout.phentsize;
      const type = layout.le ? table.readUInt32LE(off) : table.readUInt32BE(off);
      if (type === PT_INTERP) return 'dynamic';
    }
    return 'static';
  } catch {
    return 'not-elf';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Where the program header table is, from the ELF header; null when `head` is not one. */
function headerLayout(head: Buffer): { le: boolean; phoff: number; phentsize: number; phnum: number } | null {
  if (head.readUInt32BE(0) !== 0x7f454c46) return null;
  const cls = head[4];
  const le = head[5] === 1;
  if ((cls !== 1 && cls !== 2) || (head[5] !== 1 && head[5] !== 2)) return null;
  const u16 = (o: number): number => (le ? head.readUInt16LE(o) : head.readUInt16BE(o));
  const u32 = (o: number): number => (le ? head.readUInt32LE(o) : head.readUInt32BE(o));
  if (cls === 2) {
    const phoff = Number(le ? head.readBigUInt64LE(0x20) : head.readBigUInt64BE(0x20));
    return { le, phoff, phentsize: u16(0x36), phnum: u16(0x38) };
  }
  return { le, phoff: u32(0x1c), phentsize: u16(0x2a), phnum: u16(0x2c) };
}
