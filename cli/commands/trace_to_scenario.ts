/**
 * `memhp trace-to-scenario TRACE [-o FILE]`: a recorded trace as a hand-editable scenario file, so
 * the recorded machine can be replayed, edited, and compared under other kernel versions.
 */
import { basename } from 'node:path';
import { defineCommand } from 'citty';
import { traceScenarioText } from '../../inputs/trace/scenario_text.js';
import { writeFileAtomic } from '../atomic_write.js';
import { inputArgs, traceArgs } from '../args.js';
import { EXIT_OK, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { loadTrace } from '../load_trace.js';

/** The `trace-to-scenario` command's definition (meta and arguments). */
export const traceToScenarioCommandDef = defineCommand({
  meta: { name: 'trace-to-scenario', description: 'Write a recorded trace as a scenario file (boot layout, operations, expect lines from the snapshots)' },
  args: {
    ...traceArgs,
    kernel: { ...inputArgs.kernel, description: 'kernel named on the scenario\'s `kernel` line (default: the one that recorded the trace)' },
    output: { type: 'string', alias: 'o', description: 'write the scenario here (atomically) instead of to stdout', valueHint: 'FILE' },
    json: { type: 'boolean', description: 'machine-readable output: the scenario text with its counts (and the file written, with -o)' },
  },
});

/** Execute `memhp trace-to-scenario`; returns the exit code. */
export async function runTraceToScenario(io: Io, args: { trace: string; kernel?: string; iomem?: string; output?: string; json?: boolean }): Promise<number> {
  const t = loadTrace(io, args.trace, args.kernel, args.iomem);
  if (t.trace.scenario.boot.ranges.length === 0) throw new UserError('E_USAGE', `${t.file}: no boot layout (no /proc/iomem and no secstate in the trace)`, [], 'give --iomem FILE with a copy of /proc/iomem of the machine');
  const bootFile = t.trace.scenario.boot.source.file;
  const text = traceScenarioText(t.trace, t.warns, { kernel: t.kernel, traceName: basename(t.file), ...(bootFile === t.file ? {} : { iomemName: basename(bootFile) }) });
  if (args.output !== undefined) await writeFileAtomic(io, args.output, text, t.readFiles);
  if (args.json) {
    const lines = text.split('\n');
    const count = (prefix: string): number => lines.filter((l) => l.startsWith(prefix)).length;
    const summary = { file: t.file, kernel: t.kernel, output: args.output ?? null, steps: t.trace.scenario.steps.length, snapshots: t.trace.snapshots.length, expects: count('expect '), sectionExpects: count('expect section ') };
    io.out(`${JSON.stringify(args.output === undefined ? { ...summary, scenario: text } : summary)}\n`);
  } else if (args.output === undefined) io.out(text);
  return EXIT_OK;
}
