/**
 * The vmlinux ELF out of a bzImage, and its BTF. The compressed kernel inside a bzImage is found by
 * its magic (xz `\xfd7zXZ\0`, zstd `28 b5 2f fd`) and decompressed by the real tool (`xz -dc
 * --single-stream`, `zstd -dcq`), spawned with the payload on stdin; the first candidate whose
 * output is an ELF file wins. A missing tool or no payload is E_ENV with a one-line message.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { envError } from './env_result.js';
import { loadBtf } from '../inputs/btf/load.js';
import { isElf } from '../inputs/btf/elf.js';
import { isBtf } from '../inputs/btf/btf.js';
import type { Btf, BtfResult } from '../inputs/btf/types.js';

/** Decompressed output cap (a Debian vmlinux is 60-80 MB). */
const MAX_VMLINUX_BYTES = 1 << 30;
/** At most this many magic matches per format are tried (a magic can occur by chance). */
const MAX_CANDIDATES = 4;

interface Codec {
  readonly tool: string;
  readonly args: readonly string[];
  readonly magic: readonly number[];
  readonly pkg: string;
}

const CODECS: readonly Codec[] = [
  { tool: 'xz', args: ['-dc', '--single-stream'], magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], pkg: 'xz-utils' },
  { tool: 'zstd', args: ['-dcq'], magic: [0x28, 0xb5, 0x2f, 0xfd], pkg: 'zstd' },
];


/** Offsets where `magic` occurs in `bytes`, at most `max`. */
function findMagic(bytes: Uint8Array, magic: readonly number[], max: number): number[] {
  const out: number[] = [];
  const first = magic[0] ?? 0;
  for (let i = bytes.indexOf(first); i >= 0 && out.length < max; i = bytes.indexOf(first, i + 1)) {
    let k = 1;
    while (k < magic.length && bytes[i + k] === magic[k]) k++;
    if (k === magic.length) out.push(i);
  }
  return out;
}

/** The vmlinux ELF inside bzImage bytes (an ELF file is returned as it is); `name` names the image in messages. */
export function vmlinuxFromImage(image: Uint8Array, name: string): BtfResult<Uint8Array> {
  if (isElf(image)) return { ok: true, value: image };
  let found = false;
  for (const c of CODECS) {
    for (const at of findMagic(image, c.magic, MAX_CANDIDATES)) {
      found = true;
      const r = spawnSync(c.tool, [...c.args], { input: image.subarray(at), maxBuffer: MAX_VMLINUX_BYTES, stdio: ['pipe', 'pipe', 'ignore'] });
      if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') return envError(`${c.tool} not found on PATH, needed to decompress kernel image ${name} (Debian: apt-get install ${c.pkg})`);
      // `xz --single-stream` exits at the end of its stream, before reading the bzImage's trailing
      // bytes: writing them fails with EPIPE, which is not an error when xz itself succeeded.
      const epipe = (r.error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE' && r.status === 0;
      if (r.error && !epipe) return envError(`${c.tool} failed on kernel image ${name}: ${r.error.message.split('\n')[0]}`);
      if (r.stdout === null) continue;
      const out = new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength);
      if (isElf(out)) return { ok: true, value: out };
    }
  }
  return envError(found
    ? `kernel image ${name}: its xz/zstd payload does not decompress to an ELF vmlinux`
    : `kernel image ${name} has no xz or zstd payload (only those compressions are handled)`);
}

/** The parsed BTF of the kernel image at `imagePath` (bzImage or vmlinux), or E_ENV when it has none. */
export function kernelBtf(imagePath: string): BtfResult<Btf> {
  let image: Uint8Array;
  try {
    image = readFileSync(imagePath);
  } catch (e) {
    return envError(`cannot read kernel image ${imagePath}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const elf = vmlinuxFromImage(image, imagePath);
  if (!elf.ok) return elf;
  const btf = loadBtf(elf.value);
  if (!btf.ok && btf.code === 'E_ENV') {
    return envError(`kernel image ${imagePath} has no BTF (.BTF section): CONFIG_DEBUG_INFO_BTF is not set; verify needs it for its probes`);
  }
  if (!btf.ok) return { ...btf, message: `kernel image ${imagePath}: ${btf.message}` };
  return btf;
}

/** The BTF of a file of any form a user has: raw BTF (/sys/kernel/btf/vmlinux), a vmlinux ELF, a bzImage, or one of them gzipped. */
export function btfFromFile(path: string): BtfResult<Btf> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { ok: false, code: 'E_IO', message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}` };
  }
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: MAX_VMLINUX_BYTES });
    } catch (e) {
      return { ok: false, code: 'E_PARSE', message: `${path}: not a gzip file it can read (${(e as Error).message.split('\n')[0]})` };
    }
  }
  if (isBtf(bytes) || isElf(bytes)) {
    const r = loadBtf(bytes);
    return r.ok || r.code !== 'E_ENV' ? r : { ...r, message: `${path}: ${r.message}` };
  }
  return kernelBtf(path);
}
