/**
 * The BTF parser: header (magic 0xeB9F, either byte order), type section, string section, into the
 * typed table of types.ts. Every read is bounds-checked against its section, so truncated or
 * mutated bytes give E_PARSE, never a throw or a hang (each record advances at least 12 bytes).
 * Limits: at most MAX_BTF_BYTES of BTF and MAX_TYPES types (the kernel's BTF_MAX_TYPE).
 */
import { ByteReader, Malformed } from './reader.js';
import { BTF_KINDS, parseError, type Btf, type BtfEnumValue, type BtfMember, type BtfParam, type BtfResult, type BtfType, type BtfVarSecInfo } from './types.js';

/** At most this many bytes of BTF are parsed (vmlinux BTF is 5-10 MB). */
export const MAX_BTF_BYTES = 256 << 20;
/** At most this many types (include/linux/btf.h BTF_MAX_TYPE). */
export const MAX_TYPES = 0xfffff;
const HEADER_LEN = 24;

/** True when `bytes` start with the BTF magic in either byte order. */
export function isBtf(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && ((bytes[0] === 0x9f && bytes[1] === 0xeb) || (bytes[0] === 0xeb && bytes[1] === 0x9f));
}

/** Parse raw BTF bytes (the content of a `.BTF` section or /sys/kernel/btf/vmlinux). */
export function parseBtf(bytes: Uint8Array): BtfResult<Btf> {
  if (!isBtf(bytes)) return parseError('not BTF: no 0xeB9F magic');
  if (bytes.length > MAX_BTF_BYTES) return parseError(`BTF of ${bytes.length} bytes is over the limit of ${MAX_BTF_BYTES}`);
  const r = new ByteReader(bytes, bytes[0] === 0x9f);
  try {
    return { ok: true, value: parseSections(r) };
  } catch (e) {
    if (e instanceof Malformed) return parseError(`BTF: ${e.message}`);
    throw e;
  }
}

function parseSections(r: ByteReader): Btf {
  const version = r.u8(2);
  if (version !== 1) throw new Malformed(`version ${version} (only 1 is known)`);
  const hdrLen = r.u32(4);
  if (hdrLen < HEADER_LEN) throw new Malformed(`header length ${hdrLen} (at least ${HEADER_LEN})`);
  if (hdrLen > r.length) throw new Malformed(`header length ${hdrLen} past the end of ${r.length} bytes`);
  const section = (off: number, len: number, what: string): Uint8Array => {
    if (hdrLen + off + len > r.length) throw new Malformed(`${what} section (${off}+${len}) past the end of ${r.length - hdrLen} bytes of data`);
    return r.slice(hdrLen + off, len);
  };
  const typeBytes = section(r.u32(8), r.u32(12), 'type');
  const strBytes = section(r.u32(16), r.u32(20), 'string');
  if (strBytes.length === 0 || strBytes[0] !== 0) throw new Malformed('string section does not start with an empty string');
  const strings = new TextDecoder('latin1').decode(strBytes);
  const str = (off: number): string => {
    if (off >= strings.length) throw new Malformed(`name offset ${off} past the string section (${strings.length})`);
    const end = strings.indexOf('\0', off);
    if (end < 0) throw new Malformed(`name at ${off} is not NUL-terminated`);
    return strings.slice(off, end);
  };
  const types = parseTypes(new ByteReader(typeBytes, r.little), str);
  const byName = new Map<string, number[]>();
  for (const t of types) {
    if (t.name === '') continue;
    const ids = byName.get(t.name);
    if (ids) ids.push(t.id);
    else byName.set(t.name, [t.id]);
  }
  for (const t of types) checkRefs(t, types.length);
  return { types, byName };
}

function parseTypes(r: ByteReader, str: (off: number) => string): BtfType[] {
  const types: BtfType[] = [];
  let off = 0;
  while (off < r.length) {
    if (types.length >= MAX_TYPES) throw new Malformed(`more than ${MAX_TYPES} types`);
    const id = types.length + 1;
    const name = str(r.u32(off));
    const info = r.u32(off + 4);
    const st = r.u32(off + 8);
    const vlen = info & 0xffff;
    const kindNo = (info >>> 24) & 0x1f;
    const kflag = info >>> 31 === 1;
    const kind = BTF_KINDS[kindNo];
    if (kind === undefined || kind === 'UNKN') throw new Malformed(`type ${id}: unknown kind ${kindNo}`);
    const x = off + 12;
    const list = <T>(each: number, read: (o: number) => T): T[] => {
      r.slice(x, vlen * each); // bounds check before allocating
      const out: T[] = [];
      for (let i = 0; i < vlen; i++) out.push(read(x + i * each));
      return out;
    };
    let t: BtfType;
    let extra = 0;
    switch (kind) {
      case 'INT': {
        const v = r.u32(x);
        t = { id, kind, name, size: st, encoding: (v >>> 24) & 0x0f, offset: (v >>> 16) & 0xff, bits: v & 0xff };
        extra = 4;
        break;
      }
      case 'PTR': case 'TYPEDEF': case 'VOLATILE': case 'CONST': case 'RESTRICT': case 'TYPE_TAG':
        t = { id, kind, name, type: st };
        break;
      case 'ARRAY':
        t = { id, kind, name, type: r.u32(x), indexType: r.u32(x + 4), nelems: r.u32(x + 8) };
        extra = 12;
        break;
      case 'STRUCT': case 'UNION': {
        const members = list<BtfMember>(12, (o) => {
          const m = r.u32(o + 8);
          return { name: str(r.u32(o)), type: r.u32(o + 4), bitOffset: kflag ? m & 0xffffff : m, bitfieldSize: kflag ? m >>> 24 : 0 };
        });
        t = { id, kind, name, size: st, members };
        extra = 12 * vlen;
        break;
      }
      case 'ENUM': case 'ENUM64': {
        const each = kind === 'ENUM' ? 8 : 12;
        const values = list<BtfEnumValue>(each, (o) => ({ name: str(r.u32(o)), value: enumValue(r, o + 4, kind === 'ENUM64', kflag) }));
        t = { id, kind, name, size: st, signed: kflag, values };
        extra = each * vlen;
        break;
      }
      case 'FWD':
        t = { id, kind, name, union: kflag };
        break;
      case 'FUNC': case 'VAR':
        t = { id, kind, name, type: st, linkage: kind === 'FUNC' ? vlen : r.u32(x) };
        extra = kind === 'VAR' ? 4 : 0;
        break;
      case 'FUNC_PROTO':
        t = { id, kind, name, type: st, params: list<BtfParam>(8, (o) => ({ name: str(r.u32(o)), type: r.u32(o + 4) })) };
        extra = 8 * vlen;
        break;
      case 'DATASEC':
        t = { id, kind, name, size: st, vars: list<BtfVarSecInfo>(12, (o) => ({ type: r.u32(o), offset: r.u32(o + 4), size: r.u32(o + 8) })) };
        extra = 12 * vlen;
        break;
      case 'FLOAT':
        t = { id, kind, name, size: st };
        break;
      case 'DECL_TAG':
        t = { id, kind, name, type: st, componentIdx: r.s32(x) };
        extra = 4;
        break;
    }
    r.slice(off, 12 + extra); // the whole record lies inside the type section
    types.push(t);
    off += 12 + extra;
  }
  return types;
}

/** An enumerator value: 32-bit (signed when kind_flag is set) or 64-bit (lo32, hi32). */
function enumValue(r: ByteReader, o: number, is64: boolean, signed: boolean): bigint {
  if (!is64) return BigInt(signed ? r.s32(o) : r.u32(o));
  const v = (BigInt(r.u32(o + 4)) << 32n) | BigInt(r.u32(o));
  return signed ? BigInt.asIntN(64, v) : v;
}

/** Reject a type that refers to a type id past the table (queries then never index out of it). */
function checkRefs(t: BtfType, n: number): void {
  const refs: number[] = [];
  if ('type' in t) refs.push(t.type);
  if (t.kind === 'ARRAY') refs.push(t.indexType);
  if (t.kind === 'STRUCT' || t.kind === 'UNION') for (const m of t.members) refs.push(m.type);
  if (t.kind === 'FUNC_PROTO') for (const p of t.params) refs.push(p.type);
  if (t.kind === 'DATASEC') for (const v of t.vars) refs.push(v.type);
  for (const ref of refs) if (ref > n) throw new Malformed(`type ${t.id} (${t.kind} ${t.name}) refers to type ${ref} of ${n}`);
}
