// Inputs the fuzz campaign found (seed 1, npm run fuzz): decoders that accepted a second
// encoding of the same value. Kept as plain cases so they never come back.
import { describe, expect, it } from "vitest";
import { decodeReceipt, encodeReceipt } from "../../protocol/receipt.js";
import { RoutingError } from "../../workers/routing/errors.js";
import { decodeLinkHello, encodeLinkHello } from "../../workers/routing/link-auth.js";
import { expectCode } from "./fixtures.js";

describe("fuzz regressions", () => {
  it("a receipt's status and flags are 0 or 1 only; error strings are strict UTF-8", () => {
    const ok = encodeReceipt({
      status: "reverted",
      gasUsed: 1n,
      error: { code: "CONTRACT_REVERTED", message: "x" },
      events: [],
      returnData: new Uint8Array(0),
      contract: null,
    });
    const status3 = ok.slice();
    status3[0] = 3;
    expectCode(() => decodeReceipt(status3), "DECODE_INVALID_VALUE");
    const badUtf8 = ok.slice();
    // The one byte of the message "x", before the events count (4), the return data length (4)
    // and the contract flag (1).
    badUtf8[badUtf8.length - 1 - 4 - 4 - 1] = 0xff;
    expectCode(() => decodeReceipt(badUtf8), "DECODE_INVALID_VALUE");
  });

  it("a message cut at its byte limit stays decodable (cut at a character boundary)", () => {
    const r = encodeReceipt({
      status: "reverted",
      gasUsed: 1n,
      error: { code: "C", message: "€".repeat(2_000) },
      events: [],
      returnData: new Uint8Array(0),
      contract: null,
    });
    expect(decodeReceipt(r).error?.message).toMatch(/^€+$/);
  });

  it("a link hello's chain id has one encoding (the protocol chain-id codec)", () => {
    const hello = encodeLinkHello({
      chainId: "fuzz-chain",
      genesisHash: new Uint8Array(32),
      publicKey: new Uint8Array(48).fill(1),
      nonce: new Uint8Array(32).fill(2),
    });
    const bad = hello.slice();
    bad[5] = 0xe6;
    expect(() => decodeLinkHello(bad)).toThrow(RoutingError);
  });
});
