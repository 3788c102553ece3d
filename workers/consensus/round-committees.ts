/**
 * Committees of one round, derived from the parent block's seed: per iteration one generator
 * (proposal step, 1 credit) and the validation and ratification committees, which exclude that
 * iteration's generator (../shared/DESIGN.md, "Sortition") unless it is the only provisioner.
 * Cached per iteration, bounded by the iteration limit.
 */

import { StepKind } from "../../protocol/attestation.js";
import type { ConsensusParams } from "../../protocol/params.js";
import { Committee } from "./committee.js";
import { extractCommittee, type Provisioner, stepNumber } from "./sortition.js";

export class RoundCommittees {
  private readonly generators = new Map<number, Uint8Array>();
  private readonly committees = new Map<string, Committee>();

  constructor(
    readonly round: number,
    readonly seed: Uint8Array,
    private readonly provisioners: readonly Provisioner[],
    private readonly params: ConsensusParams,
  ) {}

  generator(iteration: number): Uint8Array {
    let g = this.generators.get(iteration);
    if (g === undefined) {
      const [winner] = extractCommittee(
        this.provisioners,
        this.seed,
        this.round,
        stepNumber(iteration, StepKind.Proposal),
        1,
        this.params.creditStakeUnit,
        null,
      );
      if (winner === undefined) throw new Error("sortition: no eligible provisioner");
      g = winner.publicKey;
      this.generators.set(iteration, g);
    }
    return g;
  }

  committee(iteration: number, step: StepKind.Validation | StepKind.Ratification): Committee {
    const key = `${iteration}/${step}`;
    let c = this.committees.get(key);
    if (c === undefined) {
      const exclude = this.provisioners.length > 1 ? this.generator(iteration) : null;
      const members = extractCommittee(
        this.provisioners,
        this.seed,
        this.round,
        stepNumber(iteration, step),
        this.params.committeeCredits,
        this.params.creditStakeUnit,
        exclude,
      );
      // n of the quorum rules is the credits actually extracted (all 64 unless stakes run out).
      c = new Committee(
        members,
        members.reduce((sum, m) => sum + m.credits, 0),
      );
      this.committees.set(key, c);
    }
    return c;
  }
}
