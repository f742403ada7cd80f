/**
 * The layers import only downward (docs/architecture.md): kernel/ ← inputs/, model/ ← log/ ←
 * query/ ← present/ ← viewer/ ← cli/ ← bench/ ← fuzz/. The checker is run on the real tree, and on
 * the real tree with one back-edge or one cycle added, to show it catches them.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph, importMatrix, layerViolations, printOrExit, readSourceTree } from './helpers/import_graph.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const tree = readSourceTree(ROOT);

describe('layers', () => {
  it('reads the whole source tree', () => {
    expect(tree.size).toBeGreaterThan(150);
    for (const f of ['kernel/geometry.ts', 'model/mm/section_activate.ts', 'log/log.ts', 'cli/main.ts', 'viewer/server/http.ts']) expect(tree.has(f)).toBe(true);
  });

  it('no file imports a higher layer or a sibling layer of the same rank', () => {
    expect(layerViolations(importGraph(tree))).toEqual([]);
  });

  it('no file is part of an import cycle', () => {
    expect(importCycles(importGraph(tree))).toEqual([]);
  });

  it('nothing below cli/ and viewer/ prints or exits', () => {
    expect(printOrExit(tree)).toEqual([]);
  });

  it('docs/architecture.md shows the tree\'s import matrix (paste the expected rows when it changes)', () => {
    const doc = readFileSync(`${ROOT}docs/architecture.md`, 'utf8');
    const block = /<!-- import-matrix:begin -->\n\| from → to \| imports \|\n\|---\|---\|\n([\s\S]*?)\n<!-- import-matrix:end -->/.exec(doc);
    expect(block, 'the import-matrix block of docs/architecture.md').not.toBeNull();
    expect(block![1]!.split('\n')).toEqual(importMatrix(importGraph(tree)));
  });

  it('a back-edge added to the tree is named (kernel/ importing cli/, model/ importing inputs/)', () => {
    const bad = new Map(tree);
    bad.set('kernel/back_edge.ts', "import { runCli } from '../cli/app.js';\nexport const x = runCli;\n");
    bad.set('model/sibling.ts', "export type { Scenario } from '../inputs/types.js';\n");
    expect(layerViolations(importGraph(bad))).toEqual([
      'kernel/back_edge.ts -> cli/app.ts (kernel/ is below cli/)',
      'model/sibling.ts -> inputs/types.ts (model/ and inputs/ share a rank and must not import each other)',
    ]);
  });

  it('a dynamic import against the order is caught too', () => {
    const bad = new Map(tree);
    bad.set('log/lazy.ts', "export const load = () => import('../query/diff.js');\n");
    expect(layerViolations(importGraph(bad))).toEqual(['log/lazy.ts -> query/diff.ts (log/ is below query/)']);
  });

  it('a cycle added inside one layer is named with its files', () => {
    const bad = new Map(tree);
    bad.set('kernel/a_cycle.ts', "import { b } from './b_cycle.js';\nexport const a = () => b;\n");
    bad.set('kernel/b_cycle.ts', "import { a } from './a_cycle.js';\nexport const b = () => a;\n");
    expect(importCycles(importGraph(bad))).toEqual([['kernel/a_cycle.ts', 'kernel/b_cycle.ts']]);
  });

  it('a print below cli/ is named at its line', () => {
    const bad = new Map(tree);
    bad.set('query/loud.ts', "export function f(): void {\n  console.log('hi');\n}\n");
    expect(printOrExit(bad)).toEqual(["query/loud.ts:2: console.log('hi');"]);
  });
});
