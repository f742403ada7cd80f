/**
 * The result values of verify/'s environment checks: a value, or an E_ENV error whose message is
 * one line saying what is missing and how to install it.
 */
import type { Failed, MemhpError } from '../kernel/errors.js';

/** An E_ENV failure. */
export type EnvFailed = Failed<MemhpError & { readonly code: 'E_ENV' }>;

/** A value, or an E_ENV failure. */
export type EnvResult<T> = { readonly ok: true; readonly value: T } | EnvFailed;

/** An E_ENV failure with a one-line message (newlines in `message` are folded into spaces). */
export function envError(message: string): EnvFailed {
  return { ok: false, code: 'E_ENV', message: message.replace(/\s*\r?\n\s*/g, ' ').trim() };
}

/** How to install a package on the usual distributions: `(Debian/Ubuntu: apt-get install D; Fedora: dnf install F)`. */
export function installHint(debian: string, fedora: string): string {
  return `(Debian/Ubuntu: apt-get install ${debian}; Fedora: dnf install ${fedora})`;
}
