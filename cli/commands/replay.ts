/**
 * `memhp replay TRACE`: a recorded kernel trace as a time-travel log, shown as `memhp run` shows a
 * scenario, under its own name: each row the operation with its arguments, the lab's step labels as
 * headings.
 */
import { defineCommand } from 'citty';
import { UserError } from '../errors.js';
import type { Io } from '../io.js';
import { openInput } from '../input_file.js';
import { runCommandDef, runRun } from './run.js';

/** The `replay` command's definition (meta and arguments). */
export const replayCommandDef = defineCommand({
  meta: { name: 'replay', description: 'Replay a recorded kernel trace (trace.txt, console.log or its directory) into the log, one row per step' },
  args: runCommandDef.args,
});

/** Execute `memhp replay`; state/diff take the same TRACE. */
export function runReplay(io: Io, args: Parameters<typeof runRun>[1]): number {
  const input = openInput(io, args.file);
  if (input.kind !== 'trace' && input.kind !== 'console') throw new UserError('E_USAGE', `${args.file} is not a recorded trace`, [], `memhp run ${args.file} runs a scenario file`);
  return runRun(io, args, input, 'replay');
}

