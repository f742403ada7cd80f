/**
 * The parsed BTF (BPF Type Format, the kernel's `.BTF` section) as a typed table: one entry per
 * type id (id 0 is `void` and has no entry), with names resolved from the string section.
 * Layout per include/uapi/linux/btf.h; kinds 1..19 (INT … ENUM64).
 */
import type { Failed } from '../../kernel/errors.js';

/** A value or a typed failure (E_PARSE for bytes that are not BTF, E_ENV for a kernel without it). */
export type BtfResult<T> = { readonly ok: true; readonly value: T } | Failed;

/** The kind names in BTF_KIND_* order (index = kind number). */
export const BTF_KINDS = [
  'UNKN', 'INT', 'PTR', 'ARRAY', 'STRUCT', 'UNION', 'ENUM', 'FWD', 'TYPEDEF', 'VOLATILE', 'CONST',
  'RESTRICT', 'FUNC', 'FUNC_PROTO', 'VAR', 'DATASEC', 'FLOAT', 'DECL_TAG', 'TYPE_TAG', 'ENUM64',
] as const;

/** A BTF kind name. */
export type BtfKind = Exclude<(typeof BTF_KINDS)[number], 'UNKN'>;

/** A struct/union member: bit offset and, for a bitfield (kind_flag set), its width in bits (else 0). */
export interface BtfMember {
  readonly name: string;
  readonly type: number;
  readonly bitOffset: number;
  readonly bitfieldSize: number;
}

/** A FUNC_PROTO parameter (name empty for an unnamed or `...` parameter). */
export interface BtfParam {
  readonly name: string;
  readonly type: number;
}

/** An ENUM / ENUM64 enumerator. */
export interface BtfEnumValue {
  readonly name: string;
  readonly value: bigint;
}

/** A DATASEC entry: a VAR (or FUNC) at a byte offset of the section. */
export interface BtfVarSecInfo {
  readonly type: number;
  readonly offset: number;
  readonly size: number;
}

interface Base<K extends BtfKind> {
  readonly id: number;
  readonly kind: K;
  readonly name: string;
}

/** One BTF type record, by kind. */
export type BtfType =
  | (Base<'INT'> & { readonly size: number; readonly encoding: number; readonly offset: number; readonly bits: number })
  | (Base<'PTR' | 'TYPEDEF' | 'VOLATILE' | 'CONST' | 'RESTRICT' | 'TYPE_TAG'> & { readonly type: number })
  | (Base<'ARRAY'> & { readonly type: number; readonly indexType: number; readonly nelems: number })
  | (Base<'STRUCT' | 'UNION'> & { readonly size: number; readonly members: readonly BtfMember[] })
  | (Base<'ENUM' | 'ENUM64'> & { readonly size: number; readonly signed: boolean; readonly values: readonly BtfEnumValue[] })
  | (Base<'FWD'> & { readonly union: boolean })
  | (Base<'FUNC'> & { readonly type: number; readonly linkage: number })
  | (Base<'FUNC_PROTO'> & { readonly type: number; readonly params: readonly BtfParam[] })
  | (Base<'VAR'> & { readonly type: number; readonly linkage: number })
  | (Base<'DATASEC'> & { readonly size: number; readonly vars: readonly BtfVarSecInfo[] })
  | (Base<'FLOAT'> & { readonly size: number })
  | (Base<'DECL_TAG'> & { readonly type: number; readonly componentIdx: number });

/** The parsed BTF: `types[id - 1]` is type `id`; `byName` lists the ids carrying each name. */
export interface Btf {
  readonly types: readonly BtfType[];
  readonly byName: ReadonlyMap<string, readonly number[]>;
}

/** A failed result with code E_PARSE. */
export function parseError(message: string): Failed {
  return { ok: false, code: 'E_PARSE', message };
}
