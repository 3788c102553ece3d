/**
 * One step's committee: its members in bitset order, their credits, and the quorum rules
 * (../shared/DESIGN.md, "Votes"): Valid needs n - floor(n/3) credits (43 of 64), every other
 * outcome floor(n/2) + 1 (33 of 64), where n is the committee's credit count.
 */

import { VoteKind } from "../../protocol/attestation.js";
import type { CommitteeMember } from "./sortition.js";
import { keyHex } from "./sortition.js";

export class Committee {
  private readonly indexByKey = new Map<string, number>();

  constructor(
    readonly members: readonly CommitteeMember[],
    /** Credits the committee holds (64 by default), the n of the quorum rules. */
    readonly totalCredits: number,
  ) {
    for (const [i, m] of members.entries()) this.indexByKey.set(keyHex(m.publicKey), i);
  }

  indexOf(publicKey: Uint8Array): number {
    return this.indexByKey.get(keyHex(publicKey)) ?? -1;
  }

  creditsOf(publicKey: Uint8Array): number {
    const i = this.indexOf(publicKey);
    return i === -1 ? 0 : this.members[i]!.credits;
  }

  /** Credits needed for a quorum on `kind`. */
  quorum(kind: VoteKind): number {
    const n = this.totalCredits;
    // Valid (supermajority): n - floor(n/3); other outcomes (majority): floor(n/2) + 1.
    return kind === VoteKind.Valid ? n - Math.floor(n / 3) : Math.floor(n / 2) + 1;
  }

  /** Sum of credits of the members whose bits are set; -1 if a bit names no member. */
  creditsOfBitset(bitset: bigint): number {
    if (bitset >> BigInt(this.members.length) !== 0n) return -1;
    let sum = 0;
    for (let i = 0; i < this.members.length; i++) {
      if ((bitset >> BigInt(i)) & 1n) sum += this.members[i]!.credits;
    }
    return sum;
  }

  membersOfBitset(bitset: bigint): CommitteeMember[] {
    return this.members.filter((_, i) => ((bitset >> BigInt(i)) & 1n) === 1n);
  }
}
