/** `memhp diff FILE A B` (two steps of one input) or `memhp diff a.memhp@A b.memhp@B` (two logs). */
import { sameSections } from '../../kernel/geometry.js';
import { defineCommand } from 'citty';
import { diffStates } from '../../query/diff.js';
import type { StateDiff } from '../../log/types.js';
import { inputArgs } from '../args.js';
import { EXIT_OK, UserError } from '../errors.js';
import type { Io } from '../io.js';
import { loadInput, loadOptions, parseStepArg } from '../load.js';
import type { InputArgValues } from '../load.js';
import type { LoadOptions } from '../load.js';
import { diffLines } from '../../present/render.js';

/** The `diff` command's definition (meta and arguments). */
export const diffCommandDef = defineCommand({
  meta: {
    name: 'diff',
    description:
      'Show what differs between the states after steps A and B of FILE, or between two logs: diff a.memhp@120 b.memhp@118 (LOG alone is its last step; both logs must have the same architecture geometry)',
  },
  args: {
    ...inputArgs,
    file: { ...inputArgs.file, description: `${inputArgs.file.description}; or LOG@A when comparing two logs` },
    a: { type: 'positional', description: 'first step (or the second log, LOG@B)', required: true, valueHint: 'A' },
    b: { type: 'positional', description: 'second step (not with LOG@A LOG@B)', required: false, valueHint: 'B' },
  },
});

/** Execute `memhp diff`; returns the exit code. */
export function runDiff(io: Io, args: InputArgValues & { file: string; a: string; b?: string; json?: boolean }): number {
  const opts: LoadOptions = loadOptions(args);
  if (args.b === undefined && /^\d+$/.test(args.a)) throw new UserError('E_USAGE', "missing B for 'diff'", [], 'memhp diff FILE A B, or memhp diff a.memhp@A b.memhp@B');
  if (args.b === undefined) return diffTwo(io, args.file, args.a, opts, args.json ?? false);
  const loaded = loadInput(io, args.file, opts);
  const a = parseStepArg(loaded.log, 'A', args.a);
  const b = parseStepArg(loaded.log, 'B', args.b);
  const d = diffStates(loaded.profile.geometry, loaded.log.stateAt(a), loaded.log.stateAt(b), a, b);
  if (args.json) io.out(`${JSON.stringify(d)}\n`);
  else io.out(`${diffLines(d, io.color, [loaded.log.step(a), loaded.log.step(b)]).join('\n')}\n`);
  return EXIT_OK;
}

// --- internal ---

/** `diff LOG@A LOG@B`: the state after step A of one log against the state after step B of the other. */
function diffTwo(io: Io, left: string, right: string, opts: LoadOptions, json: boolean): number {
  const l = splitAt(left);
  const r = splitAt(right);
  const la = loadInput(io, l.file, opts);
  const lb = loadInput(io, r.file, opts);
  const ga = la.profile.geometry;
  if (!sameSections(ga, lb.profile.geometry)) {
    throw new UserError('E_USAGE', `${l.file} (${ga.name}) and ${r.file} (${lb.profile.geometry.name}) do not share a section geometry: their sections cannot be compared`);
  }
  const a = stepOf(la.log.length, l);
  const b = stepOf(lb.log.length, r);
  const d: StateDiff = diffStates(ga, la.log.stateAt(a), lb.log.stateAt(b), a, b);
  if (json) {
    io.out(`${JSON.stringify({ ...d, fromFile: l.file, toFile: r.file })}\n`);
  } else {
    io.out(`${io.color.bold(`${l.file}@${a} → ${r.file}@${b}`)}\n`);
    io.out(`${diffLines(d, io.color, [la.log.step(a), lb.log.step(b)]).join('\n')}\n`);
  }
  return EXIT_OK;
}

/** The step `@N` names in a log of `length` steps (the last one when no @N). */
function stepOf(length: number, at: { file: string; step: string | undefined }): number {
  if (at.step === undefined) return length - 1;
  const n = Number(at.step);
  if (n >= length) throw new UserError('E_USAGE', `${at.file}@${n}: past the last step`, [], `the steps of ${at.file} run from 0 (boot) to ${length - 1}`);
  return n;
}

/** `run.memhp@120` → file and step (undefined: the last step). */
function splitAt(arg: string): { file: string; step: string | undefined } {
  const m = /^(.+)@(\d+)$/.exec(arg);
  if (m) return { file: m[1] as string, step: m[2] };
  if (/@[^/]*$/.test(arg)) throw new UserError('E_USAGE', `'${arg}': the step after @ must be a step number`, [], 'e.g. memhp diff a.memhp@120 b.memhp@118');
  return { file: arg, step: undefined };
}
