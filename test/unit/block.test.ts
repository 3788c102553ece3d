import { describe, expect, it } from "vitest";
import {
  type Attestation,
  EMPTY_STEP_VOTES,
  popcount,
  readAttestation,
  readVote,
  StepKind,
  VoteKind,
  voteOf,
  voteSigningMessage,
  votesEqual,
  writeAttestation,
  writeVote,
  ZERO_HASH,
} from "../../protocol/attestation.js";
import {
  type Block,
  type BlockHeader,
  blockHash,
  decodeBlock,
  encodeBlock,
  headerHash,
  readHeader,
  transactionsRoot,
  writeHeader,
} from "../../protocol/block.js";
import { Reader, Writer } from "../../protocol/codec.js";
import { merkleRoot } from "../../protocol/hash.js";
import { LIMITS } from "../../protocol/params.js";
import { transactionId } from "../../protocol/transaction.js";
import {
  alice,
  bob,
  bytes,
  carol,
  expectCode,
  sampleAttestation,
  sampleHeader,
  transfer,
} from "./fixtures.js";

function encodeHeader(h: BlockHeader): Uint8Array {
  const w = new Writer();
  writeHeader(w, h);
  return w.finish();
}

// version, height, timestamp, prev hash, seed, generator, tx root, state root, fault root, gas,
// iteration, attestation flag, failed-iterations count, signature.
const HEADER_WITHOUT_ATTESTATION_BYTES = 1 + 8 + 8 + 32 + 96 + 48 + 32 + 32 + 32 + 8 + 1 + 1 + 4 + 96;
const ATTESTATION_BYTES = 33 + 2 * (8 + 96);

describe("block header", () => {
  it("round trips with and without a parent attestation", () => {
    for (const h of [sampleHeader(), sampleHeader({ prevAttestation: null, failedIterations: [] })]) {
      const r = new Reader(encodeHeader(h));
      expect(readHeader(r)).toEqual(h);
      expect(r.remaining).toBe(0);
    }
  });

  it("has the expected encoded size", () => {
    expect(encodeHeader(sampleHeader({ prevAttestation: null, failedIterations: [] })).length).toBe(
      HEADER_WITHOUT_ATTESTATION_BYTES,
    );
    // The sample carries a parent attestation and failed iterations [attestation, null, attestation].
    expect(encodeHeader(sampleHeader()).length).toBe(
      HEADER_WITHOUT_ATTESTATION_BYTES + ATTESTATION_BYTES + 3 + 2 * ATTESTATION_BYTES,
    );
  });

  it("headerHash changes with every field but the signature", () => {
    const base = sampleHeader();
    const h0 = headerHash(base);
    const att = sampleAttestation();
    const variants: Record<string, Partial<BlockHeader>> = {
      version: { version: 2 },
      height: { height: 43 },
      timestampMs: { timestampMs: base.timestampMs + 1 },
      prevHash: { prevHash: bytes(32, 9) },
      seed: { seed: bytes(96, 9) },
      generator: { generator: bytes(48, 9) },
      txRoot: { txRoot: bytes(32, 9) },
      stateRoot: { stateRoot: bytes(32, 9) },
      faultRoot: { faultRoot: bytes(32, 9) },
      gasUsed: { gasUsed: 21_001n },
      "failedIterations entry null": { failedIterations: [null, null, sampleAttestation(9)] },
      "failedIterations shorter": { failedIterations: [sampleAttestation(8)] },
      iteration: { iteration: 4 },
      "prevAttestation=null": { prevAttestation: null },
      "prevAttestation.result": {
        prevAttestation: { ...att, result: voteOf(VoteKind.Invalid, att.result.hash) },
      },
      "prevAttestation.validation.bitset": {
        prevAttestation: { ...att, validation: { ...att.validation, bitset: 0b1111n } },
      },
      "prevAttestation.ratification.signature": {
        prevAttestation: { ...att, ratification: { ...att.ratification, signature: bytes(96, 0x77) } },
      },
    };
    for (const [field, change] of Object.entries(variants)) {
      expect({ field, same: headerHash({ ...base, ...change }).every((b, i) => b === h0[i]) }).toEqual({
        field,
        same: false,
      });
    }
    const resigned: BlockHeader = { ...base, signature: bytes(96, 0xee) };
    expect(headerHash(resigned)).toEqual(h0);
    expect(blockHash({ header: base, transactions: [], faults: [] })).toEqual(h0);
  });

  it("refuses an unknown version and an attestation flag other than 0 or 1", () => {
    const enc = encodeHeader(sampleHeader({ prevAttestation: null, failedIterations: [] }));
    const v2 = enc.slice();
    v2[0] = 2;
    expectCode(() => readHeader(new Reader(v2)), "DECODE_INVALID_VALUE");
    const flag = enc.slice();
    flag[HEADER_WITHOUT_ATTESTATION_BYTES - 96 - 4 - 1] = 2;
    expectCode(() => readHeader(new Reader(flag)), "DECODE_INVALID_VALUE");
  });

  it("refuses a height above 2^53-1", () => {
    const enc = encodeHeader(sampleHeader({ prevAttestation: null, failedIterations: [] }));
    enc.set(new Uint8Array(8).fill(0xff), 1);
    expectCode(() => readHeader(new Reader(enc)), "DECODE_INVALID_VALUE");
  });
});

describe("block", () => {
  const txs = [
    transfer(alice, bob),
    transfer(bob, carol, { nonce: 5n }),
    transfer(alice, carol, { nonce: 2n }),
  ];
  const block: Block = { header: sampleHeader(), transactions: txs, faults: [] };

  it("round trips with transactions and without", () => {
    expect(decodeBlock(encodeBlock(block))).toEqual(block);
    const empty: Block = {
      header: sampleHeader({ prevAttestation: null, failedIterations: [] }),
      transactions: [],
      faults: [],
    };
    expect(decodeBlock(encodeBlock(empty))).toEqual(empty);
  });

  it("the smallest block is at least the 300 bytes Blocks messages assume per item", () => {
    const empty: Block = {
      header: sampleHeader({ prevAttestation: null, failedIterations: [] }),
      transactions: [],
      faults: [],
    };
    expect(encodeBlock(empty).length).toBe(HEADER_WITHOUT_ATTESTATION_BYTES + 4 + 4);
    expect(encodeBlock(empty).length).toBeGreaterThanOrEqual(300);
  });

  it("refuses trailing bytes and a transaction count that cannot fit", () => {
    const enc = encodeBlock(block);
    const longer = new Uint8Array(enc.length + 1);
    longer.set(enc);
    expectCode(() => decodeBlock(longer), "DECODE_TRAILING_BYTES");
    const empty = encodeBlock({
      header: sampleHeader({ prevAttestation: null, failedIterations: [] }),
      transactions: [],
      faults: [],
    });
    // Claim 1000 transactions with no bytes left for them (the last 4 bytes count faults).
    new DataView(empty.buffer).setUint32(empty.length - 8, 1000, true);
    expectCode(() => decodeBlock(empty), "DECODE_TRUNCATED");
    new DataView(empty.buffer).setUint32(empty.length - 8, LIMITS.blockTransactions + 1, true);
    expectCode(() => decodeBlock(empty), "DECODE_LIMIT_EXCEEDED");
  });

  it("refuses input above the block size limit", () => {
    expectCode(() => decodeBlock(new Uint8Array(LIMITS.blockBytes + 1)), "DECODE_LIMIT_EXCEEDED");
  });

  it("transactionsRoot is the Merkle root of transaction ids in block order", () => {
    expect(transactionsRoot(txs)).toEqual(merkleRoot(txs.map(transactionId)));
    expect(transactionsRoot(txs)).not.toEqual(transactionsRoot([txs[1]!, txs[0]!, txs[2]!]));
    expect(transactionsRoot([])).toEqual(merkleRoot([]));
  });
});

describe("votes and attestations", () => {
  const hash = bytes(32, 0xab);

  it("voteOf requires a hash exactly for Valid and Invalid", () => {
    expect(voteOf(VoteKind.Valid, hash)).toEqual({ kind: VoteKind.Valid, hash });
    expect(voteOf(VoteKind.NoQuorum)).toEqual({ kind: VoteKind.NoQuorum, hash: ZERO_HASH });
    expectCode(() => voteOf(VoteKind.Valid), "DECODE_INVALID_VALUE");
    expectCode(() => voteOf(VoteKind.Invalid), "DECODE_INVALID_VALUE");
    expectCode(() => voteOf(VoteKind.NoCandidate, hash), "DECODE_INVALID_VALUE");
  });

  it("every vote kind round trips in 33 bytes", () => {
    const votes = [
      voteOf(VoteKind.NoCandidate),
      voteOf(VoteKind.Valid, hash),
      voteOf(VoteKind.Invalid, hash),
      voteOf(VoteKind.NoQuorum),
    ];
    for (const v of votes) {
      const w = new Writer();
      writeVote(w, v);
      const enc = w.finish();
      expect(enc.length).toBe(33);
      expect(readVote(new Reader(enc))).toEqual(v);
    }
  });

  it("refuses a hashless vote carrying a nonzero hash (one byte form per vote)", () => {
    for (const kind of [VoteKind.NoCandidate, VoteKind.NoQuorum]) {
      const enc = new Uint8Array(33);
      enc[0] = kind;
      enc[32] = 1;
      expectCode(() => readVote(new Reader(enc)), "DECODE_INVALID_VALUE");
    }
  });

  it("refuses an unknown vote kind", () => {
    const enc = new Uint8Array(33);
    enc[0] = 4;
    expectCode(() => readVote(new Reader(enc)), "DECODE_INVALID_VALUE");
  });

  it("attestations round trip", () => {
    const a: Attestation = sampleAttestation();
    const w = new Writer();
    writeAttestation(w, a);
    const enc = w.finish();
    expect(enc.length).toBe(ATTESTATION_BYTES);
    expect(readAttestation(new Reader(enc))).toEqual(a);
    const b: Attestation = {
      result: voteOf(VoteKind.NoQuorum),
      validation: EMPTY_STEP_VOTES,
      ratification: EMPTY_STEP_VOTES,
    };
    const w2 = new Writer();
    writeAttestation(w2, b);
    expect(readAttestation(new Reader(w2.finish()))).toEqual(b);
  });

  it("votesEqual compares kind and hash", () => {
    expect(votesEqual(voteOf(VoteKind.Valid, hash), voteOf(VoteKind.Valid, hash.slice()))).toBe(true);
    expect(votesEqual(voteOf(VoteKind.Valid, hash), voteOf(VoteKind.Invalid, hash))).toBe(false);
    expect(votesEqual(voteOf(VoteKind.Valid, hash), voteOf(VoteKind.Valid, bytes(32, 0xac)))).toBe(false);
  });

  it("popcount counts set bits up to 64", () => {
    expect(popcount(0n)).toBe(0);
    expect(popcount(0b1011n)).toBe(3);
    expect(popcount((1n << 64n) - 1n)).toBe(64);
  });

  it("the vote signing message commits to chain, round, iteration, parent, step and vote", () => {
    const header = { round: 10, iteration: 2, prevHash: bytes(32, 1) };
    const vote = voteOf(VoteKind.Valid, hash);
    const m = voteSigningMessage("chain-a", header, StepKind.Validation, vote);
    expect(m.length).toBe(32);
    expect(voteSigningMessage("chain-a", { ...header }, StepKind.Validation, { ...vote })).toEqual(m);
    const others = [
      voteSigningMessage("chain-b", header, StepKind.Validation, vote),
      voteSigningMessage("chain-a", { ...header, round: 11 }, StepKind.Validation, vote),
      voteSigningMessage("chain-a", { ...header, iteration: 3 }, StepKind.Validation, vote),
      voteSigningMessage("chain-a", { ...header, prevHash: bytes(32, 2) }, StepKind.Validation, vote),
      voteSigningMessage("chain-a", header, StepKind.Ratification, vote),
      voteSigningMessage("chain-a", header, StepKind.Validation, voteOf(VoteKind.Invalid, hash)),
      voteSigningMessage("chain-a", header, StepKind.Validation, voteOf(VoteKind.Valid, bytes(32, 0xac))),
    ];
    for (const o of others) expect(o).not.toEqual(m);
  });
});
