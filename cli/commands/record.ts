/** `memhp record INPUT -o run.memhp`: record the input's log into a log file (format 3, compact; or format 2, JSON lines). */
import { defineCommand } from 'citty';
import { DEFAULT_CHECKPOINT_EVERY } from '../../log/log.js';
import { failedExpectations, runScenario } from '../../log/record.js';
import { COMPACT_FORMAT, jsonLines } from '../../log/serialize.js';
import { compactFrames, logFileChunks, scenarioFiles } from '../../log/compact.js';
import type { StepAndState } from '../../log/record.js';
import type { LogStep } from '../../log/types.js';
import { inputArgs } from '../args.js';
import { logFormatArg, requireOutput } from '../output_args.js';
import { writeOutputLines } from '../atomic_write.js';
import { exitStatus } from '../../kernel/errors.js';
import { EXIT_OK, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { startProgress } from '../progress.js';
import { openInput } from '../input_file.js';
import { checkpointOpts, loadInput, loadOptions, logMetaOf, parseInput } from '../load.js';
import type { InputArgValues } from '../load.js';

/** The `record` command's definition (meta and arguments). */
export const recordCommandDef = defineCommand({
  meta: {
    name: 'record',
    description:
      'Record the input into a log file, written atomically (never over a file it read): format 3 (compact: a JSON header, then hash-chained compressed blocks of 256 steps, loaded lazily) or, with --format 2, JSON lines (one hash-chained record per step). ' +
      'Every command takes the log file as its input. Exit 1 when an expect line failed (the log is written all the same).',
  },
  args: {
    ...inputArgs,
    output: { type: 'string', alias: 'o', description: 'the log file to write (required; e.g. run.memhp)', valueHint: 'LOG' },
    format: { type: 'string', description: 'the log file format: 3 (compact, the default) or 2 (JSON lines, for grep and jq)', valueHint: '3|2' },
  },
});

/** Execute `memhp record`; returns the exit code. */
export async function runRecord(io: Io, args: InputArgValues & { file: string; output?: string; json?: boolean; format?: string }): Promise<number> {
  const out = requireOutput('record', args.output);
  const format = logFormatArg(args.format);
  const opts = loadOptions(args);
  let failed = 0;
  let lines: Iterable<string | Uint8Array>;
  let steps: number;
  let read: readonly string[];
  const input = openInput(io, args.file);
  if (input.kind === 'log') {
    // A log file in: its usable steps out, in the current format (an upgrade, or a repair of a damaged file).
    const loaded = loadInput(io, input, opts);
    const m = logMetaOf(loaded);
    failed = failedExpectations(loaded.log).length;
    steps = loaded.log.length;
    read = loaded.readFiles;
    lines = logFileChunks(loaded.log, format, m.meta, m.opts);
  } else {
    // A scenario or trace: each step is written as the model runs it, and not kept.
    const parsed = parseInput(io, input, opts);
    const m = logMetaOf(parsed);
    const k = checkpointOpts(opts).checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
    steps = parsed.scenario.steps.length + 1;
    read = parsed.readFiles;
    const progress = startProgress(io, { label: `recording ${args.file}`, total: steps, unit: 'steps' });
    const counted = function* (): Generator<StepAndState> {
      try {
        for (const r of runScenario(parsed.scenario, parsed.profile)) {
          failed += r.step.expects.filter((e) => !e.ok).length;
          if ((r.step.seq & 1023) === 0) progress.update(r.step.seq);
          yield r;
        }
      } finally {
        progress.stop();
      }
    };
    const justSteps = function* (): Generator<LogStep> {
      for (const r of counted()) yield r.step;
    };
    lines = format === COMPACT_FORMAT
      ? compactFrames(parsed.profile, k, steps, scenarioFiles(parsed.scenario.boot.source, parsed.scenario.steps), counted(), m.meta, m.opts)
      : jsonLines(parsed.profile, k, steps, justSteps(), m.meta, m.opts);
  }
  const bytes = await writeOutputLines(io, out, lines, read);
  if (args.json) io.out(`${JSON.stringify({ output: out, format, steps, bytes, failedExpectations: failed })}\n`);
  else io.out(`recorded ${steps} steps (boot included) of ${args.file} into ${out} (${bytes} bytes, format ${format})${failed ? `; ${failed} expectation(s) failed` : ''}\n`);
  return failed ? exitStatus('E_EXPECT') : EXIT_OK;
}
