/**
 * Summarise V8 CPU profiles (`node --cpu-prof`): time by module (immer, model/kernel, the rest of
 * kernel, model, log, xstate, gc, …) and the top functions by self and by inclusive time.
 *
 *   node --cpu-prof --cpu-prof-dir=prof dist/bench/run.js --only record --runs 1
 *   node dist/bench/profile.js prof/*.cpuprofile [--top 25]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One summarised profile. */
export interface ProfileSummary {
  /** Sampled microseconds in all. */
  readonly totalUs: number;
  readonly byModule: ReadonlyArray<readonly [string, number]>;
  readonly self: ReadonlyArray<readonly [string, number]>;
  readonly inclusive: ReadonlyArray<readonly [string, number]>;
}

/** Summarise a parsed profile (shares as microseconds, largest first). */
export function summarise(prof: CpuProfile): ProfileSummary {
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const perNode = new Map<number, number>();
  let totalUs = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const d = prof.timeDeltas[i] ?? 0;
    const id = prof.samples[i] as number;
    totalUs += d;
    perNode.set(id, (perNode.get(id) ?? 0) + d);
  }
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const modules = new Map<string, number>();
  for (const [id, d] of perNode) {
    const n = byId.get(id);
    if (!n) continue;
    add(self, frameName(n.callFrame), d);
    add(modules, moduleOf(n.callFrame), d);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const c = byId.get(cur);
      if (!c) break;
      const k = frameName(c.callFrame);
      if (!seen.has(k)) {
        seen.add(k);
        add(inclusive, k, d);
      }
    }
  }
  const sorted = (m: Map<string, number>): Array<readonly [string, number]> => [...m].sort((a, b) => b[1] - a[1]);
  return { totalUs, byModule: sorted(modules), self: sorted(self), inclusive: sorted(inclusive) };
}

/** The summary as text. */
export function formatSummary(s: ProfileSummary, top: number): string {
  const pct = (us: number): string => `${((100 * us) / Math.max(1, s.totalUs)).toFixed(1).padStart(5)}%`;
  const lines = [`sampled ${(s.totalUs / 1000).toFixed(0)} ms`, '', 'by module:'];
  for (const [k, v] of s.byModule.slice(0, 12)) lines.push(`  ${pct(v)}  ${k}`);
  lines.push('', `top ${top} self:`);
  for (const [k, v] of s.self.slice(0, top)) lines.push(`  ${pct(v)}  ${k}`);
  lines.push('', `top ${top} inclusive (memhp and immer frames):`);
  for (const [k, v] of s.inclusive.filter(([k]) => /kernel|model|log|query|immer|xstate|bench/.test(k)).slice(0, top)) lines.push(`  ${pct(v)}  ${k}`);
  return lines.join('\n');
}

// --- internal ---

function add(m: Map<string, number>, k: string, d: number): void {
  m.set(k, (m.get(k) ?? 0) + d);
}

function frameName(f: CallFrame): string {
  const file = f.url.split('/').slice(-2).join('/');
  return `${f.functionName || '(anonymous)'} ${file ? `${file}:${f.lineNumber + 1}` : ''}`.trimEnd();
}

function moduleOf(f: CallFrame): string {
  const u = f.url;
  if (f.functionName === '(garbage collector)') return 'gc';
  if (u.includes('/immer/')) return 'immer';
  if (u.includes('/xstate/')) return 'xstate';
  if (u.includes('/model/mm/')) return 'model/mm';
  if (u.includes('/model/')) return 'model (other)';
  if (u.includes('/kernel/')) return 'kernel';
  if (u.includes('/log/')) return 'log';
  if (u.includes('/query/')) return 'query';
  if (u.includes('/bench/')) return 'bench';
  if (u === '') return f.functionName || '(native)';
  return u.startsWith('node:') ? 'node internals' : 'other';
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1]);
if (isMain) {
  const { values, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });
  if (positionals.length === 0) {
    console.error('usage: node dist/bench/profile.js FILE.cpuprofile… [--top 25]');
    process.exit(2);
  }
  for (const file of positionals) {
    console.log(`== ${file}`);
    console.log(formatSummary(summarise(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile), Number(values.top)));
  }
}
