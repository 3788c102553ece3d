/**
 * Votes and attestations of Succinct Attestation (../shared/DESIGN.md, "Consensus").
 * A step's votes aggregate into `StepVotes`: a bitset over the step committee's members (in
 * committee order) and one BLS signature. An `Attestation` is the outcome of one iteration: the
 * ratified result plus the validation and ratification step votes that prove it.
 */

import { BLS_PUBLIC_KEY_BYTES, BLS_SIGNATURE_BYTES } from "./bls.js";
import { writeChainId } from "./chain-id.js";
import { type Reader, Writer } from "./codec.js";
import { ProtocolError } from "./errors.js";
import { domainHash, HASH_BYTES } from "./hash.js";

export enum VoteKind {
  NoCandidate = 0,
  Valid = 1,
  Invalid = 2,
  /** Ratification only: validation reached no quorum before its timeout. */
  NoQuorum = 3,
}

export interface Vote {
  readonly kind: VoteKind;
  /** Candidate hash for Valid / Invalid; 32 zero bytes otherwise. */
  readonly hash: Uint8Array;
}

export enum StepKind {
  Proposal = 0,
  Validation = 1,
  Ratification = 2,
}

export interface StepVotes {
  /** Bit i set = committee member i (committee order) signed. */
  readonly bitset: bigint;
  readonly signature: Uint8Array;
}

export interface Attestation {
  readonly result: Vote;
  readonly validation: StepVotes;
  readonly ratification: StepVotes;
}

export const ZERO_HASH = new Uint8Array(HASH_BYTES);
export const EMPTY_SIGNATURE = new Uint8Array(BLS_SIGNATURE_BYTES);
export const EMPTY_STEP_VOTES: StepVotes = { bitset: 0n, signature: EMPTY_SIGNATURE };

export function voteOf(kind: VoteKind, hash?: Uint8Array): Vote {
  const needsHash = kind === VoteKind.Valid || kind === VoteKind.Invalid;
  if (needsHash !== (hash !== undefined)) {
    throw new ProtocolError(
      "DECODE_INVALID_VALUE",
      `vote ${VoteKind[kind]} ${needsHash ? "needs" : "takes no"} hash`,
      {},
    );
  }
  return { kind, hash: hash ?? ZERO_HASH };
}

export function writeVote(w: Writer, v: Vote): void {
  w.u8(v.kind).fixed(v.hash, HASH_BYTES);
}

export function readVote(r: Reader): Vote {
  const kind = r.u8("vote kind");
  if (kind > VoteKind.NoQuorum)
    throw new ProtocolError("DECODE_INVALID_VALUE", `unknown vote kind ${kind}`, { kind });
  const hash = r.fixed(HASH_BYTES, "vote hash");
  const needsHash = kind === VoteKind.Valid || kind === VoteKind.Invalid;
  if (!needsHash && hash.some((b) => b !== 0)) {
    // One byte form per vote: a hash on a hashless vote would make two encodings of one vote.
    throw new ProtocolError("DECODE_INVALID_VALUE", `vote ${VoteKind[kind]} must carry a zero hash`, {
      kind,
    });
  }
  return { kind, hash };
}

export function writeStepVotes(w: Writer, s: StepVotes): void {
  w.u64(s.bitset).fixed(s.signature, BLS_SIGNATURE_BYTES);
}

export function readStepVotes(r: Reader): StepVotes {
  return { bitset: r.u64("step bitset"), signature: r.fixed(BLS_SIGNATURE_BYTES, "step signature") };
}

export function writeAttestation(w: Writer, a: Attestation): void {
  writeVote(w, a.result);
  writeStepVotes(w, a.validation);
  writeStepVotes(w, a.ratification);
}

export function readAttestation(r: Reader): Attestation {
  return { result: readVote(r), validation: readStepVotes(r), ratification: readStepVotes(r) };
}

/** Where a vote belongs: round (= height), iteration and the parent it builds on. */
export interface ConsensusHeader {
  readonly round: number;
  readonly iteration: number;
  readonly prevHash: Uint8Array;
}

export function writeConsensusHeader(w: Writer, h: ConsensusHeader): void {
  w.u64(BigInt(h.round)).u8(h.iteration).fixed(h.prevHash, HASH_BYTES);
}

export function readConsensusHeader(r: Reader): ConsensusHeader {
  return {
    round: r.safeU64("round"),
    iteration: r.u8("iteration"),
    prevHash: r.fixed(HASH_BYTES, "prev hash"),
  };
}

/**
 * The message a committee member signs for a vote. Same vote, same step, same header → same
 * message for everyone, which is what lets a step aggregate into one signature. The chain id
 * keeps votes of one network from counting on another.
 */
export function voteSigningMessage(
  chainId: string,
  header: ConsensusHeader,
  step: StepKind,
  vote: Vote,
): Uint8Array {
  const w = new Writer(128);
  writeChainId(w, chainId);
  writeConsensusHeader(w, header);
  w.u8(step);
  writeVote(w, vote);
  return domainHash("vote", w.finish());
}

export function votesEqual(a: Vote, b: Vote): boolean {
  if (a.kind !== b.kind) return false;
  for (let i = 0; i < HASH_BYTES; i++) if (a.hash[i] !== b.hash[i]) return false;
  return true;
}

export function popcount(bits: bigint): number {
  let n = 0;
  let b = bits;
  while (b > 0n) {
    n += Number(b & 1n);
    b >>= 1n;
  }
  return n;
}

/** A vote as signed by one committee member (a consensus message, or fault evidence). */
export interface SignedVote {
  readonly header: ConsensusHeader;
  readonly vote: Vote;
  readonly signer: Uint8Array;
  readonly signature: Uint8Array;
}

export function writeSignedVote(w: Writer, s: SignedVote): void {
  writeConsensusHeader(w, s.header);
  writeVote(w, s.vote);
  w.fixed(s.signer, BLS_PUBLIC_KEY_BYTES).fixed(s.signature, BLS_SIGNATURE_BYTES);
}

export function readSignedVote(r: Reader): SignedVote {
  return {
    header: readConsensusHeader(r),
    vote: readVote(r),
    signer: r.fixed(BLS_PUBLIC_KEY_BYTES, "vote signer"),
    signature: r.fixed(BLS_SIGNATURE_BYTES, "vote signature"),
  };
}
