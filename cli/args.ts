/**
 * Argument definitions shared by the commands (citty ArgsDef). Every command that takes an input
 * builds its options from `inputArgs`, leaving out by name only what it replaces or cannot honour,
 * so a new input option reaches them all.
 */
import type { ArgsDef } from 'citty';
import { configText, DEFAULT_CONFIG } from '../kernel/config.js';

/** Options every command that loads an input accepts. */
export const inputArgs = {
  file: { type: 'positional', description: 'scenario file (docs/scenario-format.md), or a recorded trace (trace.txt, console.log, or its directory)', required: true, valueHint: 'FILE' },
  kernel: { type: 'string', description: 'kernel version whose rules to apply: 6.1.192, 6.1, v6.1, newest or `uname -r` (6.1.0-56-amd64) (default: the file\'s `kernel` line, else 5.3)', valueHint: 'VERSION' },
  arch: { type: 'string', description: 'architecture geometry (default x86_64)', valueHint: 'ARCH' },
  paging: { type: 'string', description: 'x86_64 page-table levels: 4 (MAX_PHYSMEM_BITS 46) or 5 (52); default: what Debian\'s build of the release runs with on a CPU with LA57 (4 before 6.1.8, 5 from it), for a trace what its vmemmap_base shows', valueHint: '4|5' },
  config: { type: 'string', description: `kernel options, e.g. PSE=n,DEBUG_VM=y (default: Debian x86_64: ${configText(DEFAULT_CONFIG)})`, valueHint: 'NAME=y|n,…' },
  'checkpoint-every': { type: 'string', description: 'keep a full state every K steps (default 64)', valueHint: 'K' },
  iomem: { type: 'string', description: 'for a recorded trace without IOMEM snapshots: a copy of /proc/iomem for the boot layout', valueHint: 'FILE' },
  json: { type: 'boolean', description: 'machine-readable output' },
} as const satisfies ArgsDef;

/** `inputArgs` without the options named (those a command replaces with its own, or cannot honour). */
export function inputArgsWithout<K extends keyof typeof inputArgs>(...omit: readonly K[]): Omit<typeof inputArgs, K> {
  const args: Partial<Record<keyof typeof inputArgs, unknown>> = { ...inputArgs };
  for (const k of omit) delete args[k];
  return args as Omit<typeof inputArgs, K>;
}

/** The input of the commands that read a recorded trace only (check, trace-to-scenario). */
export const traceArgs = {
  trace: { ...inputArgs.file, description: 'trace.txt, console.log, or a directory holding trace.txt', valueHint: 'TRACE' },
  iomem: inputArgs.iomem,
} as const satisfies ArgsDef;
