/** Damaged log files' helpers: a good recorded log to damage, reading damaged bytes, comparing the steps that load. */
import { readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import { readLogFile } from '../../log/index.js';
import type { HotplugLog } from '../../log/index.js';
import { cli } from './cli.js';

/** A log recorded from examples/partial-cycle.scn: its bytes, where each line starts, and the log as read. */
export interface GoodLog {
  readonly bytes: Buffer;
  /** Byte offset where each line starts, and one past the end of the file. */
  readonly starts: number[];
  readonly original: HotplugLog;
}

/** Record examples/partial-cycle.scn to `path` with the built CLI (format 2: JSON lines, unless `format` says 3) and read it back. */
export async function recordGoodLog(path: string, format: '2' | '3' = '2'): Promise<GoodLog> {
  const r = await cli(['record', 'examples/partial-cycle.scn', '--format', format, '-o', path]);
  expect(r.code).toBe(0);
  const bytes = readFileSync(path);
  const starts = [0];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) starts.push(i + 1);
  const o = readLogFile(path);
  if (!o.ok) throw new Error(o.damage.message);
  return { bytes, starts, original: o.value.log };
}

/** Read `buf` as a log file at `path`. */
export function readAs(path: string, buf: Buffer): ReturnType<typeof readLogFile> {
  writeFileSync(path, buf);
  return readLogFile(path);
}

/** The loaded steps of `log` equal the first `n` of `original`, state and record. */
export function expectSamePrefix(original: HotplugLog, log: HotplugLog, n: number): void {
  expect(log.length).toBe(n);
  // node's isDeepStrictEqual: vitest's matcher is too slow for thousands of damaged files.
  for (let i = 0; i < n; i++) {
    expect(isDeepStrictEqual(log.stateAt(i), original.stateAt(i)), `state after step ${i}`).toBe(true);
    expect(isDeepStrictEqual(log.step(i).outcome, original.step(i).outcome), `outcome of step ${i}`).toBe(true);
  }
}
