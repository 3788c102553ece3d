/**
 * Collects one step's votes and detects a quorum. Votes are checked for membership and
 * uniqueness on arrival but their signatures are verified lazily: once the unverified credits
 * for one vote value reach its quorum, all their signatures are aggregated and checked with a
 * single pairing (same message for every signer). Only if that fails are they checked one by
 * one, and the bad ones dropped. A 64-credit step therefore costs about one verification, not
 * 64 (bench: "step votes").
 *
 * One vote per signer per step: a second, different vote from the same signer is an
 * equivocation, reported to the caller and never counted.
 */

import {
  type ConsensusHeader,
  EMPTY_SIGNATURE,
  type StepKind,
  type StepVotes,
  type Vote,
  voteSigningMessage,
  votesEqual,
} from "../../protocol/attestation.js";
import { toHex } from "../../protocol/bytes.js";
import type { Committee } from "./committee.js";
import type { VoteCrypto } from "./vote-crypto.js";

export type AddVoteOutcome =
  | { readonly kind: "added" }
  | { readonly kind: "quorum"; readonly vote: Vote; readonly stepVotes: StepVotes }
  /** A vote already counted, or a second contradicting vote already reported. */
  | { readonly kind: "duplicate" }
  | { readonly kind: "equivocation"; readonly first: Vote; readonly firstSignature: Uint8Array }
  | { readonly kind: "not-member" }
  | { readonly kind: "bad-signature"; readonly signers: readonly string[] };

interface Ballot {
  readonly vote: Vote;
  readonly message: Uint8Array;
  /** signer hex → signature, in arrival order */
  readonly signatures: Map<string, { publicKey: Uint8Array; signature: Uint8Array; verified: boolean }>;
  credits: number;
}

export class StepAggregator {
  private readonly voted = new Map<string, { vote: Vote; signature: Uint8Array; equivocated: boolean }>();
  private readonly ballots = new Map<string, Ballot>();
  private reached: { vote: Vote; stepVotes: StepVotes } | null = null;

  constructor(
    private readonly chainId: string,
    private readonly header: ConsensusHeader,
    private readonly step: StepKind.Validation | StepKind.Ratification,
    readonly committee: Committee,
    private readonly crypto: VoteCrypto,
  ) {}

  get quorum(): { vote: Vote; stepVotes: StepVotes } | null {
    return this.reached;
  }

  /** Credits received per vote value (`kind/hash`), for logs. */
  tally(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, b] of this.ballots) out[`${key.slice(0, 10)}`] = b.credits;
    return out;
  }

  /** Every vote value received with its signers (for logs; not verified). */
  ballotsView(): Array<{ vote: Vote; signers: Uint8Array[] }> {
    return [...this.ballots.values()].map((b) => ({
      vote: b.vote,
      signers: [...b.signatures.values()].map((e) => e.publicKey),
    }));
  }

  hasVoted(publicKey: Uint8Array): boolean {
    return this.voted.has(toHex(publicKey));
  }

  add(vote: Vote, signer: Uint8Array, signature: Uint8Array): AddVoteOutcome {
    const credits = this.committee.creditsOf(signer);
    if (credits === 0) return { kind: "not-member" };
    const signerHex = toHex(signer);
    const previous = this.voted.get(signerHex);
    if (previous !== undefined) {
      // One equivocation report per signer and step: later copies are duplicates.
      if (votesEqual(previous.vote, vote) || previous.equivocated) return { kind: "duplicate" };
      previous.equivocated = true;
      return { kind: "equivocation", first: previous.vote, firstSignature: previous.signature };
    }
    const key = `${vote.kind}/${toHex(vote.hash)}`;
    let ballot = this.ballots.get(key);
    if (ballot === undefined) {
      ballot = {
        vote,
        message: voteSigningMessage(this.chainId, this.header, this.step, vote),
        signatures: new Map(),
        credits: 0,
      };
      this.ballots.set(key, ballot);
    }
    this.voted.set(signerHex, { vote, signature, equivocated: false });
    ballot.signatures.set(signerHex, { publicKey: signer, signature, verified: false });
    ballot.credits += credits;
    if (this.reached !== null || ballot.credits < this.committee.quorum(vote.kind)) return { kind: "added" };
    return this.tryQuorum(ballot);
  }

  private tryQuorum(ballot: Ballot): AddVoteOutcome {
    const entries = [...ballot.signatures.entries()];
    const sigs = entries.map(([, e]) => e.signature);
    const keys = entries.map(([, e]) => e.publicKey);
    // One subgroup check on the sum and one pairing for the whole set (bench: "step votes").
    // True means the aggregate is valid, which is all an attestation carries; no single vote
    // is ever kept or forwarded as evidence on the strength of this check.
    if (this.crypto.verifySameMessage(keys, ballot.message, sigs)) {
      for (const [, e] of entries) e.verified = true;
      return this.finish(ballot, this.crypto.aggregate(sigs));
    }
    // Some signature is bad: find which, one by one, and drop them (they stay "voted", so the
    // same signer cannot retry in this step).
    const bad: string[] = [];
    for (const [hex, e] of entries) {
      if (e.verified) continue;
      if (this.crypto.verify(e.publicKey, ballot.message, e.signature)) e.verified = true;
      else {
        bad.push(hex);
        ballot.signatures.delete(hex);
        ballot.credits -= this.committee.creditsOf(e.publicKey);
      }
    }
    if (ballot.credits >= this.committee.quorum(ballot.vote.kind)) {
      return this.finish(
        ballot,
        this.crypto.aggregate([...ballot.signatures.values()].map((e) => e.signature)),
      );
    }
    return { kind: "bad-signature", signers: bad };
  }

  private finish(ballot: Ballot, aggregate: Uint8Array): AddVoteOutcome {
    let bitset = 0n;
    for (const [, e] of ballot.signatures) bitset |= 1n << BigInt(this.committee.indexOf(e.publicKey));
    const stepVotes: StepVotes = { bitset, signature: aggregate };
    this.reached = { vote: ballot.vote, stepVotes };
    return { kind: "quorum", vote: ballot.vote, stepVotes };
  }
}

export const NO_VOTES: StepVotes = { bitset: 0n, signature: EMPTY_SIGNATURE };
