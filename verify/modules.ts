/**
 * The kernel modules a guest loads: for the asked names (libnvdimm nd_e820 nd_pmem dax_pmem
 * device_dax kmem), their .ko files and those they depend on, in load order (dependencies first),
 * from the modules directory's `modules.dep` (what depmod writes). Names in `modules.builtin` are
 * built into the kernel and skipped. Compressed modules are decompressed (.ko.xz with `xz -dc`,
 * .ko.zst with `zstd -dcq`, .ko.gz with zlib), since busybox insmod loads plain .ko files.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { envError, installHint, type EnvResult } from './env_result.js';
import { findOnPath } from './path_lookup.js';

/** The nvdimm/dax modules memhp's guest loads for pmem and device-dax scenarios. */
export const NVDIMM_MODULES = ['libnvdimm', 'nd_e820', 'nd_pmem', 'dax_pmem', 'device_dax', 'kmem'] as const;

/** One module to put in the guest: its name, its path below the modules dir without the compression suffix, its bytes. */
export interface ModuleFile {
  readonly name: string;
  /** e.g. `kernel/drivers/nvdimm/libnvdimm.ko` */
  readonly relPath: string;
  readonly bytes: Uint8Array;
}

/** The modules `names` and their dependencies in load order, read from `modulesDir` (`/lib/modules/KVER` or an unpacked tree's). */
export function resolveModules(modulesDir: string, names: readonly string[], path: string = process.env.PATH ?? ''): EnvResult<ModuleFile[]> {
  const depFile = join(modulesDir, 'modules.dep');
  if (!existsSync(depFile)) return envError(`${depFile} not found: run depmod for this kernel (depmod -b ROOT KVER for an unpacked tree; Debian/Ubuntu/Fedora: package kmod)`);
  const deps = parseModulesDep(readFileSync(depFile, 'utf8'));
  const builtinFile = join(modulesDir, 'modules.builtin');
  const builtin = new Set(existsSync(builtinFile) ? readFileSync(builtinFile, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => moduleName(l.trim())) : []);
  const byName = new Map<string, string>();
  for (const file of deps.keys()) byName.set(moduleName(file), file);

  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    // modules.dep lists a module's dependencies with the ones to load last first (modprobe loads from the end).
    for (const d of [...(deps.get(file) ?? [])].reverse()) visit(d);
    order.push(file);
  };
  for (const n of names) {
    const key = canonical(n);
    const file = byName.get(key);
    if (file === undefined) {
      if (builtin.has(key)) continue;
      return envError(`kernel module ${n} not found in ${depFile} (is the kernel built with it? Debian/Ubuntu: apt-get install linux-image-KVER; Fedora: dnf install kernel-modules)`);
    }
    visit(file);
  }

  const out: ModuleFile[] = [];
  for (const file of order) {
    const bytes = readModule(join(modulesDir, file), path);
    if (!bytes.ok) return bytes;
    out.push({ name: moduleName(file), relPath: file.replace(/\.(xz|zst|gz)$/, ''), bytes: bytes.value });
  }
  return { ok: true, value: out };
}

/** modules.dep text as a map from each module's path to its dependencies' paths (in the file's order). */
export function parseModulesDep(text: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    m.set(line.slice(0, i).trim(), line.slice(i + 1).trim().split(/\s+/).filter((x) => x !== ''));
  }
  return m;
}

/** The module name of a path (`kernel/drivers/dax/device_dax.ko.xz` → `device_dax`; `-` and `_` are the same to the kernel). */
export function moduleName(file: string): string {
  return canonical(basename(file).replace(/\.ko(\.(xz|zst|gz))?$/, ''));
}

// --- internal ---

function canonical(name: string): string {
  return name.replace(/-/g, '_');
}

/** A module's bytes, decompressed by the suffix of its name. */
function readModule(file: string, path: string): EnvResult<Uint8Array> {
  if (!existsSync(file)) return envError(`kernel module ${file} (listed in modules.dep) not found: the modules directory is incomplete`);
  if (file.endsWith('.xz')) return decompress('xz', ['-dc', file], file, installHint('xz-utils', 'xz'), path);
  if (file.endsWith('.zst')) return decompress('zstd', ['-dcq', file], file, installHint('zstd', 'zstd'), path);
  if (file.endsWith('.gz')) {
    try {
      return { ok: true, value: gunzipSync(readFileSync(file)) };
    } catch (e) {
      return envError(`cannot decompress ${file}: ${(e as Error).message}`);
    }
  }
  return { ok: true, value: readFileSync(file) };
}

/** The standard output of `prog args`, or E_ENV when the program is missing or fails. */
function decompress(prog: string, args: string[], file: string, hint: string, path: string): EnvResult<Uint8Array> {
  const exe = findOnPath(prog, path);
  if (exe === null) return envError(`${prog} not found on PATH, needed to decompress ${file} ${hint}`);
  const r = spawnSync(exe, args, { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error !== undefined || r.status !== 0) {
    const why = r.error?.message ?? r.stderr.toString().trim().split('\n')[0] ?? `exit ${r.status}`;
    return envError(`${prog} cannot decompress ${file}: ${why}`);
  }
  return { ok: true, value: r.stdout };
}
