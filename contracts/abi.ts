/**
 * Client side of the contract argument encoding (the AssemblyScript side is
 * contracts/sdk/codec.ts; both must agree byte for byte). Pure TypeScript: RPC, CLI and wallet
 * code build a Call's `input` with `AbiWriter` and decode its result with `AbiReader`.
 *
 *   u8, bool    1 byte (bool is 0 or 1)
 *   u32         4 bytes little-endian
 *   u64, i64    8 bytes little-endian (i64 two's complement), as bigint here
 *   bytes32     32 raw bytes: addresses, contract ids, hashes
 *   bytes       u32 length, then the bytes
 *   string      u32 length, then its UTF-8 bytes
 *
 * Values are concatenated in parameter order with no tags; the function name is the Call
 * transaction's `fn` field, not part of the input.
 *
 * @example
 *   const input = new AbiWriter().bytes32(to).u64(500n).finish();   // token.transfer(to, 500)
 *   const balance = new AbiReader(returnData).u64();                 // token.balanceOf -> u64
 */

export type AbiErrorCode = "ABI_TRUNCATED" | "ABI_TRAILING_BYTES" | "ABI_INVALID_VALUE";

export class AbiError extends Error {
  readonly code: AbiErrorCode;
  readonly data: Readonly<Record<string, unknown>>;

  constructor(code: AbiErrorCode, message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = "AbiError";
    this.code = code;
    this.data = data;
  }
}

export const BYTES32 = 32;
const U32_MAX = 0xffff_ffff;
const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
/** Capacity of a new writer; it doubles as needed. */
const WRITER_INITIAL_BYTES = 64;

const utf8Encoder = new TextEncoder();
/** Strict: invalid UTF-8 from a contract is an error here, not replacement characters. */
const utf8Decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function invalid(what: string, value: unknown, allowed: string): AbiError {
  return new AbiError("ABI_INVALID_VALUE", `${what} must be ${allowed}`, { what, value: String(value) });
}

export class AbiWriter {
  private buf = new Uint8Array(WRITER_INITIAL_BYTES);
  private view = new DataView(this.buf.buffer);
  private len = 0;

  private reserve(n: number): number {
    const need = this.len + n;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
      this.view = new DataView(grown.buffer);
    }
    const at = this.len;
    this.len = need;
    return at;
  }

  u8(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw invalid("u8", v, "an integer in [0, 255]");
    const at = this.reserve(1);
    this.buf[at] = v;
    return this;
  }

  bool(v: boolean): this {
    const at = this.reserve(1);
    this.buf[at] = v ? 1 : 0;
    return this;
  }

  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > U32_MAX) throw invalid("u32", v, "an integer in [0, 2^32)");
    const at = this.reserve(4);
    this.view.setUint32(at, v, true);
    return this;
  }

  u64(v: bigint): this {
    if (v < 0n || v > U64_MAX) throw invalid("u64", v, "in [0, 2^64)");
    const at = this.reserve(8);
    this.view.setBigUint64(at, v, true);
    return this;
  }

  i64(v: bigint): this {
    if (v < I64_MIN || v > I64_MAX) throw invalid("i64", v, "in [-2^63, 2^63)");
    const at = this.reserve(8);
    this.view.setBigInt64(at, v, true);
    return this;
  }

  bytes32(v: Uint8Array): this {
    if (v.length !== BYTES32) throw invalid("bytes32", `${v.length} bytes`, "exactly 32 bytes");
    return this.fixed(v);
  }

  /** Raw bytes with no length prefix. */
  fixed(v: Uint8Array): this {
    const at = this.reserve(v.length); // before reading this.buf: reserve may replace it
    this.buf.set(v, at);
    return this;
  }

  bytes(v: Uint8Array): this {
    return this.u32(v.length).fixed(v);
  }

  string(v: string): this {
    return this.bytes(utf8Encoder.encode(v));
  }

  /** A copy of the bytes written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

export class AbiReader {
  private readonly view: DataView;
  private pos = 0;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private take(n: number, what: string): number {
    if (n > this.remaining)
      throw new AbiError("ABI_TRUNCATED", `${what} needs ${n} bytes at offset ${this.pos}`, {
        what,
        offset: this.pos,
        needed: n,
        left: this.remaining,
      });
    const at = this.pos;
    this.pos += n;
    return at;
  }

  u8(): number {
    return this.buf[this.take(1, "u8")] as number;
  }

  bool(): boolean {
    const v = this.buf[this.take(1, "bool")] as number;
    if (v > 1) throw invalid("bool", v, "0 or 1");
    return v === 1;
  }

  u32(): number {
    return this.view.getUint32(this.take(4, "u32"), true);
  }

  u64(): bigint {
    return this.view.getBigUint64(this.take(8, "u64"), true);
  }

  i64(): bigint {
    return this.view.getBigInt64(this.take(8, "i64"), true);
  }

  bytes32(): Uint8Array {
    return this.fixed(BYTES32, "bytes32");
  }

  /** `n` raw bytes (a copy). */
  fixed(n: number, what = "fixed bytes"): Uint8Array {
    const at = this.take(n, what);
    return this.buf.slice(at, at + n);
  }

  bytes(): Uint8Array {
    return this.fixed(this.u32(), "bytes");
  }

  string(): string {
    const raw = this.fixed(this.u32(), "string");
    try {
      return utf8Decoder.decode(raw);
    } catch {
      throw invalid("string", `${raw.length} bytes`, "valid UTF-8");
    }
  }

  /** Throws unless every byte was read. */
  end(): void {
    if (this.remaining !== 0)
      throw new AbiError("ABI_TRAILING_BYTES", `${this.remaining} trailing bytes`, { left: this.remaining });
  }
}
