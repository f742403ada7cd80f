/**
 * The mem_section roots of a state the model builds, as a persistent 16-way trie keyed by root
 * number: a step that writes one root copies the few nodes on that root's path (4 levels for the
 * 4096 roots of x86_64 4-level paging, 5 for the 2^18 of 5-level), where a copy of a plain
 * `roots` record costs O(roots) — at 2^19 sections that copy was half of a step's time and the
 * retained checkpoints' largest part (issue 17).
 *
 * Used past SMALL_ROOTS roots (states.ts). The state keeps the shape logs record: `state.roots`
 * stays a plain Record<number, MemRoot>, built from the trie on first read and cached, so immer,
 * JSON, structuredClone and the log's patch paths ['roots', r, 'sections', idx, field] see the
 * same data as before.
 */
import type { MemRoot } from '../kernel/types.js';

const BITS = 4;
const WIDTH = 2 ** BITS;

type Node = ReadonlyArray<Node | MemRoot | undefined>;

/** A persistent map from root number to MemRoot. */
export class RootTable {
  private constructor(
    private readonly top: Node,
    /** Levels of the trie: it holds root numbers below WIDTH^depth. */
    private readonly depth: number,
    /** Number of roots held. */
    readonly size: number,
  ) {}

  /** The empty table. */
  static readonly EMPTY = new RootTable([], 1, 0);

  /** A table holding the roots of a plain record (a state immer or a file produced). */
  static fromRecord(roots: Readonly<Record<number, MemRoot>>): RootTable {
    let t = RootTable.EMPTY;
    const keys = Object.keys(roots);
    for (let i = 0; i < keys.length; i++) {
      const r = Number(keys[i]);
      const root = roots[r];
      if (root !== undefined) t = t.set(r, root);
    }
    return t;
  }

  /** Root `r`, undefined when it is NULL. */
  get(r: number): MemRoot | undefined {
    if (r >= WIDTH ** this.depth || r < 0) return undefined;
    let node: Node | undefined = this.top;
    for (let level = this.depth - 1; level > 0 && node; level--) node = node[Math.floor(r / WIDTH ** level) % WIDTH] as Node | undefined;
    return node?.[r % WIDTH] as MemRoot | undefined;
  }

  /** A table with root `r` set to `root` (this one unchanged). */
  set(r: number, root: MemRoot): RootTable {
    let top = this.top;
    let depth = this.depth;
    while (r >= WIDTH ** depth) {
      top = this.size === 0 ? [] : [top];
      depth++;
    }
    const added = this.get(r) === undefined ? 1 : 0;
    return new RootTable(setIn(top, depth - 1, r, root), depth, this.size + added);
  }

  /** Every root with its number, ascending. */
  forEach(f: (root: MemRoot, r: number) => void): void {
    walk(this.top, this.depth - 1, 0, f);
  }

  /** The plain record `state.roots` shows (keys ascending). */
  toRecord(): Record<number, MemRoot> {
    const out: Record<number, MemRoot> = {};
    this.forEach((root, r) => {
      out[r] = root;
    });
    return out;
  }
}

// --- internal ---

function setIn(node: Node, level: number, r: number, root: MemRoot): Node {
  const copy = node.slice();
  const i = Math.floor(r / WIDTH ** level) % WIDTH;
  copy[i] = level === 0 ? root : setIn((node[i] as Node | undefined) ?? [], level - 1, r, root);
  return copy;
}

function walk(node: Node, level: number, base: number, f: (root: MemRoot, r: number) => void): void {
  for (let i = 0; i < node.length; i++) {
    const child = node[i];
    if (child === undefined) continue;
    const r = base + i * WIDTH ** level;
    if (level === 0) f(child as MemRoot, r);
    else walk(child as Node, level - 1, r, f);
  }
}
