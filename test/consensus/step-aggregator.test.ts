import { describe, expect, it } from "vitest";
import { StepKind, VoteKind, voteOf, voteSigningMessage } from "../../protocol/attestation.js";
import { blsSign } from "../../protocol/bls.js";
import { devProvisionerKey } from "../../protocol/keys.js";
import { Committee } from "../../workers/consensus/committee.js";
import { StepAggregator } from "../../workers/consensus/step-aggregator.js";
import { verifyStepVotes } from "../../workers/consensus/step-votes-verifier.js";
import { BlsVoteCrypto } from "../../workers/consensus/vote-crypto.js";

const keys = [0, 1, 2, 3].map((i) => devProvisionerKey("aggregator-test", i));
const committee = new Committee(
  keys.map((k) => ({ publicKey: k.publicKey, credits: 16 })),
  64,
);
const header = { round: 9, iteration: 1, prevHash: new Uint8Array(32).fill(3) };
const valid = voteOf(VoteKind.Valid, new Uint8Array(32).fill(5));
const message = voteSigningMessage("agg-chain", header, StepKind.Validation, valid);
const cache = new BlsVoteCrypto();

function aggregator() {
  return new StepAggregator("agg-chain", header, StepKind.Validation, committee, cache);
}

describe("step aggregator", () => {
  it("forms a quorum of 43+ credits with one aggregate that verifies as step votes", () => {
    const a = aggregator();
    expect(a.add(valid, keys[0]!.publicKey, blsSign(keys[0]!.secretKey, message)).kind).toBe("added");
    expect(a.add(valid, keys[1]!.publicKey, blsSign(keys[1]!.secretKey, message)).kind).toBe("added");
    const out = a.add(valid, keys[2]!.publicKey, blsSign(keys[2]!.secretKey, message));
    expect(out.kind).toBe("quorum");
    if (out.kind !== "quorum") return;
    expect(out.stepVotes.bitset).toBe(0b111n);
    expect(
      verifyStepVotes("agg-chain", header, StepKind.Validation, valid, committee, out.stepVotes, cache),
    ).toEqual({ ok: true });
    // The same votes do not prove a quorum on another chain.
    expect(
      verifyStepVotes("other-chain", header, StepKind.Validation, valid, committee, out.stepVotes, cache).ok,
    ).toBe(false);
  });

  it("drops a bad signature and reaches the quorum with the next good vote", () => {
    const a = aggregator();
    a.add(valid, keys[0]!.publicKey, blsSign(keys[0]!.secretKey, message));
    a.add(valid, keys[1]!.publicKey, blsSign(keys[3]!.secretKey, message)); // signed by another key
    const third = a.add(valid, keys[2]!.publicKey, blsSign(keys[2]!.secretKey, message));
    expect(third.kind).toBe("bad-signature");
    const fourth = a.add(valid, keys[3]!.publicKey, blsSign(keys[3]!.secretKey, message));
    expect(fourth.kind).toBe("quorum");
    if (fourth.kind === "quorum") expect(fourth.stepVotes.bitset).toBe(0b1101n);
  });

  it("reports equivocation, duplicates and non-members, counting none of them", () => {
    const a = aggregator();
    const other = voteOf(VoteKind.NoCandidate);
    a.add(valid, keys[0]!.publicKey, blsSign(keys[0]!.secretKey, message));
    expect(a.add(valid, keys[0]!.publicKey, blsSign(keys[0]!.secretKey, message)).kind).toBe("duplicate");
    expect(a.add(other, keys[0]!.publicKey, new Uint8Array(96)).kind).toBe("equivocation");
    // Reported once: another copy of the contradicting vote is a duplicate.
    expect(a.add(other, keys[0]!.publicKey, new Uint8Array(96)).kind).toBe("duplicate");
    expect(a.add(valid, devProvisionerKey("aggregator-test", 9).publicKey, new Uint8Array(96)).kind).toBe(
      "not-member",
    );
  });
});
