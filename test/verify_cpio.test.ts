/**
 * verify/cpio.ts: the newc writer, read back by the real `cpio` tool (list and extract) and by a
 * small reader here, for fixed members and for generated sets of files (fast-check).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { writeCpio, type CpioEntry } from '../verify/cpio.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'memhp-cpio-test-'));
  dirs.push(d);
  return d;
}

/** Members of a newc archive as [name, mode, data], the trailer included, checking magic and padding. */
function readNewc(buf: Uint8Array): Array<{ name: string; mode: number; uid: number; mtime: number; data: Buffer }> {
  const b = Buffer.from(buf);
  const out: Array<{ name: string; mode: number; uid: number; mtime: number; data: Buffer }> = [];
  let off = 0;
  for (;;) {
    expect(b.toString('ascii', off, off + 6)).toBe('070701');
    const f = (i: number): number => parseInt(b.toString('ascii', off + 6 + i * 8, off + 14 + i * 8), 16);
    const size = f(6);
    const namesize = f(11);
    const name = b.toString('utf8', off + 110, off + 110 + namesize - 1);
    const dataOff = off + 110 + namesize + ((4 - ((110 + namesize) % 4)) % 4);
    out.push({ name, mode: f(1), uid: f(2), mtime: f(5), data: b.subarray(dataOff, dataOff + size) });
    off = dataOff + size + ((4 - (size % 4)) % 4);
    if (name === 'TRAILER!!!') break;
  }
  expect(off).toBe(b.length);
  return out;
}

/** The cpio tool: GNU cpio where installed, else busybox's cpio applet (both read newc). */
const CPIO: [string, ...string[]] = onPath('cpio') ? ['cpio'] : ['busybox', 'cpio'];
const QUIET = CPIO[0] === 'cpio' ? ['--quiet'] : [];

function onPath(prog: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d !== '' && existsSync(join(d, prog)));
}

function cpio(args: string[], input: Uint8Array, cwd?: string): string {
  return execFileSync(CPIO[0], [...CPIO.slice(1), ...args, ...QUIET], { input, cwd, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
}

const SAMPLE: CpioEntry[] = [
  { kind: 'file', path: 'memhp/plan.sh', data: Buffer.from('step hello\n'), mode: 0o644 },
  { kind: 'file', path: 'init', data: Buffer.from('#!/bin/sh\necho hi\n'), mode: 0o755 },
  { kind: 'symlink', path: 'bin/sh', target: 'busybox' },
  { kind: 'file', path: 'bin/busybox', data: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]), mode: 0o755 },
  { kind: 'dir', path: 'proc' },
  { kind: 'chardev', path: 'dev/console', major: 5, minor: 1 },
];

describe('writeCpio', () => {
  it('writes sorted members with parents first, uid 0, mtime 0 and a trailer', () => {
    const m = readNewc(writeCpio(SAMPLE));
    expect(m.map((x) => x.name)).toEqual(['bin', 'bin/busybox', 'bin/sh', 'dev', 'dev/console', 'init', 'memhp', 'memhp/plan.sh', 'proc', 'TRAILER!!!']);
    expect(m.every((x) => x.uid === 0 && x.mtime === 0)).toBe(true);
    expect(m.find((x) => x.name === 'init')!.mode).toBe(0o100755);
    expect(m.find((x) => x.name === 'bin/sh')!.mode).toBe(0o120777);
    expect(m.find((x) => x.name === 'bin/sh')!.data.toString()).toBe('busybox');
    expect(m.find((x) => x.name === 'dev/console')!.mode).toBe(0o020600);
  });

  it('gives the same bytes for the same members in any order', () => {
    expect(Buffer.from(writeCpio([...SAMPLE].reverse())).equals(Buffer.from(writeCpio(SAMPLE)))).toBe(true);
  });

  it('refuses a repeated path, a path with .. and a file used as a directory', () => {
    expect(() => writeCpio([SAMPLE[0]!, SAMPLE[0]!])).toThrow(/given twice/);
    expect(() => writeCpio([{ kind: 'dir', path: 'a/../b' }])).toThrow(/bad member path/);
    expect(() => writeCpio([{ kind: 'file', path: 'a', data: new Uint8Array(0) }, { kind: 'dir', path: 'a/b' }])).toThrow(/not a directory/);
  });

  it('is listed and extracted by the real cpio tool (GNU cpio, or busybox cpio where it is missing)', () => {
    const d = tmp();
    const members = SAMPLE.filter((e) => e.kind !== 'chardev');
    const archive = writeCpio(members);
    const listed = cpio(['-t'], archive).trim().split('\n');
    expect(listed).toEqual(['bin', 'bin/busybox', 'bin/sh', 'init', 'memhp', 'memhp/plan.sh', 'proc']);
    cpio(['-i', '-d'], archive, d);
    expect(readFileSync(join(d, 'init'), 'utf8')).toBe('#!/bin/sh\necho hi\n');
    expect(lstatSync(join(d, 'init')).mode & 0o777).toBe(0o755);
    expect(readlinkSync(join(d, 'bin/sh'))).toBe('busybox');
    expect(readFileSync(join(d, 'bin/busybox'))).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2]));
    expect(lstatSync(join(d, 'proc')).isDirectory()).toBe(true);
  });

  const name = fc.stringMatching(/^[a-zA-Z0-9_.-]{1,12}$/).filter((s) => s !== '.' && s !== '..');
  const files = fc.uniqueArray(fc.tuple(fc.array(name, { minLength: 1, maxLength: 3 }), fc.uint8Array({ maxLength: 70 })), {
    maxLength: 8,
    selector: ([p]) => p[0]!,
  });

  it('round-trips any set of files through the reader (property)', () => {
    fc.assert(
      fc.property(files, (fs) => {
        // One top-level name per file, so no file is another's directory.
        const entries: CpioEntry[] = fs.map(([p, data]) => ({ kind: 'file', path: p.join('/'), data, mode: 0o640 }));
        const read = readNewc(writeCpio(entries));
        for (const e of entries) {
          const r = read.find((x) => x.name === e.path);
          expect(r?.mode).toBe(0o100640);
          expect(r!.data.equals(Buffer.from((e as { data: Uint8Array }).data))).toBe(true);
        }
        const names = read.map((x) => x.name).slice(0, -1);
        expect([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))).toEqual(names);
      }),
    );
  });

  it('round-trips generated files through cpio -i (property, 15 runs)', () => {
    fc.assert(
      fc.property(files, (fs) => {
        const d = tmp();
        const entries: CpioEntry[] = fs.map(([p, data]) => ({ kind: 'file', path: p.join('/'), data }));
        cpio(['-i', '-d'], writeCpio(entries), d);
        for (const [p, data] of fs) expect(readFileSync(join(d, ...p)).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 15 },
    );
  });
});
