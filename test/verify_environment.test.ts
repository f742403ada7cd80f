/**
 * verify/environment.ts and verify/programs.ts: each missing program or kernel part is one E_ENV
 * line naming what and how to install it; the kernel of a fetched tree (memhp-kernel.env), of
 * given paths (an unpacked package tree whose `build` link is absolute), or of the machine.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkEnvironment, fetchedKernel, findKernel, headersOf, kvmUsable, parseEnvLines } from '../verify/environment.js';
import { findPrograms, qemuVersion, requireProgram } from '../verify/programs.js';

const work = mkdtempSync(join(tmpdir(), 'memhp-env-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A directory holding executables of these names (shell scripts that exit 0). */
function binWith(name: string, progs: string[]): string {
  const d = join(work, name);
  mkdirSync(d);
  for (const p of progs) writeFileSync(join(d, p), '#!/bin/sh\necho "QEMU emulator version 9.9.9"\n', { mode: 0o755 });
  return d;
}

/** An unpacked kernel tree like `dpkg -x` of Debian's image and headers packages: ROOT/boot, ROOT/lib/modules/KVER (build → /usr/src/…), ROOT/usr/src/…. */
function tree(name: string, kver: string): string {
  const root = join(work, name);
  mkdirSync(join(root, 'boot'), { recursive: true });
  writeFileSync(join(root, 'boot', `vmlinuz-${kver}`), 'bzImage');
  mkdirSync(join(root, 'lib/modules', kver), { recursive: true });
  mkdirSync(join(root, 'usr/src', `linux-headers-${kver}`), { recursive: true });
  writeFileSync(join(root, 'usr/src', `linux-headers-${kver}`, 'Makefile'), 'all:\n');
  symlinkSync(`/usr/src/linux-headers-${kver}`, join(root, 'lib/modules', kver, 'build'));
  return root;
}

describe('programs', () => {
  it('names the first missing program and its packages', () => {
    expect(findPrograms(join(work, 'nothing-here'))).toEqual({
      ok: false,
      code: 'E_ENV',
      message: 'qemu-system-x86_64 not found on PATH (Debian/Ubuntu: apt-get install qemu-system-x86; Fedora: dnf install qemu-system-x86-core)',
    });
    const bin = binWith('only-qemu', ['qemu-system-x86_64']);
    expect(findPrograms(bin)).toMatchObject({ ok: false, message: 'busybox not found on PATH (Debian/Ubuntu: apt-get install busybox-static; Fedora: dnf install busybox)' });
    const bin2 = binWith('no-gcc', ['qemu-system-x86_64', 'busybox', 'make']);
    expect(findPrograms(bin2)).toMatchObject({ ok: false, message: 'gcc not found on PATH (Debian/Ubuntu: apt-get install gcc; Fedora: dnf install gcc)' });
    expect(findPrograms(bin2, 'gcc-12')).toMatchObject({ ok: false, message: expect.stringMatching(/^gcc-12 \(the compiler the kernel was built with\) not found on PATH \(Debian\/Ubuntu: apt-get install gcc-12;/) });
    expect(requireProgram('zstd', bin2)).toMatchObject({ ok: false, message: 'zstd not found on PATH (Debian/Ubuntu: apt-get install zstd; Fedora: dnf install zstd)' });
  });

  it('finds them all, xz and zstd optional', () => {
    const bin = binWith('all', ['qemu-system-x86_64', 'busybox', 'make', 'gcc-12']);
    const r = findPrograms(bin, 'gcc-12');
    expect(r).toEqual({ ok: true, value: { qemu: join(bin, 'qemu-system-x86_64'), busybox: join(bin, 'busybox'), make: join(bin, 'make'), cc: join(bin, 'gcc-12'), xz: null, zstd: null } });
    expect(qemuVersion(join(bin, 'qemu-system-x86_64'))).toEqual({ ok: true, value: 'QEMU emulator version 9.9.9' });
    expect(qemuVersion(join(work, 'no-qemu'))).toMatchObject({ ok: false, code: 'E_ENV' });
  });
});

describe('the kernel', () => {
  it('of a fetched tree: memhp-kernel.env, relative paths from its directory', () => {
    const root = tree('fetched', '6.1.0-56-amd64');
    writeFileSync(
      join(root, 'memhp-kernel.env'),
      '# written by scripts/fetch-debian-kernel.sh\nKVER=6.1.0-56-amd64\nIMAGE=boot/vmlinuz-6.1.0-56-amd64\nMODULES=lib/modules/6.1.0-56-amd64\nHEADERS="usr/src/linux-headers-6.1.0-56-amd64"\nCC=gcc-12\nMAKEARGS=KBUILD_MODPOST_WARN=1  V=0\n',
    );
    expect(fetchedKernel(root)).toEqual({
      ok: true,
      value: {
        kver: '6.1.0-56-amd64',
        image: join(root, 'boot/vmlinuz-6.1.0-56-amd64'),
        modulesDir: join(root, 'lib/modules/6.1.0-56-amd64'),
        headersDir: join(root, 'usr/src/linux-headers-6.1.0-56-amd64'),
        cc: 'gcc-12',
        makeArgs: ['KBUILD_MODPOST_WARN=1', 'V=0'],
      },
    });
    expect(checkEnvironment({ kind: 'fetched', dir: root }, binWith('env-bin', ['qemu-system-x86_64', 'busybox', 'make']))).toMatchObject({ ok: false, message: expect.stringMatching(/^gcc-12 /) });
  });

  it('of a fetched tree: a missing file or key, or a part that is not there, is one E_ENV line', () => {
    expect(fetchedKernel(join(work, 'none'))).toMatchObject({ ok: false, code: 'E_ENV', message: expect.stringMatching(/memhp-kernel\.env not found: fetch a kernel first \(scripts\/fetch-debian-kernel\.sh KVER\)$/) });
    const root = tree('fetched-bad', '6.1.0-56-amd64');
    writeFileSync(join(root, 'memhp-kernel.env'), 'KVER=6.1.0-56-amd64\nIMAGE=boot/vmlinuz-6.1.0-56-amd64\n');
    expect(fetchedKernel(root)).toMatchObject({ ok: false, message: expect.stringMatching(/lacks MODULES, HEADERS: fetch the kernel again/) });
    writeFileSync(join(root, 'memhp-kernel.env'), 'KVER=6.1.0-56-amd64\nIMAGE=boot/vmlinuz-9\nMODULES=lib/modules/6.1.0-56-amd64\nHEADERS=usr/src/linux-headers-6.1.0-56-amd64\n');
    const r = fetchedKernel(root);
    expect(r).toMatchObject({ ok: false, message: expect.stringMatching(/^the fetched kernel's image .*boot\/vmlinuz-9 not found \(Debian\/Ubuntu: apt-get install linux-image-6\.1\.0-56-amd64; Fedora: dnf install kernel-core;/) });
  });

  it('of given paths: the headers from the build link, looked up inside an unpacked tree when it dangles', () => {
    const root = tree('paths', '6.1.0-9-amd64');
    const mods = join(root, 'lib/modules/6.1.0-9-amd64');
    expect(headersOf(mods)).toBe(join(root, 'usr/src/linux-headers-6.1.0-9-amd64'));
    expect(findKernel({ kind: 'paths', image: join(root, 'boot/vmlinuz-6.1.0-9-amd64'), modulesDir: mods })).toMatchObject({ ok: true, value: { kver: '6.1.0-9-amd64', headersDir: join(root, 'usr/src/linux-headers-6.1.0-9-amd64') } });
    rmSync(join(root, 'usr/src/linux-headers-6.1.0-9-amd64/Makefile'));
    expect(findKernel({ kind: 'paths', image: join(root, 'boot/vmlinuz-6.1.0-9-amd64'), modulesDir: mods })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^the given kernel's headers .* not found \(Debian\/Ubuntu: apt-get install linux-headers-6\.1\.0-9-amd64; Fedora: dnf install kernel-devel-6\.1\.0-9-amd64\)$/),
    });
  });

  it('of the machine: a release without an image says which package', () => {
    expect(findKernel({ kind: 'host' }, '0.0.0-memhp-none')).toEqual({
      ok: false,
      code: 'E_ENV',
      message: "the running kernel's image /boot/vmlinuz-0.0.0-memhp-none not found (Debian/Ubuntu: apt-get install linux-image-0.0.0-memhp-none; Fedora: dnf install kernel-core; or fetch one: scripts/fetch-debian-kernel.sh)",
    });
  });

  it('reads KEY=VALUE lines with comments, quotes and export', () => {
    expect([...parseEnvLines("# c\nexport A=1\nB='two words'\n\nnot a line\nC=\n")]).toEqual([['A', '1'], ['B', 'two words'], ['C', '']]);
  });
});

describe('kvm', () => {
  it('is usable only when the device opens read-write', () => {
    expect(kvmUsable(join(work, 'no-kvm'))).toBe(false);
    expect(kvmUsable('/dev/null')).toBe(true);
  });
});
