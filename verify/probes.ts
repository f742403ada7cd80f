/**
 * The guest's probe files from the kernel's BTF (pure): the tracefs kprobe_events lines — the same
 * events, names and fetch arguments as the lab's setup_probes and secstate_setup (lab
 * guest/lib.sh) —, the kretprobes lines `SYMBOL PARAM…` for the module's fallback, notes for left-out
 * arguments, and the struct offsets and mem_section flag bits read from the BTF.
 * As the lab's kpd does, an argument is placed by parameter NAME in the BTF prototype
 * (`pfn/start_pfn`: the first that exists) and left out, with a note, when the prototype lacks it.
 * Unlike the lab (which falls back to the kernel headers), a function without a BTF FUNC record
 * gets a probe without arguments (the lab's result too for static functions such as section_activate).
 */
import type { Btf, BtfResult } from '../inputs/btf/types.js';
import { enumValue, funcParams, memberOffset, structSize } from '../inputs/btf/queries.js';

/** x86_64 page size; sections per mem_section root = PAGE_SIZE / sizeof(struct mem_section). */
const PAGE_SIZE = 4096;
/** Sections fetched per lab/secstateN event (the lab's batch). */
const SECTIONS_PER_EVENT = 8;

/** The probe files of a guest run. */
export interface GuestProbes {
  /** /memhp/kprobe_events: one tracefs definition per line, secstate probes last. */
  readonly kprobeEvents: string[];
  /** /memhp/kretprobes: `SYMBOL PARAM…` for each function with an entry probe. */
  readonly kretprobes: string[];
  /** Sections per mem_section root (the `spr=` of LAB_SECSTATE_SECTIONS). */
  readonly spr: number;
  /** One line per argument left out (like the lab's LAB_KPROBE_ARG_MISSING markers). */
  readonly notes: string[];
  /** The probed functions the BTF has no FUNC record of (static or inlined: kprobe_events refuses them). */
  readonly noBtfFunc: string[];
  /** The offsets.env numbers of the lab (MS_SIZE, ZONE_OFF_NAME, SECTION_*_BIT, …); optional ones absent when the kernel lacks them. */
  readonly offsets: Record<string, number>;
}

/** [offsets.env name, struct, member]; member null for sizeof(struct). */
const LAYOUT: readonly (readonly [string, string, string | null, 'optional'?])[] = [
  ['MS_SIZE', 'mem_section', null],
  ['MS_OFF_MAP', 'mem_section', 'section_mem_map'],
  ['MS_OFF_USAGE', 'mem_section', 'usage'],
  ['USAGE_OFF_SUBMAP', 'mem_section_usage', 'subsection_map'],
  ['PGMAP_OFF_TYPE', 'dev_pagemap', 'type'],
  ['PGMAP_OFF_RANGE', 'dev_pagemap', 'range'],
  ['MHP_OFF_ALTMAP', 'mhp_params', 'altmap'],
  ['MHP_OFF_PGMAP', 'mhp_params', 'pgmap', 'optional'],
  ['ALTMAP_OFF_BASE', 'vmem_altmap', 'base_pfn'],
  ['ALTMAP_OFF_RESERVE', 'vmem_altmap', 'reserve'],
  ['ALTMAP_OFF_FREE', 'vmem_altmap', 'free'],
  ['ALTMAP_OFF_ALLOC', 'vmem_altmap', 'alloc'],
  ['ZONE_OFF_NAME', 'zone', 'name'],
  ['RES_OFF_END', 'resource', 'end'],
  ['RES_OFF_NAME', 'resource', 'name'],
];

/** mem_section flag bits (enum in include/linux/mmzone.h since 5.17); TAINT_ZONE_DEVICE is 5.12+. */
const SECTION_BITS = ['SECTION_MARKED_PRESENT_BIT', 'SECTION_HAS_MEM_MAP_BIT', 'SECTION_IS_ONLINE_BIT', 'SECTION_IS_EARLY_BIT', 'SECTION_TAINT_ZONE_DEVICE_BIT', 'SECTION_MAP_LAST_BIT'];
const OPTIONAL_BITS = new Set(['SECTION_TAINT_ZONE_DEVICE_BIT']);

/** The lab's offsets.env numbers from the BTF, or E_ENV naming the first one the BTF lacks. */
function readOffsets(btf: Btf): BtfResult<Record<string, number>> {
  const o: Record<string, number> = {};
  for (const [key, struct, member, optional] of LAYOUT) {
    const v = member === null ? structSize(btf, struct) : memberOffset(btf, struct, member);
    if (v !== null) o[key] = v;
    else if (!optional) return { ok: false, code: 'E_ENV', message: `the kernel's BTF has no ${member === null ? `struct ${struct}` : `member ${member} in struct ${struct}`} (${key}), needed for verify's probes` };
  }
  for (const b of SECTION_BITS) {
    const v = enumValue(btf, b);
    if (v !== null) o[b] = Number(v);
    else if (!OPTIONAL_BITS.has(b)) return { ok: false, code: 'E_ENV', message: `the kernel's BTF has no enumerator ${b} (mem_section flags are an enum since 5.17), needed for verify` };
  }
  o.PAGE_SIZE = PAGE_SIZE;
  return { ok: true, value: o };
}

/** [label, parameter names `a/b`, fetch template with `@` for the argument]. */
type ArgSpec = readonly [string, string, string];

/** The functions after whose return `memhp capture` snapshots the sections (GuestProbeOptions.returnSnapshots): every section change happens inside one of them. */
export const SNAPSHOT_RETURNS: readonly string[] = ['__add_pages', '__remove_pages', 'online_pages', 'offline_pages', 'memremap_pages', 'memunmap_pages'];

/** How guestProbes names and places its probes. */
export interface GuestProbeOptions {
  /** The kprobe event group (default `lab`, the guests'); a return snapshot's group is `GROUP_FN`. */
  readonly group?: string;
  /** Also snapshot the sections on the return of each SNAPSHOT_RETURNS function the BTF has a record of (secstateN events in group GROUP_FN). */
  readonly returnSnapshots?: boolean;
}

/** An entry probe p:lab/FN and its return probe: `ret` undefined = none, '' = without fetch args. */
interface ProbeSpec {
  readonly fn: string;
  readonly args: readonly ArgSpec[];
  readonly ret?: string;
  /** Defined only when the BTF has a FUNC record (7.x's __add_memory_resource, __add_memory_driver_managed). */
  readonly ifInBtf?: boolean;
}

const RET_S32 = 'ret=$retval:s32';
const RET_X64 = 'ret=$retval:x64';

/** setup_probes of the lab's guest/lib.sh, in its order, with the offsets filled in. */
function probeSpecs(o: Record<string, number>): ProbeSpec[] {
  const a = o.MHP_OFF_ALTMAP;
  const zn = o.ZONE_OFF_NAME;
  const ty = o.PGMAP_OFF_TYPE;
  const r = o.PGMAP_OFF_RANGE ?? 0;
  const pg: ArgSpec[] = o.MHP_OFF_PGMAP === undefined ? [] : [['pgmap', 'params', `+${o.MHP_OFF_PGMAP}(@):x64`]];
  const zone: ArgSpec = ['zone', 'zone', `+0(+${zn}(@)):string`];
  const res: ArgSpec[] = [['nid', 'nid', '@:s32'], ['start', 'res', '+0(@):x64'], ['end', 'res', `+${o.RES_OFF_END}(@):x64`], ['name', 'res', `+0(+${o.RES_OFF_NAME}(@)):string`], ['mhp_flags', 'mhp_flags', '@:x32']];
  const ddm: ArgSpec[] = [['nid', 'nid', '@:s32'], ['start', 'start', '@:x64'], ['size', 'size', '@:x64'], ['resource_name', 'resource_name', '+0(@):string'], ['mhp_flags', 'mhp_flags', '@:x32']];
  const pgm: ArgSpec[] = [['pgmap', 'pgmap', '@:x64'], ['type', 'pgmap', `+${ty}(@):u32`], ['start', 'pgmap', `+${r}(@):x64`], ['end', 'pgmap', `+${r + 8}(@):x64`]];
  const x = (l: string, p = l): ArgSpec => [l, p, '@:x64'];
  const nid: ArgSpec = ['nid', 'nid', '@:s32'];
  return [
    { fn: 'sparse_add_section', args: [nid, x('pfn', 'start_pfn/pfn'), x('nr_pages'), x('altmap'), x('pgmap')], ret: RET_S32 },
    { fn: 'sparse_remove_section', args: [x('ms'), x('pfn', 'pfn/start_pfn'), x('nr_pages'), x('map_offset'), x('altmap'), x('pgmap')], ret: '' },
    { fn: 'section_activate', args: [nid, x('pfn', 'pfn/start_pfn'), x('nr_pages'), x('altmap'), x('pgmap')], ret: RET_X64 },
    { fn: 'section_deactivate', args: [x('pfn', 'pfn/start_pfn'), x('nr_pages'), x('altmap'), x('pgmap')], ret: '' },
    { fn: 'fill_subsection_map', args: [x('pfn'), x('nr_pages')], ret: RET_S32 },
    { fn: 'clear_subsection_map', args: [x('pfn'), x('nr_pages')], ret: RET_S32 },
    { fn: '__add_pages', args: [nid, x('pfn', 'pfn/start_pfn'), x('nr_pages'), ['altmap', 'params', `+${a}(@):x64`], ...pg], ret: RET_S32 },
    { fn: '__remove_pages', args: [x('pfn', 'pfn/start_pfn'), x('nr_pages'), x('altmap'), x('pgmap')], ret: '' },
    { fn: 'arch_add_memory', args: [nid, x('start'), x('size'), ['altmap', 'params', `+${a}(@):x64`], ...pg], ret: RET_S32 },
    { fn: 'arch_remove_memory', args: [x('start'), x('size'), x('altmap'), x('pgmap')] },
    { fn: 'add_memory_resource', args: res, ret: RET_S32 },
    { fn: 'add_memory_driver_managed', args: ddm, ret: RET_S32 },
    { fn: '__add_memory_resource', args: [...res, ['online_type', 'online_type', '@:s32']], ret: RET_S32, ifInBtf: true },
    { fn: '__add_memory_driver_managed', args: [...ddm, ['online_type', 'online_type', '@:s32']], ret: RET_S32, ifInBtf: true },
    { fn: 'try_remove_memory', args: [x('start'), x('size')], ret: RET_S32 },
    { fn: 'online_pages', args: [x('pfn', 'pfn/start_pfn'), x('nr_pages'), zone], ret: RET_S32 },
    { fn: 'offline_pages', args: [x('pfn', 'start_pfn/pfn'), x('nr_pages'), zone], ret: RET_S32 },
    { fn: 'move_pfn_range_to_zone', args: [zone, x('pfn', 'start_pfn/pfn'), x('nr_pages'), x('altmap')] },
    { fn: 'remove_pfn_range_from_zone', args: [zone, x('pfn', 'start_pfn/pfn'), x('nr_pages')] },
    { fn: 'memremap_pages', args: [...pgm, nid], ret: RET_X64 },
    { fn: 'memunmap_pages', args: pgm },
    { fn: '__populate_section_memmap', args: [x('pfn', 'pfn/start_pfn'), x('nr_pages'), nid, x('altmap'), x('pgmap')], ret: RET_X64 },
    { fn: 'vmemmap_free', args: [x('start'), x('end'), x('altmap')] },
    { fn: 'vmemmap_populate', args: [x('start'), x('end'), ['node', 'node', '@:s32'], x('altmap')], ret: RET_S32 },
  ];
}

/** The entry probe line of `spec` (kpd), with notes for the arguments its prototype lacks. */
function entryProbe(group: string, spec: ProbeSpec, params: readonly string[] | null, notes: string[]): string {
  let def = `p:${group}/${spec.fn} ${spec.fn}`;
  const proto = params ?? [];
  if (params === null) notes.push(`${spec.fn}: no BTF FUNC record (static or inlined); its probe has no arguments`);
  for (const [label, names, tmpl] of spec.args) {
    const i = names.split('/').map((n) => proto.indexOf(n)).find((k) => k >= 0);
    if (i !== undefined) def += ` ${label}=${tmpl.replaceAll('@', `$arg${i + 1}`)}`;
    else if (params !== null) notes.push(`${spec.fn}: ${label} left out: no parameter ${names} in the BTF prototype (${proto.join(' ')})`);
  }
  return def;
}

/** `SYMBOL PARAM…` for the module's kretprobe fallback (an unnamed parameter is called argN). */
function kretprobeLine(fn: string, params: readonly string[] | null): string {
  return [fn, ...(params ?? []).map((p, i) => p || `arg${i + 1}`)].join(' ');
}

/** The GROUP/secstateN probes on ksys_sync (or `r:` probes on the return of `fn`) for the watched sections, 8 sections per event. */
function secstateProbes(sections: readonly number[], o: Record<string, number>, spr: number, group: string, kind: 'p' | 'r' = 'p', fn = 'ksys_sync'): string[] {
  const ms = o.MS_SIZE ?? 0;
  const head = 'vmb=@vmemmap_base:x64';
  const lines: string[] = [];
  for (let g = 0; g * SECTIONS_PER_EVENT < sections.length; g++) {
    const args = [head];
    for (const s of sections.slice(g * SECTIONS_PER_EVENT, (g + 1) * SECTIONS_PER_EVENT)) {
      const root = `+${8 * Math.floor(s / spr)}(@mem_section)`;
      const i = s % spr;
      const uo = ms * i + (o.MS_OFF_USAGE ?? 0);
      args.push(`m${s}=+${ms * i + (o.MS_OFF_MAP ?? 0)}(${root}):x64`, `p${s}=+${uo}(${root}):x64`, `u${s}=+${o.USAGE_OFF_SUBMAP}(+${uo}(${root})):x64`);
    }
    lines.push(`${kind}:${group}/secstate${g} ${fn} ${args.join(' ')}`);
  }
  return lines;
}

/** The guest's probe files from the kernel's BTF and the watched sections (section numbers), or E_ENV when the BTF lacks a struct, member or enumerator the probes need. */
export function guestProbes(btf: Btf, sections: readonly number[], options: GuestProbeOptions = {}): BtfResult<GuestProbes> {
  const group = options.group ?? 'lab';
  if (!/^[A-Za-z_]\w*$/.test(group)) return { ok: false, code: 'E_USAGE', message: `probe group "${group}" is not a name (letters, digits, _)` };
  const off = readOffsets(btf);
  if (!off.ok) return off;
  const o = off.value;
  const spr = PAGE_SIZE / (o.MS_SIZE ?? 0);
  if (!Number.isInteger(spr) || spr < 1) return { ok: false, code: 'E_ENV', message: `sizeof(struct mem_section) = ${o.MS_SIZE} does not divide the page size ${PAGE_SIZE}` };
  const bad = sections.find((s) => !Number.isSafeInteger(s) || s < 0);
  if (bad !== undefined) return { ok: false, code: 'E_RANGE', message: `watched section ${bad} is not a section number` };
  const notes: string[] = [];
  if (o.MHP_OFF_PGMAP === undefined) notes.push('__add_pages/arch_add_memory: pgmap left out (struct mhp_params has no pgmap member)');
  const kprobeEvents: string[] = [];
  const kretprobes: string[] = [];
  const noBtfFunc: string[] = [];
  for (const spec of probeSpecs(o)) {
    const params = funcParams(btf, spec.fn);
    if (spec.ifInBtf && params === null) continue;
    if (params === null) noBtfFunc.push(spec.fn);
    kprobeEvents.push(entryProbe(group, spec, params, notes));
    kretprobes.push(kretprobeLine(spec.fn, params));
    if (spec.ret !== undefined) kprobeEvents.push(`r:${group}/${spec.fn}_ret ${spec.fn}${spec.ret === '' ? '' : ` ${spec.ret}`}`);
  }
  const sec = secstateProbes(sections, o, spr, group);
  for (const line of sec) kprobeEvents.push(line);
  if (options.returnSnapshots) {
    for (const fn of SNAPSHOT_RETURNS) {
      if (funcParams(btf, fn) === null) continue;
      for (const line of secstateProbes(sections, o, spr, `${group}_${fn}`, 'r', fn)) kprobeEvents.push(line);
    }
  }
  if (sec.length > 0) kretprobes.push(kretprobeLine('ksys_sync', funcParams(btf, 'ksys_sync')));
  return { ok: true, value: { kprobeEvents, kretprobes, spr, notes, noBtfFunc, offsets: o } };
}
