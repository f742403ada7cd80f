/**
 * verify/vmlinux.ts and the ELF side of inputs/btf: bzImage-like files (junk, a payload made by the
 * real xz / zstd tools, junk) around a small hand-built ELF64 with or without a .BTF section.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { elfSection } from '../inputs/btf/elf.js';
import { loadBtf } from '../inputs/btf/load.js';
import { kernelBtf, vmlinuxFromImage } from '../verify/vmlinux.js';

const realBtf = gunzipSync(readFileSync(new URL('./fixtures/btf/6.1.0-56-amd64.btf.gz', import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), 'memhp-vmlinux-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A little-endian ELF64 executable with the given sections (plus the null section and .shstrtab). */
function makeElf(sections: readonly (readonly [string, Uint8Array])[]): Uint8Array {
  const all = [...sections];
  const names = [0];
  const nameOff: number[] = [];
  for (const n of [...all.map(([n]) => n), '.shstrtab']) {
    nameOff.push(names.length);
    names.push(...new TextEncoder().encode(n), 0);
  }
  all.push(['.shstrtab', Uint8Array.from(names)]);
  let off = 64;
  const offs = all.map(([, d]) => { const o = off; off += d.length; return o; });
  const shoff = (off + 7) & ~7;
  const out = new Uint8Array(shoff + 64 * (all.length + 1));
  const v = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  v.setUint16(16, 2, true); v.setUint16(18, 62, true); v.setUint32(20, 1, true);
  v.setBigUint64(40, BigInt(shoff), true); v.setUint16(52, 64, true);
  v.setUint16(58, 64, true); v.setUint16(60, all.length + 1, true); v.setUint16(62, all.length, true);
  all.forEach(([, d], i) => {
    out.set(d, offs[i]!);
    const h = shoff + 64 * (i + 1);
    v.setUint32(h, nameOff[i]!, true); v.setUint32(h + 4, i === all.length - 1 ? 3 : 1, true);
    v.setBigUint64(h + 24, BigInt(offs[i]!), true); v.setBigUint64(h + 32, BigInt(d.length), true);
  });
  return out;
}

/** bzImage-like bytes: a setup-ish prefix, `tool`'s compressed `elf` (the real tool), a trailer. */
function makeImage(elf: Uint8Array, tool: 'xz' | 'zstd', name: string): string {
  const r = spawnSync(tool, ['-c', tool === 'xz' ? '-1' : '-3'], { input: elf, maxBuffer: 1 << 28 });
  expect(r.status).toBe(0);
  const prefix = new Uint8Array(4096).map((_, i) => (i * 7) & 0xff);
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([prefix, r.stdout, Buffer.from('trailing setup bytes')]));
  return path;
}

const text = new Uint8Array(1000).fill(0x90);

describe('ELF sections', () => {
  it('finds .BTF by name and reports its absence', () => {
    const elf = makeElf([['.text', text], ['.BTF', realBtf]]);
    const s = elfSection(elf, '.BTF');
    expect(s.ok && s.value?.length).toBe(realBtf.length);
    expect(elfSection(elf, '.BTF.ext')).toEqual({ ok: true, value: null });
    expect(loadBtf(makeElf([['.text', text]]))).toEqual({ ok: false, code: 'E_ENV', message: 'ELF file has no .BTF section' });
  });

  it('mutated or truncated ELF files give a typed failure, never a throw (fast-check)', () => {
    const small = makeElf([['.text', text.subarray(0, 40)], ['.BTF', Uint8Array.of(0x9f, 0xeb, 1, 0)]]);
    fc.assert(
      fc.property(fc.nat(small.length), fc.array(fc.tuple(fc.nat(small.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (cut, edits) => {
        const b = Uint8Array.from(small.subarray(0, Math.max(cut, 1)));
        for (const [i, x] of edits) if (i < b.length) b[i] = x;
        const r = loadBtf(b);
        expect(r.ok).toBe(false); // the .BTF there is only a header's start
        if (!r.ok) expect(['E_PARSE', 'E_ENV']).toContain(r.code);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('kernelBtf of a bzImage', () => {
  it('an xz payload of an ELF without .BTF is E_ENV with the one-line message', () => {
    const path = makeImage(makeElf([['.text', text], ['.data', text]]), 'xz', 'nobtf-bzImage');
    expect(kernelBtf(path)).toEqual({
      ok: false,
      code: 'E_ENV',
      message: `kernel image ${path} has no BTF (.BTF section): CONFIG_DEBUG_INFO_BTF is not set; verify needs it for its probes`,
    });
  });

  it('a zstd payload of an ELF with the real 6.1 .BTF parses it', () => {
    const path = makeImage(makeElf([['.text', text], ['.BTF', realBtf]]), 'zstd', 'btf-bzImage');
    const r = kernelBtf(path);
    expect(r.ok && r.value.types.length).toBe(100750);
  });

  it('an xz payload with .BTF, and a bare vmlinux ELF, parse too', () => {
    const small = makeElf([['.BTF', realBtf.subarray(0, 0)], ['.text', text]]);
    expect(vmlinuxFromImage(small, 'x')).toEqual({ ok: true, value: small });
    const path = makeImage(makeElf([['.BTF', realBtf]]), 'xz', 'btf-xz-bzImage');
    expect(kernelBtf(path).ok).toBe(true);
  });

  it('xz stops at the end of its stream: a long trailer after it (xz exits before reading it, EPIPE) is no error', () => {
    const elf = makeElf([['.text', text]]);
    const r = spawnSync('xz', ['-c', '-1'], { input: elf });
    const image = Buffer.concat([new Uint8Array(4096), r.stdout, new Uint8Array(32 << 20).fill(0x5a)]);
    for (let i = 0; i < 3; i++) expect(vmlinuxFromImage(image, 'long-trailer')).toEqual({ ok: true, value: elf });
  });

  it('no payload, a broken payload, a missing tool and a missing file are E_ENV one-liners', () => {
    const none = join(dir, 'none');
    writeFileSync(none, new Uint8Array(10000).fill(1));
    expect(kernelBtf(none)).toEqual({ ok: false, code: 'E_ENV', message: `kernel image ${none} has no xz or zstd payload (only those compressions are handled)` });
    const broken = Uint8Array.from([...new Uint8Array(100), 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, ...new Uint8Array(100).fill(3)]);
    expect(vmlinuxFromImage(broken, 'b')).toMatchObject({ ok: false, code: 'E_ENV', message: 'kernel image b: its xz/zstd payload does not decompress to an ELF vmlinux' });
    const path = process.env.PATH;
    process.env.PATH = dir;
    try {
      expect(vmlinuxFromImage(broken, 'b')).toEqual({ ok: false, code: 'E_ENV', message: 'xz not found on PATH, needed to decompress kernel image b (Debian: apt-get install xz-utils)' });
    } finally {
      process.env.PATH = path;
    }
    const r = kernelBtf(join(dir, 'missing'));
    expect(r).toMatchObject({ ok: false, code: 'E_ENV' });
    if (!r.ok) expect(r.message).not.toContain('\n');
  });
});
