/** `memhp diff FILE A B`: what changed per section between step A and step B. */
import { defineCommand } from 'citty';
import { diffStates } from '../../store/diff.js';
import { inputArgs } from '../args.js';
import { EXIT_OK } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput, parseStepArg } from '../load.js';
import { diffLines } from '../render.js';

/** The `diff` command's definition (meta and arguments). */
export const diffCommandDef = defineCommand({
  meta: { name: 'diff', description: 'Show what differs between the states after steps A and B' },
  args: {
    ...inputArgs,
    a: { type: 'positional', description: 'first step', required: true, valueHint: 'A' },
    b: { type: 'positional', description: 'second step', required: true, valueHint: 'B' },
  },
});

/** Execute `memhp diff`; returns the exit code. */
export function runDiff(io: Io, args: { file: string; a: string; b: string; kernel?: string; arch?: string; 'checkpoint-every'?: string; config?: string; json?: boolean }): number {
  const loaded = loadInput(io, args.file, { kernel: args.kernel, arch: args.arch, checkpointEvery: args['checkpoint-every'], config: args.config });
  const a = parseStepArg(loaded.log, 'A', args.a);
  const b = parseStepArg(loaded.log, 'B', args.b);
  const d = diffStates(loaded.profile.geometry, loaded.log.stateAt(a), loaded.log.stateAt(b), a, b);
  if (args.json) io.out(`${JSON.stringify(d)}\n`);
  else io.out(`${diffLines(d, io.color, [loaded.log.step(a), loaded.log.step(b)]).join('\n')}\n`);
  return EXIT_OK;
}
