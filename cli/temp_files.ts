/**
 * The temporary files being written right now (an output before its rename), so that cli/main.ts
 * can remove them when a signal ends the process. Only the writer registers; only main.ts watches.
 */
import { unlinkSync } from 'node:fs';

const live = new Set<string>();
let watcher: ((count: number) => void) | undefined;

/** Call `f` with the number of live temporary files each time it goes from 0 to 1 or from 1 to 0. */
export function watchTempFiles(f: (count: number) => void): void {
  watcher = f;
}

/** Note that `tmp` exists (`live`) or is gone (renamed or removed). */
export function noteTempFile(tmp: string, isLive: boolean): void {
  const before = live.size;
  if (isLive) live.add(tmp);
  else live.delete(tmp);
  if ((before === 0) !== (live.size === 0)) watcher?.(live.size);
}

/** Remove every live temporary file (on a signal or at exit); what cannot be removed is left. */
export function removeTempFiles(): void {
  for (const tmp of live) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
  live.clear();
  watcher?.(0);
}
