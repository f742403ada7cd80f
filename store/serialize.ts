/**
 * The log as JSON lines: a header (format version, memhp version, profile, a hash of the input),
 * then one record per step. Keys are written in a fixed order and nothing depends on the clock, so
 * the same input, profile and options give byte-identical text.
 */
import { createHash } from 'node:crypto';
import { describeProfile } from '../machines/profile.js';
import type { HotplugLog } from './log.js';

/** Format version of the JSON-lines log. */
export const LOG_FORMAT = 1;

/** memhp's version, written into every log header. */
export const MEMHP_VERSION = '0.1.0';

/** sha256 of the input text, hex. */
export function hashInput(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The whole log as JSON lines (header first), ending in a newline. */
export function logToJsonLines(log: HotplugLog, inputText: string, inputName: string): string {
  const header = {
    memhp: 'log',
    format: LOG_FORMAT,
    version: MEMHP_VERSION,
    profile: describeProfile(log.profile),
    kernel: log.profile.kernel,
    arch: log.profile.geometry.name,
    config: log.profile.config,
    checkpointEvery: log.checkpointEvery,
    input: { name: inputName, sha256: hashInput(inputText) },
    steps: log.length,
  };
  const lines = [JSON.stringify(header)];
  for (const s of log.steps) {
    lines.push(
      JSON.stringify({
        seq: s.seq,
        source: `${s.source.file}:${s.source.line}`,
        text: s.text,
        op: s.op,
        inject: s.inject,
        outcome: s.outcome,
        expects: s.expects.map((e) => ({ line: e.source.line, text: e.text, ok: e.ok, detail: e.detail })),
        patches: s.patches,
        inversePatches: s.inversePatches,
      }),
    );
  }
  return `${lines.join('\n')}\n`;
}
