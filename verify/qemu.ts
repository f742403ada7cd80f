/**
 * One guest run under QEMU: spawn it (KVM when /dev/kvm works, else TCG; a KVM guest that prints
 * no `Linux version` in 30 s is killed and booted again under TCG), write everything it prints to
 * the console file as it comes, answer its `@@HOST@@ CMD` lines through QMP, kill it at the
 * timeout, and say how it ended. QEMU is never left running: it is killed at the timeout, and
 * when this process exits or is signalled (verify/child_reaper.ts); the temporary directory
 * (QMP socket, `{tmp}` device files) is removed after the run.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { reapOnExit } from './child_reaper.js';
import { envError, installHint, type EnvResult } from './env_result.js';
import { LineSplitter, newConsoleState, takeLine, type ConsoleState } from './guest_console.js';
import { findOnPath } from './path_lookup.js';
import { qemuArgv, type Accel, type GuestMachine } from './qemu_args.js';
import { qmpHmp } from './qmp.js';

/** What to boot and how. */
export interface RunGuestOptions {
  readonly kernel: string;
  readonly initrd: string;
  readonly append: string;
  readonly machine: GuestMachine;
  readonly timeoutS: number;
  /** Everything the guest prints goes here (truncated first). */
  readonly consolePath: string;
  /** Told each console line as it comes. */
  readonly onLine?: (line: string) => void;
  /** `auto`: KVM when usable (`kvmUsable`), with the fall-back to TCG; default `auto`. */
  readonly accel?: Accel | 'auto';
  /** Whether /dev/kvm can be used (verify/environment.ts kvmUsable); needed for `auto`. */
  readonly kvmUsable?: boolean;
  /** The QEMU program (default: qemu-system-x86_64 found on PATH). */
  readonly qemu?: string;
  /** Seconds a KVM guest has to print `Linux version` before TCG is tried (default 30). */
  readonly kvmBootS?: number;
}

/** A host command the guest asked for, its answer, and when (seconds after the start). */
export interface HostCommand {
  readonly cmd: string;
  readonly answer: string;
  readonly t: number;
}

/** How a run ended. */
export interface GuestRun {
  /** QEMU's exit status, or null when it was killed (then `signal`). */
  readonly exit: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly completed: boolean;
  readonly booted: boolean;
  readonly panicked: boolean;
  readonly lastLines: readonly string[];
  readonly durationS: number;
  readonly accel: Accel;
  /** Why the accelerator is not the one asked for, or null. */
  readonly kvmNote: string | null;
  readonly argv: readonly string[];
  readonly hostCommands: readonly HostCommand[];
}

const QEMU = 'qemu-system-x86_64';

/** How long the console pipes may stay open after QEMU exited. */
const STREAM_GRACE_MS = 2000;

/** Boot the guest and wait for it to end; E_ENV only when QEMU cannot be started at all. */
export async function runGuest(o: RunGuestOptions): Promise<EnvResult<GuestRun>> {
  const qemu = o.qemu ?? findOnPath(QEMU);
  if (qemu === null || findOnPath(qemu) === null) {
    return envError(`${o.qemu ?? QEMU} not found on PATH ${installHint('qemu-system-x86', 'qemu-system-x86-core')}`);
  }
  const t0 = Date.now();
  let accel: Accel = o.accel === 'kvm' || ((o.accel ?? 'auto') === 'auto' && o.kvmUsable === true) ? 'kvm' : 'tcg';
  let kvmNote: string | null = null;
  for (;;) {
    const r = await attempt(o, qemu, accel);
    if (!r.ok) return r;
    const a = r.value;
    if (accel === 'kvm' && o.accel !== 'kvm' && !a.timedOut && !a.state.booted && (a.kvmStuck || (a.exit !== 0 && !a.state.kernelStarted))) {
      kvmNote = `KVM attempted first: ${a.kvmStuck ? `no kernel output within ${o.kvmBootS ?? 30} s` : `QEMU exited ${a.exit} before the kernel started`}; fell back to TCG`;
      accel = 'tcg';
      continue;
    }
    const st = a.state;
    return {
      ok: true,
      value: {
        exit: a.exit,
        signal: a.signal,
        timedOut: a.timedOut,
        completed: st.completed,
        booted: st.booted,
        panicked: st.panicked,
        lastLines: [...st.lastLines],
        durationS: Math.round((Date.now() - t0) / 100) / 10,
        accel,
        kvmNote,
        argv: a.argv,
        hostCommands: a.hostCommands,
      },
    };
  }
}

// --- internal ---

interface Attempt {
  readonly exit: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** Killed under KVM for printing no kernel output in time. */
  readonly kvmStuck: boolean;
  readonly state: ConsoleState;
  readonly argv: string[];
  readonly hostCommands: HostCommand[];
}

/** One QEMU process from spawn to exit. */
async function attempt(o: RunGuestOptions, qemu: string, accel: Accel): Promise<EnvResult<Attempt>> {
  const tmp = mkdtempSync(join(tmpdir(), 'memhp-qemu-run-'));
  const cleanTmp = (): void => rmSync(tmp, { recursive: true, force: true });
  let fd: number;
  try {
    fd = openSync(o.consolePath, 'w');
  } catch (e) {
    cleanTmp();
    return envError(`cannot write the console log ${o.consolePath}: ${(e as Error).message}`);
  }
  const sock = join(tmp, 'qmp.sock');
  const argv = qemuArgv({ qemu, accel, machine: o.machine, qmpSocket: sock, kernel: o.kernel, initrd: o.initrd, append: o.append, tmp });
  const t0 = Date.now();
  const state = newConsoleState();
  const hostCommands: HostCommand[] = [];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  const unregister = reapOnExit(child, cleanTmp);
  let timedOut = false;
  let kvmStuck = false;
  let spawnError: Error | null = null;
  // Host commands run one at a time, in the order the guest asked.
  let hostQueue: Promise<void> = Promise.resolve();

  const onLine = (line: string): void => {
    const cmd = takeLine(state, line);
    o.onLine?.(line);
    if (cmd === null) return;
    hostQueue = hostQueue.then(async () => {
      const answer = await qmpHmp(sock, cmd);
      hostCommands.push({ cmd, answer, t: Math.round((Date.now() - t0) / 10) / 100 });
      if (child.stdin.writable) child.stdin.write(`${answer}\n`);
    });
  };
  const feed = (stream: NodeJS.ReadableStream): Promise<void> =>
    new Promise((resolve) => {
      const dec = new StringDecoder('utf8');
      const lines = new LineSplitter();
      stream.on('data', (chunk: Buffer) => {
        writeSync(fd, chunk);
        for (const l of lines.push(dec.write(chunk))) onLine(l);
      });
      let ended = false;
      const end = (): void => {
        if (ended) return;
        ended = true;
        for (const l of lines.push(dec.end())) onLine(l);
        for (const l of lines.end()) onLine(l);
        resolve();
      };
      stream.on('end', end);
      stream.on('close', end);
      stream.on('error', end);
    });
  child.stdin.on('error', () => {
    // QEMU gone: its stdin is closed; the exit is reported below.
  });
  const out = feed(child.stdout);
  const err = feed(child.stderr);

  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, o.timeoutS * 1000);
  const kvmTimer =
    accel === 'kvm' && o.accel !== 'kvm'
      ? setTimeout(() => {
          if (!state.kernelStarted) {
            kvmStuck = true;
            child.kill('SIGKILL');
          }
        }, (o.kvmBootS ?? 30) * 1000)
      : undefined;

  const [exit, signal] = await new Promise<[number | null, string | null]>((resolve) => {
    child.on('error', (e) => {
      spawnError = e;
      resolve([null, null]);
    });
    child.on('exit', (code, sig) => resolve([code, sig]));
  });
  clearTimeout(timer);
  clearTimeout(kvmTimer);
  // The output still in the pipes is read; a pipe some left-over grandchild keeps open is let go after a while.
  let grace: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all([out, err]), new Promise<void>((r) => (grace = setTimeout(r, STREAM_GRACE_MS)))]);
  clearTimeout(grace);
  child.stdout.destroy();
  child.stderr.destroy();
  child.stdin.destroy();
  await Promise.all([out, err]);
  await hostQueue;
  unregister();
  closeSync(fd);
  cleanTmp();
  if (spawnError !== null) return envError(`cannot start ${qemu}: ${(spawnError as Error).message}`);
  return { ok: true, value: { exit, signal, timedOut, kvmStuck, state, argv, hostCommands } };
}
