/** The fuzzer's corpus: the repository's examples, test scenarios, /proc/iomem copies and recorded traces. */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (ends in /), from dist/fuzz or from the source's fuzz/. */
export const ROOT = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '..' : '../..', import.meta.url));

/** One corpus input: where it came from and its bytes. */
export interface CorpusFile {
  readonly name: string;
  readonly bytes: Buffer;
}

/** Scenario texts: examples/*.scn and the scenarios written in test/*.test.ts template literals (those with a `ram` line and no `${`). */
export function scenarioCorpus(root: string, small: boolean): CorpusFile[] {
  const out: CorpusFile[] = readdirSync(join(root, 'examples'))
    .filter((f) => f.endsWith('.scn'))
    .sort()
    .map((f) => ({ name: `examples/${f}`, bytes: readFileSync(join(root, 'examples', f)) }));
  const seen = new Set(out.map((c) => c.bytes.toString()));
  for (const f of readdirSync(join(root, 'test')).filter((f) => f.endsWith('.test.ts')).sort()) {
    const text = readFileSync(join(root, 'test', f), 'utf8');
    for (const m of text.matchAll(/`([^`$\\]*\n\s*ram [^`$\\]*)`/g)) {
      const body = m[1] ?? '';
      if (seen.has(body) || (small && body.length > 2000)) continue;
      seen.add(body);
      out.push({ name: `test/${f}#${out.length}`, bytes: Buffer.from(body) });
    }
  }
  return out;
}

/** /proc/iomem copies: test/fixtures/bad-iomem.txt and every distinct iomem-before.txt of the recorded traces. */
export function iomemCorpus(root: string): CorpusFile[] {
  const out: CorpusFile[] = [{ name: 'test/fixtures/bad-iomem.txt', bytes: readFileSync(join(root, 'test/fixtures/bad-iomem.txt')) }];
  const seen = new Set<string>();
  for (const dir of traceDirs(root)) {
    const p = join(root, dir, 'iomem-before.txt');
    let bytes: Buffer;
    try {
      bytes = readFileSync(p);
    } catch {
      continue;
    }
    if (seen.has(bytes.toString())) continue;
    seen.add(bytes.toString());
    out.push({ name: `${dir}/iomem-before.txt`, bytes });
  }
  return out;
}

/** A recorded trace directory: its path from the root (release/run) and its files. */
export interface TraceCorpusDir {
  readonly dir: string;
  readonly files: readonly CorpusFile[];
}

/** The recorded traces of test/fixtures/traces, and each cut of test/fixtures/format-cuts as a trace.txt (with `small`: the smallest five). */
export function traceCorpus(root: string, small: boolean): TraceCorpusDir[] {
  const all = traceDirs(root).map((dir) => ({
    dir,
    files: readdirSync(join(root, dir)).sort().map((f) => ({ name: f, bytes: readFileSync(join(root, dir, f)) })),
  }));
  for (const cut of formatCuts(root)) all.push({ dir: cut.replace(/\.txt$/, ''), files: [{ name: 'trace.txt', bytes: readFileSync(join(root, cut)) }] });
  const size = (d: TraceCorpusDir): number => d.files.reduce((n, f) => n + f.bytes.length, 0);
  return small ? [...all].sort((a, b) => size(a) - size(b)).slice(0, 5) : all;
}

/** The cuts of the real tools' outputs (trace-cmd report, perf script, tracefs) under test/fixtures/format-cuts/<release>/, relative to the root. */
export function formatCuts(root: string): string[] {
  const base = 'test/fixtures/format-cuts';
  if (!existsSync(join(root, base))) return [];
  const out: string[] = [];
  for (const rel of readdirSync(join(root, base)).sort()) {
    if (!statSync(join(root, base, rel)).isDirectory()) continue;
    for (const f of readdirSync(join(root, base, rel)).sort()) if (f.endsWith('.txt')) out.push(`${base}/${rel}/${f}`);
  }
  return out;
}

/** The trace directories under test/fixtures/traces, relative to the root. */
export function traceDirs(root: string): string[] {
  const base = 'test/fixtures/traces';
  const out: string[] = [];
  for (const rel of readdirSync(join(root, base)).sort()) {
    if (!statSync(join(root, base, rel)).isDirectory()) continue;
    for (const run of readdirSync(join(root, base, rel)).sort()) {
      if (statSync(join(root, base, rel, run)).isDirectory()) out.push(`${base}/${rel}/${run}`);
    }
  }
  return out;
}
