/**
 * Profiles: a kernel version × architecture geometry × configuration. A version is the v5.3 model
 * plus the changes of machines/versions.ts up to it (v5.2 is the model without the seed change).
 */
import { ARCH_NAMES, geometryFor } from './geometry.js';
import type { KernelConfig, Profile } from './types.js';
import { CHANGES, changesAt, parseVersion } from './versions.js';

/** Kernel releases worth naming (any release string from 5.2 on is accepted, plus `newest`). */
export const KERNELS: readonly string[] = ['5.2', '5.3', '5.4', '5.5', '5.6', '5.9', '5.12', '5.14', '6.0', '6.1', '6.1.192', '6.5', '6.8', '6.10', '6.12.95', 'newest'];

/**
 * True when the kernel keeps and checks a subsection_map: always with SPARSEMEM_VMEMMAP; without it
 * only until the ~v5.7 refactor (fill_subsection_map / clear_subsection_map return 0 for !VMEMMAP).
 */
export function tracksSubsections(p: Profile): boolean {
  return p.config.SPARSEMEM_VMEMMAP || !has(p, 'SUBSECTION_MAP_HELPERS');
}

/** True when change `id` (machines/versions.ts) is in effect in profile `p`. */
export function has(p: Profile, id: string): boolean {
  return p.changes.has(id);
}

/** Debian x86_64 kernel configuration (config.amd64): VMEMMAP, PSE CPUs, no DEBUG_VM, MEMORY_FAILURE. */
export const DEFAULT_CONFIG: KernelConfig = { SPARSEMEM_VMEMMAP: true, PSE: true, DEBUG_VM: false, MEMORY_FAILURE: true, ZONE_DEVICE: true };

/** Options for createProfile. */
export interface ProfileOptions {
  readonly kernel?: string;
  readonly arch?: string;
  readonly config?: Partial<KernelConfig>;
}

/** A profile, or a message saying what is not supported and what is. */
export function resolveProfile(opts: ProfileOptions = {}): { ok: true; profile: Profile } | { ok: false; message: string } {
  const kernel = opts.kernel ?? '5.3';
  const version = parseVersion(kernel);
  if (!version) return { ok: false, message: `kernel ${kernel} is not a release memhp models (any release from 5.2 on, e.g. 5.10, 6.1.192, or newest)` };
  const arch = opts.arch ?? 'x86_64';
  const geometry = geometryFor(arch, version);
  if (!geometry) return { ok: false, message: `arch ${arch} is not modelled (known: ${ARCH_NAMES.join(', ')})` };
  const config = { ...DEFAULT_CONFIG, ...opts.config };
  if (!config.SPARSEMEM_VMEMMAP && version.newest) return { ok: false, message: 'newest: memory hotplug needs SPARSEMEM_VMEMMAP (VMEMMAP-only hotplug) — pick a release up to 6.12 for SPARSEMEM_VMEMMAP=n' };
  return { ok: true, profile: { kernel, changes: changesAt(version), geometry, config } };
}

/** A profile; throws on an unsupported one (for tests and code with fixed arguments). */
export function createProfile(opts: ProfileOptions = {}): Profile {
  const r = resolveProfile(opts);
  if (!r.ok) throw new Error(r.message);
  return r.profile;
}

/** The changes in effect in `p`, oldest first (for `memhp profiles`). */
export function profileChanges(p: Profile): typeof CHANGES {
  return CHANGES.filter((ch) => p.changes.has(ch.id));
}

/** One line naming the profile and every option, e.g. `linux 5.3 x86_64 VMEMMAP=y PSE=y …`. */
export function describeProfile(p: Profile): string {
  const yn = (b: boolean): string => (b ? 'y' : 'n');
  const c = p.config;
  return `linux ${p.kernel} ${p.geometry.name} SPARSEMEM_VMEMMAP=${yn(c.SPARSEMEM_VMEMMAP)} PSE=${yn(c.PSE)} DEBUG_VM=${yn(c.DEBUG_VM)} MEMORY_FAILURE=${yn(c.MEMORY_FAILURE)} ZONE_DEVICE=${yn(c.ZONE_DEVICE)} SECTIONS_PER_ROOT=${p.geometry.SECTIONS_PER_ROOT}`;
}
