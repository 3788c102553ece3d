// Property tests (fast-check), seeded so any failure replays; numRuns kept modest for speed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { VoteKind, voteOf } from "../../protocol/attestation.js";
import { type Block, decodeBlock, encodeBlock } from "../../protocol/block.js";
import { isProtocolError } from "../../protocol/errors.js";
import { decodeMessage, encodeMessage, type Message, MessageType } from "../../protocol/messages.js";
import { LIMITS } from "../../protocol/params.js";
import { decodeTransaction, encodeTransaction, type TransferTx, TxKind } from "../../protocol/transaction.js";
import { alice, bob, bytes, sampleAttestation, sampleHeader, transfer } from "./fixtures.js";

const RUNS = { seed: 20261129, numRuns: 200 } as const;
const U64_MAX = (1n << 64n) - 1n;

const chainIdArb = fc.stringMatching(/^[A-Za-z0-9._-]{1,64}$/);
const u64Arb = fc.bigInt({ min: 0n, max: U64_MAX });
const fixedBytes = (n: number) => fc.uint8Array({ minLength: n, maxLength: n });

const txArb: fc.Arbitrary<TransferTx> = fc.record({
  kind: fc.constant(TxKind.Transfer as const),
  chainId: chainIdArb,
  from: fixedBytes(32),
  to: fixedBytes(32),
  amount: u64Arb,
  nonce: u64Arb,
  gasLimit: u64Arb,
  gasPrice: u64Arb,
  memo: fc.uint8Array({ maxLength: LIMITS.memoBytes }),
  signature: fixedBytes(64),
});

const block: Block = {
  header: sampleHeader(),
  transactions: [transfer(alice, bob), transfer(bob, alice, { memo: new Uint8Array([1, 2]) })],
  faults: [],
};
const signed = {
  header: { round: 3, iteration: 0, prevHash: bytes(32, 1) },
  vote: voteOf(VoteKind.Invalid, bytes(32, 2)),
  signer: bytes(48, 3),
  signature: bytes(96, 4),
};
const messages: Message[] = [
  { type: MessageType.Candidate, block },
  { type: MessageType.Validation, signed },
  { type: MessageType.Ratification, signed, validation: { bitset: 5n, signature: bytes(96, 5) } },
  { type: MessageType.Quorum, header: signed.header, attestation: sampleAttestation() },
  { type: MessageType.Transaction, tx: block.transactions[0]! },
  { type: MessageType.GetBlocks, fromHeight: 7, count: 3 },
  { type: MessageType.Blocks, blocks: [block], tipAttestation: sampleAttestation(0x60) },
];
const validEncodings = {
  message: messages.map(encodeMessage),
  transaction: block.transactions.map(encodeTransaction),
  block: [
    encodeBlock(block),
    encodeBlock({ header: sampleHeader({ prevAttestation: null }), transactions: [], faults: [] }),
  ],
};

/** A valid encoding damaged by byte overwrites, a truncation or an insertion. */
function mutated(encodings: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  return fc
    .record({
      index: fc.nat({ max: encodings.length - 1 }),
      edits: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
      cut: fc.option(fc.nat(), { nil: undefined }),
      insert: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })), {
        nil: undefined,
      }),
    })
    .map(({ index, edits, cut, insert }) => {
      let b = encodings[index]!.slice();
      for (const [pos, value] of edits) b[pos % b.length] = value;
      if (insert !== undefined) {
        const at = insert[0] % (b.length + 1);
        const out = new Uint8Array(b.length + insert[1].length);
        out.set(b.subarray(0, at), 0);
        out.set(insert[1], at);
        out.set(b.subarray(at), at + insert[1].length);
        b = out;
      }
      if (cut !== undefined) b = b.subarray(0, cut % (b.length + 1));
      return b;
    });
}

/** Decoding untrusted bytes either succeeds canonically or throws a ProtocolError, nothing else. */
function decodesCanonicallyOrRefuses<T>(decode: (b: Uint8Array) => T, encode: (v: T) => Uint8Array) {
  return (input: Uint8Array) => {
    let value: T;
    try {
      value = decode(input);
    } catch (e) {
      if (!isProtocolError(e)) throw e;
      return;
    }
    // One byte form per value: whatever decodes re-encodes to the very same bytes.
    expect(encode(value)).toEqual(input);
  };
}

const targets = {
  message: [decodeMessage, encodeMessage],
  transaction: [decodeTransaction, encodeTransaction],
  block: [decodeBlock, encodeBlock],
} as const;

describe("codec properties", () => {
  it("decodeTransaction(encodeTransaction(tx)) = tx", () => {
    fc.assert(
      fc.property(txArb, (tx) => {
        expect(decodeTransaction(encodeTransaction(tx))).toEqual(tx);
      }),
      RUNS,
    );
  });

  for (const [name, [decode, encode]] of Object.entries(targets)) {
    const check = decodesCanonicallyOrRefuses(
      decode as (b: Uint8Array) => unknown,
      encode as (v: unknown) => Uint8Array,
    );

    it(`random bytes fed to decode ${name} only ever throw ProtocolError`, () => {
      // A plausible first byte (type / version) gets random input past the first check.
      const arb = fc
        .tuple(fc.integer({ min: 0, max: 9 }), fc.uint8Array({ maxLength: 700 }))
        .map(([first, rest]) => Uint8Array.of(first, ...rest));
      fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 700 }), arb), check), RUNS);
    });

    it(`damaged valid ${name} encodings only ever throw ProtocolError or decode canonically`, () => {
      fc.assert(fc.property(mutated(validEncodings[name as keyof typeof validEncodings]), check), RUNS);
    });
  }
});
