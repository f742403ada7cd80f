/**
 * One run of a corpus checked, as a plain object a worker thread can post back: what
 * `memhp check RUN --json` prints for it, or the error that stopped it, and what it wrote on stderr
 * (its `file:line: warning` lines, its `file:line: error[…]` lines). The same code runs in-process
 * (--jobs 1) and on a worker (cli/check_worker.ts); it never throws a user error.
 */
import pc from 'picocolors';
import type { ErrorCode } from '../kernel/errors.js';
import { checkJson, checkRun, checkStatus, type CheckArgs, type CheckJson } from './check_run.js';
import { UserError, renderUserError } from './errors.js';
import { readTextFile, type Io } from './io.js';

/** How one run of a corpus came out. */
export interface RunOutcome {
  /** The run as given or found (a run directory, trace.txt or console.log). */
  readonly path: string;
  /** Its exit status alone: 0 agree, E_MISMATCH's, or its error's. */
  readonly status: number;
  /** What `memhp check PATH --json` prints; null when an error stopped it. */
  readonly json: CheckJson | null;
  /** The error that stopped it (unreadable, nothing compared), else null. */
  readonly error: { readonly code: ErrorCode; readonly message: string; readonly errors: ReadonlyArray<{ readonly code: ErrorCode; readonly file: string; readonly line: number; readonly message: string }> } | null;
  /** What it wrote on stderr, as `memhp check PATH` writes it. */
  readonly stderr: string;
}

/** Check the run at `path` (never throws a UserError: an error is the outcome's). `color`: colour the stderr text. */
export function checkOutcome(path: string, args: CheckArgs, color: boolean): RunOutcome {
  let stderr = '';
  const io: Io = {
    out: () => undefined,
    err: (t) => {
      stderr += t;
    },
    color: pc.createColors(color),
    readFile: readTextFile,
  };
  try {
    const json = checkJson(checkRun(io, path, args), args.verbose === true);
    return { path, status: checkStatus(json.mismatches.length), json, error: null, stderr };
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    renderUserError(io, e);
    return { path, status: e.status, json: null, error: { code: e.code, message: e.message, errors: e.errors.map((x) => ({ code: x.code, file: x.file, line: x.line, message: x.message })) }, stderr };
  }
}
