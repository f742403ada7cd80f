/**
 * A translated trace written back as a hand-editable scenario file (docs/scenario-format.md): the
 * boot layout from the first snapshot's /proc/iomem, one operation line per step with the trace
 * line and user action it came from, and `expect` lines with what the kernel recorded (return
 * values, WARN texts, and every watched section at every secstate snapshot).
 */
import { flagNames } from '../../kernel/section_word.js';
import { subCallText } from '../../kernel/subcalls.js';
import type { IomemResource, Operation } from '../../kernel/operation.js';
import type { TraceScenario } from './to_scenario_types.js';
import { stepOfLine } from './to_scenario.js';
import type { SectionState } from './types.js';
import { wordFlags } from './values.js';

/** A WARN splat as the scenario text needs it: where its message is, and the message (null: none). */
export interface ScenarioWarn {
  readonly source: { readonly line: number };
  readonly text: string | null;
}

/** Options of the text. */
export interface ScenarioTextOptions {
  /** The kernel named on the `kernel` line (the one that recorded the trace). */
  readonly kernel: string;
  /** The trace's file name as the comments cite it. */
  readonly traceName: string;
  /** The file the boot /proc/iomem came from when it is not the trace (--iomem FILE), as the comment cites it. */
  readonly iomemName?: string;
}

/** The scenario text of a translated trace. */
export function traceScenarioText(ts: TraceScenario, warns: readonly ScenarioWarn[], opts: ScenarioTextOptions): string {
  const { scenario } = ts;
  const out: string[] = [
    `# ${opts.traceName}, translated by memhp trace-to-scenario.`,
    '# Boot RAM is the first snapshot\'s /proc/iomem; every operation names the trace line it came from;',
    '# every expect is a value the kernel recorded (return values, WARN texts, secstate m/p/u words).',
    '# Replay it under another kernel with: memhp compare FILE --kernels A,B',
    `kernel ${opts.kernel}`,
    '',
    ...(scenario.boot.iomem.length > 0
      ? [`# /proc/iomem at ${opts.iomemName ?? opts.traceName}:${scenario.boot.source.line}`, 'iomem', ...scenario.boot.iomem.map(iomemLine), 'end']
      : [
          `# boot RAM from the EARLY sections of the secstate at ${opts.traceName}:${scenario.boot.source.line} (2 MiB granularity; other boot sections unknown)`,
          ...scenario.boot.ranges.map((r) => `ram 0x${(r.startPfn * PAGE_SIZE).toString(16)}-0x${(r.endPfn * PAGE_SIZE - 1).toString(16)}${r.nid ? ` nid=${r.nid}` : ''}`),
        ]),
  ];
  const warnsAt = new Map<number, Array<string | null>>();
  for (const w of warns) {
    const step = stepOfLine(scenario, w.source.line);
    warnsAt.set(step, [...(warnsAt.get(step) ?? []), w.text]);
  }
  const snapshotsAfter = (step: number): string[] =>
    ts.snapshots
      .filter((s) => s.afterStep === step)
      .flatMap((s) => [`# secstate at ${opts.traceName}:${s.source.line}${s.label === null ? '' : ` (${s.label})`}`, ...s.sections.map(sectionExpect)]);

  for (const l of snapshotsAfter(0)) out.push(l);
  let label: string | null = null;
  scenario.steps.forEach((st, i) => {
    const n = i + 1;
    const ctx = ts.context[i];
    if (ctx !== undefined && ctx.label !== null && ctx.label !== label) {
      label = ctx.label;
      out.push('', `# ${label}`);
    }
    out.push(`# ${opts.traceName}:${st.source.line}: ${ctx?.call ?? st.text}`);
    const nested = ts.subcalls[i] ?? [];
    if (nested.length > 0) out.push(`#   then: ${nested.map(subCallText).join(', ')}`);
    out.push(operationLine(st.op));
    const ret = ts.rets.find((r) => r.step === n);
    if (ret !== undefined && ret.ret !== null && RETURNS_INT.has(st.op.kind)) out.push(`expect ret=${ret.ret}`);
    // memhp verify's guest module prints pfn_valid's / pfn_to_online_page's answer as ret=0|1.
    if (ret !== undefined && ret.ret !== null && RETURNS_VALUE.has(st.op.kind)) out.push(`expect value=${ret.ret !== 0}`);
    for (const t of warnsAt.get(n) ?? []) out.push(`expect warn "${(t ?? '').replace(/[\\"]/g, (c) => `\\${c}`)}"`);
    for (const l of snapshotsAfter(n)) out.push(l);
  });
  return `${out.join('\n')}\n`;
}

/** An operation as a scenario line, in its `key=value` form. */
export function operationLine(op: Operation): string {
  const hex = (n: number): string => `0x${n.toString(16)}`;
  const altmap = (a: { base_pfn: number; free: number; reserve: number } | null): string => (a === null ? '' : ` altmap=${hex(a.base_pfn)},${hex(a.free)},${hex(a.reserve)}`);
  switch (op.kind) {
    case 'add_pages':
    case '__add_pages':
    case 'sparse_add_section':
      return `${op.kind} nid=${op.nid} pfn=${hex(op.pfn)} nr_pages=${hex(op.nr_pages)}${altmap(op.altmap)}`;
    case '__remove_pages':
      return `${op.kind} pfn=${hex(op.pfn)} nr_pages=${hex(op.nr_pages)}${altmap(op.altmap)}`;
    case 'sparse_remove_section':
      return `${op.kind} pfn=${hex(op.pfn)} nr_pages=${hex(op.nr_pages)} map_offset=${hex(op.map_offset)}${altmap(op.altmap)}`;
    case 'online_mem_sections':
    case 'offline_mem_sections':
      return `${op.kind} start_pfn=${hex(op.start_pfn)} end_pfn=${hex(op.end_pfn)}`;
    case 'pfn_valid':
    case 'pfn_to_online_page':
      return `${op.kind} pfn=${hex(op.pfn)}`;
    case 'move_pfn_range_to_zone':
    case 'remove_pfn_range_from_zone':
      return `${op.kind} pfn=${hex(op.pfn)} nr_pages=${hex(op.nr_pages)} zone=${op.zone}`;
  }
}

// --- internal ---

/** Operations whose kernel function returns an int (the others are void: online_pages' own return is not theirs). */
const RETURNS_INT: ReadonlySet<Operation['kind']> = new Set(['add_pages', '__add_pages', 'sparse_add_section']);

/** The queries, whose answer is a value (true/false). */
const RETURNS_VALUE: ReadonlySet<Operation['kind']> = new Set(['pfn_valid', 'pfn_to_online_page']);

const PAGE_SIZE = 4096;


function sectionExpect(s: SectionState): string {
  const usage = s.usage === 0n ? ' usage=none' : ` map=0x${s.map0.toString(16).padStart(16, '0')}`;
  return `expect section ${s.nr} flags=${flagNames(wordFlags(s.word))}${usage}`;
}

function iomemLine(r: IomemResource): string {
  return `${'  '.repeat(r.depth)}${r.start.toString(16).padStart(8, '0')}-${r.end.toString(16).padStart(8, '0')} : ${r.name}`;
}
