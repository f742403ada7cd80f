/** Write a file atomically (a temporary file beside it, then rename), never over a given input file. */
import { closeSync, fsyncSync, openSync, realpathSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from './errors.js';

/** Write `text` to `path` atomically; throws UserError when `path` is one of `inputs` or cannot be written. */
export function writeFileAtomic(path: string, text: string, inputs: readonly string[]): void {
  const target = canonical(path);
  for (const input of inputs) if (canonical(input) === target) throw new UserError(`refusing to write ${path}: it is the input file`, [], 'give -o another file name');
  const tmp = join(dirname(resolve(path)), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was left behind
    }
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot write ${path}: ${code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String((e as Error).message)}`);
  }
}

// --- internal ---

/** The real path of a file, or of its directory joined with its name when it does not exist yet. */
function canonical(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    try {
      return join(realpathSync(dirname(resolve(path))), basename(path));
    } catch {
      return resolve(path);
    }
  }
}
