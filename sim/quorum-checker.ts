/**
 * Quorum safety, checked from the outside on every block an honest node accepts, with the
 * quorum rule of ../shared/DESIGN.md ("Votes") restated here rather than taken from the core,
 * so a broken rule in the core cannot hide itself:
 *
 *   quorum      the attestation a block carries for its parent has at least n - floor(n/3)
 *               credits of the parent's validation and ratification committees (Valid), and
 *               every failure attestation it carries at least floor(n/2) + 1 (ratification;
 *               validation too unless NoQuorum);
 *   agreement   two blocks accepted by honest nodes in one round and iteration on one parent
 *               both had Valid quorums. Honest members sign one vote per step, so both quorums
 *               overlap only in byzantine members: at least 2q - n credits (22 of 64) in each
 *               committee. With fewer byzantine credits in a committee that is a violation; with
 *               more it is the statistical risk of committee sampling, counted, not failed.
 *
 * Committees are recomputed from the parent's seed with the production sortition (what members
 * exist is not in question; how many credits a quorum needs is).
 */

import { type Attestation, StepKind, VoteKind } from "../protocol/attestation.js";
import type { Block } from "../protocol/block.js";
import { toHex } from "../protocol/bytes.js";
import type { Genesis } from "../protocol/genesis.js";
import type { Committee } from "../workers/consensus/committee.js";
import { RoundCommittees } from "../workers/consensus/round-committees.js";
import type { Provisioner } from "../workers/consensus/sortition.js";

/** Committees kept (round, seed) at most. */
const MAX_CACHED = 256;
/** (round, iteration, parent) slots remembered for the agreement check. */
const MAX_SLOTS = 100_000;

/** DESIGN.md: Valid needs n - floor(n/3) credits. */
export function designValidQuorum(n: number): number {
  return n - Math.floor(n / 3);
}

/** DESIGN.md: every other outcome floor(n/2) + 1. */
export function designMajority(n: number): number {
  return Math.floor(n / 2) + 1;
}

export class QuorumChecker {
  private readonly provisioners: readonly Provisioner[];
  private readonly cache = new Map<string, RoundCommittees>();
  private readonly slots = new Map<string, { hash: string; node: string }>();
  /** Conflicting Valid quorums explained by enough byzantine credits (statistical, not a bug). */
  conflictsWithinByzantineCredits = 0;

  constructor(
    private readonly genesis: Genesis,
    private readonly byzantineKeys: ReadonlySet<string>,
    private readonly fail: (violation: string) => void,
  ) {
    const p = genesis.params.consensus;
    this.provisioners = genesis.provisioners.filter((x) => x.stake >= p.minimumStake);
  }

  /**
   * A block `node` accepted at height h, with its parent (h - 1) and grandparent (h - 2) as that
   * node holds them (null at the bottom of the chain).
   */
  onBlock(node: string, block: Block, hashHex: string, parent: Block | null, grand: Block | null): void {
    const h = block.header;
    if (parent !== null) {
      this.checkFailures(node, h.height, parent.header.seed, block);
      const key = `${h.height}/${h.iteration}/${toHex(h.prevHash)}`;
      const known = this.slots.get(key);
      if (known === undefined) {
        if (this.slots.size < MAX_SLOTS) this.slots.set(key, { hash: hashHex, node });
      } else if (known.hash !== hashHex) {
        this.onConflict(h.height, h.iteration, parent.header.seed, known, { hash: hashHex, node });
      }
    }
    if (parent !== null && grand !== null && h.prevAttestation !== null) {
      const committees = this.committees(h.height - 1, grand.header.seed);
      this.checkAttestation(
        node,
        `parent attestation in block ${h.height}`,
        committees,
        parent.header.iteration,
        h.prevAttestation,
      );
    }
  }

  private checkFailures(node: string, round: number, seed: Uint8Array, block: Block): void {
    const committees = this.committees(round, seed);
    block.header.failedIterations.forEach((att, i) => {
      if (att !== null)
        this.checkAttestation(node, `failed iteration ${i} in block ${round}`, committees, i, att);
    });
  }

  private checkAttestation(
    node: string,
    what: string,
    committees: RoundCommittees,
    iteration: number,
    att: Attestation,
  ): void {
    const need = (c: Committee) =>
      att.result.kind === VoteKind.Valid ? designValidQuorum(c.totalCredits) : designMajority(c.totalCredits);
    const steps: Array<[StepKind.Validation | StepKind.Ratification, bigint]> = [
      [StepKind.Ratification, att.ratification.bitset],
    ];
    if (att.result.kind !== VoteKind.NoQuorum) steps.push([StepKind.Validation, att.validation.bitset]);
    for (const [step, bitset] of steps) {
      const c = committees.committee(iteration, step);
      const credits = c.creditsOfBitset(bitset);
      if (credits < need(c)) {
        this.fail(
          `safety: ${node} accepted ${what} (${VoteKind[att.result.kind]}, iteration ${iteration}) whose ` +
            `${StepKind[step]} votes hold ${credits} credits, below the quorum of ${need(c)} of ${c.totalCredits} (DESIGN.md)`,
        );
        return;
      }
    }
  }

  private onConflict(
    round: number,
    iteration: number,
    seed: Uint8Array,
    a: { hash: string; node: string },
    b: { hash: string; node: string },
  ): void {
    const committees = this.committees(round, seed);
    for (const step of [StepKind.Validation, StepKind.Ratification] as const) {
      const c = committees.committee(iteration, step);
      const overlap = 2 * designValidQuorum(c.totalCredits) - c.totalCredits;
      let byzantine = 0;
      for (const m of c.members) if (this.byzantineKeys.has(toHex(m.publicKey))) byzantine += m.credits;
      if (byzantine < overlap) {
        this.fail(
          `safety: two blocks with Valid quorums in round ${round} iteration ${iteration}: ` +
            `${a.hash.slice(0, 16)} on ${a.node}, ${b.hash.slice(0, 16)} on ${b.node}; two quorums of the ` +
            `${StepKind[step]} committee overlap in at least ${overlap} credits but byzantine members hold ${byzantine}`,
        );
        return;
      }
    }
    this.conflictsWithinByzantineCredits += 1;
  }

  private committees(round: number, seed: Uint8Array): RoundCommittees {
    const key = `${round}/${toHex(seed)}`;
    let c = this.cache.get(key);
    if (c === undefined) {
      if (this.cache.size >= MAX_CACHED) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
      c = new RoundCommittees(round, seed, this.provisioners, this.genesis.params.consensus);
      this.cache.set(key, c);
    }
    return c;
  }
}
