/** Write an output file atomically (a temp file beside it, then rename), never over an input. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from './errors.js';

/** Write `text` to `path` via a temp file and rename; refuses when `path` is one of `inputs`. */
export function writeFileAtomic(path: string, text: string, inputs: readonly string[]): void {
  if (inputs.some((i) => resolve(i) === resolve(path))) throw new UserError(`refusing to write ${path}: it is the input`, [], 'give -o another file name');
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, text, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new UserError(`cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
