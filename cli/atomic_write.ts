/**
 * Write an output file atomically (log/write_atomic.ts) as a user error when it cannot be: never
 * over a file the run read, and with its temporary file noted for cli/main.ts's signal handler.
 */
import { writeLinesAtomicAsync } from '../log/write_atomic.js';
import { UserError } from './errors.js';
import type { Io } from './io.js';
import { noteTempFile } from './temp_files.js';

/** Write `lines` (each without its newline) to `path`; `read`: every file the run read. Returns the bytes written; throws UserError (the target then is as it was). */
export async function writeOutputLines(io: Io, path: string, lines: Iterable<string | Uint8Array>, read: readonly string[]): Promise<number> {
  const w = await writeLinesAtomicAsync(path, lines, { protect: read, onTemp: noteTempFile, fs: io.writeFs });
  if (w.ok) return w.bytes;
  throw new UserError(w.code, w.message, [], w.code === 'E_PROTECTED' ? 'give -o a file the command does not read' : undefined);
}

/** Write `text` to `path` as writeOutputLines does. */
export async function writeFileAtomic(io: Io, path: string, text: string, read: readonly string[]): Promise<void> {
  await writeOutputLines(io, path, [text.endsWith('\n') ? text.slice(0, -1) : text], read);
}
