/**
 * verify/modules.ts and verify/initramfs.ts: the nvdimm/dax modules in load order from a made-up
 * modules dir (test/fixtures/verify/modules, the dependency lines of Debian 6.1's modules.dep),
 * decompressed; and the initramfs built from the host's static busybox, listed back with cpio.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { elfKind } from '../verify/elf.js';
import { buildInitramfs, type InitramfsSpec } from '../verify/initramfs.js';
import { NVDIMM_MODULES, resolveModules } from '../verify/modules.js';
import { findOnPath } from '../verify/path_lookup.js';

const MODS = fileURLToPath(new URL('./fixtures/verify/modules', import.meta.url));
const BUSYBOX = findOnPath('busybox');
const empty = mkdtempSync(join(tmpdir(), 'memhp-initramfs-test-'));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

function ok<T>(r: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe('resolveModules', () => {
  it('gives the nvdimm/dax modules with their dependencies in load order, decompressed, builtins skipped', () => {
    const mods = ok(resolveModules(MODS, [...NVDIMM_MODULES, 'dax']));
    expect(mods.map((m) => m.relPath)).toEqual([
      'kernel/drivers/nvdimm/libnvdimm.ko',
      'kernel/drivers/nvdimm/nd_e820.ko',
      'kernel/drivers/nvdimm/nd_btt.ko',
      'kernel/drivers/nvdimm/nd_pmem.ko',
      'kernel/drivers/dax/dax_pmem.ko',
      'kernel/drivers/dax/device_dax.ko',
      'kernel/drivers/dax/kmem.ko',
    ]);
    expect(mods.map((m) => Buffer.from(m.bytes).toString())).toEqual(mods.map((m) => `module ${m.name}\n`));
  });

  it('takes - and _ as the same in a name', () => {
    expect(ok(resolveModules(MODS, ['device-dax'])).map((m) => m.name)).toEqual(['device_dax']);
  });

  it('is E_ENV with one line when modules.dep or a module is missing', () => {
    const noDep = resolveModules(empty, ['libnvdimm']);
    expect(noDep).toMatchObject({ ok: false, code: 'E_ENV' });
    expect(!noDep.ok && noDep.message).toMatch(/modules\.dep not found: run depmod/);
    const noMod = resolveModules(MODS, ['libnvdimm', 'cxl_pmem']);
    expect(!noMod.ok && noMod.message).toMatch(/^kernel module cxl_pmem not found in .*modules\.dep/);
    expect(!noMod.ok && noMod.message.includes('\n')).toBe(false);
  });

  it('is E_ENV naming xz when it is not on PATH', () => {
    const r = resolveModules(MODS, ['nd_pmem'], empty);
    expect(r).toMatchObject({ ok: false, code: 'E_ENV' });
    expect(!r.ok && r.message).toMatch(/^xz not found on PATH, needed to decompress .*nd_btt\.ko\.xz \(Debian\/Ubuntu: apt-get install xz-utils; Fedora: dnf install xz\)$/);
  });
});

describe.skipIf(BUSYBOX === null)('buildInitramfs', () => {
  const spec = (): InitramfsSpec => ({
    busybox: BUSYBOX!,
    kver: '6.1.0-56-amd64',
    files: [
      { path: '/init', content: { bytes: Buffer.from('#!/bin/sh\necho hi\n') }, mode: 0o755 },
      { path: '/memhp/plan.sh', content: { bytes: Buffer.from('step x\n') }, mode: 0o644 },
    ],
    modules: ok(resolveModules(MODS, ['nd_e820', 'kmem'])),
  });

  it('holds busybox, its applets, the guest files, the modules and modules.order', () => {
    const cpio = gunzipSync(ok(buildInitramfs(spec())));
    const listed = execFileSync('busybox', ['cpio', '-tv'], { input: cpio, stdio: ['pipe', 'pipe', 'pipe'] }).toString();
    const line = (name: string): string => listed.split('\n').find((l) => l.endsWith(` ${name}`) || l.includes(` ${name} -> `)) ?? '';
    expect(line('init')).toMatch(/^-rwxr-xr-x\s+0\/0\s/);
    expect(line('bin/busybox')).toMatch(/^-rwxr-xr-x/);
    expect(line('bin/sh')).toMatch(/^l.* bin\/sh -> busybox$/);
    expect(line('bin/insmod')).toMatch(/-> busybox$/);
    expect(line('dev/console')).toMatch(/^c/);
    expect(line('lib/modules/6.1.0-56-amd64/kernel/drivers/dax/kmem.ko')).toMatch(/^-rw-r--r--/);
    const d = mkdtempSync(join(tmpdir(), 'memhp-initramfs-x-'));
    try {
      execFileSync('busybox', ['cpio', '-i', '-d', 'memhp/modules.order'], { input: cpio, cwd: d, stdio: ['pipe', 'pipe', 'pipe'] });
      expect(execFileSync('cat', [join(d, 'memhp/modules.order')]).toString()).toBe(
        '/lib/modules/6.1.0-56-amd64/kernel/drivers/nvdimm/libnvdimm.ko\n/lib/modules/6.1.0-56-amd64/kernel/drivers/nvdimm/nd_e820.ko\n/lib/modules/6.1.0-56-amd64/kernel/drivers/dax/kmem.ko\n',
      );
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('gives the same bytes twice', () => {
    expect(Buffer.from(ok(buildInitramfs(spec()))).equals(Buffer.from(ok(buildInitramfs(spec()))))).toBe(true);
  });

  it('refuses a dynamically linked busybox, a file that is not ELF, and a missing one with E_ENV', () => {
    const dynamic = ['/bin/ls', '/usr/bin/ls', process.execPath].find((p) => existsSync(p) && elfKind(p) === 'dynamic');
    expect(dynamic).toBeDefined();
    const script = join(empty, 'busybox');
    writeFileSync(script, '#!/bin/sh\n', { mode: 0o755 });
    for (const bad of [dynamic!, script]) {
      const r = buildInitramfs({ ...spec(), busybox: bad });
      expect(r).toMatchObject({ ok: false, code: 'E_ENV' });
      expect(!r.ok && r.message).toBe(`${bad} is not a static busybox (Debian/Ubuntu: apt-get install busybox-static; Fedora: dnf install busybox)`);
    }
    const gone = buildInitramfs({ ...spec(), busybox: join(empty, 'nope') });
    expect(!gone.ok && gone.message).toMatch(/nope not found \(Debian/);
  });

  it('is E_ENV when a guest file on the host is missing', () => {
    const r = buildInitramfs({ ...spec(), files: [{ path: '/memhp/lib.sh', content: { hostPath: join(empty, 'lib.sh') }, mode: 0o644 }] });
    expect(!r.ok && r.message).toMatch(/lib\.sh not found \(the guest's \/memhp\/lib\.sh\)/);
  });
});
