/**
 * Finding a program on PATH, as a shell would: the first directory of PATH holding an executable
 * regular file of that name.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The path of `prog` on `path` (default: this process's PATH), or null. A name with a `/` is checked as it is. */
export function findOnPath(prog: string, path: string = process.env.PATH ?? ''): string | null {
  if (prog.includes('/')) return isExecutable(prog) ? prog : null;
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, prog);
    if (isExecutable(p)) return p;
  }
  return null;
}

/** True when `p` is a regular file this process may execute. */
export function isExecutable(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
