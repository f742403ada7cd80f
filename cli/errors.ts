/**
 * User errors of the CLI and their one-line rendering, rustc style: `file:line: error[E_PARSE]: message`
 * for an input line, `memhp: error[E_USAGE]: message` otherwise; never a stack trace. The exit
 * status comes from the code's row of kernel/errors.ts.
 */
import { exitStatus, type ErrorCode, type ExitStatus, type MemhpError } from '../kernel/errors.js';
import type { InputError } from '../inputs/types.js';
import type { Io } from './io.js';
import { escapeControls } from '../present/printable.js';

/** Exit status of a run with nothing to report (the statuses of errors are in kernel/errors.ts). */
export const EXIT_OK = 0;

/** A usage, input or environment error raised inside cli/ (bugs are plain Errors); its code gives the exit status. */
export class UserError extends Error implements MemhpError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly errors: readonly InputError[] = [],
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }

  /** The exit status of the error's code. */
  get status(): ExitStatus {
    return exitStatus(this.code);
  }

  /** A MemhpError (or a failed result) thrown: at its `file:line` when it names one. */
  static from(e: MemhpError, hint?: string): UserError {
    const h = hint ?? e.hint;
    const located = e.file !== undefined && e.line !== undefined ? [{ code: e.code, message: e.message, file: e.file, line: e.line, ...(h === undefined ? {} : { hint: h }) }] : [];
    return new UserError(e.code, e.message, located, located.length ? undefined : h);
  }

  /** Errors at input lines (at least one); the first one's code is the error's. */
  static atLines(message: string, errors: readonly InputError[], hint?: string): UserError {
    return new UserError(errors[0]?.code ?? 'E_PARSE', message, errors, hint);
  }
}

/** `error[CODE]`, red when colours are on. */
export function errorTag(io: Io, code: ErrorCode): string {
  return io.color.red(`error[${code}]`);
}

/** Render input errors as `file:line: error[CODE]: message` lines, each with its hint. */
export function renderInputErrors(io: Io, errors: readonly InputError[]): void {
  for (const e of errors) {
    io.err(`${escapeControls(e.file)}:${e.line}: ${errorTag(io, e.code)}: ${escapeControls(e.message)}\n`);
    if (e.hint) io.err(`  hint: ${escapeControls(e.hint)}\n`);
  }
}

/** Render a UserError. */
export function renderUserError(io: Io, e: UserError): void {
  if (e.errors.length) renderInputErrors(io, e.errors);
  else io.err(`memhp: ${errorTag(io, e.code)}: ${escapeControls(e.message)}\n`);
  if (e.hint) io.err(`  hint: ${escapeControls(e.hint)}\n`);
}
