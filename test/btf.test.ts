/**
 * The BTF reader (inputs/btf): a synthetic BTF holding every kind (both byte orders), the real
 * .BTF sections of Debian 6.1.0-56 and 6.12.95 (numbers checked against pahole), the parse time,
 * and bad bytes: truncated or mutated input gives a typed failure, never a throw or a hang.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBtf } from '../inputs/btf/btf.js';
import { loadBtf } from '../inputs/btf/load.js';
import { enumValue, funcParams, memberOffset, memberPlace, resolveType, structSize, findType } from '../inputs/btf/queries.js';
import type { Btf } from '../inputs/btf/types.js';

const FIX = new URL('./fixtures/btf/', import.meta.url);
const realBtf = (release: string): Uint8Array => gunzipSync(readFileSync(new URL(`${release}.btf.gz`, FIX)));

/** A tiny BTF encoder: strings, types as u32 words, header; `little` picks the byte order. */
class BtfEncoder {
  private strs: number[] = [0];
  private words: number[] = [];
  /** The offset of `name` in the string section (appended). */
  s(name: string): number {
    if (name === '') return 0;
    const off = this.strs.length;
    this.strs.push(...new TextEncoder().encode(name), 0);
    return off;
  }
  /** Append a type record: name, kind, vlen, size/type, kind_flag, then the kind's extra words. */
  t(name: string, kind: number, vlen: number, st: number, kflag: boolean, ...extra: number[]): this {
    this.words.push(this.s(name), ((kflag ? 1 << 31 : 0) | (kind << 24) | vlen) >>> 0, st >>> 0, ...extra.map((w) => w >>> 0));
    return this;
  }
  /** The BTF bytes. */
  bytes(little = true): Uint8Array {
    const typeLen = this.words.length * 4;
    const out = new Uint8Array(24 + typeLen + this.strs.length);
    const v = new DataView(out.buffer);
    v.setUint16(0, 0xeb9f, little);
    v.setUint8(2, 1);
    [24, 0, typeLen, typeLen, this.strs.length].forEach((w, i) => v.setUint32(4 + 4 * i, w, little));
    this.words.forEach((w, i) => v.setUint32(24 + 4 * i, w, little));
    out.set(this.strs, 24 + typeLen);
    return out;
  }
}

/** Every kind once: ids 1..19 in the order below. */
function everyKind(): BtfEncoder {
  const e = new BtfEncoder();
  e.t('int', 1, 0, 4, false, (1 << 24) | 32); // 1 INT signed 32 bits
  e.t('', 2, 0, 1, false); // 2 PTR -> int
  e.t('', 3, 0, 0, false, 1, 1, 4); // 3 ARRAY int[4]
  e.t('', 5, 2, 8, false, e.s('a'), 1, 0, e.s('b'), 2, 0); // 4 anonymous UNION { int a; int *b; }
  e.t('outer', 4, 3, 24, true, e.s('x'), 1, 0, 0, 4, 64, e.s('bf'), 1, (3 << 24) | 162); // 5 STRUCT, bitfield-aware
  e.t('e', 6, 2, 4, true, e.s('E_A'), 0, e.s('E_B'), -1); // 6 signed ENUM
  e.t('e64', 19, 1, 8, false, e.s('BIG'), 2, 1); // 7 ENUM64 0x1_0000_0002
  e.t('fwd', 7, 0, 0, true); // 8 FWD union
  e.t('outer_t', 8, 0, 5, false); // 9 TYPEDEF outer
  e.t('', 9, 0, 9, false); // 10 VOLATILE
  e.t('', 10, 0, 10, false); // 11 CONST
  e.t('', 11, 0, 2, false); // 12 RESTRICT
  e.t('', 13, 2, 1, false, e.s('p1'), 1, e.s('p2'), 2); // 13 FUNC_PROTO int (int p1, int *p2)
  e.t('f', 12, 1, 13, false); // 14 FUNC f, global
  e.t('v', 14, 0, 1, false, 1); // 15 VAR
  e.t('.data', 15, 1, 8, false, 15, 0, 4); // 16 DATASEC
  e.t('double', 16, 0, 8, false); // 17 FLOAT
  e.t('tag', 17, 0, 14, false, -1); // 18 DECL_TAG on f
  e.t('user', 18, 0, 2, false); // 19 TYPE_TAG
  return e;
}

function ok<T>(r: { ok: true; value: T } | { ok: false; message: string }): T {
  if (!r.ok) throw new Error(r.message);
  return r.value;
}

describe('BTF reader: a synthetic BTF with every kind', () => {
  for (const little of [true, false]) {
    const btf = ok(parseBtf(everyKind().bytes(little)));
    it(`reads all 19 kinds in order (${little ? 'little' : 'big'}-endian)`, () => {
      expect(btf.types.map((t) => t.kind)).toEqual(['INT', 'PTR', 'ARRAY', 'UNION', 'STRUCT', 'ENUM', 'ENUM64', 'FWD', 'TYPEDEF', 'VOLATILE', 'CONST', 'RESTRICT', 'FUNC_PROTO', 'FUNC', 'VAR', 'DATASEC', 'FLOAT', 'DECL_TAG', 'TYPE_TAG']);
      expect(btf.types[0]).toEqual({ id: 1, kind: 'INT', name: 'int', size: 4, encoding: 1, offset: 0, bits: 32 });
      expect(btf.types[2]).toEqual({ id: 3, kind: 'ARRAY', name: '', type: 1, indexType: 1, nelems: 4 });
      expect(btf.types[7]).toMatchObject({ kind: 'FWD', name: 'fwd', union: true });
      expect(btf.types[15]).toMatchObject({ kind: 'DATASEC', name: '.data', vars: [{ type: 15, offset: 0, size: 4 }] });
      expect(btf.types[17]).toMatchObject({ kind: 'DECL_TAG', type: 14, componentIdx: -1 });
    });
    it(`answers the queries (${little ? 'little' : 'big'}-endian)`, () => {
      expect(structSize(btf, 'outer')).toBe(24);
      expect(memberOffset(btf, 'outer', 'x')).toBe(0);
      expect(memberOffset(btf, 'outer', 'b')).toBe(8); // inside the anonymous union at bit 64
      expect(memberPlace(btf, 'outer', 'bf')).toEqual({ bitOffset: 162, bitfieldSize: 3, type: 1 });
      expect(memberOffset(btf, 'outer', 'bf')).toBe(20);
      expect(memberOffset(btf, 'outer', 'nope')).toBeNull();
      expect(funcParams(btf, 'f')).toEqual(['p1', 'p2']);
      expect(funcParams(btf, 'g')).toBeNull();
      expect(enumValue(btf, 'E_B')).toBe(-1n);
      expect(enumValue(btf, 'BIG')).toBe(0x100000002n);
      expect(resolveType(btf, 11)).toMatchObject({ kind: 'STRUCT', name: 'outer' });
      expect(findType(btf, 'outer_t', ['TYPEDEF'])?.id).toBe(9);
    });
  }

  it('rejects bad headers and references with E_PARSE', () => {
    const good = everyKind().bytes();
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array([1, 2, 3]), /magic/],
      [good.subarray(0, 23), /past the end/],
      [Uint8Array.from(good, (b, i) => (i === 2 ? 2 : b)), /version 2/],
      [good.subarray(0, good.length - 3), /past the end/],
      [new BtfEncoder().t('x', 20, 0, 0, false).bytes(), /unknown kind 20/],
      [new BtfEncoder().t('p', 2, 0, 7, false).bytes(), /refers to type 7 of 1/],
    ];
    for (const [bytes, msg] of cases) {
      const r = parseBtf(bytes);
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.code).toBe('E_PARSE');
        expect(r.message).toMatch(msg);
      }
    }
  });
});

describe('BTF reader: real kernels', () => {
  /** Numbers from bpftool btf dump (type count) and pahole -F btf -C (offsets). */
  const cases = [
    { release: '6.1.0-56-amd64', types: 100750, zoneName: 168, rangeOff: 136 },
    { release: '6.12.95+deb12-amd64', types: 112372, zoneName: 184, rangeOff: 144 },
  ];
  for (const c of cases) {
    it(`${c.release}: type count and layouts as pahole shows them`, () => {
      const btf = ok(parseBtf(realBtf(c.release)));
      expect(btf.types.length).toBe(c.types);
      expect(structSize(btf, 'mem_section')).toBe(32);
      expect(memberOffset(btf, 'zone', 'name')).toBe(c.zoneName);
      expect(memberOffset(btf, 'dev_pagemap', 'range')).toBe(c.rangeOff);
      expect(memberOffset(btf, 'page', 'lru')).toBe(8); // in an anonymous union of anonymous structs
      expect(memberOffset(btf, 'page', '_refcount')).toBe(52);
      expect(memberPlace(btf, 'perf_event_attr', 'inherit')).toMatchObject({ bitOffset: 321, bitfieldSize: 1 });
      expect(funcParams(btf, 'arch_add_memory')).toEqual(['nid', 'start', 'size', 'params']);
      expect(enumValue(btf, 'SECTION_MAP_LAST_BIT')).toBe(5n);
    });
  }

  it('parses a whole 4-5 MB vmlinux BTF: every type of 6.12.95 (its parse time is measured by the bench, not by a test)', () => {
    const bytes = realBtf('6.12.95+deb12-amd64');
    expect(bytes.length).toBeGreaterThan(4_500_000);
    const r = parseBtf(bytes);
    expect(r.ok && r.value.types.length).toBe(112372);
  });
});

describe('BTF reader: bad bytes never throw', () => {
  const good = everyKind().bytes();
  /** Parse, then query whatever parsed: neither may throw or hang. */
  const survive = (bytes: Uint8Array): void => {
    const r = loadBtf(bytes);
    if (!r.ok) {
      expect(['E_PARSE', 'E_ENV']).toContain(r.code);
      expect(r.message).not.toBe('');
      return;
    }
    const btf: Btf = r.value;
    for (const t of btf.types) resolveType(btf, t.id);
    structSize(btf, 'outer');
    memberOffset(btf, 'outer', 'nope');
    funcParams(btf, 'f');
    enumValue(btf, 'E_B');
  };

  it('truncated synthetic BTF: a typed failure at every cut', () => {
    for (let n = 0; n < good.length; n++) {
      survive(good.subarray(0, n));
      expect(parseBtf(good.subarray(0, n)).ok).toBe(false);
    }
  });

  it('mutated synthetic BTF (fast-check)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const b = Uint8Array.from(good);
        for (const [i, v] of edits) b[i] = v;
        survive(b);
      }),
      { numRuns: 3000 },
    );
  });

  it('truncated or mutated real BTF (fast-check)', () => {
    const real = realBtf('6.1.0-56-amd64');
    fc.assert(
      fc.property(fc.nat(real.length - 1), fc.nat(real.length - 1), fc.integer({ min: 0, max: 255 }), (cut, at, v) => {
        const b = Uint8Array.from(real.subarray(0, Math.max(cut, at + 1)));
        b[at] = v;
        survive(b);
      }),
      { numRuns: 12 },
    );
  });
});
