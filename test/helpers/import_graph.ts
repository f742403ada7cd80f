/**
 * The import graph of memhp's source folders and the rules its layers keep (docs/architecture.md):
 * a folder imports only folders of a lower rank, two folders of one rank never import each other,
 * no file is part of an import cycle, and nothing below cli/ and viewer/ prints or exits.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';

/** The layers, lowest first; a folder may import folders of a lower rank only. */
export const LAYERS: ReadonlyArray<readonly [folder: string, rank: number]> = [
  ['kernel', 0],
  ['inputs', 1],
  ['model', 1],
  ['log', 2],
  ['query', 3],
  ['present', 4],
  ['viewer', 5],
  ['verify', 6],
  ['capture', 7],
  ['cli', 8],
  ['bench', 9],
  ['fuzz', 10],
];

/** Layers that may print, serve or exit. */
const IO_LAYERS = new Set(['viewer', 'cli', 'bench', 'fuzz']);
// verify/ spawns QEMU and writes its run directory, but reports through return values: it prints and exits nothing.

/** Source files by path relative to the repository root (posix separators). */
export type SourceTree = ReadonlyMap<string, string>;

/** Every .ts file of the layer folders under `root`. */
export function readSourceTree(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) files.set(relative(root, p).split('\\').join('/'), readFileSync(p, 'utf8'));
    }
  };
  for (const [folder] of LAYERS) walk(join(root, folder));
  return files;
}

/** Each file's imports of other files of the tree (static, re-exports and dynamic `import()`). */
export function importGraph(tree: SourceTree): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, text] of tree) {
    const targets: string[] = [];
    for (const ref of ts.preProcessFile(text, true, true).importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = normalize(join(dirname(file), ref.fileName)).split('\\').join('/').replace(/\.js$/, '.ts');
      if (tree.has(target)) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

const rankOf = (file: string): { folder: string; rank: number } | undefined => {
  const folder = file.split('/')[0]!;
  const row = LAYERS.find(([f]) => f === folder);
  return row && { folder, rank: row[1] };
};

/** Imports against the layer order: `from -> to (why)`. */
export function layerViolations(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const a = rankOf(from);
    for (const to of targets) {
      const b = rankOf(to);
      if (!a || !b || a.folder === b.folder) continue;
      if (b.rank > a.rank) out.push(`${from} -> ${to} (${a.folder}/ is below ${b.folder}/)`);
      else if (b.rank === a.rank) out.push(`${from} -> ${to} (${a.folder}/ and ${b.folder}/ share a rank and must not import each other)`);
    }
  }
  return out;
}

/** Every import cycle, as the files of each strongly connected component (Tarjan, iterative). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: Array<[string, number]> = [[root, 0]];
    index.set(root, next); low.set(root, next); next++; stack.push(root); onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1]!;
      const [v, i] = top;
      const edges = graph.get(v) ?? [];
      if (i < edges.length) {
        top[1]++;
        const w = edges[i]!;
        if (!index.has(w)) {
          index.set(w, next); low.set(w, next); next++; stack.push(w); onStack.add(w);
          work.push([w, 0]);
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length) { const u = work[work.length - 1]![0]; low.set(u, Math.min(low.get(u)!, low.get(v)!)); }
      if (low.get(v) === index.get(v)) {
        const scc: string[] = [];
        let w: string;
        do { w = stack.pop()!; onStack.delete(w); scc.push(w); } while (w !== v);
        if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.sort());
      }
    }
  }
  return cycles;
}

const PRINT_OR_EXIT = /\bprocess\.(?:exit|stdout|stderr|exitCode)\b|\bconsole\.(?:log|error|warn|info|debug)\(/;

/** Lines below cli/ and viewer/ that print or exit: `file:line: text`. */
export function printOrExit(tree: SourceTree): string[] {
  const out: string[] = [];
  for (const [file, text] of tree) {
    if (IO_LAYERS.has(file.split('/')[0]!)) continue;
    text.split('\n').forEach((l, i) => {
      const code = l.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
      if (PRINT_OR_EXIT.test(code)) out.push(`${file}:${i + 1}: ${l.trim()}`);
    });
  }
  return out;
}

/** The folder-to-folder import counts as the markdown table rows of docs/architecture.md (`| a → b | n |`, sorted). */
export function importMatrix(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const counts = new Map<string, number>();
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const a = from.split('/')[0]!;
      const b = to.split('/')[0]!;
      if (a !== b) counts.set(`${a} → ${b}`, (counts.get(`${a} → ${b}`) ?? 0) + 1);
    }
  }
  return [...counts].sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, n]) => `| ${k} | ${n} |`);
}
