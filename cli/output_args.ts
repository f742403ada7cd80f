/** The options of the commands that write a log file (record, fork): `--format` and `-o FILE`. */
import { COMPACT_FORMAT, LOG_FORMAT } from '../log/serialize.js';
import { UserError } from './errors.js';

/** `--format 3|2` (default 3). */
export function logFormatArg(value: string | undefined): number {
  if (value === undefined || value === String(COMPACT_FORMAT)) return COMPACT_FORMAT;
  if (value === String(LOG_FORMAT)) return LOG_FORMAT;
  throw new UserError('E_USAGE', `--format must be ${COMPACT_FORMAT} or ${LOG_FORMAT}, got '${value}'`, [], `${COMPACT_FORMAT}: compact (the default); ${LOG_FORMAT}: JSON lines`);
}

/** `-o FILE`, required. */
export function requireOutput(cmd: string, value: string | undefined): string {
  if (value === undefined || value === '') throw new UserError('E_USAGE', `missing -o FILE for '${cmd}'`, [], `e.g. memhp ${cmd} … -o run.memhp`);
  return value;
}
