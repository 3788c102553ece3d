/**
 * Fault proofs (../shared/DESIGN.md, "Faults"): two messages signed by one provisioner for the
 * same consensus slot that contradict each other. A double candidate is two different headers
 * for one (round, iteration) by that iteration's generator; a double vote is two different votes
 * for one (round, iteration, step) by a committee member. The proofs travel in blocks (bounded
 * per block) and are checked by every validator; penalties (hard slashing) come with staking.
 */

import { readSignedVote, type SignedVote, StepKind, writeSignedVote } from "./attestation.js";
import { toHex } from "./bytes.js";
import { type Reader, Writer } from "./codec.js";
import { ProtocolError } from "./errors.js";
import { type BlockHeader, readHeader, writeHeader } from "./header.js";

export enum FaultKind {
  DoubleCandidate = 1,
  DoubleVote = 2,
}

/** Evidence of a vote: the vote as its member signed it. */
export type VoteEvidence = SignedVote;

export type FaultProof =
  | { readonly kind: FaultKind.DoubleCandidate; readonly a: BlockHeader; readonly b: BlockHeader }
  | {
      readonly kind: FaultKind.DoubleVote;
      readonly step: StepKind.Validation | StepKind.Ratification;
      readonly a: VoteEvidence;
      readonly b: VoteEvidence;
    };

export function writeFault(w: Writer, f: FaultProof): void {
  w.u8(f.kind);
  if (f.kind === FaultKind.DoubleCandidate) {
    writeHeader(w, f.a);
    writeHeader(w, f.b);
  } else {
    w.u8(f.step);
    writeSignedVote(w, f.a);
    writeSignedVote(w, f.b);
  }
}

export function readFault(r: Reader): FaultProof {
  const kind = r.u8("fault kind");
  if (kind === FaultKind.DoubleCandidate) return { kind, a: readHeader(r), b: readHeader(r) };
  if (kind === FaultKind.DoubleVote) {
    const step = r.u8("fault step");
    if (step !== StepKind.Validation && step !== StepKind.Ratification) {
      throw new ProtocolError(
        "DECODE_INVALID_VALUE",
        `fault step must be validation or ratification, got ${step}`,
        { step },
      );
    }
    return { kind, step, a: readSignedVote(r), b: readSignedVote(r) };
  }
  throw new ProtocolError("DECODE_INVALID_VALUE", `unknown fault kind ${kind}`, { kind });
}

export function encodeFault(f: FaultProof): Uint8Array {
  const w = new Writer(1_024);
  writeFault(w, f);
  return w.finish();
}

/** The slot a fault is about: one fault per (offender, round, iteration, step) is enough. */
export function faultSlot(f: FaultProof): {
  offender: Uint8Array;
  round: number;
  iteration: number;
  step: StepKind;
} {
  if (f.kind === FaultKind.DoubleCandidate) {
    return { offender: f.a.generator, round: f.a.height, iteration: f.a.iteration, step: StepKind.Proposal };
  }
  return { offender: f.a.signer, round: f.a.header.round, iteration: f.a.header.iteration, step: f.step };
}

export function faultKey(f: FaultProof): string {
  const s = faultSlot(f);
  return `${toHex(s.offender)}/${s.round}/${s.iteration}/${s.step}`;
}
