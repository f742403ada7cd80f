/**
 * Check the model against a real kernel trace: record the scenario translated from the trace
 * (inputs/trace/to_scenario.ts) and compare, at every secstate snapshot, each watched section's
 * flag bits, memmap kind, usage and subsection_map[0], at every call the return value (pfn_valid's
 * answer for the queries), the nested
 * sparse_add_section / sparse_remove_section / section_deactivate / __populate_section_memmap calls
 * with their arguments and returns (where the trace probed them), at every WARN splat its text, and
 * at a step where either side crashed the oops (first line and RIP function).
 */
import type { SourceLoc } from '../kernel/operation.js';
import { stepOfLine } from '../inputs/trace/to_scenario.js';
import { SECTION_WORD_FLAG_MASK, wordFlags } from '../inputs/trace/values.js';
import type { TraceScenario } from '../inputs/trace/to_scenario_types.js';
import { getSection } from '../model/model.js';
import { oopsOf, oopsText } from '../model/oops.js';
import { subCallText as callText, subCalls } from '../kernel/subcalls.js';
import { flagNames } from '../kernel/section_word.js';
import { SECTION_IS_ONLINE } from '../kernel/types.js';
import type { Profile } from '../kernel/types.js';
import { recordScenario } from '../log/record.js';
import type { HotplugLog } from '../log/log.js';

/** What is compared. */
export type CheckField = 'flags' | 'map' | 'usage' | 'subsection_map' | 'ret' | 'value' | 'warn' | 'calls' | 'online' | 'crash';

/** A WARN splat the trace recorded: its console line and message (null: a WARN without text). */
export interface TraceWarn {
  readonly source: SourceLoc;
  readonly text: string | null;
}

/** One difference between the model and the kernel. */
export interface CheckMismatch {
  /** The log step whose outcome (ret) or state (snapshot fields) differs; 0 = boot. */
  readonly step: number;
  /** The trace line: the return line for ret, the splat's console line for warn, the oops's first line for crash, the secstate line otherwise. */
  readonly source: SourceLoc;
  /** null for ret. */
  readonly section: number | null;
  readonly field: CheckField;
  readonly model: string;
  readonly kernel: string;
}

/** The result of checking a trace. */
export interface CheckResult {
  readonly snapshots: number;
  /** Distinct sections watched. */
  readonly sections: number;
  readonly fieldsCompared: number;
  readonly mismatches: readonly CheckMismatch[];
  readonly log: HotplugLog;
}


/** Record `ts.scenario` under `profile` and compare with what the trace recorded. */
export function checkTrace(ts: TraceScenario, profile: Profile, warns: readonly TraceWarn[] = []): CheckResult {
  const log = recordScenario(ts.scenario, profile);
  const mismatches: CheckMismatch[] = [];
  const watched = new Set<number>();
  let fieldsCompared = 0;

  // Each splat belongs to the last step whose call started before it; compare the texts per step
  // (a WARN without text counts as ''), wherever the kernel or the model warned.
  const byStep = new Map<number, { source: SourceLoc; kernel: string[] }>();
  for (const w of warns) {
    const step = stepOfLine(ts.scenario, w.source.line);
    const e = byStep.get(step) ?? { source: w.source, kernel: [] };
    e.kernel.push(w.text ?? '');
    byStep.set(step, e);
  }
  for (const s of log.walk()) {
    const e = byStep.get(s.seq);
    const model = s.outcome.warnings.map((w) => w.text);
    if (!e && model.length === 0) continue;
    fieldsCompared++;
    const k = [...(e?.kernel ?? [])].sort();
    const m = [...model].sort();
    if (k.join('\n') !== m.join('\n')) {
      const show = (list: string[]): string => (list.length ? list.map((t) => (t ? `"${t}"` : 'WARN without text')).join(', ') : 'none');
      mismatches.push({ step: s.seq, source: e?.source ?? s.source, section: null, field: 'warn', model: show(m), kernel: show(k) });
    }
  }

  for (const r of ts.rets) {
    const outcome = r.step >= 0 && r.step < log.length ? log.step(r.step).outcome : undefined;
    if (r.ret === null || outcome === undefined) continue;
    if (outcome.value !== null) {
      // pfn_valid / pfn_to_online_page: the guest module printed the answer as ret=0|1.
      fieldsCompared++;
      const kernel = r.ret !== 0;
      if (kernel !== outcome.value) mismatches.push({ step: r.step, source: r.source, section: null, field: 'value', model: String(outcome.value), kernel: String(kernel) });
      continue;
    }
    const model = outcome.ret;
    if (model === null) continue;
    fieldsCompared++;
    if (model !== r.ret) mismatches.push({ step: r.step, source: r.source, section: null, field: 'ret', model: String(model), kernel: String(r.ret) });
  }

  // A step where the kernel or the model died: one field, the oops's first line and RIP function.
  const crashed = new Set<number>();
  for (const s of log.walk(1)) {
    const i = s.seq;
    const kernel = ts.crashes.find((c) => c.step === i) ?? null;
    const model = oopsOf(s.outcome);
    if (kernel === null && model === null) continue;
    crashed.add(i);
    fieldsCompared++;
    const k = kernel === null ? 'none' : oopsText(kernel);
    const m = model === null ? 'none' : oopsText(model);
    if (k !== m) mismatches.push({ step: i, source: kernel?.source ?? s.source, section: null, field: 'crash', model: m, kernel: k });
  }

  // The nested calls of each step (sparse_add_section …, with their returns), where the trace probed them.
  for (const s of log.walk(1)) {
    const i = s.seq;
    let kernel = ts.subcalls[i - 1] ?? [];
    let model = subCalls(s.outcome).filter((c) => ts.probed.has(c.fn));
    if (crashed.has(i)) {
      // A crash cuts the calls short: compare the calls both sides finished; the rest is the crash field's.
      kernel = kernel.filter((c) => !c.crashed);
      const n = Math.min(kernel.length, model.length);
      kernel = kernel.slice(0, n);
      model = model.slice(0, n);
    }
    if (kernel.length === 0 && model.length === 0) continue;
    fieldsCompared++;
    const k = kernel.map(callText);
    const m = model.map(callText);
    const at = k.findIndex((t, j) => t !== m[j]);
    if (at >= 0 || m.length !== k.length) {
      const first = at >= 0 ? at : Math.min(m.length, k.length);
      const differs = kernel[first];
      // Only the return differs: point at the line that printed it.
      const sameCall = differs !== undefined && model[first] !== undefined && callText({ ...differs, ret: null }) === callText({ ...model[first], ret: null });
      const source = (sameCall ? differs.exit : null) ?? differs?.source ?? kernel[kernel.length - 1]?.source ?? s.source;
      mismatches.push({ step: i, source, section: null, field: 'calls', model: m.join(', ') || 'none', kernel: k.join(', ') || 'none' });
    }
  }

  for (const snap of ts.snapshots) {
    const state = log.stateAt(snap.afterStep);
    for (const s of snap.sections) {
      watched.add(s.nr);
      const ms = getSection(profile, state, s.nr);
      const add = (field: CheckField, model: string, kernel: string): void => {
        fieldsCompared++;
        if (model !== kernel) mismatches.push({ step: snap.afterStep, source: snap.source, section: s.nr, field, model, kernel });
      };
      add('flags', flagNames(ms?.flags ?? 0), flagNames(wordFlags(s.word)));
      const ptr = s.word & ~SECTION_WORD_FLAG_MASK;
      add('map', modelMapKind(ms?.map ?? 'zero'), ptr === 0n ? 'zero' : ptr === snap.vmemmapBase ? 'vmemmap' : 'other');
      add('usage', (ms?.usage ?? 'none') === 'none' ? 'none' : 'present', s.usage === 0n ? 'none' : 'present');
      const words = ms && ms.usage !== 'none' ? ms.subsectionMap : [];
      const map0 = (BigInt((words[0] ?? 0) >>> 0) | (BigInt((words[1] ?? 0) >>> 0) << 32n)).toString(16);
      // u<S> is read through the usage pointer p<S> (`+16(p<S>)`): with p<S> = 0 that read faults, and a
      // kprobe's fetch fault leaves the field unwritten (kernel/trace/trace_probe_tmpl.h store_trace_args()
      // stores nothing for a fixed-size argument whose fetch failed), so the record holds whatever the ring
      // buffer had there (0 in a fresh buffer, old bytes later). Without a usage the map is none: 0.
      const kernelMap0 = s.usage === 0n ? 0n : s.map0;
      add('subsection_map', `0x${map0}`, `0x${kernelMap0.toString(16)}`);
    }
    // sysfs memoryN/state of a section's memory block: online exactly when the section is
    // (online_pages / offline_pages mark every section of the block; memory_block_online/offline).
    for (const b of snap.memblocks) {
      if (b.absent || b.state === null) continue;
      const ms = getSection(profile, state, b.section);
      fieldsCompared++;
      const model = ((ms?.flags ?? 0) & SECTION_IS_ONLINE) !== 0 ? 'online' : 'offline';
      if (model !== b.state) mismatches.push({ step: snap.afterStep, source: snap.source, section: b.section, field: 'online', model, kernel: b.state });
    }
  }
  mismatches.sort((a, b) => a.source.line - b.source.line || (a.section ?? -1) - (b.section ?? -1));
  return { snapshots: ts.snapshots.length, sections: watched.size, fieldsCompared, mismatches, log };
}

// --- internal ---

function modelMapKind(kind: string): string {
  return kind === 'vmemmap' || kind === 'zero' ? kind : 'other';
}
