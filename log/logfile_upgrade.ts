/**
 * Upgrading an older log file to the current format, one line at a time, as pure functions.
 * Format 1 (`memhp run --json` before log files) had no hashes, no boot layout, no fork origin,
 * and kept an expect line's text but not its parsed form: the upgrade re-parses that text.
 */
import type { Failed } from '../kernel/errors.js';
import { parseExpect } from '../inputs/expect.js';
import { tokenize } from '../inputs/lexer.js';
import type { Geometry } from '../kernel/geometry.js';
import type { LogHeader, LogHeaderV1, LogRecord, LogRecordV1 } from './logfile_schema.js';

/** A format-1 header as format 2 (its hash field is left empty: format 1 carried none). */
export function upgradeHeader(h: LogHeaderV1): LogHeader {
  return {
    memhp: 'log',
    format: 2,
    version: h.version,
    profile: h.profile,
    kernel: h.kernel,
    arch: h.arch,
    config: h.config,
    checkpointEvery: h.checkpointEvery,
    input: h.input,
    kernelLine: null,
    boot: null,
    forkedFrom: null,
    steps: h.steps,
    hash: '',
  };
}

/** A format-1 record as format 2: each expect line's text parsed again under `g`; an error names the expect line. */
export function upgradeRecord(r: LogRecordV1, g: Geometry): { ok: true; value: LogRecord } | Failed {
  const expects: Array<LogRecord['expects'][number]> = [];
  for (const e of r.expects) {
    const toks = tokenize(e.text);
    if (!toks.ok) return { ok: false, code: 'E_LOG', message: `expect line ${e.line}: ${toks.problem.message}` };
    const [head, ...args] = toks.value;
    if (head?.text !== 'expect') return { ok: false, code: 'E_LOG', message: `expect line ${e.line}: '${e.text}' is not an expect line` };
    const parsed = parseExpect(g, args);
    if (!parsed.ok) return { ok: false, code: 'E_LOG', message: `expect line ${e.line}: ${parsed.problem.message}` };
    // memhp's own parser made it: of the shape a format-2 record holds.
    expects.push({ line: e.line, text: e.text, expect: parsed.value as LogRecord['expects'][number]['expect'], ok: e.ok, detail: e.detail });
  }
  return { ok: true, value: { ...r, expects } };
}
