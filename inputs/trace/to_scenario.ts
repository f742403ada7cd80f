/**
 * Translate a real kernel trace (inputs/trace/ TraceDocument) into a memhp Scenario: the boot
 * layout (inputs/trace/boot.ts), one step per outermost recorded hotplug call — __add_pages,
 * __remove_pages, move_pfn_range_to_zone, remove_pfn_range_from_zone, and online_pages /
 * offline_pages that returned 0 (their online_mem_sections / offline_mem_sections), and every call
 * memhp verify's guest module made directly (`lab_call/…`: add_pages, sparse_add_section, … pfn_valid) — each with the
 * user action and the recorded call chain around it, and the secstate snapshots as check points.
 * altmaps are not read (the trace prints only the pointer): every step runs without one, which
 * changes where the memmap comes from, not the section state a snapshot shows.
 */
import { SUBCALL_FNS } from '../../kernel/subcalls.js';
import { releaseVersion } from '../../kernel/versions.js';
import type { Operation } from '../../kernel/operation.js';
import type { Result, Scenario, ScenarioStep } from '../types.js';
import { traceBoot } from './boot.js';
import type { TraceBootOptions } from './boot.js';
import { flattenCalls, pairCalls } from './pair.js';
import type { TraceCheckPoint, TraceStepRet, TraceStepCrash, TraceStepContext, TraceSubCall, TraceScenario } from './to_scenario_types.js';
import type { Call, TraceDocument, TraceValue } from './types.js';


/** Translate `doc` (read from `file`) into a scenario (boot layout: inputs/trace/boot.ts). */
export function traceToScenario(doc: TraceDocument, file: string, opts: TraceBootOptions = {}): Result<TraceScenario> {
  if (doc.records.length === 0) {
    return { ok: false, errors: [{ code: 'E_PARSE', message: `nothing usable: none of the ${doc.unknown.length + doc.malformed.length} line(s) is a trace line of a known kind`, file, line: 1 }] };
  }
  const boot = traceBoot(doc, file, opts);
  const { ranges } = boot;
  const bootSource = boot.source;

  const labelAt = userActions(doc);

  const found: Array<{ call: Call; op: Operation; ret: number | null; chain: string }> = [];
  const paired = pairCalls(doc.records);
  // Depth first with an explicit stack: entries that never returned nest as deep as the trace is long.
  const above: string[] = [];
  const stack: Array<{ calls: readonly Call[]; next: number }> = [{ calls: paired.calls, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const c = top?.calls[top.next];
    if (top === undefined || c === undefined) {
      stack.pop();
      above.pop();
      continue;
    }
    top.next++;
    const m = mapCall(c);
    if (m === 'descend') {
      above.push(describeCall(c));
      stack.push({ calls: c.children, next: 0 });
    } else if (m !== 'skip') found.push({ call: c, op: m, ret: c.retInt32, chain: chainText(above, c) });
  }
  found.sort((a, b) => a.call.entry.line - b.call.entry.line);

  const steps: ScenarioStep[] = [];
  const rets: TraceStepRet[] = [];
  const context: TraceStepContext[] = [];
  const subcalls: TraceSubCall[][] = [];
  const crashes: TraceStepCrash[] = [];
  for (const f of found) {
    subcalls.push(nestedCalls(f.call));
    const crash = crashOf(f.call);
    if (crash !== null) crashes.push({ step: steps.length + 1, source: crash.source, line: crash.line, func: crash.func });
    const label = labelAt(f.call.entry.line);
    const text = `${label === null ? '' : `[${label}] `}${describeCall(f.call)}`;
    steps.push({ op: f.op, inject: [], source: f.call.entry, text, expects: [] });
    context.push({ label, call: f.chain });
    rets.push({ step: steps.length, source: f.call.exit ?? f.call.entry, ret: f.ret });
  }

  const snapshots: TraceCheckPoint[] = [];
  for (const r of doc.records) {
    if (r.kind !== 'secstate') continue;
    const afterStep = countStepsBefore(steps, r.source.line);
    const snap = doc.snapshots.find((s) => s.secstate === r);
    snapshots.push({ afterStep, source: r.source, label: snap?.label ?? null, vmemmapBase: r.vmemmapBase, sections: r.sections, memblocks: snap?.memblocks ?? [] });
  }

  let kernel: string | null = null;
  for (const r of doc.records) {
    if (r.kind !== 'console') continue;
    const k = kernelFromBanner(r.text);
    if (k !== null) {
      kernel = k;
      break;
    }
  }

  const firstSecstate = doc.records.find((r) => r.kind === 'secstate');
  const scenario: Scenario = {
    ...(firstSecstate?.kind === 'secstate' ? { vmemmapBase: firstSecstate.vmemmapBase } : {}),
    file,
    kernel,
    boot: { ranges, iomem: boot.iomem, source: bootSource },
    bootExpects: [],
    steps,
  };
  const probed = new Set<string>();
  for (const r of doc.records) if (r.kind === 'entry' && (SUBCALL_FNS as readonly string[]).includes(r.name)) probed.add(r.name);
  const notes = [...paired.warnings];
  for (const r of doc.records) {
    if (r.kind !== 'oops' || crashes.some((c) => c.source.line === r.source.line)) continue;
    const why = r.pid === null ? 'its splat names no PID' : `no step's call of task ${r.pid} was running`;
    notes.push({ message: `the kernel crashed (${r.line}), but not in a step: ${why}`, file: r.source.file, line: r.source.line });
  }
  return { ok: true, value: { scenario, context, subcalls, probed, snapshots, rets, crashes, kernel, bootFrom: boot.from, bootNotes: boot.notes, notes } };
}

/** The step a trace line belongs to: the last step whose call started before it (0: boot). */
export function stepOfLine(scenario: Scenario, line: number): number {
  return countStepsBefore(scenario.steps, line);
}

/**
 * The modelled kernel of a `Linux version RELEASE (…) #1 SMP … Debian 6.1.192-2 (date)` banner:
 * the upstream version of the distribution package when printed, else the release's own version.
 */
export function kernelFromBanner(text: string): string | null {
  const m = /Linux version (\S+)/.exec(text);
  if (!m) return null;
  // Word by word (a pattern over the whole line backtracks cubically on a line of '#'s).
  const words = text.split(/\s+/).filter((w) => w !== '');
  const last = words.length - 1;
  // `… 6.1.192-2 (2025-01-01)`: the package version before the build date at the end.
  const dated = last >= 1 && /^\(\d{4}-\d\d-\d\d\)$/.test(words[last] ?? '') ? /^(\d+\.\d+\.\d+)[-~+]/.exec(words[last - 1] ?? '') : null;
  if (dated?.[1]) return dated[1];
  // `#1 SMP … 6.12.95-1 …`: the first version word after the build number.
  const hash = words.findIndex((w) => /#\S/.test(w));
  for (let i = hash < 0 ? words.length : hash + 1; i < words.length; i++) {
    const v = /^(\d+\.\d+\.\d+)(?:[-~+]\S*)?$/.exec(words[i] ?? '');
    if (v?.[1]) return v[1];
  }
  return kernelForRelease(m[1] ?? '');
}

/** The modelled kernel for a Debian release name (`6.1.0-56-amd64` → 6.1.192, `6.12.95+deb12-amd64` → 6.12.95): kernel/versions.ts releaseVersion. */
export function kernelForRelease(release: string): string | null {
  return releaseVersion(release);
}

// --- internal ---

const num = (v: TraceValue | undefined): number | null => v?.num ?? null;

/** What a call becomes: an operation, 'skip' (recognised, no step, do not look inside), or 'descend'. */
function mapCall(c: Call): Operation | 'skip' | 'descend' {
  const pfn = num(c.args['pfn']) ?? num(c.args['start_pfn']);
  const nr = num(c.args['nr_pages']);
  switch (c.name) {
    case '__add_pages': {
      if (pfn === null || nr === null) return 'descend';
      return { kind: '__add_pages', nid: num(c.args['nid']) ?? 0, pfn, nr_pages: nr, altmap: null };
    }
    case '__remove_pages':
      if (pfn === null || nr === null) return 'descend';
      return { kind: '__remove_pages', pfn, nr_pages: nr, altmap: null };
    case 'move_pfn_range_to_zone':
    case 'remove_pfn_range_from_zone': {
      if (pfn === null || nr === null) return 'descend';
      const z = (c.args['zone']?.text ?? '').toLowerCase();
      const zone = z === 'device' ? 'device' : z === 'movable' ? 'movable' : 'normal';
      return { kind: c.name, pfn, nr_pages: nr, zone };
    }
    case 'add_pages':
    case 'sparse_add_section':
    case 'sparse_remove_section':
    case 'online_mem_sections':
    case 'offline_mem_sections':
    case 'pfn_valid':
    case 'pfn_to_online_page':
      return c.origin === 'lab_call' ? directCall(c) : 'descend';
    case 'online_pages':
    case 'offline_pages':
      if (pfn === null || nr === null) return 'descend';
      if (c.retInt32 !== 0) return 'skip';
      return { kind: c.name === 'online_pages' ? 'online_mem_sections' : 'offline_mem_sections', start_pfn: pfn, end_pfn: pfn + nr };
    default:
      return 'descend';
  }
}

/**
 * A call memhp verify's guest module made directly (`lab_call/FN: …`): the operation of the same
 * name with the arguments it printed (verify/guest/memhp_guest.c), or 'descend' when one is missing.
 */
function directCall(c: Call): Operation | 'descend' {
  const a = (k: string): number | null => num(c.args[k]);
  const pfn = a('pfn');
  const nr = a('nr_pages');
  switch (c.name) {
    case 'add_pages':
    case 'sparse_add_section':
      return pfn === null || nr === null ? 'descend' : { kind: c.name, nid: a('nid') ?? 0, pfn, nr_pages: nr, altmap: null };
    case 'sparse_remove_section': {
      const off = a('map_offset');
      return pfn === null || nr === null || off === null ? 'descend' : { kind: c.name, pfn, nr_pages: nr, map_offset: off, altmap: null };
    }
    case 'online_mem_sections':
    case 'offline_mem_sections': {
      const start = a('start_pfn');
      const end = a('end_pfn');
      return start === null || end === null ? 'descend' : { kind: c.name, start_pfn: start, end_pfn: end };
    }
    case 'pfn_valid':
    case 'pfn_to_online_page':
      return pfn === null ? 'descend' : { kind: c.name, pfn };
    default:
      return 'descend';
  }
}

function describeCall(c: Call): string {
  const args = Object.entries(c.args)
    .map(([k, v]) => `${k}=${v.quoted ? `"${v.text}"` : v.text}`)
    .join(' ');
  const origin = c.origin === 'kprobe' ? '' : `${c.origin}/`;
  const ret = c.ret === null ? '' : ` = ${c.ret.text}`;
  return `${origin}${c.name} ${args}`.trim() + ret;
}

/** At most this many calls (the innermost) are shown in a step's call chain; more are cut to `…`. */
const MAX_CHAIN_CALLS = 16;

/** The call chain from the outermost caller (`above`) down to `c`, its outermost part cut when deeper than MAX_CHAIN_CALLS. */
function chainText(above: readonly string[], c: Call): string {
  const shown = [...above.slice(Math.max(0, above.length - (MAX_CHAIN_CALLS - 1))), describeCall(c)];
  return `${above.length >= MAX_CHAIN_CALLS ? '… › ' : ''}${shown.join(' › ')}`;
}

/** The calls below `c` of the functions the model records (SUBCALL_FNS), in entry order. */
function nestedCalls(c: Call): TraceSubCall[] {
  const out: TraceSubCall[] = [];
  for (const k of callsBelow(c)) {
    if ((SUBCALL_FNS as readonly string[]).includes(k.name)) {
      const pfn = num(k.args['pfn']) ?? num(k.args['start_pfn']);
      const nr = num(k.args['nr_pages']);
      if (pfn !== null && nr !== null) out.push({ fn: k.name, pfn, nr_pages: nr, ret: k.name === 'sparse_add_section' ? k.retInt32 : null, source: k.entry, exit: k.exit, crashed: k.crash !== null });
    }
  }
  return out;
}

/** The oops `c` or a call inside it never returned from, or null. */
function crashOf(c: Call): Call['crash'] {
  if (c.crash !== null) return c.crash;
  for (const k of callsBelow(c)) if (k.crash !== null) return k.crash;
  return null;
}

/** The calls below `c`, depth first in entry order (parents before children). */
function callsBelow(c: Call): Call[] {
  return flattenCalls(c.children);
}

function countStepsBefore(steps: readonly ScenarioStep[], line: number): number {
  let n = 0;
  while (n < steps.length && (steps[n]?.source.line ?? Infinity) < line) n++;
  return n;
}

/** Commands that only read state: not the user action behind a call. */
const QUERY_CMD = /^(cat|ls|grep|sync|info|dmesg|sh -c (cat|ls|grep)|(ndctl|daxctl|cxl) list)\b/;

/** The user action in effect at each line: the LAB_STEP text and the last action command after it. */
function userActions(doc: TraceDocument): (line: number) => string | null {
  const at: Array<{ line: number; text: string }> = [];
  let step: string | null = null;
  for (const r of doc.records) {
    if (r.kind !== 'marker') continue;
    const m = r.marker;
    if (m.type === 'step') {
      step = m.text;
      at.push({ line: r.source.line, text: step });
    } else if ((m.type === 'cmd' || m.type === 'host') && !QUERY_CMD.test(m.text)) {
      at.push({ line: r.source.line, text: `${step === null ? '' : `${step}: `}${m.type === 'host' ? '(qemu) ' : '$ '}${m.text}` });
    }
  }
  return (line) => {
    let text: string | null = null;
    for (const l of at) {
      if (l.line > line) break;
      text = l.text;
    }
    return text;
  };
}
