/**
 * The host programs memhp verify runs, found on PATH, each missing one an E_ENV error naming the
 * package that provides it on Debian/Ubuntu and on Fedora.
 */
import { spawnSync } from 'node:child_process';
import { envError, installHint, type EnvResult } from './env_result.js';
import { findOnPath } from './path_lookup.js';

/** The programs a run needs and the packages providing them (Debian/Ubuntu, Fedora). */
export const PROGRAMS = {
  'qemu-system-x86_64': ['qemu-system-x86', 'qemu-system-x86-core'],
  busybox: ['busybox-static', 'busybox'],
  make: ['make', 'make'],
  gcc: ['gcc', 'gcc'],
  xz: ['xz-utils', 'xz'],
  zstd: ['zstd', 'zstd'],
} as const satisfies Record<string, readonly [string, string]>;

/** A program of the table. */
export type Program = keyof typeof PROGRAMS;

/** Where each program was found; xz and zstd are null when missing (only compressed modules need them). */
export interface Programs {
  readonly qemu: string;
  readonly busybox: string;
  readonly make: string;
  /** The C compiler: `cc` when given (a fetched kernel's CC), else gcc. */
  readonly cc: string;
  readonly xz: string | null;
  readonly zstd: string | null;
}

/** `prog` on `path`, or E_ENV `PROG not found on PATH (Debian/Ubuntu: apt-get install P; Fedora: dnf install F)`. */
export function requireProgram(prog: Program, path: string = process.env.PATH ?? ''): EnvResult<string> {
  const p = findOnPath(prog, path);
  if (p !== null) return { ok: true, value: p };
  const [deb, fed] = PROGRAMS[prog];
  return envError(`${prog} not found on PATH ${installHint(deb, fed)}`);
}

/** All the programs, or the first missing one's E_ENV; `cc` names another compiler than gcc (e.g. `gcc-12`). */
export function findPrograms(path: string = process.env.PATH ?? '', cc?: string): EnvResult<Programs> {
  const qemu = requireProgram('qemu-system-x86_64', path);
  if (!qemu.ok) return qemu;
  const busybox = requireProgram('busybox', path);
  if (!busybox.ok) return busybox;
  const make = requireProgram('make', path);
  if (!make.ok) return make;
  let compiler: string;
  if (cc !== undefined && cc !== 'gcc') {
    const p = findOnPath(cc, path);
    if (p === null) return envError(`${cc} (the compiler the kernel was built with) not found on PATH ${installHint(cc.replace(/^.*\//, ''), 'gcc')}`);
    compiler = p;
  } else {
    const gcc = requireProgram('gcc', path);
    if (!gcc.ok) return gcc;
    compiler = gcc.value;
  }
  return { ok: true, value: { qemu: qemu.value, busybox: busybox.value, make: make.value, cc: compiler, xz: findOnPath('xz', path), zstd: findOnPath('zstd', path) } };
}

/** The first line of `QEMU --version` (e.g. `QEMU emulator version 7.2.22 (Debian …)`), or E_ENV when it does not run. */
export function qemuVersion(qemu: string): EnvResult<string> {
  const r = spawnSync(qemu, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  const line = r.stdout?.toString().split('\n')[0]?.trim() ?? '';
  if (r.error !== undefined || r.status !== 0 || line === '') {
    return envError(`${qemu} --version failed (${r.error?.message ?? r.stderr?.toString().trim().split('\n')[0] ?? `exit ${r.status}`}) ${installHint('qemu-system-x86', 'qemu-system-x86-core')}`);
  }
  return { ok: true, value: line };
}
