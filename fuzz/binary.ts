/** Run a case's command through the real binary (`bin/memhp.js` as a child process) under the same watchdog and heap cap. */
import { spawn } from 'node:child_process';
import type { CliResult } from './worker.js';
import { CAPTURE } from './worker.js';

/** What the child process did: like an in-process run, plus the signal that ended it; `hang` when the watchdog killed it. */
export type BinaryOutcome = { readonly status: 'done'; readonly result: CliResult; readonly signal: string | null } | { readonly status: 'hang'; readonly ms: number };

/** Run `node BIN ARGV` with `--max-old-space-size=heapMb`, killed after `timeoutMs`. */
export function runBinary(bin: string, argv: readonly string[], timeoutMs: number, heapMb = 1024): Promise<BinaryOutcome> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, bin, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let hung = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < CAPTURE) stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < CAPTURE) stderr += d;
    });
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (hung) resolve({ status: 'hang', ms: performance.now() - t0 });
      else resolve({ status: 'done', result: { kind: 'cli', code, stdout, stdoutHash: '', stderr, thrown: null }, signal });
    });
  });
}
