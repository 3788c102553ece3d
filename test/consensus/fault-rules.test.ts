import { describe, expect, it } from "vitest";
import { StepKind, VoteKind, voteOf, voteSigningMessage } from "../../protocol/attestation.js";
import { type BlockHeader, headerHash } from "../../protocol/block.js";
import { FaultKind, type FaultProof, faultKey, type VoteEvidence } from "../../protocol/fault.js";
import { devProvisionerKey } from "../../protocol/keys.js";
import { DEVNET_PARAMS } from "../../protocol/params.js";
import { checkFault, type FaultContext } from "../../workers/consensus/fault-rules.js";
import { RoundCommittees } from "../../workers/consensus/round-committees.js";
import { BlsVoteCrypto } from "../../workers/consensus/vote-crypto.js";

const crypto = new BlsVoteCrypto();
const keys = [0, 1, 2, 3].map((i) => devProvisionerKey("fault-test", i));
const provisioners = keys.map((k) => ({
  publicKey: k.publicKey,
  stake: DEVNET_PARAMS.consensus.minimumStake,
}));
const ROUND = 7;
const parent = new Uint8Array(32).fill(0x11);
const seed = new Uint8Array(96).fill(0x22);
const committees = new RoundCommittees(ROUND, seed, provisioners, DEVNET_PARAMS.consensus);
const ctx: FaultContext = {
  chainId: "fault-chain",
  crypto,
  height: ROUND + 1,
  windowRounds: 64,
  hashAt: (h) => (h === ROUND - 1 ? parent : undefined),
  committeesOf: (r) => {
    if (r !== ROUND) throw new Error("unexpected round");
    return committees;
  },
};
const keyOf = (pk: Uint8Array) => keys.find((k) => k.publicKey.every((b, i) => b === pk[i]))!;

function candidate(iteration: number, stateByte: number): BlockHeader {
  const generator = committees.generator(iteration);
  const unsigned = {
    version: 1,
    height: ROUND,
    timestampMs: 1_000,
    prevHash: parent,
    seed: new Uint8Array(96),
    generator,
    txRoot: new Uint8Array(32),
    stateRoot: new Uint8Array(32).fill(stateByte),
    faultRoot: new Uint8Array(32),
    gasUsed: 0n,
    iteration,
    prevAttestation: null,
    failedIterations: [],
  };
  return { ...unsigned, signature: crypto.sign(keyOf(generator).secretKey, headerHash(unsigned)) };
}

function vote(
  signer: Uint8Array,
  kind: VoteKind,
  hashByte: number | null,
  step = StepKind.Validation,
): VoteEvidence {
  const header = { round: ROUND, iteration: 0, prevHash: parent };
  const v = hashByte === null ? voteOf(kind) : voteOf(kind, new Uint8Array(32).fill(hashByte));
  const signature = crypto.sign(keyOf(signer).secretKey, voteSigningMessage("fault-chain", header, step, v));
  return { header, vote: v, signer, signature };
}

const member = committees.committee(0, StepKind.Validation).members[0]!.publicKey;

describe("fault proofs", () => {
  it("a double candidate by the iteration's generator holds; the same header twice does not", () => {
    const proof: FaultProof = { kind: FaultKind.DoubleCandidate, a: candidate(0, 1), b: candidate(0, 2) };
    expect(checkFault(proof, ctx)).toBeNull();
    expect(checkFault({ ...proof, b: proof.a }, ctx)).toMatch(/same header/);
    expect(checkFault({ ...proof, b: { ...proof.b, signature: proof.a.signature } }, ctx)).toMatch(
      /signature/,
    );
    expect(checkFault({ ...proof, b: candidate(1, 2) }, ctx)).toMatch(/different slots/);
  });

  it("a double vote by a committee member holds; non-members, equal votes and other chains do not", () => {
    const proof: FaultProof = {
      kind: FaultKind.DoubleVote,
      step: StepKind.Validation,
      a: vote(member, VoteKind.Valid, 5),
      b: vote(member, VoteKind.NoCandidate, null),
    };
    expect(checkFault(proof, ctx)).toBeNull();
    expect(faultKey(proof)).toContain(`/${ROUND}/0/${StepKind.Validation}`);
    expect(checkFault({ ...proof, b: vote(member, VoteKind.Valid, 5) }, ctx)).toMatch(/same vote/);
    const outsider = devProvisionerKey("fault-test", 9).publicKey;
    expect(
      checkFault({ ...proof, a: { ...proof.a, signer: outsider }, b: { ...proof.b, signer: outsider } }, ctx),
    ).toMatch(/not on the step committee/);
    // Signed for validation, presented as ratification: the signatures do not verify.
    expect(checkFault({ ...proof, step: StepKind.Ratification }, ctx)).not.toBeNull();
    const elsewhere = { ...ctx, hashAt: () => new Uint8Array(32).fill(0x99) };
    expect(checkFault(proof, elsewhere)).toMatch(/not on this chain/);
  });

  it("only rounds below the carrying block and inside the window", () => {
    const proof: FaultProof = { kind: FaultKind.DoubleCandidate, a: candidate(0, 1), b: candidate(0, 2) };
    expect(checkFault(proof, { ...ctx, height: ROUND })).toMatch(/outside the fault window/);
    expect(checkFault(proof, { ...ctx, height: ROUND + 65 })).toMatch(/outside the fault window/);
  });
});
