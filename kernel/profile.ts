/**
 * Profiles: a kernel version × architecture geometry × configuration. A version is the v5.3 model
 * plus the changes of kernel/versions.ts up to it (v5.2 is the model without the seed change).
 */
import { configText, DEFAULT_CONFIG, type KernelConfig } from './config.js';
import type { Failed } from './errors.js';
import { ARCH_NAMES, archRowFor, defaultPaging, geometryFor, type Geometry } from './geometry.js';
import type { Profile } from './types.js';
import { CHANGES, changesAt, NEWEST_RELEASE, parseVersion, type ChangeId, type KernelChange } from './versions.js';

export { DEFAULT_CONFIG } from './config.js';

/** Kernel releases worth naming (any release string from 5.2 to NEWEST_RELEASE is accepted, plus `newest`); the X.Y.Z ones are traced Debian kernels. */
export const KERNELS: readonly string[] = ['5.2', '5.3', '5.4', '5.5', '5.6', '5.9', '5.10.223', '5.12', '5.14', '6.0', '6.1', '6.1.192', '6.5', '6.8', '6.10', '6.12.95', '7.3.4', 'newest'];

/**
 * True when the kernel keeps and checks a subsection_map: always with SPARSEMEM_VMEMMAP; without it
 * only until the ~v5.7 refactor (fill_subsection_map / clear_subsection_map return 0 for !VMEMMAP).
 */
export function tracksSubsections(p: Profile): boolean {
  return p.config.SPARSEMEM_VMEMMAP || !has(p, 'SUBSECTION_MAP_HELPERS');
}

/** True when change `id` (kernel/versions.ts) is in effect in profile `p`. */
export function has(p: Profile, id: ChangeId): boolean {
  return p.changes.has(id);
}

/** Options for createProfile. */
export interface ProfileOptions {
  readonly kernel?: string;
  readonly arch?: string;
  readonly config?: Partial<KernelConfig>;
  /** x86_64 page-table levels (4: MAX_PHYSMEM_BITS 46, 5: 52); default: what Debian's build of the release runs with on a CPU with LA57 (geometry.ts defaultPaging). */
  readonly paging?: 4 | 5;
}

/** A profile, or a message saying what is not supported and what is. */
export function resolveProfile(opts: ProfileOptions = {}): { ok: true; profile: Profile } | Failed {
  const kernel = opts.kernel ?? '5.3';
  const version = parseVersion(kernel);
  if (!version) return { ok: false, code: 'E_PROFILE', message: `kernel ${kernel} is not a release memhp models (any release from 5.2 to ${NEWEST_RELEASE}, e.g. 5.10.223, 6.1.192, 7.3.4, or newest)` };
  const arch = opts.arch ?? 'x86_64';
  const row = archRowFor(arch, version);
  if (!row) return { ok: false, code: 'E_PROFILE', message: `arch ${arch} is not modelled (known: ${ARCH_NAMES.join(', ')})` };
  if (opts.paging !== undefined && row.PAGING_LEVELS === undefined) return { ok: false, code: 'E_PROFILE', message: `--paging is an x86_64 choice; ${arch} has one geometry per release` };
  const geometry = geometryFor(arch, version, opts.paging ?? defaultPaging(version)) as Geometry;
  const config = { ...DEFAULT_CONFIG, ...opts.config };
  const changes = changesAt(version);
  if (!config.SPARSEMEM_VMEMMAP && changes.has('VMEMMAP_ONLY')) return { ok: false, code: 'E_PROFILE', message: `${kernel}: memory hotplug needs SPARSEMEM_VMEMMAP (VMEMMAP-only hotplug) — pick a release up to 6.12 for SPARSEMEM_VMEMMAP=n` };
  // `v6.1` and `6.1.0-56-amd64` (uname -r) are named as memhp names them: 6.1, 6.1.192.
  return { ok: true, profile: { kernel: version.newest ? kernel : version.text, changes, geometry, config } };
}

/** A profile; throws on an unsupported one (for tests and code with fixed arguments). */
export function createProfile(opts: ProfileOptions = {}): Profile {
  const r = resolveProfile(opts);
  if (!r.ok) throw new Error(r.message);
  return r.profile;
}

/** The changes in effect in `p`, oldest first (for `memhp profiles`). */
export function profileChanges(p: Profile): readonly KernelChange[] {
  return CHANGES.filter((ch) => p.changes.has(ch.id));
}

/** One line naming the profile and every option, e.g. `linux 5.3 x86_64 VMEMMAP=y PSE=y …`. */
export function describeProfile(p: Profile): string {
  const g = p.geometry;
  const paging = g.PAGING_LEVELS === undefined ? '' : ` (${g.PAGING_LEVELS}-level paging)`;
  return `linux ${p.kernel} ${g.name} ${configText(p.config)} SECTIONS_PER_ROOT=${g.SECTIONS_PER_ROOT} MAX_PHYSMEM_BITS=${g.MAX_PHYSMEM_BITS}${paging}`;
}
