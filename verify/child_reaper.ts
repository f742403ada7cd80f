/**
 * No orphan QEMU: every process verify/ starts is registered here while it lives, and is killed
 * (SIGKILL) when the Node process exits, or when it is sent SIGINT, SIGTERM or SIGHUP (the
 * signal is then raised again when nobody else listens for it, so the process still ends as it
 * would have). Each process's cleanup (its temporary directory) runs then too.
 */
import type { ChildProcess } from 'node:child_process';

interface Live {
  readonly child: ChildProcess;
  readonly cleanup: () => void;
}

const live = new Set<Live>();
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Kill `child` and run `cleanup` if this process ends first; returns the function that unregisters it. */
export function reapOnExit(child: ChildProcess, cleanup: () => void): () => void {
  const entry: Live = { child, cleanup };
  if (live.size === 0) install();
  live.add(entry);
  return () => {
    live.delete(entry);
    if (live.size === 0) uninstall();
  };
}

/** How many processes are registered (for tests). */
export function liveChildren(): number {
  return live.size;
}

// --- internal ---

function killAll(): void {
  for (const e of live) {
    try {
      e.child.kill('SIGKILL');
    } catch {
      // already gone
    }
    try {
      e.cleanup();
    } catch {
      // best effort on the way out
    }
  }
  live.clear();
}

function onExit(): void {
  killAll();
}

function onSignal(sig: NodeJS.Signals): void {
  killAll();
  uninstall();
  if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
}

function install(): void {
  process.on('exit', onExit);
  for (const s of SIGNALS) process.on(s, onSignal);
}

function uninstall(): void {
  process.off('exit', onExit);
  for (const s of SIGNALS) process.off(s, onSignal);
}
