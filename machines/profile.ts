/**
 * Profiles: a kernel version × architecture geometry × configuration. This issue models v5.3 (the
 * seed, ba72b4c8cf60) on x86_64 with Debian's defaults; later versions are added as change lists.
 */
import { deriveGeometry, GEOMETRY_ROWS } from './geometry.js';
import type { KernelConfig, Profile } from './types.js';

/** Kernel releases whose rules memhp implements. */
export const KERNELS: readonly string[] = ['5.3'];

/** Debian x86_64 kernel configuration (config.amd64): VMEMMAP, PSE CPUs, no DEBUG_VM, MEMORY_FAILURE. */
export const DEFAULT_CONFIG: KernelConfig = { SPARSEMEM_VMEMMAP: true, PSE: true, DEBUG_VM: false, MEMORY_FAILURE: true };

/** Options for createProfile. */
export interface ProfileOptions {
  readonly kernel?: string;
  readonly arch?: string;
  readonly config?: Partial<KernelConfig>;
}

/** A profile, or a message saying what is not supported and what is. */
export function resolveProfile(opts: ProfileOptions = {}): { ok: true; profile: Profile } | { ok: false; message: string } {
  const kernel = opts.kernel ?? '5.3';
  if (!KERNELS.includes(kernel)) return { ok: false, message: `kernel ${kernel} is not modelled (known: ${KERNELS.join(', ')})` };
  const arch = opts.arch ?? 'x86_64';
  const row = GEOMETRY_ROWS[arch];
  if (!row) return { ok: false, message: `arch ${arch} is not modelled (known: ${Object.keys(GEOMETRY_ROWS).join(', ')})` };
  const config = { ...DEFAULT_CONFIG, ...opts.config };
  if (!config.SPARSEMEM_VMEMMAP) return { ok: false, message: 'SPARSEMEM_VMEMMAP=n is not modelled yet' };
  return { ok: true, profile: { kernel, geometry: deriveGeometry(row), config } };
}

/** A profile; throws on an unsupported one (for tests and code with fixed arguments). */
export function createProfile(opts: ProfileOptions = {}): Profile {
  const r = resolveProfile(opts);
  if (!r.ok) throw new Error(r.message);
  return r.profile;
}

/** One line naming the profile and every option, e.g. `linux 5.3 x86_64 VMEMMAP=y PSE=y …`. */
export function describeProfile(p: Profile): string {
  const yn = (b: boolean): string => (b ? 'y' : 'n');
  const c = p.config;
  return `linux ${p.kernel} ${p.geometry.name} SPARSEMEM_VMEMMAP=${yn(c.SPARSEMEM_VMEMMAP)} PSE=${yn(c.PSE)} DEBUG_VM=${yn(c.DEBUG_VM)} MEMORY_FAILURE=${yn(c.MEMORY_FAILURE)} SECTIONS_PER_ROOT=${p.geometry.SECTIONS_PER_ROOT}`;
}
