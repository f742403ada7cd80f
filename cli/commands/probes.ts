/**
 * `memhp probes`: the kprobe_events definitions memhp records with, for one kernel — entry and
 * return probes of the functions memhp steps from, with their arguments placed by the parameter
 * names of the kernel's own BTF, and the `secstate` snapshot probes of the sections asked for,
 * with that kernel's `struct mem_section` offsets (verify/probes.ts, the probes `memhp verify`
 * installs in its guests). The output can be written to kprobe_events as it is: the remarks are
 * `#` comments.
 */
import { defineCommand } from 'citty';
import { perfProbeSpec } from '../../verify/perf_probe.js';
import { guestProbes } from '../../verify/probes.js';
import { btfFromFile } from '../../verify/vmlinux.js';
import { inputArgs } from '../args.js';
import { EXIT_OK, UserError } from '../errors.js';
import { watchedSections } from '../sections.js';
import type { Io } from '../io.js';

/** The running kernel's BTF. */
export const RUNNING_BTF = '/sys/kernel/btf/vmlinux';
/** Debian 6.1 puts these in .meminit.text, without an ftrace site: kprobe_events refuses them there (the recorded 6.1 runs). */
const MEMINIT = ['sparse_add_section', '__populate_section_memmap', 'vmemmap_populate'];

/** The `probes` command's definition (meta and arguments). */
export const probesCommandDef = defineCommand({
  meta: { name: 'probes', description: "The kprobe_events lines memhp records with, from a kernel's BTF" },
  args: {
    btf: { type: 'string', description: 'the kernel: raw BTF, a vmlinux, a bzImage, or one of them gzipped', valueHint: 'FILE' },
    running: { type: 'boolean', description: `the running kernel (${RUNNING_BTF}); the default` },
    sections: { type: 'string', description: 'the sections to snapshot, e.g. 4,8-10,32', valueHint: 'LIST' },
    range: { type: 'string', description: 'or the sections of a physical range, e.g. 0x40000000-0x4fffffff', valueHint: 'START-END' },
    perf: { type: 'boolean', description: 'print `perf probe -a` commands for the same probes (record with perf record -e probe:*)' },
    json: inputArgs.json,
  },
});

/** Execute `memhp probes`; returns the exit code. */
export function runProbes(io: Io, args: { btf?: string; running?: boolean; sections?: string; range?: string; perf?: boolean; json?: boolean }): number {
  if (args.perf && args.json) throw new UserError('E_USAGE', 'give --perf or --json, not both');
  if (args.btf !== undefined && args.running) throw new UserError('E_USAGE', 'give --btf FILE or --running, not both');
  const sections = watchedSections(args);
  const file = args.btf ?? RUNNING_BTF;
  const btf = btfFromFile(file);
  if (!btf.ok) throw new UserError(btf.code, btf.message, [], args.btf === undefined ? 'give the kernel with --btf FILE (a vmlinux, a bzImage, or /sys/kernel/btf/vmlinux copied from it)' : undefined);
  const p = guestProbes(btf.value, sections);
  if (!p.ok) throw new UserError(p.code, p.message);
  const noFunc = p.value.noBtfFunc;
  const meminit = MEMINIT.filter((f) => p.value.kprobeEvents.some((l) => l.startsWith(`p:lab/${f} `)) && !noFunc.includes(f));
  if (args.json) {
    io.out(`${JSON.stringify({ btf: file, sections, spr: p.value.spr, kprobeEvents: p.value.kprobeEvents, kretprobes: p.value.kretprobes, offsets: p.value.offsets, notes: p.value.notes, noBtfFunc: noFunc, meminit })}\n`);
    return EXIT_OK;
  }
  if (args.perf) {
    io.out(`${perfCommands(file, p.value.kprobeEvents, noFunc, sections).join('\n')}\n`);
    return EXIT_OK;
  }
  const out = [
    `# memhp probes: ${file}; struct mem_section ${p.value.offsets.MS_SIZE} bytes, ${p.value.spr} sections per root`,
    '# append each line to /sys/kernel/tracing/kprobe_events (or an instance\'s), one write a line so that a',
    '# refused one does not stop the rest: while read -r l; do echo "$l" >> kprobe_events; done; then enable events/lab/',
  ];
  // A probe of a function the BTF has no record of is refused: it is listed commented out.
  for (const l of p.value.kprobeEvents) out.push(noFunc.includes(l.split(/\s+/)[1] ?? '') ? `# ${l}` : l);
  if (sections.length === 0) out.push('# no secstate probes: give --sections LIST or --range START-END for the section snapshots (a probe on ksys_sync: run `sync` to take one)');
  else out.push(`# secstate: sections ${sections.join(' ')} (one snapshot per \`sync\`); also write the marker: LAB_SECSTATE_SECTIONS ${sections.join(' ')} spr=${p.value.spr}`);
  if (noFunc.length > 0) out.push(`# no BTF function record (inlined, not in kallsyms): ${noFunc.join(', ')} — commented out above: kprobe_events refuses them; check compares their effect only through the snapshots`);
  if (meminit.length > 0) out.push(`# where these are __meminit without an ftrace site (Debian 6.1), kprobe_events refuses ${meminit.join(', ')}: check then cannot compare sparse_add_section's calls; memhp verify covers them with its module's kretprobes`);
  for (const n of p.value.notes) out.push(`# ${n}`);
  io.out(`${out.join('\n')}\n`);
  return EXIT_OK;
}

// --- internal ---

/** The probes as `perf probe -a` commands (one a probe, so a refused one does not stop the rest), with how to record and remove them. */
function perfCommands(file: string, lines: readonly string[], noFunc: readonly string[], sections: readonly number[]): string[] {
  const out = [
    `# memhp probes --perf: ${file}; run as root, then: perf record -e 'probe:*' -a -- COMMAND`,
    '# (in a directory on a local file system: perf maps perf.data), perf script > trace.txt, memhp check trace.txt --kernel RELEASE;',
    "# remove the probes after: perf probe -q -d 'probe:*'",
  ];
  for (const l of lines) {
    const spec = perfProbeSpec(l);
    if (spec === null) continue;
    const cmd = `perf probe -q -a '${spec}'`;
    out.push(noFunc.includes(l.split(/\s+/)[1] ?? '') ? `# ${cmd}` : cmd);
  }
  if (sections.length === 0) out.push('# no secstate probes: give --sections LIST or --range START-END for the section snapshots (taken at each `sync`)');
  if (noFunc.length > 0) out.push(`# no BTF function record (inlined, not in kallsyms): ${noFunc.join(', ')} — commented out above`);
  return out;
}

