/**
 * The inputs of a block's rewards and slashes (protocol/stake.ts), read from the block and the
 * committees of its round and of its parent's round: the generator, the members of the parent's
 * attestation with their credits, the generators the header proves missed their iteration, and
 * the offenders of the fault proofs it carries. Every validator derives the same list.
 */

import { StepKind } from "../../protocol/attestation.js";
import { type FaultProof, faultSlot } from "../../protocol/fault.js";
import type { BlockHeader } from "../../protocol/header.js";
import type { BlockIncentives } from "../../protocol/stake.js";
import { missedGenerations } from "./fault-rules.js";
import type { RoundCommittees } from "./round-committees.js";

export type IncentiveHeader = Pick<
  BlockHeader,
  "height" | "generator" | "prevAttestation" | "failedIterations"
>;

export function blockIncentives(
  header: IncentiveHeader,
  faults: readonly FaultProof[],
  fees: bigint,
  committees: RoundCommittees,
  /** The parent's round committees and iteration; null for the first block (no attestation). */
  parent: { readonly committees: RoundCommittees; readonly iteration: number } | null,
  devFund: Uint8Array,
): BlockIncentives {
  const att = header.prevAttestation;
  const voters =
    att === null || parent === null
      ? []
      : [
          ...parent.committees
            .committee(parent.iteration, StepKind.Validation)
            .membersOfBitset(att.validation.bitset),
          ...parent.committees
            .committee(parent.iteration, StepKind.Ratification)
            .membersOfBitset(att.ratification.bitset),
        ];
  return {
    height: header.height,
    generator: header.generator,
    fees,
    voters,
    missed: missedGenerations(header, committees).map((m) => m.generator),
    equivocators: faults.map((f) => faultSlot(f).offender),
    devFund,
  };
}
