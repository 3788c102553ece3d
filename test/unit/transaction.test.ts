import { describe, expect, it } from "vitest";
import { toHex } from "../../protocol/bytes.js";
import { Writer } from "../../protocol/codec.js";
import { NobleSignatureVerifier } from "../../protocol/ed25519.js";
import { LIMITS } from "../../protocol/params.js";
import {
  decodeTransaction,
  encodeTransaction,
  maxFee,
  type TransferTx,
  transactionId,
  transactionIdHex,
  transactionSigningHash,
} from "../../protocol/transaction.js";
import { alice, bob, CHAIN_ID, carol, expectCode, transfer } from "./fixtures.js";

const verifier = new NobleSignatureVerifier();

async function verifies(tx: TransferTx): Promise<boolean> {
  const [ok] = await verifier.verifyBatch([
    { publicKey: tx.from, message: transactionSigningHash(tx), signature: tx.signature },
  ]);
  return ok!;
}

const tx = transfer(alice, bob, {
  amount: 123_456_789n,
  nonce: 7n,
  gasLimit: 50_000n,
  gasPrice: 3n,
  memo: new Uint8Array([1, 2, 3]),
});

describe("transaction encoding", () => {
  it("signTransfer → encode → decode gives back the same transaction", () => {
    const decoded = decodeTransaction(encodeTransaction(tx));
    expect(decoded).toEqual(tx);
    expect(encodeTransaction(decoded)).toEqual(encodeTransaction(tx));
  });

  it("has the documented layout size: 2 + chain id + 2×32 + 4×8 + memo + 64", () => {
    const enc = encodeTransaction(tx);
    expect(enc.length).toBe(2 + (4 + CHAIN_ID.length) + 64 + 32 + (4 + 3) + 64);
    expect(enc[0]).toBe(1); // version
    expect(enc[1]).toBe(1); // kind Transfer
  });

  it("the smallest transaction is at least the 170 bytes block decoding assumes per item", () => {
    const smallest = transfer(alice, bob, { chainId: "x", memo: new Uint8Array(0) });
    expect(encodeTransaction(smallest).length).toBeGreaterThanOrEqual(170);
  });

  it("accepts a 256-byte memo and refuses a 257-byte memo", () => {
    const ok = transfer(alice, bob, { memo: new Uint8Array(LIMITS.memoBytes).fill(1) });
    expect((decodeTransaction(encodeTransaction(ok)) as TransferTx).memo.length).toBe(256);
    const big = { ...ok, memo: new Uint8Array(LIMITS.memoBytes + 1) };
    expectCode(() => encodeTransaction(big), "DECODE_LIMIT_EXCEEDED");
  });

  it("refuses input above the transaction size limit with TX_OVERSIZED", () => {
    const err = expectCode(
      () => decodeTransaction(new Uint8Array(LIMITS.transactionBytes + 1)),
      "TX_OVERSIZED",
    );
    expect(err.message).toContain(String(LIMITS.transactionBytes));
  });

  it("refuses an unknown version or kind with TX_MALFORMED", () => {
    const enc = encodeTransaction(tx);
    const badVersion = enc.slice();
    badVersion[0] = 2;
    expectCode(() => decodeTransaction(badVersion), "TX_MALFORMED");
    const badKind = enc.slice();
    badKind[1] = 0;
    expectCode(() => decodeTransaction(badKind), "TX_MALFORMED");
    badKind[1] = 4;
    expectCode(() => decodeTransaction(badKind), "TX_MALFORMED");
  });

  it("refuses truncated input and trailing bytes", () => {
    const enc = encodeTransaction(tx);
    expectCode(() => decodeTransaction(enc.subarray(0, enc.length - 1)), "DECODE_TRUNCATED");
    const longer = new Uint8Array(enc.length + 1);
    longer.set(enc);
    expectCode(() => decodeTransaction(longer), "DECODE_TRAILING_BYTES");
  });

  it("refuses an encoding with an invalid chain id", () => {
    const w = new Writer()
      .u8(1)
      .u8(1)
      .bytes(new Uint8Array([0x20]), 64);
    w.raw(new Uint8Array(64 + 32 + 4 + 64));
    expectCode(() => decodeTransaction(w.finish()), "DECODE_INVALID_VALUE");
  });

  it("refuses to encode an invalid chain id or a wrong-length key", () => {
    expectCode(() => encodeTransaction({ ...tx, chainId: "no spaces" }), "DECODE_INVALID_VALUE");
    expectCode(() => encodeTransaction({ ...tx, to: new Uint8Array(31) }), "DECODE_INVALID_VALUE");
  });
});

describe("transaction signatures and ids", () => {
  it("a signed transfer verifies with the noble verifier", async () => {
    expect(await verifies(tx)).toBe(true);
  });

  it("tampering any field breaks the signature", async () => {
    const tampered: Array<[string, TransferTx]> = [
      ["chainId", { ...tx, chainId: `${CHAIN_ID}-2` }],
      ["from", { ...tx, from: carol.publicKey }],
      ["to", { ...tx, to: carol.publicKey }],
      ["amount", { ...tx, amount: tx.amount + 1n }],
      ["nonce", { ...tx, nonce: tx.nonce + 1n }],
      ["gasLimit", { ...tx, gasLimit: tx.gasLimit + 1n }],
      ["gasPrice", { ...tx, gasPrice: tx.gasPrice + 1n }],
      ["memo", { ...tx, memo: new Uint8Array([1, 2, 4]) }],
      ["signature", { ...tx, signature: tx.signature.map((b, i) => (i === 5 ? b ^ 1 : b)) }],
    ];
    const results = await verifier.verifyBatch(
      tampered.map(([, t]) => ({
        publicKey: t.from,
        message: transactionSigningHash(t),
        signature: t.signature,
      })),
    );
    expect(Object.fromEntries(tampered.map(([name], i) => [name, results[i]]))).toEqual(
      Object.fromEntries(tampered.map(([name]) => [name, false])),
    );
  });

  it("the verifier answers false, not an exception, for a malformed key", async () => {
    const [ok] = await verifier.verifyBatch([
      { publicKey: new Uint8Array(5), message: transactionSigningHash(tx), signature: tx.signature },
    ]);
    expect(ok).toBe(false);
  });

  it("the transaction id excludes the signature and commits to the body", () => {
    const resigned = { ...tx, signature: new Uint8Array(64).fill(9) };
    expect(transactionId(resigned)).toEqual(transactionId(tx));
    expect(transactionIdHex(tx)).toBe(toHex(transactionId(tx)));
    expect(transactionId({ ...tx, amount: tx.amount + 1n })).not.toEqual(transactionId(tx));
    expect(transactionId(tx)).toEqual(transactionSigningHash(tx));
    expect(transactionId(tx).length).toBe(32);
  });

  it("the same body on another chain has another signing hash", () => {
    const other = transfer(alice, bob, { chainId: "other-chain" });
    const here = transfer(alice, bob);
    expect(transactionSigningHash(other)).not.toEqual(transactionSigningHash(here));
  });

  it("signing is deterministic (RFC 8032)", () => {
    expect(transfer(alice, bob).signature).toEqual(transfer(alice, bob).signature);
  });

  it("maxFee is gas limit × gas price", () => {
    expect(maxFee(tx)).toBe(150_000n);
  });
});
