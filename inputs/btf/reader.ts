/** A bounds-checked little/big-endian reader over a byte array: every read past the end throws Malformed, caught at the parser's boundary. */

/** Thrown (and caught inside inputs/btf only) when a read would leave the buffer or a value is out of range. */
export class Malformed extends Error {}

/** Reads integers at absolute offsets of `bytes`, checking bounds. */
export class ByteReader {
  private readonly view: DataView;

  /** A reader over `bytes`; `little` picks the byte order. */
  constructor(readonly bytes: Uint8Array, readonly little: boolean) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** The length of the buffer. */
  get length(): number {
    return this.bytes.byteLength;
  }

  private check(off: number, n: number): void {
    if (!Number.isSafeInteger(off) || off < 0 || off + n > this.bytes.byteLength) throw new Malformed(`read of ${n} bytes at ${off} past the end (${this.bytes.byteLength})`);
  }

  /** An unsigned byte. */
  u8(off: number): number {
    this.check(off, 1);
    return this.view.getUint8(off);
  }

  /** An unsigned 16-bit integer. */
  u16(off: number): number {
    this.check(off, 2);
    return this.view.getUint16(off, this.little);
  }

  /** An unsigned 32-bit integer. */
  u32(off: number): number {
    this.check(off, 4);
    return this.view.getUint32(off, this.little);
  }

  /** A signed 32-bit integer. */
  s32(off: number): number {
    this.check(off, 4);
    return this.view.getInt32(off, this.little);
  }

  /** An unsigned 64-bit integer as a number (E_PARSE by the caller when it is not a safe integer). */
  u64(off: number): number {
    this.check(off, 8);
    const v = this.view.getBigUint64(off, this.little);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Malformed(`64-bit value ${v} at ${off} is too large`);
    return Number(v);
  }

  /** `n` bytes at `off` (a view, not a copy). */
  slice(off: number, n: number): Uint8Array {
    this.check(off, n);
    return this.bytes.subarray(off, off + n);
  }
}
