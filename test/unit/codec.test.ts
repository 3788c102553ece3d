import { describe, expect, it } from "vitest";
import { decodeExact, Reader, Writer } from "../../protocol/codec.js";
import { expectCode } from "./fixtures.js";

type Width = "u8" | "u16" | "u32";
const NUMBER_WIDTHS: ReadonlyArray<readonly [Width, number, number]> = [
  ["u8", 1, 0xff],
  ["u16", 2, 0xffff],
  ["u32", 4, 0xffff_ffff],
];
const U64_MAX = (1n << 64n) - 1n;

describe("codec: integers", () => {
  for (const [width, size, max] of NUMBER_WIDTHS) {
    it(`${width} round trips 0, 1, max-1 and max in ${size} little-endian bytes`, () => {
      for (const v of [0, 1, max - 1, max]) {
        const bytes = new Writer()[width](v).finish();
        expect(bytes.length).toBe(size);
        expect(new Reader(bytes)[width]()).toBe(v);
      }
      expect([...new Writer()[width](1).finish()]).toEqual([1, ...new Array(size - 1).fill(0)]);
    });

    it(`${width} refuses -1, max+1, 1.5 and NaN on write`, () => {
      for (const v of [-1, max + 1, 1.5, Number.NaN]) {
        expectCode(() => new Writer()[width](v), "DECODE_INVALID_VALUE");
      }
    });

    it(`${width} refuses ${size - 1} bytes as truncated`, () => {
      const err = expectCode(
        () => new Reader(new Uint8Array(size - 1))[width]("field x"),
        "DECODE_TRUNCATED",
      );
      expect(err.data).toMatchObject({ what: "field x", need: size, have: size - 1 });
    });
  }

  it("u64 round trips 0, 1, 2^53, max-1 and max", () => {
    for (const v of [0n, 1n, 1n << 53n, U64_MAX - 1n, U64_MAX]) {
      const bytes = new Writer().u64(v).finish();
      expect(bytes.length).toBe(8);
      expect(new Reader(bytes).u64()).toBe(v);
    }
    expect([...new Writer().u64(0x0102n).finish()]).toEqual([2, 1, 0, 0, 0, 0, 0, 0]);
  });

  it("u64 refuses -1 and 2^64 on write, 7 bytes on read", () => {
    expectCode(() => new Writer().u64(-1n), "DECODE_INVALID_VALUE");
    expectCode(() => new Writer().u64(U64_MAX + 1n), "DECODE_INVALID_VALUE");
    expectCode(() => new Reader(new Uint8Array(7)).u64(), "DECODE_TRUNCATED");
  });

  it("safeU64 accepts 2^53-1 and refuses 2^53", () => {
    const ok = new Writer().u64(BigInt(Number.MAX_SAFE_INTEGER)).finish();
    expect(new Reader(ok).safeU64("height")).toBe(Number.MAX_SAFE_INTEGER);
    const big = new Writer().u64(1n << 53n).finish();
    expectCode(() => new Reader(big).safeU64("height"), "DECODE_INVALID_VALUE");
  });

  it("reads from a subarray at its own offset, not the underlying buffer's start", () => {
    const backing = new Uint8Array([0xaa, 0xbb, 0xcc, 0x01, 0x02, 0x03, 0x04]);
    const r = new Reader(backing.subarray(3));
    expect(r.u32()).toBe(0x04030201);
    expect(r.remaining).toBe(0);
  });

  it("grows past its initial capacity, including from zero", () => {
    const w = new Writer(0);
    for (let i = 0; i < 300; i++) w.u32(i);
    const r = new Reader(w.finish());
    for (let i = 0; i < 300; i++) expect(r.u32()).toBe(i);
    expect(r.remaining).toBe(0);
  });
});

describe("codec: byte strings and fixed fields", () => {
  it("fixed round trips and refuses a wrong length on write", () => {
    const v = new Uint8Array([1, 2, 3]);
    expect(new Reader(new Writer().fixed(v, 3).finish()).fixed(3, "f")).toEqual(v);
    expectCode(() => new Writer().fixed(v, 4), "DECODE_INVALID_VALUE");
  });

  it("fixed returns a copy that does not alias the input", () => {
    const input = new Uint8Array([9, 9]);
    const out = new Reader(input).fixed(2, "f");
    input[0] = 0;
    expect(out[0]).toBe(9);
  });

  it("bytes round trips empty and max-length strings with a u32 length prefix", () => {
    for (const len of [0, 1, 16]) {
      const v = new Uint8Array(len).fill(7);
      const enc = new Writer().bytes(v, 16).finish();
      expect(enc.length).toBe(4 + len);
      expect(new Reader(enc).bytes(16, "b")).toEqual(v);
    }
  });

  it("bytes refuses a length above max on write and on read, naming the limit", () => {
    const w = expectCode(() => new Writer().bytes(new Uint8Array(17), 16), "DECODE_LIMIT_EXCEEDED");
    expect(w.message).toContain("16");
    const enc = new Writer().bytes(new Uint8Array(17), 17).finish();
    const r = expectCode(() => new Reader(enc).bytes(16, "memo"), "DECODE_LIMIT_EXCEEDED");
    expect(r.message).toContain("16");
    expect(r.message).toContain("memo");
    expect(r.data).toMatchObject({ limit: 16, got: 17 });
  });

  it("bytes with a huge claimed length is refused by the limit before allocating", () => {
    const enc = new Writer().u32(0xffff_ffff).finish();
    const err = expectCode(() => new Reader(enc).bytes(1024, "blob"), "DECODE_LIMIT_EXCEEDED");
    expect(err.message).toContain("1024");
  });

  it("bytes whose length fits the limit but not the input is truncated", () => {
    const enc = new Writer().u32(10).raw(new Uint8Array(9)).finish();
    expectCode(() => new Reader(enc).bytes(16, "b"), "DECODE_TRUNCATED");
  });
});

describe("codec: lists", () => {
  const writeU16 = (w: Writer, v: number) => {
    w.u16(v);
  };

  it("round trips a list of u16", () => {
    const enc = new Writer().list([1, 2, 65535], 3, writeU16).finish();
    expect(enc.length).toBe(4 + 6);
    expect(new Reader(enc).list(3, 2, "xs", (r) => r.u16())).toEqual([1, 2, 65535]);
  });

  it("refuses a count above max on write and read, naming the limit", () => {
    expectCode(() => new Writer().list([1, 2, 3], 2, writeU16), "DECODE_LIMIT_EXCEEDED");
    const enc = new Writer().list([1, 2, 3], 3, writeU16).finish();
    const err = expectCode(() => new Reader(enc).list(2, 2, "xs", (r) => r.u16()), "DECODE_LIMIT_EXCEEDED");
    expect(err.message).toContain("2");
    expect(err.data).toMatchObject({ limit: 2, got: 3 });
  });

  it("refuses a count that cannot fit the remaining bytes before reading any item", () => {
    // Claims 1000 items of at least 2 bytes each, but only 10 bytes follow.
    const enc = new Writer().u32(1000).raw(new Uint8Array(10)).finish();
    let itemsRead = 0;
    const err = expectCode(
      () =>
        new Reader(enc).list(5000, 2, "xs", (r) => {
          itemsRead++;
          return r.u16();
        }),
      "DECODE_TRUNCATED",
    );
    expect(itemsRead).toBe(0);
    expect(err.data).toMatchObject({ count: 1000, have: 10 });
  });
});

describe("codec: decodeExact", () => {
  const readU16 = (r: Reader) => r.u16();

  it("returns the value when all input is consumed", () => {
    expect(decodeExact(new Uint8Array([1, 2]), 2, "v", readU16)).toBe(0x0201);
  });

  it("refuses trailing bytes", () => {
    const err = expectCode(
      () => decodeExact(new Uint8Array([1, 2, 3]), 8, "v", readU16),
      "DECODE_TRAILING_BYTES",
    );
    expect(err.data).toMatchObject({ trailing: 1 });
  });

  it("refuses input above maxBytes before parsing, naming the limit", () => {
    let called = false;
    const err = expectCode(
      () =>
        decodeExact(new Uint8Array(9), 8, "thing", (r) => {
          called = true;
          return r.u8();
        }),
      "DECODE_LIMIT_EXCEEDED",
    );
    expect(called).toBe(false);
    expect(err.message).toContain("8");
    expect(err.data).toMatchObject({ limit: 8, got: 9 });
  });

  it("refuses truncated input", () => {
    expectCode(() => decodeExact(new Uint8Array([1]), 8, "v", readU16), "DECODE_TRUNCATED");
  });
});
