/**
 * The signature claims a run of blocks stands on, found by replaying the node's own checks
 * (`verifyAttestation`, the generator signature, `verifySeed`, failed-iteration attestations)
 * against a `RecordingVoteCrypto`. Pure: it needs only the block below the run, the run, the
 * attestation of its last block and the provisioners. Structural problems are not judged here:
 * a check that fails before asking for a signature simply adds no claim, and the node's
 * per-block path refuses the block later.
 */

import type { Attestation } from "../../protocol/attestation.js";
import { type Block, blockHash } from "../../protocol/block.js";
import type { BlockHeader } from "../../protocol/header.js";
import type { ConsensusParams } from "../../protocol/params.js";
import { RoundCommittees } from "./round-committees.js";
import { verifySeed } from "./seed.js";
import type { Provisioner } from "./sortition.js";
import { verifyAttestation } from "./step-votes-verifier.js";
import { RecordingVoteCrypto, type SignatureClaim } from "./sync-signatures.js";

export interface ClaimContext {
  readonly chainId: string;
  readonly provisioners: readonly Provisioner[];
  readonly params: ConsensusParams;
  /** Most claims collected; beyond it the rest is verified block by block. */
  readonly maxClaims: number;
}

/**
 * Claims of `run` (consecutive blocks above `below`): each block's attestation (carried by its
 * child, or `lastAttestation` for the last one), generator signature, seed and failed iterations.
 */
export function collectRunClaims(
  ctx: ClaimContext,
  below: BlockHeader,
  run: readonly Block[],
  lastAttestation: Attestation | null,
): SignatureClaim[] {
  const recorder = new RecordingVoteCrypto(ctx.maxClaims);
  let parent = below;
  for (let i = 0; i < run.length; i++) {
    const block = run[i]!;
    const h = block.header;
    const committees = new RoundCommittees(h.height, parent.seed, ctx.provisioners, ctx.params);
    const attestation = run[i + 1]?.header.prevAttestation ?? (i === run.length - 1 ? lastAttestation : null);
    if (attestation !== null) {
      const header = { round: h.height, iteration: h.iteration, prevHash: h.prevHash };
      verifyAttestation(ctx.chainId, header, attestation, committees, recorder);
    }
    recorder.verify(h.generator, blockHash(block), h.signature);
    verifySeed(recorder, h.generator, parent.seed, h.seed);
    h.failedIterations.forEach((att, iteration) => {
      if (att === null) return;
      verifyAttestation(
        ctx.chainId,
        { round: h.height, iteration, prevHash: h.prevHash },
        att,
        committees,
        recorder,
      );
    });
    parent = h;
  }
  return recorder.claims;
}
