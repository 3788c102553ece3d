import { describe, expect, it } from "vitest";
import { VoteKind, voteOf } from "../../protocol/attestation.js";
import {
  decodeMessage,
  encodeMessage,
  type Message,
  MessageType,
  type SignedVote,
} from "../../protocol/messages.js";
import { LIMITS } from "../../protocol/params.js";
import { alice, bob, bytes, expectCode, sampleAttestation, sampleHeader, transfer } from "./fixtures.js";

const signed: SignedVote = {
  header: { round: 9, iteration: 1, prevHash: bytes(32, 7) },
  vote: voteOf(VoteKind.Valid, bytes(32, 8)),
  signer: bytes(48, 9),
  signature: bytes(96, 10),
};
const block = { header: sampleHeader(), transactions: [transfer(alice, bob)], faults: [] };

const samples: Record<MessageType, Message> = {
  [MessageType.Candidate]: { type: MessageType.Candidate, block },
  [MessageType.Validation]: { type: MessageType.Validation, signed },
  [MessageType.Ratification]: {
    type: MessageType.Ratification,
    signed: { ...signed, vote: voteOf(VoteKind.NoQuorum) },
    validation: { bitset: 7n, signature: bytes(96, 11) },
  },
  [MessageType.Quorum]: { type: MessageType.Quorum, header: signed.header, attestation: sampleAttestation() },
  [MessageType.Transaction]: { type: MessageType.Transaction, tx: transfer(bob, alice, { nonce: 3n }) },
  [MessageType.GetBlocks]: { type: MessageType.GetBlocks, fromHeight: 1000, count: 64 },
  [MessageType.Blocks]: {
    type: MessageType.Blocks,
    blocks: [
      block,
      { header: sampleHeader({ height: 43, prevAttestation: null }), transactions: [], faults: [] },
    ],
    tipAttestation: sampleAttestation(0x50),
  },
};

function getBlocks(count: number): Uint8Array {
  const enc = encodeMessage({ type: MessageType.GetBlocks, fromHeight: 5, count: 1 });
  new DataView(enc.buffer).setUint16(9, count, true);
  return enc;
}

describe("messages", () => {
  for (const [type, message] of Object.entries(samples)) {
    it(`${MessageType[Number(type)]} round trips and starts with its type byte`, () => {
      const enc = encodeMessage(message);
      expect(enc[0]).toBe(Number(type));
      expect(decodeMessage(enc)).toEqual(message);
    });
  }

  it("Blocks round trips an empty list without tip attestation", () => {
    const m: Message = { type: MessageType.Blocks, blocks: [], tipAttestation: null };
    expect(encodeMessage(m).length).toBe(1 + 4 + 1);
    expect(decodeMessage(encodeMessage(m))).toEqual(m);
  });

  it("GetBlocks accepts counts 1 and 64 and refuses 0 and 65", () => {
    expect(decodeMessage(getBlocks(1))).toEqual({ type: MessageType.GetBlocks, fromHeight: 5, count: 1 });
    expect(decodeMessage(getBlocks(LIMITS.blocksPerRequest))).toMatchObject({ count: 64 });
    expectCode(() => decodeMessage(getBlocks(0)), "DECODE_LIMIT_EXCEEDED");
    const err = expectCode(
      () => decodeMessage(getBlocks(LIMITS.blocksPerRequest + 1)),
      "DECODE_LIMIT_EXCEEDED",
    );
    expect(err.message).toContain("64");
  });

  it("refuses unknown message types 0 and 8", () => {
    expectCode(() => decodeMessage(new Uint8Array([0])), "DECODE_INVALID_VALUE");
    expectCode(() => decodeMessage(new Uint8Array([8, 0, 0])), "DECODE_INVALID_VALUE");
  });

  it("refuses empty input, trailing bytes and input above the message limit", () => {
    expectCode(() => decodeMessage(new Uint8Array(0)), "DECODE_TRUNCATED");
    const enc = encodeMessage(samples[MessageType.Validation]);
    const longer = new Uint8Array(enc.length + 1);
    longer.set(enc);
    expectCode(() => decodeMessage(longer), "DECODE_TRAILING_BYTES");
    expectCode(() => decodeMessage(new Uint8Array(LIMITS.messageBytes + 1)), "DECODE_LIMIT_EXCEEDED");
  });

  it("refuses a Blocks message claiming more blocks than its bytes can hold", () => {
    const enc = new Uint8Array([MessageType.Blocks, 64, 0, 0, 0, 0]);
    expectCode(() => decodeMessage(enc), "DECODE_TRUNCATED");
    const tooMany = new Uint8Array([MessageType.Blocks, 65, 0, 0, 0, 0]);
    expectCode(() => decodeMessage(tooMany), "DECODE_LIMIT_EXCEEDED");
  });

  it("refuses a tip attestation flag other than 0 or 1", () => {
    expectCode(
      () => decodeMessage(new Uint8Array([MessageType.Blocks, 0, 0, 0, 0, 2])),
      "DECODE_INVALID_VALUE",
    );
  });

  it("refuses a signed vote whose hashless vote carries a hash", () => {
    const enc = encodeMessage({
      type: MessageType.Validation,
      signed: { ...signed, vote: voteOf(VoteKind.NoCandidate) },
    });
    // type (1) + consensus header (8 + 1 + 32) + vote kind (1), then the vote hash.
    enc[1 + 41 + 1 + 5] = 1;
    expectCode(() => decodeMessage(enc), "DECODE_INVALID_VALUE");
  });

  it("refuses a transaction message with an unknown transaction version", () => {
    const enc = encodeMessage(samples[MessageType.Transaction]);
    enc[1] = 9;
    expectCode(() => decodeMessage(enc), "TX_MALFORMED");
  });
});
