/**
 * Deterministic binary codec. Little-endian fixed-width integers, length-prefixed byte strings
 * and lists. Every variable length is bounded by the caller (`max`), and the reader checks a
 * claimed length against both that bound and the bytes actually left before allocating, so a
 * hostile length prefix can never cause a large allocation. A decode must consume all input.
 */

import { ProtocolError } from "./errors.js";

const U64_MAX = (1n << 64n) - 1n;

export class Writer {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    // At least 1: doubling a zero capacity (`new Writer(0)`) would never grow and loop forever.
    let cap = Math.max(this.buf.length * 2, 1);
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw rangeError("u8", v);
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  u16(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw rangeError("u16", v);
    this.ensure(2);
    this.view.setUint16(this.pos, v, true);
    this.pos += 2;
    return this;
  }

  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw rangeError("u32", v);
    this.ensure(4);
    this.view.setUint32(this.pos, v, true);
    this.pos += 4;
    return this;
  }

  u64(v: bigint): this {
    if (v < 0n || v > U64_MAX) throw rangeError("u64", v);
    this.ensure(8);
    this.view.setBigUint64(this.pos, v, true);
    this.pos += 8;
    return this;
  }

  /** Fixed-length bytes: the length is part of the schema, not of the encoding. */
  fixed(bytes: Uint8Array, length: number): this {
    if (bytes.length !== length) {
      throw new ProtocolError("DECODE_INVALID_VALUE", `expected ${length} bytes, got ${bytes.length}`, {
        expected: length,
        got: bytes.length,
      });
    }
    this.ensure(length);
    this.buf.set(bytes, this.pos);
    this.pos += length;
    return this;
  }

  /** u32 length prefix + bytes, bounded by `max`. */
  bytes(bytes: Uint8Array, max: number): this {
    if (bytes.length > max) {
      throw new ProtocolError(
        "DECODE_LIMIT_EXCEEDED",
        `byte string of ${bytes.length} exceeds limit ${max}`,
        {
          limit: max,
          got: bytes.length,
        },
      );
    }
    this.u32(bytes.length);
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** u32 count prefix + items, bounded by `max`. */
  list<T>(items: readonly T[], max: number, write: (w: Writer, item: T) => void): this {
    if (items.length > max) {
      throw new ProtocolError("DECODE_LIMIT_EXCEEDED", `list of ${items.length} exceeds limit ${max}`, {
        limit: max,
        got: items.length,
      });
    }
    this.u32(items.length);
    for (const item of items) write(this, item);
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

export class Reader {
  private pos = 0;
  private readonly view: DataView;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  get offset(): number {
    return this.pos;
  }

  private need(n: number, what: string): void {
    if (this.remaining < n) {
      throw new ProtocolError(
        "DECODE_TRUNCATED",
        `truncated input reading ${what}: need ${n}, have ${this.remaining}`,
        {
          what,
          need: n,
          have: this.remaining,
        },
      );
    }
  }

  u8(what = "u8"): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what = "u16"): number {
    this.need(2, what);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(what = "u32"): number {
    this.need(4, what);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  u64(what = "u64"): bigint {
    this.need(8, what);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A u64 that must fit a JS safe integer (heights, timestamps). */
  safeU64(what: string): number {
    const v = this.u64(what);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ProtocolError("DECODE_INVALID_VALUE", `${what} exceeds 2^53-1`, { what });
    }
    return Number(v);
  }

  fixed(length: number, what: string): Uint8Array {
    this.need(length, what);
    const out = this.buf.slice(this.pos, this.pos + length);
    this.pos += length;
    return out;
  }

  bytes(max: number, what: string): Uint8Array {
    const len = this.u32(`${what} length`);
    if (len > max) {
      throw new ProtocolError("DECODE_LIMIT_EXCEEDED", `${what}: length ${len} exceeds limit ${max}`, {
        what,
        limit: max,
        got: len,
      });
    }
    return this.fixed(len, what);
  }

  /**
   * Count-prefixed list. `minItemBytes` is the smallest encoding of one item: a count that could
   * not fit in the remaining input is refused before any item is decoded.
   */
  list<T>(max: number, minItemBytes: number, what: string, read: (r: Reader) => T): T[] {
    const count = this.u32(`${what} count`);
    if (count > max) {
      throw new ProtocolError("DECODE_LIMIT_EXCEEDED", `${what}: count ${count} exceeds limit ${max}`, {
        what,
        limit: max,
        got: count,
      });
    }
    if (count * minItemBytes > this.remaining) {
      throw new ProtocolError(
        "DECODE_TRUNCATED",
        `${what}: count ${count} cannot fit in ${this.remaining} bytes`,
        {
          what,
          count,
          have: this.remaining,
        },
      );
    }
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(read(this));
    return out;
  }

  /** Rejects trailing bytes: every encoding has exactly one byte form. */
  end(what: string): void {
    if (this.remaining !== 0) {
      throw new ProtocolError("DECODE_TRAILING_BYTES", `${what}: ${this.remaining} trailing bytes`, {
        what,
        trailing: this.remaining,
      });
    }
  }
}

/** Decodes a whole buffer with `read`, refusing trailing bytes and inputs over `maxBytes`. */
export function decodeExact<T>(bytes: Uint8Array, maxBytes: number, what: string, read: (r: Reader) => T): T {
  if (bytes.length > maxBytes) {
    throw new ProtocolError(
      "DECODE_LIMIT_EXCEEDED",
      `${what}: ${bytes.length} bytes exceeds limit ${maxBytes}`,
      {
        what,
        limit: maxBytes,
        got: bytes.length,
      },
    );
  }
  const r = new Reader(bytes);
  const value = read(r);
  r.end(what);
  return value;
}

function rangeError(kind: string, v: number | bigint): ProtocolError {
  return new ProtocolError("DECODE_INVALID_VALUE", `${String(v)} is not a valid ${kind}`, {
    kind,
    value: String(v),
  });
}
