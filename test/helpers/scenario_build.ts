/**
 * Generated scenarios (test/helpers/arbitraries.ts) as values and as text: a step, a Scenario from
 * a boot layout and operations (file `prop.scn`, boot on line 1, step i on line i + 2), and the
 * lines a scenario file would hold.
 */
import type { BootLayout, BootRange, Operation } from '../../kernel/operation.js';
import type { Scenario, ScenarioStep } from '../../inputs/types.js';
import type { InjectedFailure } from '../../kernel/types.js';
/** The scenario file name every generated scenario carries. */
export const PROP_FILE = 'prop.scn';

/** A BootLayout from ranges. */
export function bootLayout(ranges: readonly BootRange[]): BootLayout {
  return { ranges, iomem: [], source: { file: PROP_FILE, line: 1 } };
}

const hex = (n: number): string => `0x${n.toString(16)}`;

/** One operation as the line a scenario file would hold. */
export function opText(op: Operation, inject: readonly InjectedFailure[] = []): string {
  const parts: string[] = [op.kind];
  switch (op.kind) {
    case 'add_pages':
    case '__add_pages':
    case 'sparse_add_section':
      parts.push(`nid=${op.nid}`, `pfn=${hex(op.pfn)}`, `nr_pages=${hex(op.nr_pages)}`);
      break;
    case '__remove_pages':
      parts.push(`pfn=${hex(op.pfn)}`, `nr_pages=${hex(op.nr_pages)}`);
      break;
    case 'sparse_remove_section':
      parts.push(`pfn=${hex(op.pfn)}`, `nr_pages=${hex(op.nr_pages)}`, `map_offset=${op.map_offset}`);
      break;
    case 'online_mem_sections':
    case 'offline_mem_sections':
      parts.push(`start_pfn=${hex(op.start_pfn)}`, `end_pfn=${hex(op.end_pfn)}`);
      break;
    case 'pfn_valid':
    case 'pfn_to_online_page':
      parts.push(`pfn=${hex(op.pfn)}`);
      break;
    case 'move_pfn_range_to_zone':
    case 'remove_pfn_range_from_zone':
      parts.push(`pfn=${hex(op.pfn)}`, `nr_pages=${hex(op.nr_pages)}`, `zone=${op.zone}`);
      break;
  }
  if ('altmap' in op && op.altmap) parts.push(`altmap=${hex(op.altmap.base_pfn)},${op.altmap.free},${op.altmap.reserve}`);
  if (inject.length) parts.push(`fail=${inject.map((f) => `${f.kind}@${f.nth}`).join(',')}`);
  return parts.join(' ');
}

/** The text of the boot line: its RAM ranges. */
export function bootText(layout: BootLayout): string {
  return `boot ${layout.ranges.map((r) => `${hex(r.startPfn)}-${hex(r.endPfn)}@${r.nid}`).join(' ') || '(no RAM)'}`;
}

/** A ScenarioStep for `op` on line `line` of prop.scn. */
export function scenarioStep(op: Operation, line: number, inject: readonly InjectedFailure[] = []): ScenarioStep {
  return { op, inject, source: { file: PROP_FILE, line }, text: opText(op, inject), expects: [] };
}

/** A Scenario from a boot layout and operations (step i on line i + 2). */
export function buildScenario(ranges: readonly BootRange[], ops: ReadonlyArray<{ op: Operation; inject?: readonly InjectedFailure[] }>): Scenario {
  return {
    file: PROP_FILE,
    kernel: '5.3',
    boot: bootLayout(ranges),
    bootExpects: [],
    steps: ops.map((o, i) => scenarioStep(o.op, i + 2, o.inject ?? [])),
  };
}

/** The scenario as text, one line per step (what a log's input hash is taken over). */
export function scenarioText(s: Scenario): string {
  return [bootText(s.boot), ...s.steps.map((st) => st.text)].join('\n') + '\n';
}
