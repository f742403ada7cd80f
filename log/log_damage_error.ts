/**
 * Damage found after a log was loaded: a format-3 log checks a block's records only when a query
 * first decodes them (log/logfile_compact.ts), so a forged record — one resealed into the chain —
 * surfaces then, thrown as this error (the CLI prints it as `file:frame: message`, no stack).
 */
import type { ErrorCode, LocatedError } from '../kernel/errors.js';

/** A log's damage, met while a query read it. */
export class LogDamageError extends Error implements LocatedError {
  readonly code: ErrorCode = 'E_LOG';

  constructor(
    readonly file: string,
    readonly line: number,
    message: string,
  ) {
    super(message);
    this.name = 'LogDamageError';
  }
}
