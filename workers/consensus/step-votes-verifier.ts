/**
 * Verification of aggregated step votes and attestations. A `StepVotes` proves a quorum when the
 * credits of the members named by its bitset reach the quorum for the vote, and its one
 * aggregate signature verifies against the sum of those members' public keys over the common
 * vote message (one pairing check per step; keys were PoP-checked at staking).
 */

import {
  type Attestation,
  type ConsensusHeader,
  StepKind,
  type StepVotes,
  type Vote,
  VoteKind,
  voteSigningMessage,
} from "../../protocol/attestation.js";
import type { Committee } from "./committee.js";
import type { RoundCommittees } from "./round-committees.js";
import type { VoteCrypto } from "./vote-crypto.js";

export type StepCheck = { ok: true } | { ok: false; reason: string };

export function verifyStepVotes(
  chainId: string,
  header: ConsensusHeader,
  step: StepKind.Validation | StepKind.Ratification,
  vote: Vote,
  committee: Committee,
  votes: StepVotes,
  crypto: VoteCrypto,
): StepCheck {
  const credits = committee.creditsOfBitset(votes.bitset);
  if (credits < 0) return { ok: false, reason: "bitset names a non-member" };
  const needed = committee.quorum(vote.kind);
  if (credits < needed) return { ok: false, reason: `${credits} credits, quorum needs ${needed}` };
  const members = committee.membersOfBitset(votes.bitset);
  const message = voteSigningMessage(chainId, header, step, vote);
  const ok = crypto.verifyAggregate(
    members.map((m) => m.publicKey),
    message,
    votes.signature,
  );
  return ok ? { ok: true } : { ok: false, reason: "aggregate signature does not verify" };
}

/**
 * Verifies an iteration's attestation: the ratification step proves the result; for a result
 * other than NoQuorum the validation step proves it too (NoQuorum means validation reached none).
 */
export function verifyAttestation(
  chainId: string,
  header: ConsensusHeader,
  attestation: Attestation,
  committees: RoundCommittees,
  crypto: VoteCrypto,
): StepCheck {
  const { result } = attestation;
  if (result.kind !== VoteKind.NoQuorum) {
    const v = verifyStepVotes(
      chainId,
      header,
      StepKind.Validation,
      result,
      committees.committee(header.iteration, StepKind.Validation),
      attestation.validation,
      crypto,
    );
    if (!v.ok) return { ok: false, reason: `validation: ${v.reason}` };
  }
  const r = verifyStepVotes(
    chainId,
    header,
    StepKind.Ratification,
    result,
    committees.committee(header.iteration, StepKind.Ratification),
    attestation.ratification,
    crypto,
  );
  return r.ok ? r : { ok: false, reason: `ratification: ${r.reason}` };
}
