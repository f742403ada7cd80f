/** The commands the readers run an input with (argv with `%D` for the case directory, `%F` for the input). */
import { mulberry32 } from '../../verify/prng.js';
import type { Oracle, RunSpec } from '../types.js';

/** Commands that read a scenario, a trace or a log file as their input. */
export const INPUT_COMMANDS: ReadonlyArray<{ readonly argv: readonly string[]; readonly oracle: Oracle }> = [
  { argv: ['run', '%F'], oracle: 'none' },
  { argv: ['record', '%F', '-o', '%D/out.memhp'], oracle: 'record' },
  { argv: ['state', '%F', '--json'], oracle: 'none' },
  { argv: ['invariants', '%F'], oracle: 'none' },
  { argv: ['print', '%F', '--section', '144'], oracle: 'none' },
  { argv: ['blame', '%F', '--section', '144'], oracle: 'none' },
  { argv: ['diff', '%F', '0', '1'], oracle: 'none' },
  { argv: ['bisect', '%F', '--until', 'warn'], oracle: 'none' },
  { argv: ['run', '%F', '--verbose', '--json'], oracle: 'none' },
  { argv: ['record', '%F', '-o', '%F'], oracle: 'clobber' },
];

/** Commands that read a recorded trace only. */
export const TRACE_COMMANDS: ReadonlyArray<{ readonly argv: readonly string[]; readonly oracle: Oracle }> = [
  { argv: ['check', '%F'], oracle: 'none' },
  { argv: ['check', '%F', '--json', '--verbose'], oracle: 'none' },
  { argv: ['trace-to-scenario', '%F'], oracle: 'none' },
  { argv: ['replay', '%F'], oracle: 'none' },
];

/** Pick a command for `variant` and put the input's path in. */
export function pickCommand(variant: number, commands: ReadonlyArray<{ readonly argv: readonly string[]; readonly oracle: Oracle }>, input: string, dir: string, extra: readonly string[] = []): RunSpec & { kind: 'cli' } {
  const c = commands[mulberry32(variant).int(commands.length)] ?? commands[0];
  if (!c) throw new RangeError('no commands');
  return { kind: 'cli', argv: [...c.argv.map((a) => a.replace('%F', input).replace('%D', dir)), ...extra], oracle: c.oracle };
}
