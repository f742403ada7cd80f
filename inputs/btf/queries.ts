/**
 * Questions to a parsed BTF: struct sizes, member byte offsets (through anonymous struct/union
 * members), function parameter names (FUNC → FUNC_PROTO) and enumerator values. Lookups by name
 * take the first complete type of that name, as pahole -C does. Reference chains are followed at
 * most MAX_DEPTH steps, so a cyclic (mutated) BTF cannot hang a query.
 */
import type { Btf, BtfMember, BtfType } from './types.js';

/** Most typedef/qualifier links, or anonymous-member levels, a query follows. */
const MAX_DEPTH = 32;
const MODIFIERS = new Set(['TYPEDEF', 'VOLATILE', 'CONST', 'RESTRICT', 'TYPE_TAG']);

/** Type `id` (null for 0 = void or an id past the table). */
export function typeById(btf: Btf, id: number): BtfType | null {
  return id >= 1 ? btf.types[id - 1] ?? null : null;
}

/** The first type named `name` whose kind is one of `kinds`. */
export function findType(btf: Btf, name: string, kinds: readonly string[]): BtfType | null {
  for (const id of btf.byName.get(name) ?? []) {
    const t = typeById(btf, id);
    if (t && kinds.includes(t.kind)) return t;
  }
  return null;
}

/** Type `id` with typedefs and qualifiers (const, volatile, restrict, type tags) stripped. */
export function resolveType(btf: Btf, id: number): BtfType | null {
  let t = typeById(btf, id);
  for (let i = 0; t && MODIFIERS.has(t.kind) && 'type' in t && i < MAX_DEPTH; i++) t = typeById(btf, t.type);
  return t && MODIFIERS.has(t.kind) ? null : t;
}

/** sizeof(struct NAME) (or a union of that name), null when the BTF has no such complete type. */
export function structSize(btf: Btf, name: string): number | null {
  const t = findType(btf, name, ['STRUCT', 'UNION']);
  return t && 'size' in t ? t.size : null;
}

/** A member found by name: its offset in bits from the start of the outer struct, and its bitfield width (0: not a bitfield). */
export interface MemberPlace {
  readonly bitOffset: number;
  readonly bitfieldSize: number;
  readonly type: number;
}

/** Where member `member` of struct/union `struct` is (looking inside anonymous struct/union members), or null. */
export function memberPlace(btf: Btf, struct: string, member: string): MemberPlace | null {
  const t = findType(btf, struct, ['STRUCT', 'UNION']);
  return t && 'members' in t ? findMember(btf, t.members, member, 0, 0) : null;
}

/** The byte offset of member `member` in struct `struct` (a bitfield: the byte holding its first bit), or null. */
export function memberOffset(btf: Btf, struct: string, member: string): number | null {
  const p = memberPlace(btf, struct, member);
  return p ? Math.floor(p.bitOffset / 8) : null;
}

function findMember(btf: Btf, members: readonly BtfMember[], name: string, base: number, depth: number): MemberPlace | null {
  for (const m of members) if (m.name === name) return { bitOffset: base + m.bitOffset, bitfieldSize: m.bitfieldSize, type: m.type };
  if (depth >= MAX_DEPTH) return null;
  for (const m of members) {
    if (m.name !== '') continue;
    const inner = resolveType(btf, m.type);
    if (!inner || !('members' in inner)) continue;
    const found = findMember(btf, inner.members, name, base + m.bitOffset, depth + 1);
    if (found) return found;
  }
  return null;
}

/** The parameter names of function `name` from its BTF prototype (the first FUNC of that name), or null when the BTF has no FUNC record for it. */
export function funcParams(btf: Btf, name: string): string[] | null {
  const f = findType(btf, name, ['FUNC']);
  if (!f || !('type' in f)) return null;
  const proto = typeById(btf, f.type);
  return proto && proto.kind === 'FUNC_PROTO' ? proto.params.map((p) => p.name) : null;
}

/** The value of enumerator `name` (of any ENUM or ENUM64), or null. */
export function enumValue(btf: Btf, name: string): bigint | null {
  for (const t of btf.types) {
    if (t.kind !== 'ENUM' && t.kind !== 'ENUM64') continue;
    for (const v of t.values) if (v.name === name) return v.value;
  }
  return null;
}
