/**
 * The runs `memhp check RUN…` names: each argument that is a file or a run directory (one holding
 * trace.txt) is one run; a directory that is not a run is a corpus, and every run directory under
 * it, to MAX_CORPUS_DEPTH levels down, is a run, sorted by path (the output's order never depends
 * on the file system's). A run directory's own subdirectories are not searched.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** How many directory levels under a corpus are searched for run directories (a run's parent's parent is 2). */
export const MAX_CORPUS_DEPTH = 4;

/** The runs of the arguments, and whether any argument was a corpus. */
export interface CheckRunList {
  readonly runs: readonly string[];
  readonly corpus: boolean;
}

/** The runs `paths` name, in the order given, each corpus's runs sorted by path. */
export function runsOf(paths: readonly string[]): CheckRunList {
  const runs: string[] = [];
  let corpus = false;
  for (const p of paths) {
    if (!isDirectory(p) || isRunDirectory(p)) {
      runs.push(p);
      continue;
    }
    const found: string[] = [];
    findRuns(p, MAX_CORPUS_DEPTH, found);
    // A directory with no run under it stays an argument: its check says what is missing, as for one run.
    if (found.length === 0) {
      runs.push(p);
      continue;
    }
    corpus = true;
    found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const r of found) runs.push(r);
  }
  return { runs, corpus };
}

/** True when `dir` is a run directory: it holds a trace.txt. */
export function isRunDirectory(dir: string): boolean {
  try {
    return statSync(join(dir, 'trace.txt')).isFile();
  } catch {
    return false;
  }
}

// --- internal ---

/** Add every run directory under `dir`, at most `depth` levels down, to `out`. */
function findRuns(dir: string, depth: number, out: string[]): void {
  if (depth === 0) return;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const sub = join(dir, name);
    if (!isDirectory(sub)) continue;
    if (isRunDirectory(sub)) out.push(sub);
    else findRuns(sub, depth - 1, out);
  }
}

/** True when `path` is a directory (following symbolic links). */
function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
