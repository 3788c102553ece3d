import { describe, expect, it } from "vitest";
import { isValidChainId, readChainId, writeChainId } from "../../protocol/chain-id.js";
import { Reader, Writer } from "../../protocol/codec.js";
import { expectCode } from "./fixtures.js";

describe("chain id", () => {
  it("accepts 1..64 characters of [A-Za-z0-9._-]", () => {
    for (const id of ["a", "Z", "0", "dusk-edge.devnet_1", "x".repeat(64)]) {
      expect(isValidChainId(id)).toBe(true);
    }
  });

  it("refuses empty, 65 characters, spaces, slashes, control and non-ASCII characters", () => {
    for (const id of ["", "x".repeat(65), "a b", "a/b", "a\n", "café", "ａ", "a:b"]) {
      expect(isValidChainId(id)).toBe(false);
    }
  });

  it("encodes as a u32 length and ASCII bytes and round trips", () => {
    const w = new Writer();
    writeChainId(w, "ab-1");
    const bytes = w.finish();
    expect([...bytes]).toEqual([4, 0, 0, 0, 0x61, 0x62, 0x2d, 0x31]);
    expect(readChainId(new Reader(bytes), "id")).toBe("ab-1");
  });

  it("refuses to write an invalid id", () => {
    expectCode(() => writeChainId(new Writer(), "bad id"), "DECODE_INVALID_VALUE");
    expectCode(() => writeChainId(new Writer(), ""), "DECODE_INVALID_VALUE");
  });

  it("refuses to read an empty id, a space, a non-ASCII byte, or more than 64 bytes", () => {
    const raw = (b: Uint8Array, max = 64) => new Writer().bytes(b, max).finish();
    expectCode(() => readChainId(new Reader(raw(new Uint8Array(0))), "id"), "DECODE_INVALID_VALUE");
    expectCode(
      () => readChainId(new Reader(raw(new Uint8Array([0x61, 0x20]))), "id"),
      "DECODE_INVALID_VALUE",
    );
    expectCode(
      () => readChainId(new Reader(raw(new Uint8Array([0x61, 0xe9]))), "id"),
      "DECODE_INVALID_VALUE",
    );
    const long = raw(new Uint8Array(65).fill(0x61), 65);
    const err = expectCode(() => readChainId(new Reader(long), "id"), "DECODE_LIMIT_EXCEEDED");
    expect(err.message).toContain("64");
  });
});
