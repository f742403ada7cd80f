/**
 * One run checked: a recorded trace (a run directory, trace.txt or console.log) loaded
 * (cli/load_trace.ts), replayed through the model and compared (query/check.ts), and the document
 * `memhp check --json` prints for it. The single-run command (cli/commands/check.ts) and each run
 * of a corpus (cli/check_outcome.ts, in-process or on a worker thread) go through these functions.
 */
import type { ErrorCode } from '../kernel/errors.js';
import { exitStatus } from '../kernel/errors.js';
import type { Profile } from '../kernel/types.js';
import { resolveProfile } from '../kernel/profile.js';
import { checkTrace, type CheckResult } from '../query/check.js';
import type { TraceScenario } from '../inputs/trace/to_scenario_types.js';
import { EXIT_OK, UserError } from './errors.js';
import type { Io } from './io.js';
import { loadTrace, type LoadedTrace } from './load_trace.js';
import { checkTraceBounds, parsePagingArg } from './load.js';

/** What `check` takes for one run. */
export interface CheckArgs {
  readonly kernel?: string | undefined;
  readonly iomem?: string | undefined;
  readonly paging?: string | undefined;
  readonly verbose?: boolean | undefined;
}

/** A run loaded and compared. */
export interface CheckedRun {
  readonly loaded: LoadedTrace;
  readonly profile: Profile;
  readonly result: CheckResult;
}

/** What `memhp check --json` prints for one run. */
export interface CheckJson {
  readonly file: string;
  readonly kernel: string;
  readonly steps: number;
  readonly snapshots: number;
  readonly sections: number;
  readonly fieldsCompared: number;
  readonly mismatches: ReadonlyArray<{ readonly code: 'E_MISMATCH' }>;
  readonly [more: string]: unknown;
}

/** The exit status of a run checked with `mismatches` mismatches: E_MISMATCH's when there are any, else 0 (one run or each of a corpus). */
export function checkStatus(mismatches: number): number {
  return mismatches > 0 ? exitStatus('E_MISMATCH') : EXIT_OK;
}

/** Refuse what no run could be checked with (--paging that is not 4 or 5, a --kernel memhp does not model); throws UserError. */
export function checkOptions(args: CheckArgs): void {
  const paging = parsePagingArg(args.paging);
  if (args.kernel === undefined) return;
  const r = resolveProfile({ kernel: args.kernel, paging });
  if (!r.ok) throw profileError(r);
}

/** Load `trace` and compare it with the model; throws UserError when it is unreadable or gives nothing to compare (warnings go to io.err). */
export function checkRun(io: Io, trace: string, args: CheckArgs): CheckedRun {
  const loaded = loadTrace(io, trace, args.kernel, args.iomem);
  const { file, kernel, paging, warns, probes } = loaded;
  const r = resolveProfile({ kernel, paging: parsePagingArg(args.paging) ?? paging });
  if (!r.ok) throw profileError(r);
  checkTraceBounds(file, loaded.trace.scenario, r.profile);

  const result = checkTrace(loaded.trace, r.profile, warns);
  if (result.fieldsCompared === 0) {
    // A whole-trace condition: said at the trace's line 1.
    const message = `${nothingCompared(loaded.trace, warns.length, probes)}: nothing to compare`;
    throw UserError.atLines(`${file}: ${message}`, [{ code: 'E_PARSE', message, file, line: 1, hint: 'check needs secstate snapshots, return probes, WARN splats or an oops in the trace' }]);
  }
  return { loaded, profile: r.profile, result };
}

/** The `--json` document of a checked run (`verbose`: with the unknown lines and the notes). */
export function checkJson(run: CheckedRun, verbose: boolean): CheckJson {
  const { file, kernel, trace, lostEvents, lost, readFrom, unknownLines, malformed, bootNotes, unknown, notes } = run.loaded;
  const res = run.result;
  return {
    file,
    kernel,
    steps: res.log.length - 1,
    snapshots: res.snapshots,
    sections: res.sections,
    fieldsCompared: res.fieldsCompared,
    lostEvents,
    ...(lost === null ? {} : { lost: { lines: lost.lines, events: lost.events, line: lost.first.line } }),
    ...(readFrom === null ? {} : { readFrom }),
    unknownLines,
    malformedLines: malformed,
    boot: trace.bootFrom,
    bootNotes,
    ...(verbose ? { unknown: unknown.map((u) => ({ line: u.source.line, text: u.text })), notes } : {}),
    mismatches: res.mismatches.map((m) => ({ code: 'E_MISMATCH' as const, step: m.step, file: m.source.file, line: m.source.line, section: m.section, field: m.field, model: m.model, kernel: m.kernel })),
  };
}

// --- internal ---

/** A profile that cannot be resolved, as the user's error. */
function profileError(r: { readonly code: ErrorCode; readonly message: string }): UserError {
  return new UserError(r.code, r.message, [], 'see memhp profiles for the releases memhp models');
}

/** The functions a step is made from (inputs/trace/to_scenario.ts mapCall). */
const STEP_FUNCTIONS = ['__add_pages', '__remove_pages', 'move_pfn_range_to_zone', 'remove_pfn_range_from_zone', 'online_pages', 'offline_pages'];

/** What a trace that gave nothing to compare holds instead, e.g. `3 steps, no section snapshots, no recorded returns`. */
function nothingCompared(trace: TraceScenario, warns: number, probes: readonly string[]): string {
  const steps = trace.scenario.steps.length;
  let stepText = `${steps} step${steps === 1 ? '' : 's'}`;
  // Probes that recorded calls, none of them a step function: say which were probed and which are missing.
  if (steps === 0 && probes.length > 0) stepText += ` (probes of ${listed(probes)}, none of the step functions ${STEP_FUNCTIONS.join(', ')})`;
  const parts = [stepText];
  if (trace.snapshots.length === 0) parts.push(probes.length > 0 ? 'no section snapshots (no secstateN snapshot probe lines)' : 'no section snapshots');
  if (!trace.rets.some((r) => r.ret !== null)) parts.push('no recorded returns');
  if (trace.subcalls.every((c) => c.length === 0)) parts.push('no nested calls');
  if (warns === 0) parts.push('no WARN');
  if (trace.crashes.length === 0) parts.push('no oops');
  return parts.join(', ');
}

/** At most 8 names, then how many more. */
function listed(names: readonly string[]): string {
  return names.length <= 8 ? names.join(', ') : `${names.slice(0, 8).join(', ')} and ${names.length - 8} more`;
}
