/**
 * `memhp run FILE`: one row per step (source, operation, return code, WARNs, sections touched as
 * runs), with a note where memory still online is removed (query/online_removal.ts).
 */
import { defineCommand } from 'citty';
import { describeProfile } from '../../kernel/profile.js';
import { failedExpectations } from '../../log/record.js';
import { logJsonLines } from '../../log/serialize.js';
import { inputArgs } from '../args.js';
import { exitStatus } from '../../kernel/errors.js';
import { EXIT_OK } from '../errors.js';
import type { Io } from '../io.js';
import type { InputFile } from '../input_file.js';
import { loadInput, loadOptions, logMetaOf } from '../load.js';
import type { InputArgValues } from '../load.js';
import { runRows } from '../../present/render.js';
import { onlineRemovalNotes } from '../../query/online_removal.js';

/** The `run` command's definition (meta and arguments). */
export const runCommandDef = defineCommand({
  meta: { name: 'run', description: 'Run a scenario and print one row per step' },
  args: {
    ...inputArgs,
    verbose: { type: 'boolean', alias: 'v', description: 'also print every call path, resource and note' },
  },
});

/** Execute `memhp run` (on `input` when the caller has opened it already; `command` names it in the header); returns the exit code. */
export function runRun(io: Io, args: InputArgValues & { file: string; json?: boolean; verbose?: boolean }, input: string | InputFile = args.file, command: 'run' | 'replay' = 'run'): number {
  const loaded = loadInput(io, input, loadOptions(args));
  const failed = failedExpectations(loaded.log);
  if (args.json) {
    // The same lines `memhp record` writes to a log file.
    const { meta, opts } = logMetaOf(loaded);
    for (const line of logJsonLines(loaded.log, meta, opts)) io.out(`${line}\n`);
  } else {
    const c = io.color;
    io.out(`${c.bold(`memhp ${command}`)} ${loaded.file} — ${describeProfile(loaded.profile)}\n`);
    const steps = loaded.log.steps;
    io.out(`${runRows(steps, c, args.verbose ?? false, { notes: onlineRemovalNotes(loaded.log) }).join('\n')}\n`);
    const expects = steps.reduce((n, s) => n + s.expects.length, 0);
    const warns = steps.reduce((n, s) => n + s.outcome.warnings.length, 0);
    const hazards = steps.reduce((n, s) => n + s.outcome.hazards.length, 0);
    const summary = `${loaded.log.length} steps, ${warns} warning(s), ${hazards} hazard(s), ${expects - failed.length}/${expects} expectations held`;
    io.out(`${failed.length ? c.red(summary) : summary}\n`);
  }
  return failed.length ? exitStatus('E_EXPECT') : EXIT_OK;
}
