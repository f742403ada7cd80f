/**
 * A scenario as a guest run: the QEMU memory its boot layout needs, the kernel command line's
 * legacy-pmem carve-outs, and plan.sh — one guest action per scenario step (a direct call through
 * memhp_guest.ko, or a legacy-pmem namespace bound to / unbound from nd_pmem), a snapshot of every
 * touched section after each, and "not verifiable: why" for the steps with no guest equivalent.
 * x86_64 only (QEMU's pc machine, 4 KiB pages, 128 MiB sections).
 */
import type { IomemResource, Operation, SourceLoc } from '../kernel/operation.js';
import type { Scenario, ScenarioStep } from '../inputs/types.js';
import type { GuestMachine } from './qemu_args.js';
import { GUEST_GEOMETRY } from './guest_geometry.js';
import { shellWord } from './shell.js';

const { PAGES_PER_SECTION, PAGE_SIZE } = GUEST_GEOMETRY;
/** At most this many sections are watched (secstate probes fetch 3 words each, 8 sections an event). */
export const MAX_WATCHED_SECTIONS = 96;
/** QEMU's pc machine keeps RAM below 4 GiB up to 3 GiB once it has 3.5 GiB or more. */
const LOW_RAM_SPLIT = 3 * 2 ** 30;
const FOUR_GIB = 4 * 2 ** 30;

/** What the guest does for one scenario step (or why it cannot). */
export type PlannedStep =
  | { readonly step: number; readonly source: SourceLoc; readonly action: string; readonly covers: readonly number[] }
  | { readonly step: number; readonly source: SourceLoc; readonly notVerifiable: string };

/** A scenario translated into a guest run. */
export interface GuestPlan {
  readonly machine: GuestMachine;
  /** Kernel command line words the layout needs (`memmap=64M!0x40000000`). */
  readonly append: readonly string[];
  /** The sections snapshotted after every action, ascending. */
  readonly sections: readonly number[];
  readonly steps: readonly PlannedStep[];
  /** plan.sh's body, sourced by the guest's /init after a `watch SPR SECTIONS…` line (planScriptFor). */
  readonly script: string;
  /** How the guest's layout differs from the scenario's, and other remarks. */
  readonly notes: readonly string[];
}

/** How to plan. */
export interface PlanOptions {
  /** Quiet actions and secstate-only snapshots after the first (lib.sh's stepq/callq/snapq), for long plans. */
  readonly quiet?: boolean;
}

/** Translate `scenario` into a guest run (pure). */
export function planGuest(scenario: Scenario, opts: PlanOptions = {}): GuestPlan {
  const notes: string[] = [];
  const pmem = scenario.boot.iomem.filter((r) => r.depth === 0 && /^Persistent Memory \(legacy\)$/.test(r.name));
  const machine = guestMachine(scenario, pmem, notes);
  const append = pmem.map((r) => `memmap=${mib(r.end + 1 - r.start)}!0x${r.start.toString(16)}`);

  const steps: PlannedStep[] = [];
  const touched = new Set<number>();
  for (const e of scenario.bootExpects) if (e.expect.kind === 'section') touched.add(e.expect.nr);
  const list = scenario.steps;
  for (let i = 0; i < list.length; i++) {
    const s = list[i] as ScenarioStep;
    for (const e of s.expects) if (e.expect.kind === 'section') touched.add(e.expect.nr);
    for (const nr of sectionsOf(s.op)) touched.add(nr);
    const paired = namespaceAction(s, list[i + 1], pmem);
    if (paired !== null) {
      steps.push({ step: i + 1, source: s.source, action: paired, covers: [i + 1, i + 2] });
      i++;
      continue;
    }
    const why = s.inject.length > 0 ? 'an injected allocation failure (the real kernel cannot be made to fail one allocation on demand)' : unverifiable(s.op);
    if (why !== null) steps.push({ step: i + 1, source: s.source, notVerifiable: why });
    else steps.push({ step: i + 1, source: s.source, action: callAction(s.op), covers: [i + 1] });
  }
  let sections = [...touched].sort((a, b) => a - b);
  if (sections.length > MAX_WATCHED_SECTIONS) {
    notes.push(`the scenario touches ${sections.length} sections: only the first ${MAX_WATCHED_SECTIONS} are snapshotted`);
    sections = sections.slice(0, MAX_WATCHED_SECTIONS);
  }
  return { machine, append, sections, steps, script: planScript(scenario, steps, opts.quiet ?? false), notes };
}

// --- internal ---

/** `-m` for the layout: RAM and legacy pmem (carved out of RAM by memmap=) up to the highest address. */
function guestMachine(scenario: Scenario, pmem: readonly IomemResource[], notes: string[]): GuestMachine {
  const ends = [...scenario.boot.ranges.map((r) => r.endPfn * PAGE_SIZE), ...pmem.map((r) => r.end + 1)];
  const top = ends.length === 0 ? 2 * 2 ** 30 : ends.reduce((a, b) => Math.max(a, b), 0);
  let ram: number;
  if (top <= LOW_RAM_SPLIT) ram = Math.max(top, 512 * 2 ** 20);
  else if (top <= FOUR_GIB) {
    ram = LOW_RAM_SPLIT;
    notes.push(`the layout reaches 0x${top.toString(16)}, inside the PCI hole of QEMU's pc machine: the guest's RAM ends at 3 GiB`);
  } else ram = LOW_RAM_SPLIT + (top - FOUR_GIB);
  if (ends.length === 0) notes.push('the scenario gives no boot layout: the guest boots with 2 GiB of RAM');
  else notes.push(`guest RAM: QEMU pc with -m ${mib(ram)} (RAM from 0 up to the layout's top, 0x${(top - 1).toString(16)}); boot sections the scenario does not touch may differ`);
  return { machine: 'pc', mem: mib(ram), devices: [] };
}

/** A size in MiB, rounded up (QEMU and memmap= both take `NM`). */
function mib(bytes: number): string {
  return `${Math.ceil(bytes / 2 ** 20)}M`;
}

/** The sections an operation's range covers (none for pfn queries beyond their own). */
function sectionsOf(op: Operation): number[] {
  let first: number;
  let end: number;
  if ('nr_pages' in op) {
    first = op.pfn;
    end = op.pfn + Math.max(op.nr_pages, 1);
  } else if ('start_pfn' in op) {
    first = op.start_pfn;
    end = Math.max(op.end_pfn, op.start_pfn + 1);
  } else {
    first = op.pfn;
    end = op.pfn + 1;
  }
  const out: number[] = [];
  const lastSection = Math.floor((end - 1) / PAGES_PER_SECTION);
  for (let s = Math.floor(first / PAGES_PER_SECTION); s <= lastSection && out.length <= MAX_WATCHED_SECTIONS; s++) out.push(s);
  return out;
}

/** Why an operation has no direct guest equivalent, or null. */
function unverifiable(op: Operation): string | null {
  if ('altmap' in op && op.altmap !== null) return 'an altmap (a vmem_altmap needs a device whose own memory holds the memmap; the guest module passes none)';
  if (op.kind === 'move_pfn_range_to_zone' || op.kind === 'remove_pfn_range_from_zone') {
    return `${op.kind} on its own (the guest runs it only as part of a legacy pmem namespace's devm_memremap_pages / release: add_pages + move_pfn_range_to_zone zone=device of the whole namespace, and back)`;
  }
  return null;
}

/** The plan.sh line of a direct call (verify/guest/memhp_guest.c's control file syntax). */
function callAction(op: Operation): string {
  const h = (n: number): string => `0x${n.toString(16)}`;
  switch (op.kind) {
    case 'add_pages':
    case '__add_pages':
    case 'sparse_add_section':
      return `call ${op.kind} ${op.nid} ${h(op.pfn)} ${h(op.nr_pages)}`;
    case '__remove_pages':
      return `call ${op.kind} ${h(op.pfn)} ${h(op.nr_pages)}`;
    case 'sparse_remove_section':
      return `call ${op.kind} ${h(op.pfn)} ${h(op.nr_pages)} ${h(op.map_offset)}`;
    case 'online_mem_sections':
    case 'offline_mem_sections':
      return `call ${op.kind} ${h(op.start_pfn)} ${h(op.end_pfn)}`;
    case 'pfn_valid':
    case 'pfn_to_online_page':
      return `call ${op.kind} ${h(op.pfn)}`;
    default:
      throw new Error(`callAction: ${op.kind} has no direct call`);
  }
}

/**
 * `add_pages`/`__add_pages` + `move_pfn_range_to_zone zone=device` of exactly one legacy pmem
 * resource is what binding its namespace to nd_pmem does (devm_memremap_pages → pagemap_range →
 * arch_add_memory, memmap_init_zone_device); `remove_pfn_range_from_zone zone=device` +
 * `__remove_pages` of it is the unbind (devm_memremap_pages_release → arch_remove_memory).
 */
function namespaceAction(a: ScenarioStep, b: ScenarioStep | undefined, pmem: readonly IomemResource[]): string | null {
  if (b === undefined || a.inject.length > 0 || b.inject.length > 0) return null;
  const x = a.op;
  const y = b.op;
  const res = (pfn: number, nr: number): IomemResource | undefined =>
    pmem.find((r) => r.start === pfn * PAGE_SIZE && r.end + 1 === (pfn + nr) * PAGE_SIZE);
  if ((x.kind === 'add_pages' || x.kind === '__add_pages') && x.altmap === null && y.kind === 'move_pfn_range_to_zone' && y.zone === 'device') {
    const r = res(x.pfn, x.nr_pages);
    if (r !== undefined && y.pfn === x.pfn && y.nr_pages === x.nr_pages) return `ns_enable 0x${r.start.toString(16)}`;
  }
  if (x.kind === 'remove_pfn_range_from_zone' && x.zone === 'device' && y.kind === '__remove_pages' && y.altmap === null) {
    const r = res(x.pfn, x.nr_pages);
    if (r !== undefined && y.pfn === x.pfn && y.nr_pages === x.nr_pages) return `ns_disable 0x${r.start.toString(16)}`;
  }
  return null;
}

/** The whole plan.sh: the sections watched (`spr`: sections per mem_section root, from the BTF), then the body. */
export function planScriptFor(plan: GuestPlan, spr: number): string {
  return `watch ${spr} ${plan.sections.join(' ')}\n${plan.script}`;
}

/** plan.sh's body: a snapshot at boot, then each action as a LAB_STEP with a snapshot after it. */
function planScript(scenario: Scenario, steps: readonly PlannedStep[], quiet: boolean): string {
  const out = [
    `# plan.sh: ${scenario.file}, written by memhp verify (verify/plan.ts); sourced by /init`,
    'snap boot',
  ];
  for (const p of steps) {
    const label = `${p.step}: ${(scenario.steps[p.step - 1]?.text ?? '').replace(/\s+/g, ' ')}`;
    if ('notVerifiable' in p) {
      out.push(`note ${shellWord(`step ${label}: not verifiable: ${p.notVerifiable}`)}`);
      continue;
    }
    if (quiet) out.push(`stepq ${shellWord(label)}`, p.action.replace(/^call /, 'callq '), `snapq ${shellWord(`s${p.step}`)}`);
    else out.push(`step ${shellWord(label)}`, p.action, `snap ${shellWord(`s${p.step}`)}`);
  }
  return `${out.join('\n')}\n`;
}
