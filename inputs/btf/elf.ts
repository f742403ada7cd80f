/**
 * ELF section lookup by name (ELF32/ELF64, either byte order), through the section headers and the
 * section-name string table; extended section numbering (e_shnum 0, e_shstrndx SHN_XINDEX) too.
 * Limits: at most MAX_SECTIONS section headers; every read is bounds-checked (reader.ts).
 */
import { ByteReader, Malformed } from './reader.js';
import { parseError, type BtfResult } from './types.js';

/** At most this many section headers are read (vmlinux has about 80). */
export const MAX_SECTIONS = 1 << 16;
const SHT_NOBITS = 8;
const SHN_XINDEX = 0xffff;

/** True when `bytes` start with the ELF magic `\x7fELF`. */
export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** The bytes of section `name` of an ELF file (a view), null when there is no such section, or E_PARSE. */
export function elfSection(bytes: Uint8Array, name: string): BtfResult<Uint8Array | null> {
  if (!isElf(bytes) || bytes.length < 52) return parseError('not an ELF file (no \\x7fELF header)');
  const cls = bytes[4];
  const data = bytes[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return parseError(`ELF header: unknown class ${cls} or data encoding ${data}`);
  const r = new ByteReader(bytes, data === 1);
  try {
    return { ok: true, value: findSection(r, cls === 2, name) };
  } catch (e) {
    if (e instanceof Malformed) return parseError(`ELF: ${e.message}`);
    throw e;
  }
}

interface Shdr {
  readonly name: number;
  readonly type: number;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
}

function findSection(r: ByteReader, is64: boolean, want: string): Uint8Array | null {
  const shoff = is64 ? r.u64(0x28) : r.u32(0x20);
  const shentsize = r.u16(is64 ? 0x3a : 0x2e);
  let shnum = r.u16(is64 ? 0x3c : 0x30);
  let shstrndx = r.u16(is64 ? 0x3e : 0x32);
  if (shoff === 0) return null;
  if (shentsize < (is64 ? 64 : 40)) throw new Malformed(`section header size ${shentsize} too small`);
  const shdr = (i: number): Shdr => {
    const o = shoff + i * shentsize;
    return is64
      ? { name: r.u32(o), type: r.u32(o + 4), offset: r.u64(o + 24), size: r.u64(o + 32), link: r.u32(o + 40) }
      : { name: r.u32(o), type: r.u32(o + 4), offset: r.u32(o + 16), size: r.u32(o + 20), link: r.u32(o + 24) };
  };
  if (shnum === 0) shnum = shdr(0).size;
  if (shstrndx === SHN_XINDEX) shstrndx = shdr(0).link;
  if (shnum > MAX_SECTIONS) throw new Malformed(`${shnum} section headers (limit ${MAX_SECTIONS})`);
  if (shstrndx >= shnum) throw new Malformed(`section name table index ${shstrndx} out of ${shnum} sections`);
  const strtab = shdr(shstrndx);
  const names = r.slice(strtab.offset, strtab.size);
  const wanted = new TextEncoder().encode(want);
  for (let i = 0; i < shnum; i++) {
    const h = shdr(i);
    if (!nameIs(names, h.name, wanted)) continue;
    if (h.type === SHT_NOBITS) return null;
    return r.slice(h.offset, h.size);
  }
  return null;
}

/** True when the NUL-terminated string at `off` of `table` is exactly `want`. */
function nameIs(table: Uint8Array, off: number, want: Uint8Array): boolean {
  if (off + want.length >= table.length) return false;
  for (let k = 0; k < want.length; k++) if (table[off + k] !== want[k]) return false;
  return table[off + want.length] === 0;
}
