/**
 * Succinct Attestation, one round at a time (../shared/DESIGN.md, "Consensus"). A round is one
 * block height; it runs iterations of three steps:
 *   Proposal     the iteration's generator broadcasts a candidate block;
 *   Validation   the validation committee votes Valid(hash) / Invalid(hash) / NoCandidate;
 *   Ratification the ratification committee votes for the validation result it saw (NoQuorum if
 *                none), attaching the validation step votes as proof.
 * A ratification quorum ends the iteration: Valid(hash) accepts the candidate (its attestation
 * rides in the next header), any other result fails the iteration; a step timeout moves on too.
 * Timeouts grow by an increment each time a step times out, up to a cap, and reset per round.
 *
 * Pure: inputs are messages and `tick()` calls, outputs are broadcasts and calls into the host.
 * The host serialises calls, so no two handlers interleave.
 */

import {
  type Attestation,
  type ConsensusHeader,
  EMPTY_STEP_VOTES,
  StepKind,
  type StepVotes,
  type Vote,
  VoteKind,
  voteOf,
  voteSigningMessage,
} from "../../protocol/attestation.js";
import { type Block, headerHash } from "../../protocol/block.js";
import { bytesEqual, toHex } from "../../protocol/bytes.js";
import { FaultKind, type FaultProof } from "../../protocol/fault.js";
import { type Message, MessageType, type SignedVote } from "../../protocol/messages.js";
import type { ConsensusParams } from "../../protocol/params.js";
import type { Logger } from "./node-options.js";
import type { RoundCommittees } from "./round-committees.js";
import { seedMessage } from "./seed.js";
import type { SigningGuard } from "./signing-guard.js";
import { type AddVoteOutcome, StepAggregator } from "./step-aggregator.js";
import { verifyAttestation, verifyStepVotes } from "./step-votes-verifier.js";
import type { VoteCrypto } from "./vote-crypto.js";

export interface RoundInput {
  readonly round: number;
  readonly prevHash: Uint8Array;
  readonly prevSeed: Uint8Array;
  readonly prevTimestampMs: number;
  readonly committees: RoundCommittees;
  /** Iteration to resume at after a restart (0 for a fresh round). */
  readonly startIteration: number;
}

export interface ConsensusHost {
  readonly chainId: string;
  readonly params: ConsensusParams;
  readonly crypto: VoteCrypto;
  readonly guard: SigningGuard | null;
  readonly log: Logger;
  now(): number;
  broadcast(message: Message): void;
  /** Full validation and execution of a candidate of the current round. */
  validateCandidate(block: Block): Promise<boolean>;
  /**
   * Builds (and executes) this node's candidate for the iteration, header unsigned, carrying
   * the failure attestations this node holds for the earlier iterations.
   */
  buildCandidate(
    round: RoundInput,
    iteration: number,
    seed: Uint8Array,
    failedIterations: readonly (Attestation | null)[],
  ): Promise<Block>;
  /** A Valid quorum for a candidate this node holds and found valid: commit it. */
  accept(block: Block, attestation: Attestation): Promise<void>;
  /** Two contradicting messages signed by one provisioner, both signatures checked. */
  reportFault(proof: FaultProof): void;
  /** A Valid quorum for a candidate this node lacks (or could not validate): fetch it. */
  missingCandidate(round: number, attestation: Attestation): void;
  /** Records the iteration in progress, so a restart resumes there. */
  persistIteration(round: number, iteration: number): void;
  /** Stores this node's signed candidate, so a restart can re-send it (one kept at a time). */
  persistCandidate(block: Block): void;
  /** The signed candidate stored for this round and iteration on top of `prevHash`, if any. */
  persistedCandidate(round: number, iteration: number, prevHash: Uint8Array): Block | null;
}

/** Validation proofs remembered as checked within one round. */
const MAX_VERIFIED_PROOFS = 1_024;

type Phase = "waiting" | "proposal" | "validation" | "ratification" | "stalled";

interface Iteration {
  readonly index: number;
  readonly header: ConsensusHeader;
  candidate: Block | null;
  candidateHash: Uint8Array | null;
  verdict: boolean | null;
  readonly validation: StepAggregator;
  readonly ratification: StepAggregator;
  /** Validation step votes that prove each validation result seen (key: vote). */
  readonly proofs: Map<string, StepVotes>;
  failed: Attestation | null;
  /**
   * A validation result proven by step votes this node received inside a ratification vote
   * (it may never see the validation quorum itself): ratified like a local quorum.
   */
  proven: { vote: Vote; stepVotes: StepVotes } | null;
  /** A double candidate is reported once per iteration. */
  doubleCandidateReported: boolean;
  /** Hash of a second, validly signed candidate of the iteration (a known block, if not voted on). */
  otherCandidate: string | null;
  /** Signers already logged for a validation vote naming a block this node does not know. */
  readonly unknownVoters: Set<string>;
  /** What this node itself sent in this iteration, re-sent when a step times out. */
  readonly sent: Message[];
}

function voteKey(v: Vote): string {
  return `${v.kind}/${toHex(v.hash)}`;
}

export class Consensus {
  private input: RoundInput | null = null;
  private phase: Phase = "waiting";
  private iterationIndex = 0;
  private deadline: number | null = null;
  private startAt = 0;
  private readonly iterations = new Map<number, Iteration>();
  private timeouts = { proposal: 0, validation: 0, ratification: 0 };
  private readonly verifiedProofs = new Set<string>();

  constructor(private readonly host: ConsensusHost) {}

  get round(): number {
    return this.input?.round ?? 0;
  }

  get iteration(): number {
    return this.iterationIndex;
  }

  get currentPhase(): Phase {
    return this.phase;
  }

  /** Next time `tick` must run. */
  nextWakeMs(): number | null {
    if (this.input === null || this.phase === "stalled") return null;
    if (this.phase === "waiting") return this.startAt;
    return this.deadline;
  }

  /** Starts a round on top of a newly committed tip (or after a restart). */
  startRound(input: RoundInput): void {
    this.input = input;
    this.iterations.clear();
    this.verifiedProofs.clear();
    const p = this.host.params;
    this.timeouts = { proposal: p.stepTimeoutMs, validation: p.stepTimeoutMs, ratification: p.stepTimeoutMs };
    this.iterationIndex = Math.min(input.startIteration, p.maxIterations - 1);
    this.phase = "waiting";
    this.deadline = null;
    // Minimum block time: no round starts before the parent is minBlockTimeMs old.
    this.startAt = Math.max(this.host.now(), input.prevTimestampMs + p.minBlockTimeMs);
  }

  async tick(): Promise<void> {
    const now = this.host.now();
    if (this.input === null) return;
    if (this.phase === "waiting") {
      if (now >= this.startAt) await this.startIteration(this.iterationIndex);
      return;
    }
    if (this.deadline === null || now < this.deadline) return;
    const p = this.host.params;
    const grow = (t: number) => Math.min(p.stepTimeoutMaxMs, t + p.stepTimeoutIncrementMs);
    // A step that timed out may have lost messages on the way: this node's own candidate and
    // votes of the iteration go out once more (the receivers drop duplicates).
    const current = this.iterations.get(this.iterationIndex);
    if (current !== undefined) for (const m of current.sent) this.host.broadcast(m);
    switch (this.phase) {
      case "proposal":
        this.timeouts.proposal = grow(this.timeouts.proposal);
        this.host.log("debug", "step-timeout", {
          round: this.round,
          iteration: this.iterationIndex,
          step: "proposal",
          generator: toHex(this.input.committees.generator(this.iterationIndex)).slice(0, 8),
        });
        await this.enterValidation();
        break;
      case "validation":
        this.timeouts.validation = grow(this.timeouts.validation);
        this.host.log("debug", "step-timeout", {
          round: this.round,
          iteration: this.iterationIndex,
          step: "validation",
          validation: current?.validation.tally(),
        });
        await this.enterRatification();
        break;
      case "ratification":
        this.timeouts.ratification = grow(this.timeouts.ratification);
        this.host.log("info", "iteration-timeout", {
          round: this.round,
          iteration: this.iterationIndex,
          candidate: current?.candidate !== null,
          validation: current?.validation.tally(),
          ratification: current?.ratification.tally(),
        });
        await this.nextIteration();
        break;
    }
  }

  // ---- messages -------------------------------------------------------------------------

  /** Candidate of the current round (the host filtered other rounds). */
  async onCandidate(block: Block): Promise<void> {
    const input = this.input;
    if (input === null) return;
    const h = block.header;
    const it = this.iterationState(h.iteration);
    if (it === null || !bytesEqual(h.prevHash, input.prevHash)) return;
    const hash = headerHash(h);
    if (it.candidateHash !== null) {
      if (
        !bytesEqual(it.candidateHash, hash) &&
        !it.doubleCandidateReported &&
        this.host.crypto.verify(h.generator, hash, h.signature)
      ) {
        it.doubleCandidateReported = true;
        it.otherCandidate = toHex(hash);
        this.host.log("warn", "fault-double-candidate", {
          round: input.round,
          iteration: h.iteration,
          generator: toHex(h.generator),
        });
        this.host.reportFault({ kind: FaultKind.DoubleCandidate, a: it.candidate!.header, b: h });
      }
      return;
    }
    const expected = input.committees.generator(h.iteration);
    if (!bytesEqual(h.generator, expected)) {
      this.host.log("debug", "candidate-wrong-generator", { round: input.round, iteration: h.iteration });
      return;
    }
    if (!this.host.crypto.verify(expected, hash, h.signature)) {
      this.host.log("debug", "candidate-bad-signature", { round: input.round, iteration: h.iteration });
      return;
    }
    it.candidate = block;
    it.candidateHash = hash;
    for (const b of it.validation.ballotsView())
      for (const signer of b.signers) this.logUnknownBlockVote(it, b.vote, signer);
    if (h.iteration === this.iterationIndex && this.phase === "proposal") await this.enterValidation();
    else {
      // Emergency mode: iterations stay open, so a late candidate is still voted on.
      if (this.isEmergency(it.index) && it.index < this.iterationIndex) await this.voteValidation(it);
      await this.maybeAcceptPending(it);
    }
  }

  async onValidationVote(signed: SignedVote): Promise<void> {
    const it = this.iterationFor(signed);
    if (it === null) return;
    if (signed.vote.kind === VoteKind.NoQuorum) return; // not a validation vote
    const outcome = it.validation.add(signed.vote, signed.signer, signed.signature);
    this.report(outcome, signed, StepKind.Validation);
    if (outcome.kind === "added" || outcome.kind === "quorum")
      this.logUnknownBlockVote(it, signed.vote, signed.signer);
    if (outcome.kind === "quorum") {
      it.proofs.set(voteKey(outcome.vote), outcome.stepVotes);
      if (it.index === this.iterationIndex && this.phase === "validation") await this.enterRatification();
      else if (this.isEmergency(it.index) && it.index < this.iterationIndex) await this.voteRatification(it);
    }
  }

  /**
   * A validation result proven by step votes carried in a ratification vote is as good as a
   * local validation quorum: the quorum exists, whoever counted it (../shared/DESIGN.md,
   * Consensus: a step's votes are a committee bitset and one aggregated signature, and a
   * quorum is a count of credits, n - floor(n/3) for Valid; docs/ARCHITECTURE.md: a
   * ratification vote carries the validation step votes it ratifies). A member that has
   * not counted one itself (lost or late votes) ratifies the proven result instead of NoQuorum,
   * so the ratification committee does not split between the result and NoQuorum.
   */
  private async adoptProvenResult(it: Iteration, vote: Vote, stepVotes: StepVotes): Promise<void> {
    if (vote.kind === VoteKind.NoQuorum || it.validation.quorum !== null || it.proven !== null) return;
    it.proven = { vote, stepVotes };
    it.proofs.set(voteKey(vote), stepVotes);
    if (it.index === this.iterationIndex && this.phase === "validation") await this.enterRatification();
    else if (this.isEmergency(it.index) && it.index < this.iterationIndex) await this.voteRatification(it);
  }

  async onRatificationVote(signed: SignedVote, validation: StepVotes): Promise<void> {
    const it = this.iterationFor(signed);
    if (it === null) return;
    if (it.ratification.committee.creditsOf(signed.signer) === 0) return;
    if (!this.checkValidationProof(it, signed.vote, validation)) {
      this.host.log("debug", "ratification-bad-proof", { round: this.round, iteration: it.index });
      return;
    }
    await this.adoptProvenResult(it, signed.vote, validation);
    const outcome = it.ratification.add(signed.vote, signed.signer, signed.signature);
    this.report(outcome, signed, StepKind.Ratification);
    if (outcome.kind === "quorum") await this.onRatified(it, outcome.vote, outcome.stepVotes);
  }

  /** A quorum reached elsewhere (for the current round). */
  async onQuorum(header: ConsensusHeader, attestation: Attestation): Promise<void> {
    const input = this.input;
    if (input === null || !bytesEqual(header.prevHash, input.prevHash)) return;
    const it = this.iterationState(header.iteration);
    if (it === null) return;
    // Already decided here (own ratification quorum or an earlier quorum message): the
    // pairing checks of another copy would be wasted.
    if (it.failed !== null || it.ratification.quorum !== null || this.pendingValid?.it === it) return;
    const check = verifyAttestation(
      this.host.chainId,
      it.header,
      attestation,
      input.committees,
      this.host.crypto,
    );
    if (!check.ok) {
      this.host.log("debug", "quorum-invalid", {
        round: input.round,
        iteration: it.index,
        reason: check.reason,
      });
      return;
    }
    await this.onAttested(it, attestation, false);
  }

  // ---- steps ----------------------------------------------------------------------------

  private async startIteration(first: number): Promise<void> {
    const input = this.input!;
    // An iteration whose failure is already proven (a failure quorum seen while this node was
    // behind) is over for everyone: skip it. ../shared/DESIGN.md, Consensus: a ratification
    // quorum on any result other than Valid(hash) fails the iteration (outside emergency mode).
    let index = first;
    while (!this.isEmergency(index) && (this.iterations.get(index)?.failed ?? null) !== null) index += 1;
    if (index >= this.host.params.maxIterations) {
      // Past the iteration limit only a quorum message or a synced block ends the round.
      this.phase = "stalled";
      this.deadline = null;
      this.host.log("error", "round-stalled", { round: input.round, iterations: index });
      return;
    }
    this.iterationIndex = index;
    this.host.persistIteration(input.round, index);
    this.phase = "proposal";
    this.deadline = this.host.now() + this.stepTimeout("proposal");
    const it = this.iterationState(index)!;
    const guard = this.host.guard;
    const generator = input.committees.generator(index);
    if (guard !== null && it.candidate === null && bytesEqual(generator, guard.key.publicKey)) {
      await this.propose(it, guard);
    }
    if (it.candidate !== null && this.phase === "proposal" && this.iterationIndex === index)
      await this.enterValidation();
  }

  private async propose(it: Iteration, guard: SigningGuard): Promise<void> {
    const input = this.input!;
    const seed = this.host.crypto.sign(guard.key.secretKey, seedMessage(input.prevSeed));
    // Relaxed mode: failure attestations of at most `relaxIterations` earlier iterations.
    const carried = Math.min(it.index, this.host.params.relaxIterations);
    const failed = Array.from({ length: carried }, (_, i) => this.iterations.get(i)?.failed ?? null);
    const unsigned = await this.host.buildCandidate(input, it.index, seed, failed);
    const hash = headerHash(unsigned.header);
    const signature = guard.sign(input.round, it.index, StepKind.Proposal, hash);
    if (signature === null) {
      // Signed before a restart: the rebuilt candidate differs (time, mempool) and the guard
      // refuses it, but the one signed then is stored: re-send that one ("one candidate per
      // generator and iteration"), so the iteration does not lose its generator.
      const saved = this.host.persistedCandidate(input.round, it.index, input.prevHash);
      if (saved !== null) {
        it.candidate = saved;
        it.candidateHash = headerHash(saved.header);
        this.host.log("info", "candidate-resent", { round: input.round, iteration: it.index });
        this.send(it, { type: MessageType.Candidate, block: saved });
        return;
      }
      this.host.log("warn", "refused-double-candidate", { round: input.round, iteration: it.index });
      return;
    }
    const block: Block = { ...unsigned, header: { ...unsigned.header, signature } };
    this.host.persistCandidate(block);
    it.candidate = block;
    it.candidateHash = hash;
    it.verdict = true;
    this.host.log("info", "candidate-proposed", {
      round: input.round,
      iteration: it.index,
      txs: block.transactions.length,
    });
    this.send(it, { type: MessageType.Candidate, block });
  }

  private async enterValidation(): Promise<void> {
    const it = this.iterationState(this.iterationIndex)!;
    this.phase = "validation";
    this.deadline = this.host.now() + this.stepTimeout("validation");
    await this.voteValidation(it);
    if (it.validation.quorum !== null && this.phase === "validation" && this.iterationIndex === it.index) {
      await this.enterRatification();
    }
  }

  /**
   * This node's validation vote for `it`, if it sits on the committee and has not voted. In
   * emergency mode there is no NoCandidate vote: members wait for the candidate, however late.
   */
  private async voteValidation(it: Iteration): Promise<void> {
    const guard = this.host.guard;
    if (guard === null || it.validation.committee.creditsOf(guard.key.publicKey) === 0) return;
    if (it.validation.hasVoted(guard.key.publicKey)) return;
    let vote: Vote;
    if (it.candidate === null) {
      if (this.isEmergency(it.index)) return;
      vote = voteOf(VoteKind.NoCandidate);
    } else {
      const valid = await this.verdictOf(it);
      vote = voteOf(valid ? VoteKind.Valid : VoteKind.Invalid, it.candidateHash!);
    }
    const signed = this.signVote(it, StepKind.Validation, vote, guard);
    if (signed === null) return;
    this.send(it, { type: MessageType.Validation, signed });
    const outcome = it.validation.add(vote, signed.signer, signed.signature);
    if (outcome.kind === "quorum") it.proofs.set(voteKey(outcome.vote), outcome.stepVotes);
  }

  private async enterRatification(): Promise<void> {
    const it = this.iterationState(this.iterationIndex)!;
    this.phase = "ratification";
    this.deadline = this.host.now() + this.stepTimeout("ratification");
    if (await this.voteRatification(it)) return;
    const q = it.ratification.quorum;
    if (q !== null && this.iterationIndex === it.index && this.phase === "ratification") {
      await this.onRatified(it, q.vote, q.stepVotes);
    }
  }

  /**
   * This node's ratification vote for the validation result it saw (NoQuorum if none; in
   * emergency mode only a Valid result is ratified). True if the vote completed a quorum.
   */
  private async voteRatification(it: Iteration): Promise<boolean> {
    const guard = this.host.guard;
    if (guard === null || it.ratification.committee.creditsOf(guard.key.publicKey) === 0) return false;
    if (it.ratification.hasVoted(guard.key.publicKey)) return false;
    const q = it.validation.quorum ?? it.proven;
    if (this.isEmergency(it.index) && (q === null || q.vote.kind !== VoteKind.Valid)) return false;
    const vote = q === null ? voteOf(VoteKind.NoQuorum) : q.vote;
    const proof = q === null ? EMPTY_STEP_VOTES : q.stepVotes;
    const signed = this.signVote(it, StepKind.Ratification, vote, guard);
    if (signed === null) return false;
    this.send(it, { type: MessageType.Ratification, signed, validation: proof });
    if (q !== null) it.proofs.set(voteKey(vote), proof);
    const outcome = it.ratification.add(vote, signed.signer, signed.signature);
    if (outcome.kind !== "quorum") return false;
    await this.onRatified(it, outcome.vote, outcome.stepVotes);
    return true;
  }

  private send(it: Iteration, message: Message): void {
    // Bounded by construction: one candidate and one vote per step per iteration.
    it.sent.push(message);
    this.host.broadcast(message);
  }

  /** Emergency mode (../shared/DESIGN.md): from `emergencyIteration` on. */
  private isEmergency(iteration: number): boolean {
    return iteration >= this.host.params.emergencyIteration;
  }

  /**
   * A step's timeout. In emergency mode steps do not end an iteration's life (it stays open for
   * late candidates and votes); the next iteration starts after the maximum step timeout.
   */
  private stepTimeout(step: "proposal" | "validation" | "ratification"): number {
    return this.isEmergency(this.iterationIndex) ? this.host.params.stepTimeoutMaxMs : this.timeouts[step];
  }

  private async nextIteration(): Promise<void> {
    await this.startIteration(this.iterationIndex + 1);
  }

  // ---- outcomes -------------------------------------------------------------------------

  private async onRatified(it: Iteration, vote: Vote, ratification: StepVotes): Promise<void> {
    const validation = vote.kind === VoteKind.NoQuorum ? EMPTY_STEP_VOTES : it.proofs.get(voteKey(vote));
    if (validation === undefined) return; // cannot happen: every counted vote had its proof checked
    const attestation: Attestation = { result: vote, validation, ratification };
    this.host.broadcast({ type: MessageType.Quorum, header: it.header, attestation });
    await this.onAttested(it, attestation, true);
  }

  private pendingValid: { it: Iteration; attestation: Attestation } | null = null;

  private async onAttested(it: Iteration, attestation: Attestation, local: boolean): Promise<void> {
    const input = this.input!;
    if (attestation.result.kind !== VoteKind.Valid) {
      // Emergency mode: only Valid quorums count; failures do not end an iteration early.
      if (this.isEmergency(it.index)) return;
      if (it.failed === null) {
        it.failed = attestation;
        this.host.log("info", "iteration-failed", {
          round: input.round,
          iteration: it.index,
          result: VoteKind[attestation.result.kind],
          local,
        });
      }
      // A proven failure of the current iteration or a later one (a node that fell behind, e.g.
      // after a partition or a restart) moves this node to the iteration after it, so its step
      // deadlines line up with the committee's again instead of trailing it for the whole round.
      // ../shared/DESIGN.md, Consensus: the failure quorum ends the iteration for every node,
      // whoever counted it; only emergency mode (returned above) keeps iterations open.
      if (it.index >= this.iterationIndex) {
        if (this.phase === "waiting")
          this.iterationIndex = Math.min(it.index + 1, this.host.params.maxIterations - 1);
        else if (this.phase !== "stalled") await this.startIteration(it.index + 1);
      }
      return;
    }
    this.host.log("debug", "valid-quorum", {
      round: input.round,
      iteration: it.index,
      hash: toHex(attestation.result.hash).slice(0, 8),
      local,
      validation: it.validation.tally(),
      ratification: it.ratification.tally(),
    });
    this.pendingValid = { it, attestation };
    await this.maybeAcceptPending(it);
  }

  private async maybeAcceptPending(it: Iteration): Promise<void> {
    const pending = this.pendingValid;
    if (pending === null || pending.it !== it) return;
    const input = this.input!;
    const hash = pending.attestation.result.hash;
    if (it.candidate === null || !bytesEqual(it.candidateHash!, hash)) {
      this.host.missingCandidate(input.round, pending.attestation);
      return;
    }
    if (!(await this.verdictOf(it))) {
      this.host.log("error", "quorum-for-candidate-found-invalid", {
        round: input.round,
        iteration: it.index,
      });
      this.host.missingCandidate(input.round, pending.attestation);
      return;
    }
    this.pendingValid = null;
    this.phase = "stalled"; // until the host starts the next round
    await this.host.accept(it.candidate, pending.attestation);
  }

  // ---- helpers --------------------------------------------------------------------------

  /**
   * Observation only: a validation vote naming a block other than the iteration's candidate
   * (and any second candidate of an equivocating generator) once this node holds the candidate.
   * Honest members vote only for candidates they received, so it names a block nobody may have.
   */
  private logUnknownBlockVote(it: Iteration, vote: Vote, signer: Uint8Array): void {
    if (vote.kind !== VoteKind.Valid && vote.kind !== VoteKind.Invalid) return;
    if (it.candidateHash === null || bytesEqual(vote.hash, it.candidateHash)) return;
    const hex = toHex(vote.hash);
    const who = toHex(signer);
    if (hex === it.otherCandidate || it.unknownVoters.has(who)) return;
    it.unknownVoters.add(who); // bounded by the committee's members
    this.host.log("debug", "vote-unknown-block", {
      round: it.header.round,
      iteration: it.index,
      step: "Validation",
      signer: who,
      hash: hex.slice(0, 16),
    });
  }

  private async verdictOf(it: Iteration): Promise<boolean> {
    if (it.verdict === null) it.verdict = await this.host.validateCandidate(it.candidate!);
    return it.verdict;
  }

  private signVote(it: Iteration, step: StepKind, vote: Vote, guard: SigningGuard): SignedVote | null {
    const message = voteSigningMessage(this.host.chainId, it.header, step, vote);
    const signature = guard.sign(it.header.round, it.index, step, message);
    if (signature === null) {
      this.host.log("warn", "refused-double-vote", { round: it.header.round, iteration: it.index, step });
      return null;
    }
    return { header: it.header, vote, signer: guard.key.publicKey, signature };
  }

  /** Checks that `validation` proves `vote` as a validation result (cached per proof). */
  private checkValidationProof(it: Iteration, vote: Vote, validation: StepVotes): boolean {
    if (vote.kind === VoteKind.NoQuorum) return validation.bitset === 0n;
    const key = `${it.index}/${voteKey(vote)}/${validation.bitset}/${toHex(validation.signature)}`;
    if (this.verifiedProofs.has(key)) return true;
    const known = it.proofs.get(voteKey(vote));
    if (
      known !== undefined &&
      known.bitset === validation.bitset &&
      bytesEqual(known.signature, validation.signature)
    ) {
      if (this.verifiedProofs.size < MAX_VERIFIED_PROOFS) this.verifiedProofs.add(key);
      return true;
    }
    const check = verifyStepVotes(
      this.host.chainId,
      it.header,
      StepKind.Validation,
      vote,
      it.validation.committee,
      validation,
      this.host.crypto,
    );
    if (!check.ok) return false;
    if (this.verifiedProofs.size < MAX_VERIFIED_PROOFS) this.verifiedProofs.add(key);
    if (!it.proofs.has(voteKey(vote))) it.proofs.set(voteKey(vote), validation);
    return true;
  }

  private iterationFor(signed: SignedVote): Iteration | null {
    const input = this.input;
    if (input === null || !bytesEqual(signed.header.prevHash, input.prevHash)) return null;
    return this.iterationState(signed.header.iteration);
  }

  /** State of an iteration of the current round; null outside 0..maxIterations-1. */
  private iterationState(index: number): Iteration | null {
    const input = this.input;
    if (input === null || index < 0 || index >= this.host.params.maxIterations) return null;
    let it = this.iterations.get(index);
    if (it === undefined) {
      const header: ConsensusHeader = { round: input.round, iteration: index, prevHash: input.prevHash };
      it = {
        index,
        header,
        candidate: null,
        candidateHash: null,
        verdict: null,
        validation: new StepAggregator(
          this.host.chainId,
          header,
          StepKind.Validation,
          input.committees.committee(index, StepKind.Validation),
          this.host.crypto,
        ),
        ratification: new StepAggregator(
          this.host.chainId,
          header,
          StepKind.Ratification,
          input.committees.committee(index, StepKind.Ratification),
          this.host.crypto,
        ),
        proofs: new Map(),
        failed: null,
        proven: null,
        doubleCandidateReported: false,
        otherCandidate: null,
        unknownVoters: new Set(),
        sent: [],
      };
      this.iterations.set(index, it);
    }
    return it;
  }

  private report(
    outcome: AddVoteOutcome,
    signed: SignedVote,
    step: StepKind.Validation | StepKind.Ratification,
  ): void {
    if (outcome.kind === "equivocation") {
      this.host.log("warn", "fault-double-vote", {
        round: signed.header.round,
        iteration: signed.header.iteration,
        step: StepKind[step],
        signer: toHex(signed.signer),
      });
      // Evidence needs each signature checked on its own (an aggregate check proves only sums).
      const message = (v: Vote) => voteSigningMessage(this.host.chainId, signed.header, step, v);
      const first = {
        header: signed.header,
        vote: outcome.first,
        signer: signed.signer,
        signature: outcome.firstSignature,
      };
      if (
        this.host.crypto.verify(signed.signer, message(first.vote), first.signature) &&
        this.host.crypto.verify(signed.signer, message(signed.vote), signed.signature)
      ) {
        this.host.reportFault({ kind: FaultKind.DoubleVote, step, a: first, b: signed });
      }
    } else if (outcome.kind === "bad-signature") {
      this.host.log("warn", "vote-bad-signature", { step: StepKind[step], signers: outcome.signers });
    }
  }

  resourceUsage(): Record<string, { size: number; limit: number }> {
    return {
      iterations: { size: this.iterations.size, limit: this.host.params.maxIterations },
      verifiedProofs: { size: this.verifiedProofs.size, limit: MAX_VERIFIED_PROOFS },
    };
  }

  /** Ends the round without a local decision (a block for it arrived by sync). */
  stop(): void {
    this.phase = "stalled";
    this.deadline = null;
  }
}
