/** User errors of the CLI and their one-line rendering (`file:line: message`), never a stack trace. */
import type { InputError } from '../inputs/types.js';
import type { Io } from './io.js';
import { escapeControls } from '../present/printable.js';

/** Exit codes: 0 ok, 1 an `expect` failed, 2 usage or input error. */
export const EXIT_OK = 0;
export const EXIT_EXPECT = 1;
export const EXIT_USAGE = 2;

/** A usage or input error raised inside cli/ (bugs are plain Errors). */
export class UserError extends Error {
  constructor(
    message: string,
    readonly errors: readonly InputError[] = [],
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/** Render input errors as `file:line: message` lines, each with its hint. */
export function renderInputErrors(io: Io, errors: readonly InputError[]): void {
  for (const e of errors) {
    io.err(`${escapeControls(e.file)}:${e.line}: ${io.color.red('error')}: ${escapeControls(e.message)}\n`);
    if (e.hint) io.err(`  hint: ${escapeControls(e.hint)}\n`);
  }
}

/** Render a UserError. */
export function renderUserError(io: Io, e: UserError): void {
  if (e.errors.length) renderInputErrors(io, e.errors);
  else io.err(`memhp: ${io.color.red('error')}: ${escapeControls(e.message)}\n`);
  if (e.hint) io.err(`  hint: ${escapeControls(e.hint)}\n`);
}
