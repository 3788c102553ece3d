/**
 * The SDK's argument encoding: values concatenated in parameter order, no tags, no function
 * selector (the function name travels in the Call transaction). The TypeScript twin for clients
 * is `contracts/abi.ts`; the two must agree byte for byte (test/unit/contracts-sdk.test.ts).
 *
 *   u8, bool    1 byte (bool is 0 or 1, anything else is malformed)
 *   u32         4 bytes little-endian
 *   u64, i64    8 bytes little-endian (i64 two's complement)
 *   bytes32     32 raw bytes: addresses, contract ids, hashes
 *   bytes       u32 length, then the bytes
 *   string      u32 length, then its UTF-8 bytes
 *
 * Little-endian because WebAssembly memory is: a u64 is one `load<u64>`, no byte swapping.
 * Malformed input (too short, trailing bytes, a bad bool) reverts the call with a message
 * that names what was being read ("input: u64 truncated"); see env.ts for why it has no numbers.
 */

import { ADDRESS_BYTES, ensureLength, revert, utf8 } from "./env";

/** Capacity of a new Writer; it doubles as needed. */
const WRITER_INITIAL_BYTES: i32 = 64;

/** Reads values in order from a byte array; every read is bounds-checked. */
export class Reader {
  private buf: Uint8Array;
  private pos: i32 = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
  }

  /** Bytes not read yet. */
  get remaining(): i32 {
    return this.buf.length - this.pos;
  }

  /** Start of the next `n` bytes; reverts when fewer are left. */
  private take(n: i32, what: string): usize {
    if (n < 0 || n > this.remaining) revert("input: " + what + " truncated");
    const at = this.buf.dataStart + <usize>this.pos;
    this.pos += n;
    return at;
  }

  u8(): u8 {
    return load<u8>(this.take(1, "u8"));
  }

  bool(): bool {
    const v = load<u8>(this.take(1, "bool"));
    if (v > 1) revert("input: bool must be 0 or 1");
    return v === 1;
  }

  u32(): u32 {
    return load<u32>(this.take(4, "u32"));
  }

  u64(): u64 {
    return load<u64>(this.take(8, "u64"));
  }

  i64(): i64 {
    return load<i64>(this.take(8, "i64"));
  }

  /** 32 raw bytes (a copy): an address, contract id or hash. */
  bytes32(): Uint8Array {
    return this.fixed(ADDRESS_BYTES, "bytes32");
  }

  /** `n` raw bytes with no length prefix (a copy). */
  fixed(n: i32, what: string = "fixed bytes"): Uint8Array {
    const at = this.take(n, what);
    const out = new Uint8Array(n);
    memory.copy(out.dataStart, at, n);
    return out;
  }

  /** u32 length, then that many bytes (a copy). */
  bytes(): Uint8Array {
    const n = this.u32();
    // Compared as u32 so a length of 2^31 or more cannot turn negative in take().
    if (n > <u32>this.remaining) revert("input: bytes truncated");
    return this.fixed(<i32>n, "bytes");
  }

  /** u32 length, then UTF-8. */
  string(): string {
    const n = this.u32();
    if (n > <u32>this.remaining) revert("input: string truncated");
    const at = this.take(<i32>n, "string");
    return String.UTF8.decodeUnsafe(at, n);
  }

  /** Reverts unless every byte was read: trailing bytes usually mean a wrong argument list. */
  end(): void {
    if (this.remaining !== 0) revert("input: trailing bytes");
  }
}

/** Appends values in order; `finish()` returns the bytes written. */
export class Writer {
  private buf: Uint8Array = new Uint8Array(WRITER_INITIAL_BYTES);
  private len: i32 = 0;

  /** Start of `n` more bytes, growing the buffer by doubling. */
  private reserve(n: i32): usize {
    const need = this.len + n;
    if (need > this.buf.length) {
      let cap = this.buf.length << 1;
      if (cap < need) cap = need;
      const grown = new Uint8Array(cap);
      memory.copy(grown.dataStart, this.buf.dataStart, this.len);
      this.buf = grown;
    }
    const at = this.buf.dataStart + <usize>this.len;
    this.len = need;
    return at;
  }

  u8(v: u8): Writer {
    store<u8>(this.reserve(1), v);
    return this;
  }

  bool(v: bool): Writer {
    store<u8>(this.reserve(1), v ? 1 : 0);
    return this;
  }

  u32(v: u32): Writer {
    store<u32>(this.reserve(4), v);
    return this;
  }

  u64(v: u64): Writer {
    store<u64>(this.reserve(8), v);
    return this;
  }

  i64(v: i64): Writer {
    store<i64>(this.reserve(8), v);
    return this;
  }

  /** Exactly 32 raw bytes; reverts on any other length. */
  bytes32(v: Uint8Array): Writer {
    ensureLength(v, ADDRESS_BYTES, "bytes32 must be 32 bytes");
    return this.fixed(v);
  }

  /** Raw bytes, no length prefix. */
  fixed(v: Uint8Array): Writer {
    memory.copy(this.reserve(v.length), v.dataStart, v.length);
    return this;
  }

  /** u32 length, then the bytes. */
  bytes(v: Uint8Array): Writer {
    this.u32(<u32>v.length);
    return this.fixed(v);
  }

  /** u32 length, then UTF-8. */
  string(v: string): Writer {
    return this.bytes(utf8(v));
  }

  /** The bytes written so far (a view; writing more afterwards may or may not show in it). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
