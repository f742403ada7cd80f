/** Recording and log reading with a progress bar (cli/progress.ts) for the inputs that take long. */
import { statSync } from 'node:fs';
import type { Scenario } from '../inputs/types.js';
import type { Profile } from '../kernel/types.js';
import type { HotplugLog, LogOptions } from '../log/log.js';
import type { ReadLogOptions } from '../log/logfile.js';
import { readLogFile } from '../log/logfile_fs.js';
import { appendSteps, recordScenario } from '../log/record.js';
import type { Io } from './io.js';
import { withProgress } from './progress.js';

/** Steps run between two progress updates. */
const CHUNK = 1024;

/** recordScenario with a progress bar of the steps run (shown only when it takes long: cli/progress.ts). */
export function recordWithProgress(io: Io, file: string, scenario: Scenario, profile: Profile, opts: LogOptions): HotplugLog {
  const steps = scenario.steps;
  if (!io.progress || steps.length <= CHUNK) return recordScenario(scenario, profile, opts);
  return withProgress(io, { label: `running ${file}`, total: steps.length, unit: 'steps' }, (p) => {
    const log = recordScenario({ ...scenario, steps: [] }, profile, opts);
    for (let i = 0; i < steps.length; i += CHUNK) {
      appendSteps(log, steps.slice(i, i + CHUNK));
      p.update(Math.min(steps.length, i + CHUNK));
    }
    return log;
  });
}

/** readLogFile with a progress bar of the MiB read (a line's characters stand for its bytes). */
export function readLogFileWithProgress(io: Io, path: string, opts: ReadLogOptions): ReturnType<typeof readLogFile> {
  if (!io.progress) return readLogFile(path, opts);
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    // Not a regular file: readLogFile reports what is wrong.
  }
  const mib = (b: number): number => Math.round(b / 1048576);
  return withProgress(io, { label: `reading ${path}`, total: Math.max(1, mib(size)), unit: 'MiB' }, (p) =>
    readLogFile(path, opts, function* (lines) {
      let read = 0;
      let n = 0;
      for (const l of lines) {
        read += l.text.length + 1;
        if (++n % 1024 === 0) p.update(Math.min(mib(size), mib(read)));
        yield l;
      }
    }),
  );
}
