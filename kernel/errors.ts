/**
 * Every error memhp reports, by code: its exit status and its meaning, and the one error value all
 * layers produce (`{ code, message, file?, line?, hint? }`). cli/ shows the code as rustc does,
 * `file:line: error[E_PARSE]: message` or `memhp: error[E_USAGE]: message`, and takes the exit
 * status from this table; docs/errors.md lists the same table (test/errors.test.ts holds them equal).
 */

/** The error codes: exit status (1 a check of the input failed, 2 usage, input or environment, 70 a bug) and meaning. */
export const ERRORS = {
  E_USAGE: { status: 2, meaning: 'a command line the command does not accept: an unknown option, a missing or extra argument, a bad option value' },
  E_PARSE: { status: 2, meaning: 'an input file not in its format (scenario, trace, console log), or without what the command needs' },
  E_RANGE: { status: 2, meaning: 'a value outside what the kernel allows: past the physical address space, across a section, an empty range' },
  E_UNKNOWN_OP: { status: 2, meaning: 'an operation memhp does not model' },
  E_IOMEM: { status: 2, meaning: 'a /proc/iomem line that is not one, or resources that do not nest' },
  E_LIMIT: { status: 2, meaning: "an input past one of memhp's own limits (docs/limits.md)" },
  E_PROFILE: { status: 2, meaning: 'a kernel release, architecture or configuration memhp does not model' },
  E_IO: { status: 2, meaning: 'a file that cannot be read or written (missing, a directory, no permission, disk full)' },
  E_PROTECTED: { status: 2, meaning: 'an output that would overwrite a file the run reads' },
  E_LOG: { status: 2, meaning: 'a log file that is not one, or damaged before its first step' },
  E_SERVE: { status: 2, meaning: 'the viewer cannot start: its page is not built, or its port is taken or not allowed' },
  E_ENV: { status: 2, meaning: 'verify: what a guest run needs is missing or broken: qemu, busybox, a compiler, kernel headers, a kernel without BTF, a guest that did not boot, timed out or panicked; capture: no tracefs with kprobe events, no root, every probe refused, tracing left behind' },
  E_EXPECT: { status: 1, meaning: 'an expect line of the input does not hold' },
  E_MISMATCH: { status: 1, meaning: 'check: the model and the kernel trace differ in a field' },
  E_NEVER: { status: 1, meaning: 'bisect or shrink: the --until predicate is never true' },
  E_INTERNAL: { status: 70, meaning: 'a bug in memhp (please report it)' },
} as const satisfies Record<string, { readonly status: number; readonly meaning: string }>;

/** An error code of the table. */
export type ErrorCode = keyof typeof ERRORS;

/** The exit status of a code. */
export type ExitStatus = (typeof ERRORS)[ErrorCode]['status'];

/** The one error value: what went wrong (code and message), where when an input line is to blame, and a hint. */
export interface MemhpError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly hint?: string;
}

/** A MemhpError that names its input line (`file:line`). */
export interface LocatedError extends MemhpError {
  readonly file: string;
  readonly line: number;
}

/** A failed result: `{ ok: false }` with the error's fields. */
export type Failed<E extends MemhpError = MemhpError> = { readonly ok: false } & E;

/** The exit status of a code (from the table). */
export function exitStatus(code: ErrorCode): ExitStatus {
  return ERRORS[code].status;
}
