/** The real-kernel traces the tests replay: copies kept in the repository (test/fixtures/traces, see its README). */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readFtraceDump, readTrace, type TraceDocument } from '../../inputs/trace/index.js';

/** The traces' root directory. */
export const TRACES = fileURLToPath(new URL('../fixtures/traces', import.meta.url));

/** Every recorded run: its release directory and scenario name, sorted. */
export function recordedRuns(): Array<{ release: string; run: string }> {
  return readdirSync(TRACES)
    .filter((k) => statSync(`${TRACES}/${k}`).isDirectory())
    .flatMap((k) => readdirSync(`${TRACES}/${k}`).map((s) => ({ release: k, run: s })))
    .filter((r) => existsSync(`${TRACES}/${r.release}/${r.run}/trace.txt`))
    .sort((a, b) => `${a.release}/${a.run}`.localeCompare(`${b.release}/${b.run}`));
}

/** A run's trace: its trace.txt, or (a run that crashed: trace.txt without records) the ftrace dump in its console.log. */
export function readRun(release: string, run: string): { file: string; doc: TraceDocument } {
  const file = `${TRACES}/${release}/${run}/trace.txt`;
  const doc = readTrace(readFileSync(file, 'utf8'), file);
  if (!doc.ok) throw new Error(`${file}: unreadable trace`);
  if (doc.value.records.length > 0) return { file, doc: doc.value };
  const log = `${TRACES}/${release}/${run}/console.log`;
  const dump = readFtraceDump(readFileSync(log, 'utf8'), log);
  if (dump === null || !dump.ok) throw new Error(`${file}: no records, and no ftrace dump in console.log`);
  return { file: log, doc: dump.value };
}
