/**
 * The kernel configuration options that change behaviour, each with the kernel's name for it and
 * Debian's x86_64 default (config.amd64). KernelConfig, DEFAULT_CONFIG, `--config`, the profile
 * line and the log file's schema are made from this list.
 */

/** Every option (`kernel`: its CONFIG_ or CPU feature name; `debian`: Debian's x86_64 value), in the order the profile line prints them. */
export const CONFIG_OPTIONS = [
  /** n: one memmap array per section instead of the vmemmap. */
  { name: 'SPARSEMEM_VMEMMAP', kernel: 'CONFIG_SPARSEMEM_VMEMMAP', debian: true },
  /** The CPU has PSE: x86 vmemmap_populate maps section-sized ranges with PMDs. */
  { name: 'PSE', kernel: 'X86_FEATURE_PSE', debian: true },
  /** VM_BUG_ON, and page poisoning of a hot-added memmap (F6). */
  { name: 'DEBUG_VM', kernel: 'CONFIG_DEBUG_VM', debian: false },
  /** hwpoison handling (memhp models no hwpoisoned pages). */
  { name: 'MEMORY_FAILURE', kernel: 'CONFIG_MEMORY_FAILURE', debian: true },
  /** Device memory (memremap_pages, move_pfn_range_to_zone … zone=device). */
  { name: 'ZONE_DEVICE', kernel: 'CONFIG_ZONE_DEVICE', debian: true },
] as const;

/** The name of a configuration option (`SPARSEMEM_VMEMMAP`, `PSE` …). */
export type ConfigName = (typeof CONFIG_OPTIONS)[number]['name'];

/** The option names in order. */
export const CONFIG_NAMES: readonly ConfigName[] = CONFIG_OPTIONS.map((o) => o.name);

/** Kernel configuration options that change behaviour (Debian x86_64 defaults), y = true. */
export type KernelConfig = { readonly [K in ConfigName]: boolean };

/** Debian x86_64 kernel configuration (config.amd64): VMEMMAP, PSE CPUs, no DEBUG_VM, MEMORY_FAILURE, ZONE_DEVICE. */
export const DEFAULT_CONFIG: KernelConfig = Object.fromEntries(CONFIG_OPTIONS.map((o) => [o.name, o.debian])) as KernelConfig;

/** A configuration as `NAME=y|n` words joined by `sep`, in CONFIG_OPTIONS order. */
export function configText(config: KernelConfig, sep = ' '): string {
  return CONFIG_NAMES.map((k) => `${k}=${config[k] ? 'y' : 'n'}`).join(sep);
}
