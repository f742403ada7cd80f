/**
 * A guest run that did not do its work, as the E_ENV error `memhp verify` reports: QEMU failed, the
 * kernel panicked, the guest timed out, or it ended without `=====LAB DONE=====`; the message is one
 * line ending with the guest's last console line and the console file to read.
 */
import { envError, type EnvFailed } from './env_result.js';
import type { GuestRun } from './qemu.js';

/** The E_ENV error for a run that did not complete, or null for one that did. */
export function guestFailure(run: GuestRun, timeoutS: number, consolePath: string): EnvFailed | null {
  if (run.completed && !run.timedOut) return null;
  const last = [...run.lastLines].reverse().find((l) => l.trim() !== '');
  const tail = `${last === undefined ? 'the guest printed nothing' : `last console line: ${clip(last)}`}; see ${consolePath}`;
  if (run.panicked) {
    const panic = run.lastLines.find((l) => l.includes('Kernel panic - not syncing'));
    return envError(`the guest kernel panicked${panic === undefined ? '' : ` (${clip(panic.slice(panic.indexOf('Kernel panic')))})`}; see ${consolePath}`);
  }
  if (run.timedOut) return envError(`the guest ${run.booted ? 'timed out' : 'did not boot'} within ${timeoutS} s (${run.accel.toUpperCase()}; raise --timeout?); ${tail}`);
  if (run.exit !== 0) return envError(`QEMU exited with status ${run.exit ?? run.signal}${run.booted ? '' : ' before the guest booted'}; ${tail}`);
  return envError(`the guest powered off without finishing (no =====LAB DONE=====); ${tail}`);
}

function clip(line: string): string {
  const t = line.trim();
  return t.length > 160 ? `${t.slice(0, 157)}...` : t;
}
