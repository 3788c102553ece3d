/**
 * Checks a fault proof before it is pooled or accepted in a block: both messages are about one
 * slot of a round on this chain (their parent hash is this chain's block below that round),
 * they differ, the offender held that slot by sortition, and both signatures verify alone.
 */

import { type StepKind, VoteKind, voteSigningMessage, votesEqual } from "../../protocol/attestation.js";
import { bytesEqual } from "../../protocol/bytes.js";
import { FaultKind, type FaultProof, faultSlot } from "../../protocol/fault.js";
import { type BlockHeader, headerHash } from "../../protocol/header.js";
import type { RoundCommittees } from "./round-committees.js";
import type { VoteCrypto } from "./vote-crypto.js";

export interface FaultContext {
  readonly chainId: string;
  readonly crypto: VoteCrypto;
  /** Height of the block that would carry the proof. */
  readonly height: number;
  readonly windowRounds: number;
  /** Hash of this chain's block at `height`, or undefined above the tip. */
  hashAt(height: number): Uint8Array | undefined;
  /** Committees of `round` on this chain (seeded by the block below it). */
  committeesOf(round: number): RoundCommittees;
}

/**
 * Missed generations (soft faults): generators of the earlier iterations that the header proves
 * failed with a NoCandidate quorum. Derived from the header, so every node agrees on them;
 * each is soft-slashed (protocol/stake.ts: suspension and a locked share of stake).
 */
export function missedGenerations(
  header: Pick<BlockHeader, "failedIterations">,
  committees: RoundCommittees,
): Array<{ iteration: number; generator: Uint8Array }> {
  const out: Array<{ iteration: number; generator: Uint8Array }> = [];
  header.failedIterations.forEach((att, iteration) => {
    if (att !== null && att.result.kind === VoteKind.NoCandidate) {
      out.push({ iteration, generator: committees.generator(iteration) });
    }
  });
  return out;
}

/** Returns null when the proof holds, else the reason it does not. */
export function checkFault(f: FaultProof, ctx: FaultContext): string | null {
  const slot = faultSlot(f);
  if (slot.round >= ctx.height || slot.round < Math.max(1, ctx.height - ctx.windowRounds)) {
    return `round ${slot.round} outside the fault window below height ${ctx.height}`;
  }
  const parent = ctx.hashAt(slot.round - 1);
  if (parent === undefined) return "unknown parent";
  const committees = ctx.committeesOf(slot.round);
  if (f.kind === FaultKind.DoubleCandidate) {
    const { a, b } = f;
    if (a.height !== b.height || a.iteration !== b.iteration) return "headers are for different slots";
    if (!bytesEqual(a.prevHash, parent) || !bytesEqual(b.prevHash, parent))
      return "headers are not on this chain";
    if (!bytesEqual(a.generator, b.generator)) return "different generators";
    if (!bytesEqual(a.generator, committees.generator(a.iteration))) return "not the iteration's generator";
    const ha = headerHash(a);
    const hb = headerHash(b);
    if (bytesEqual(ha, hb)) return "the same header twice";
    if (
      !ctx.crypto.verify(a.generator, ha, a.signature) ||
      !ctx.crypto.verify(b.generator, hb, b.signature)
    ) {
      return "a header signature does not verify";
    }
    return null;
  }
  const { a, b, step } = f;
  if (
    a.header.round !== b.header.round ||
    a.header.iteration !== b.header.iteration ||
    !bytesEqual(a.header.prevHash, b.header.prevHash)
  ) {
    return "votes are for different slots";
  }
  if (!bytesEqual(a.header.prevHash, parent)) return "votes are not on this chain";
  if (!bytesEqual(a.signer, b.signer)) return "different signers";
  if (votesEqual(a.vote, b.vote)) return "the same vote twice";
  const committee = committees.committee(
    a.header.iteration,
    step as StepKind.Validation | StepKind.Ratification,
  );
  if (committee.creditsOf(a.signer) === 0) return "signer is not on the step committee";
  const ok = (e: typeof a) =>
    ctx.crypto.verify(e.signer, voteSigningMessage(ctx.chainId, e.header, step, e.vote), e.signature);
  if (!ok(a) || !ok(b)) return "a vote signature does not verify";
  return null;
}
