/** Write an output text file atomically, never over an input (store/logfile_fs.ts's writer, as a user error). */
import { writeLinesAtomic } from '../store/logfile_fs.js';
import { UserError } from './errors.js';

/** Write `text` to `path` atomically (a temporary file beside it, flushed, renamed); throws UserError when `path` is one of `inputs` or cannot be written. */
export function writeFileAtomic(path: string, text: string, inputs: readonly string[]): void {
  const w = writeLinesAtomic(path, [text.endsWith('\n') ? text.slice(0, -1) : text], inputs);
  if (!w.ok) throw new UserError(w.message, [], w.message.startsWith('refusing') ? 'give -o another file name' : undefined);
}
