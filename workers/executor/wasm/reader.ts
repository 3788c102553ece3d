/** Bounded reader of untrusted module bytes: every read is checked against the end it may reach. */

import { malformed } from "./errors";
import { f64FromBits } from "./numeric";

export class Reader {
  pos: number;
  constructor(
    readonly bytes: Uint8Array,
    start: number,
    public end: number,
  ) {
    this.pos = start;
  }

  eof(): boolean {
    return this.pos >= this.end;
  }

  u8(): number {
    if (this.pos >= this.end) throw malformed("unexpected end", this.pos);
    return this.bytes[this.pos++] as number;
  }

  /** Unsigned LEB128 of at most `bits` (32 or less). */
  u32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      if (i === 4 && (b & 0x70) !== 0) throw malformed("integer too large", this.pos - 1);
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
    throw malformed("integer representation too long", this.pos);
  }

  /** Signed LEB128, 32 bits; returns a signed int32. */
  s32(): number {
    let result = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      if (i === 4) {
        // The unused bits of the last byte must all equal the sign bit (bit 3 of the byte).
        const rest = b & 0x70;
        const sign = b & 0x08;
        if ((b & 0x80) !== 0) throw malformed("integer representation too long", this.pos);
        if (sign ? rest !== 0x70 : rest !== 0) throw malformed("integer too large", this.pos - 1);
        result |= (b & 0x0f) << 28;
        return result | 0;
      }
      result |= (b & 0x7f) << shift;
      shift += 7;
      if ((b & 0x80) === 0) {
        if (shift < 32 && (b & 0x40) !== 0) result |= -1 << shift;
        return result | 0;
      }
    }
    throw malformed("integer representation too long", this.pos);
  }

  /** Signed LEB128 of 33 bits (block types); returns a number. */
  s33(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 5; i++) {
      const b = this.u8();
      if (i === 4) {
        if ((b & 0x80) !== 0) throw malformed("integer representation too long", this.pos);
        // 33 bits: 28 in the first four bytes, 5 here; bits 5-6 must repeat the sign (bit 4).
        const negative = (b & 0x10) !== 0;
        if ((b & 0x60) !== (negative ? 0x60 : 0)) throw malformed("integer too large", this.pos - 1);
        result += (b & 0x1f) * mul;
        if (negative) result -= 2 ** 33;
        return result;
      }
      result += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) {
        if ((b & 0x40) !== 0) result -= mul;
        return result;
      }
    }
    throw malformed("integer representation too long", this.pos);
  }

  /** Signed LEB128, 64 bits, as a BigInt in [-2^63, 2^63). */
  s64(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      const b = this.u8();
      if (i === 9) {
        if ((b & 0x80) !== 0) throw malformed("integer representation too long", this.pos);
        if (b !== 0 && b !== 0x7f) throw malformed("integer too large", this.pos - 1);
        result |= BigInt(b & 1) << 63n;
        return BigInt.asIntN(64, result);
      }
      result |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) {
        if ((b & 0x40) !== 0) result -= 1n << shift;
        return BigInt.asIntN(64, result);
      }
    }
    throw malformed("integer representation too long", this.pos);
  }

  /** Raw little-endian 32-bit pattern as a signed int32 (f32 constants keep their bits). */
  bits32(): number {
    if (this.pos + 4 > this.end) throw malformed("unexpected end", this.pos);
    const b = this.bytes;
    const p = this.pos;
    this.pos += 4;
    return (
      (b[p] as number) |
      ((b[p + 1] as number) << 8) |
      ((b[p + 2] as number) << 16) |
      ((b[p + 3] as number) << 24) |
      0
    );
  }

  f64(): number {
    if (this.pos + 8 > this.end) throw malformed("unexpected end", this.pos);
    const v = f64FromBits(
      new DataView(this.bytes.buffer, this.bytes.byteOffset + this.pos, 8).getBigInt64(0, true),
    );
    this.pos += 8;
    return v;
  }

  take(n: number): Uint8Array {
    if (n > this.end - this.pos) throw malformed(`length ${n} out of bounds`, this.pos);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  name(): string {
    const len = this.u32();
    const b = this.take(len);
    return utf8Decode(b, this.pos);
  }
}

/** Strict UTF-8 decoding (no overlongs, no surrogates, nothing above U+10FFFF). */
export function utf8Decode(b: Uint8Array, at: number): string {
  let out = "";
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    let cp: number;
    let n: number;
    if (c < 0x80) {
      cp = c;
      n = 0;
    } else if (c >= 0xc2 && c < 0xe0) {
      cp = c & 0x1f;
      n = 1;
    } else if (c >= 0xe0 && c < 0xf0) {
      cp = c & 0x0f;
      n = 2;
    } else if (c >= 0xf0 && c < 0xf5) {
      cp = c & 0x07;
      n = 3;
    } else throw malformed("malformed UTF-8 encoding", at);
    for (let k = 1; k <= n; k++) {
      const d = b[i + k];
      if (d === undefined || (d & 0xc0) !== 0x80) throw malformed("malformed UTF-8 encoding", at);
      cp = (cp << 6) | (d & 0x3f);
    }
    if (
      (n === 2 && (cp < 0x800 || (cp >= 0xd800 && cp < 0xe000))) ||
      (n === 3 && (cp < 0x10000 || cp > 0x10ffff))
    )
      throw malformed("malformed UTF-8 encoding", at);
    out += String.fromCodePoint(cp);
    i += n + 1;
  }
  return out;
}
