/**
 * A fuzz worker (worker_threads): runs one input at a time through the CLI's in-process entry
 * (`runCli(argv, io)` of cli/app.ts, or a module named by the task that exports the same function)
 * with a captured Io, or sends one raw HTTP request to a viewer it serves in this thread. The pool
 * (fuzz/pool.ts) terminates it when its watchdog fires.
 */
import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { parentPort } from 'node:worker_threads';
import pc from 'picocolors';
import type { Io } from '../cli/io.js';
import { readTextFile } from '../cli/io.js';

/** A task: one CLI run, or one raw request to the viewer of an input. */
export type Task =
  | { readonly kind: 'cli'; readonly argv: readonly string[]; readonly entry?: string }
  | { readonly kind: 'viewer'; readonly input: string; readonly request: Uint8Array; readonly timeoutMs: number };

/** What a CLI run gave: exit code (null when it threw), captured output (the first CAPTURE chars) and the hash of all of it. */
export interface CliResult {
  readonly kind: 'cli';
  readonly code: number | null;
  readonly stdout: string;
  readonly stdoutHash: string;
  readonly stderr: string;
  readonly thrown: string | null;
}

/** What a raw request gave: the response's head and start (latin1), or null when the connection closed without one. */
export interface ViewerResult {
  readonly kind: 'viewer';
  readonly response: string | null;
  readonly thrown: string | null;
}

/** A worker's answer. */
export type TaskResult = CliResult | ViewerResult;

/** Characters of stdout/stderr kept (a hash covers all of stdout). */
export const CAPTURE = 64 * 1024;

type RunCli = (argv: readonly string[], io: Io) => Promise<number>;

const entries = new Map<string, Promise<RunCli>>();
const servers = new Map<string, Promise<{ port: number } | { error: string }>>();

/** Run one task. */
export async function runTask(task: Task): Promise<TaskResult> {
  return task.kind === 'cli' ? runCliTask(task.argv, task.entry) : runViewerTask(task.input, task.request, task.timeoutMs);
}

parentPort?.on('message', (msg: { id: number; task: Task }) => {
  void runTask(msg.task).then(
    (result) => parentPort?.postMessage({ id: msg.id, result }),
    (e: unknown) => parentPort?.postMessage({ id: msg.id, result: { kind: msg.task.kind, code: null, stdout: '', stdoutHash: '', stderr: '', response: null, thrown: errorText(e) } }),
  );
});

// --- internal ---

async function runCliTask(argv: readonly string[], entry: string | undefined): Promise<CliResult> {
  const url = entry ?? new URL('../cli/app.js', import.meta.url).href;
  let load = entries.get(url);
  if (!load) {
    load = import(url).then((m: { runCli: RunCli }) => m.runCli);
    entries.set(url, load);
  }
  const runCli = await load;
  let stdout = '';
  let stderr = '';
  const hash = createHash('sha256');
  const io: Io = {
    out: (t) => {
      hash.update(t);
      if (stdout.length < CAPTURE) stdout += t.slice(0, CAPTURE - stdout.length);
    },
    err: (t) => {
      if (stderr.length < CAPTURE) stderr += t.slice(0, CAPTURE - stderr.length);
    },
    color: pc.createColors(false),
    readFile: readTextFile,
  };
  try {
    const code = await runCli(argv, io);
    return { kind: 'cli', code, stdout, stdoutHash: hash.digest('hex'), stderr, thrown: null };
  } catch (e) {
    return { kind: 'cli', code: null, stdout, stdoutHash: hash.digest('hex'), stderr, thrown: errorText(e) };
  }
}

async function runViewerTask(input: string, request: Uint8Array, timeoutMs: number): Promise<ViewerResult> {
  let started = servers.get(input);
  if (!started) {
    started = startViewer(input);
    servers.set(input, started);
  }
  const s = await started;
  if ('error' in s) return { kind: 'viewer', response: null, thrown: s.error };
  const bytes = Buffer.from(Buffer.from(request).toString('latin1').replaceAll('%PORT', String(s.port)), 'latin1');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const sock = connect({ host: '127.0.0.1', port: s.port });
    const done = (thrown: string | null): void => {
      sock.destroy();
      resolve({ kind: 'viewer', response: size === 0 ? null : Buffer.concat(chunks).toString('latin1'), thrown });
    };
    const timer = setTimeout(() => done(null), timeoutMs);
    sock.on('data', (d: Buffer) => {
      if (size < CAPTURE) chunks.push(d);
      size += d.length;
    });
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearTimeout(timer);
      done(null);
    });
    sock.write(bytes, () => sock.end());
  });
}

/** Serve the viewer of `input` in this thread, as `memhp view` builds it. */
async function startViewer(input: string): Promise<{ port: number } | { error: string }> {
  const { viewSource } = await import('../cli/commands/view.js');
  const { bundleDir, readBundle } = await import('../viewer/server/bundle.js');
  const { startViewServer } = await import('../viewer/server/http.js');
  const quiet: Io = { out: () => undefined, err: () => undefined, color: pc.createColors(false), readFile: readTextFile };
  const bundle = readBundle(bundleDir());
  if (!bundle.ok) return { error: bundle.message };
  const r = await startViewServer(viewSource(quiet, { file: input }), { bundle: bundle.bundle });
  return r.ok ? { port: r.server.port } : { error: r.message };
}

function errorText(e: unknown): string {
  return e instanceof Error ? (e.stack ?? e.message) : String(e);
}
