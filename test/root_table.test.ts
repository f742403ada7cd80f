/**
 * The model's persistent root table (model/root_table.ts) and the states over it
 * (model/states.ts): a set leaves the old table as it was, `state.roots` is the plain record
 * (keys ascending) that immer, JSON and structuredClone see, and a plain state converts.
 */
import { describe, expect, it } from 'vitest';
import { RootTable } from '../model/root_table.js';
import { makeState, rootTableOf } from '../model/states.js';
import type { MemRoot } from '../kernel/types.js';

const root = (tag: number): MemRoot => ({ sections: [null, null, tag === 0 ? null : null] });

describe('RootTable', () => {
  it('sets without changing the table it came from, over any range of root numbers', () => {
    const a = root(1);
    const b = root(2);
    const t0 = RootTable.EMPTY;
    const t1 = t0.set(5, a);
    const t2 = t1.set(262_143, b);
    const t3 = t2.set(5, b);
    expect([t0.size, t1.size, t2.size, t3.size]).toEqual([0, 1, 2, 2]);
    expect(t0.get(5)).toBeUndefined();
    expect(t1.get(5)).toBe(a);
    expect(t1.get(262_143)).toBeUndefined();
    expect(t2.get(262_143)).toBe(b);
    expect(t2.get(5)).toBe(a);
    expect(t3.get(5)).toBe(b);
    expect(t3.get(262_144)).toBeUndefined();
    expect(t3.get(-1)).toBeUndefined();
  });

  it('lists roots ascending, whatever order they were set in', () => {
    const keys = [300, 0, 17, 4095, 16, 15, 256];
    let t = RootTable.EMPTY;
    for (const k of keys) t = t.set(k, root(k));
    expect(Object.keys(t.toRecord()).map(Number)).toEqual([...keys].sort((x, y) => x - y));
    expect(Object.keys(RootTable.fromRecord(t.toRecord()).toRecord())).toEqual(Object.keys(t.toRecord()));
  });
});

describe('states over a root table', () => {
  it('show a plain roots record to readers, JSON and structuredClone', () => {
    const t = RootTable.EMPTY.set(3, root(3)).set(1, root(1));
    const s = makeState(t, 9, {}, []);
    const plain = { roots: { 1: t.get(1), 3: t.get(3) }, highestPresentSectionNr: 9, once: {}, deviceRanges: [] };
    expect(Object.keys(s)).toEqual(['roots', 'highestPresentSectionNr', 'once', 'deviceRanges']);
    expect(s.roots).toBe(s.roots);
    expect(s).toEqual(plain);
    expect(structuredClone(s)).toEqual(plain);
    expect(JSON.parse(JSON.stringify(s))).toEqual(JSON.parse(JSON.stringify(plain)));
    expect(rootTableOf(s)).toBe(t);
  });

  it('a plain state converts to a table once', () => {
    const plain = { roots: { 2: root(2) }, highestPresentSectionNr: 0, once: {}, deviceRanges: [] };
    const t = rootTableOf(plain);
    expect(t.get(2)).toBe(plain.roots[2]);
    expect(rootTableOf(plain)).toBe(t);
  });
});
