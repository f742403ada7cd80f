/**
 * The guest's initramfs: a gzip'd cpio (newc) archive holding a static busybox with a symbolic link
 * per applet in /bin, the guest files (/init, /memhp/…), the kernel modules under
 * /lib/modules/KVER/ with /memhp/modules.order naming them in load order, and the directories
 * the guest mounts on. The same inputs give the same bytes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { writeCpio, type CpioEntry } from './cpio.js';
import { elfKind } from './elf.js';
import { envError, type EnvResult } from './env_result.js';
import type { ModuleFile } from './modules.js';

/** A file of the guest: its absolute path there, its content (bytes, or a host file to read) and mode. */
export interface GuestFile {
  readonly path: string;
  readonly content: { readonly bytes: Uint8Array } | { readonly hostPath: string };
  readonly mode: number;
}

/** What goes into the initramfs. */
export interface InitramfsSpec {
  /** The host path of a statically linked busybox. */
  readonly busybox: string;
  /** The kernel release the modules are for (`uname -r` in the guest). */
  readonly kver: string;
  readonly files: readonly GuestFile[];
  /** In load order (verify/modules.ts resolveModules). */
  readonly modules: readonly ModuleFile[];
}

/** The directories the guest needs that no file creates. */
const DIRS = ['dev', 'proc', 'sys', 'tmp', 'run', 'mnt', 'etc', 'memhp', 'sbin', 'usr/bin', 'usr/sbin'];

/** Why a busybox will not do as the guest's only program. */
const NOT_STATIC = 'is not a static busybox (Debian/Ubuntu: apt-get install busybox-static; Fedora: dnf install busybox)';

/** The initramfs bytes (gzip'd newc cpio) for `spec`, or E_ENV when busybox is missing or not static or a host file cannot be read. */
export function buildInitramfs(spec: InitramfsSpec): EnvResult<Uint8Array> {
  const applets = busyboxApplets(spec.busybox);
  if (!applets.ok) return applets;
  const entries: CpioEntry[] = DIRS.map((path) => ({ kind: 'dir', path }));
  entries.push({ kind: 'chardev', path: 'dev/console', major: 5, minor: 1, mode: 0o600 });
  entries.push({ kind: 'file', path: 'bin/busybox', data: readFileSync(spec.busybox), mode: 0o755 });
  const taken = new Set(spec.files.map((f) => f.path.replace(/^\/+/, '')));
  for (const a of applets.value) {
    const path = `bin/${a}`;
    if (a !== 'busybox' && !taken.has(path)) entries.push({ kind: 'symlink', path, target: 'busybox' });
  }
  const modDir = `lib/modules/${spec.kver}`;
  entries.push({ kind: 'dir', path: modDir });
  for (const m of spec.modules) entries.push({ kind: 'file', path: `${modDir}/${m.relPath}`, data: m.bytes, mode: 0o644 });
  const order = spec.modules.map((m) => `/${modDir}/${m.relPath}\n`).join('');
  if (!taken.has('memhp/modules.order')) entries.push({ kind: 'file', path: 'memhp/modules.order', data: Buffer.from(order), mode: 0o644 });
  for (const f of spec.files) {
    let data: Uint8Array;
    if ('bytes' in f.content) data = f.content.bytes;
    else if (existsSync(f.content.hostPath)) data = readFileSync(f.content.hostPath);
    else return envError(`${f.content.hostPath} not found (the guest's ${f.path}): is memhp installed completely?`);
    entries.push({ kind: 'file', path: f.path.replace(/^\/+/, ''), data, mode: f.mode });
  }
  // mtime 0 and no name in the gzip header: the same bytes every time.
  return { ok: true, value: gzipSync(writeCpio(entries), { level: 9 }) };
}

/** The applet names of a static busybox (`busybox --list`), or E_ENV when it is missing or dynamically linked. */
export function busyboxApplets(busybox: string): EnvResult<string[]> {
  if (!existsSync(busybox)) return envError(`${busybox} not found ${NOT_STATIC.replace(/^is not a static busybox /, '')}`);
  if (elfKind(busybox) !== 'static') return envError(`${busybox} ${NOT_STATIC}`);
  const r = spawnSync(busybox, ['--list'], { stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error !== undefined || r.status !== 0) return envError(`${busybox} --list failed (${r.error?.message ?? `exit ${r.status}`}): ${NOT_STATIC}`);
  const names = r.stdout.toString().split('\n').map((l) => l.trim()).filter((l) => /^[\w.[-]+$/.test(l));
  if (!names.includes('sh')) return envError(`${busybox} has no sh applet: ${NOT_STATIC}`);
  return { ok: true, value: [...new Set(names)].sort() };
}
