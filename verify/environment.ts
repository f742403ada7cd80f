/**
 * What a guest run needs from the host: the programs (verify/programs.ts), a kernel — the
 * machine's own (`/boot/vmlinuz-$(uname -r)`, `/lib/modules/$(uname -r)` and its `build`
 * headers), paths given, or a tree made by scripts/fetch-debian-kernel.sh (`DIR/memhp-kernel.env`:
 * KVER, IMAGE, MODULES, HEADERS, CC, MAKEARGS lines) — and whether /dev/kvm can be used. Each
 * missing thing is an E_ENV error of one line saying what and how to install it.
 */
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { release } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { envError, type EnvResult } from './env_result.js';
import { findPrograms, type Programs } from './programs.js';

/** Which kernel to boot. */
export type KernelSource =
  | { readonly kind: 'host' }
  | { readonly kind: 'paths'; readonly image: string; readonly modulesDir: string; readonly headersDir?: string }
  | { readonly kind: 'fetched'; readonly dir: string };

/** A kernel to boot and build against. */
export interface KernelTree {
  readonly kver: string;
  readonly image: string;
  readonly modulesDir: string;
  readonly headersDir: string;
  /** The compiler to build modules with (a fetched tree's CC), else undefined (gcc). */
  readonly cc?: string;
  /** Extra make arguments (a fetched tree's MAKEARGS). */
  readonly makeArgs: readonly string[];
}

/** Everything found. */
export interface VerifyEnvironment {
  readonly programs: Programs;
  readonly kernel: KernelTree;
  readonly kvm: boolean;
}

/** The file a fetched kernel tree describes itself in. */
export const KERNEL_ENV = 'memhp-kernel.env';

/** The programs, the kernel and KVM, or the first missing thing's E_ENV. */
export function checkEnvironment(src: KernelSource, path: string = process.env.PATH ?? ''): EnvResult<VerifyEnvironment> {
  const kernel = findKernel(src);
  if (!kernel.ok) return kernel;
  const programs = findPrograms(path, kernel.value.cc);
  if (!programs.ok) return programs;
  return { ok: true, value: { programs: programs.value, kernel: kernel.value, kvm: kvmUsable() } };
}

/** The kernel of `src`, each part checked to exist. */
export function findKernel(src: KernelSource, kver: string = release()): EnvResult<KernelTree> {
  if (src.kind === 'fetched') return fetchedKernel(src.dir);
  if (src.kind === 'paths') {
    const headersDir = src.headersDir ?? headersOf(src.modulesDir);
    return checkTree({ kver: basename(resolve(src.modulesDir)), image: src.image, modulesDir: src.modulesDir, headersDir, makeArgs: [] }, 'the given');
  }
  const modulesDir = `/lib/modules/${kver}`;
  const image = [`/boot/vmlinuz-${kver}`, `${modulesDir}/vmlinuz`].find((p) => existsSync(p)) ?? `/boot/vmlinuz-${kver}`;
  return checkTree({ kver, image, modulesDir, headersDir: headersOf(modulesDir), makeArgs: [] }, 'the running');
}

/** The kernel described by `DIR/memhp-kernel.env` (relative paths are relative to DIR). */
export function fetchedKernel(dir: string): EnvResult<KernelTree> {
  const file = join(dir, KERNEL_ENV);
  if (!existsSync(file)) return envError(`${file} not found: fetch a kernel first (scripts/fetch-debian-kernel.sh KVER)`);
  const env = parseEnvLines(readFileSync(file, 'utf8'));
  const missing = ['KVER', 'IMAGE', 'MODULES', 'HEADERS'].filter((k) => !env.get(k));
  if (missing.length > 0) return envError(`${file} lacks ${missing.join(', ')}: fetch the kernel again (scripts/fetch-debian-kernel.sh)`);
  const at = (k: string): string => resolve(dir, env.get(k)!);
  const cc = env.get('CC');
  const tree: KernelTree = {
    kver: env.get('KVER')!,
    image: at('IMAGE'),
    modulesDir: at('MODULES'),
    headersDir: at('HEADERS'),
    ...(cc ? { cc } : {}),
    makeArgs: (env.get('MAKEARGS') ?? '').split(/\s+/).filter((a) => a !== ''),
  };
  return checkTree(tree, 'the fetched');
}

/** KEY=VALUE lines (blank lines and `#` comments skipped, one level of quotes removed). */
export function parseEnvLines(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    let v = line.slice(eq + 1).trim();
    if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0])) v = v.slice(1, -1);
    m.set(line.slice(0, eq).trim().replace(/^export\s+/, ''), v);
  }
  return m;
}

/** True when /dev/kvm (or `dev`) can be opened for reading and writing. */
export function kvmUsable(dev = '/dev/kvm'): boolean {
  try {
    closeSync(openSync(dev, constants.O_RDWR));
    return true;
  } catch {
    return false;
  }
}

/**
 * The headers of a modules dir: its `build` link. In an unpacked package tree the link is absolute
 * (`/usr/src/linux-headers-KVER`) and dangles on the host; then the same path under the tree's root
 * (the modules dir being ROOT/lib/modules/KVER) is taken.
 */
export function headersOf(modulesDir: string): string {
  const build = join(modulesDir, 'build');
  let target: string;
  try {
    target = readlinkSync(build);
  } catch {
    return build;
  }
  if (!isAbsolute(target) || existsSync(target)) return build;
  const root = dirname(dirname(dirname(resolve(modulesDir))));
  const inTree = join(root, target);
  return existsSync(inTree) ? inTree : build;
}

// --- internal ---

/** The tree, or E_ENV for its first missing part. */
function checkTree(t: KernelTree, which: string): EnvResult<KernelTree> {
  const pkg = `(Debian/Ubuntu: apt-get install`;
  if (!existsSync(t.image)) return envError(`${which} kernel's image ${t.image} not found ${pkg} linux-image-${t.kver}; Fedora: dnf install kernel-core; or fetch one: scripts/fetch-debian-kernel.sh)`);
  if (!readable(t.image)) return envError(`${which} kernel's image ${t.image} is not readable (Ubuntu installs it mode 0600: sudo chmod 0644 ${t.image}, or fetch a kernel: scripts/fetch-debian-kernel.sh)`);
  if (!isDir(t.modulesDir)) return envError(`${which} kernel's modules ${t.modulesDir} not found ${pkg} linux-image-${t.kver}; Fedora: dnf install kernel-modules)`);
  if (!existsSync(join(t.headersDir, 'Makefile'))) return envError(`${which} kernel's headers ${t.headersDir} not found ${pkg} linux-headers-${t.kver}; Fedora: dnf install kernel-devel-${t.kver})`);
  return { ok: true, value: t };
}

function readable(p: string): boolean {
  try {
    accessSync(p, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}
