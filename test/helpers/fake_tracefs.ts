/**
 * A fake tracefs for `memhp capture` (a plain temporary directory: kprobe_events, the top-level
 * settings a capture must not touch, instances/), the kernel's part played by the test: a COMMAND
 * copies trace lines cut from a recorded run into the instance's `trace` ($MEMHP_CAPTURE_INSTANCE).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { TRACES } from './traces.js';

/** The top-level files the fake starts with, and their contents (a capture leaves all but kprobe_events as they are). */
const TOP: Readonly<Record<string, string>> = {
  tracing_on: '1\n',
  buffer_size_kb: '1408\n',
  current_tracer: 'nop\n',
  trace: '# tracer: nop\n# someone else\'s trace\n',
  trace_marker: '',
  'events/enable': '0\n',
  'events/printk/console/enable': '0\n',
  kprobe_events: 'p:other/do_sys_open do_sys_open\n',
};

/** A new fake tracefs; returns its root. */
export function fakeTracefs(): string {
  const root = mkdtempSync(join(tmpdir(), 'memhp-tracefs-'));
  for (const [rel, text] of Object.entries(TOP)) {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  mkdirSync(join(root, 'instances'));
  return root;
}

/** Every file under `root` with its text (for before/after comparisons). */
export function treeOf(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(root, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return out;
}

/** The probes kprobe_events defines once its lines are applied in order (`-:g/e` removes g/e): `group/event` names. */
export function liveProbes(root: string): string[] {
  const live = new Set<string>();
  for (const l of readFileSync(join(root, 'kprobe_events'), 'utf8').split('\n')) {
    const m = /^([pr-])\d*:(\S+)/.exec(l);
    if (m?.[2] === undefined) continue;
    if (m[1] === '-') live.delete(m[2]);
    else live.add(m[2]);
  }
  return [...live].sort();
}

/** The kernel's part: the trace a real 6.1.0-56-amd64 recorded of a DIMM hot-add and removal (dimm_hotplug), copied into `dir`; its path. */
export function recordedTrace(dir: string): string {
  const file = join(dir, 'kernel-trace.txt');
  writeFileSync(file, readFileSync(join(TRACES, '6.1.0-56-amd64/dimm_hotplug/trace.txt')));
  return file;
}
