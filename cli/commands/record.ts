/** `memhp record INPUT -o run.memhp`: record the input's log into a log file (JSON lines, hash-chained). */
import { defineCommand } from 'citty';
import { failedExpectations } from '../../store/record.js';
import { writeLinesAtomic } from '../../store/logfile_fs.js';
import { LOG_FORMAT, logJsonLines } from '../../store/serialize.js';
import { inputArgs } from '../args.js';
import { EXIT_EXPECT, EXIT_OK, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput, logMetaOf } from '../load.js';

/** The `record` command's definition (meta and arguments). */
export const recordCommandDef = defineCommand({
  meta: {
    name: 'record',
    description:
      'Record the input into a log file: JSON lines, a header then one hash-chained record per step, written atomically (never over the input). ' +
      'Every command takes the log file as its input. Exit 1 when an expect line failed (the log is written all the same).',
  },
  args: {
    ...inputArgs,
    output: { type: 'string', alias: 'o', description: 'the log file to write (required; e.g. run.memhp)', valueHint: 'LOG' },
  },
});

/** Execute `memhp record`; returns the exit code. */
export function runRecord(io: Io, args: { file: string; output?: string; kernel?: string; arch?: string; 'checkpoint-every'?: string; config?: string; json?: boolean }): number {
  const out = requireOutput('record', args.output);
  const loaded = loadInput(io, args.file, { kernel: args.kernel, arch: args.arch, checkpointEvery: args['checkpoint-every'], config: args.config });
  const { meta, opts } = logMetaOf(loaded);
  const w = writeLinesAtomic(out, logJsonLines(loaded.log, meta, opts), [args.file]);
  if (!w.ok) throw new UserError(w.message);
  const failed = failedExpectations(loaded.log).length;
  if (args.json) io.out(`${JSON.stringify({ output: out, format: LOG_FORMAT, steps: loaded.log.length, bytes: w.bytes, failedExpectations: failed })}\n`);
  else io.out(`recorded ${loaded.log.length} steps (boot included) of ${args.file} into ${out} (${w.bytes} bytes, format ${LOG_FORMAT})${failed ? `; ${failed} expectation(s) failed` : ''}\n`);
  return failed ? EXIT_EXPECT : EXIT_OK;
}

/** `-o FILE`, required. */
export function requireOutput(cmd: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UserError(`missing -o FILE for '${cmd}'`, [], `e.g. memhp ${cmd} … -o run.memhp`);
  return value;
}
