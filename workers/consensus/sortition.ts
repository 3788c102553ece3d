/**
 * Stake-weighted deterministic sortition (../shared/DESIGN.md, "Sortition"; after Dusk's
 * `Committee::new`). Eligible provisioners are sorted by public key; for credit i,
 *   score = int(H(seed || round || step || i)) mod total_weight
 * and the list is walked subtracting weights until the score falls inside one provisioner's
 * weight. The winner's weight then drops by one stake unit, so a large stake wins many credits
 * but not all of them. Everyone derives the same committee from the same seed.
 *
 * The round is hashed in beside the seed as extra domain separation (the seed already changes
 * every block; this only guards a seed repeated by a failed round).
 */

import { compareBytes, toHex } from "../../protocol/bytes.js";
import { Writer } from "../../protocol/codec.js";
import { domainHash } from "../../protocol/hash.js";

export interface Provisioner {
  readonly publicKey: Uint8Array;
  readonly stake: bigint;
}

export interface CommitteeMember {
  readonly publicKey: Uint8Array;
  readonly credits: number;
}

function bytesToBigInt(b: Uint8Array): bigint {
  let v = 0n;
  for (const byte of b) v = (v << 8n) | BigInt(byte);
  return v;
}

function score(seed: Uint8Array, round: number, step: number, credit: number, totalWeight: bigint): bigint {
  const w = new Writer(128).raw(seed).u64(BigInt(round)).u16(step).u16(credit);
  return bytesToBigInt(domainHash("sortition", w.finish())) % totalWeight;
}

/**
 * Extracts `credits` credits among `provisioners` (already filtered for eligibility), skipping
 * `exclude`. Returns members in public-key order (the order of attestation bitsets).
 */
export function extractCommittee(
  provisioners: readonly Provisioner[],
  seed: Uint8Array,
  round: number,
  step: number,
  credits: number,
  stakeUnit: bigint,
  exclude: Uint8Array | null,
): CommitteeMember[] {
  const list = provisioners
    .filter((p) => exclude === null || compareBytes(p.publicKey, exclude) !== 0)
    .slice()
    .sort((a, b) => compareBytes(a.publicKey, b.publicKey));
  const weights = list.map((p) => p.stake);
  let total = weights.reduce((a, b) => a + b, 0n);
  const won = new Array<number>(list.length).fill(0);
  for (let credit = 0; credit < credits && total > 0n; credit++) {
    let s = score(seed, round, step, credit, total);
    for (let j = 0; j < list.length; j++) {
      const w = weights[j]!;
      if (s < w) {
        won[j]! += 1;
        const cut = w < stakeUnit ? w : stakeUnit;
        weights[j] = w - cut;
        total -= cut;
        break;
      }
      s -= w;
    }
  }
  const members: CommitteeMember[] = [];
  for (let j = 0; j < list.length; j++) {
    if (won[j]! > 0) members.push({ publicKey: list[j]!.publicKey, credits: won[j]! });
  }
  return members;
}

/** Global step number within a round: three steps per iteration. */
export function stepNumber(iteration: number, step: 0 | 1 | 2): number {
  return iteration * 3 + step;
}

export function keyHex(publicKey: Uint8Array): string {
  return toHex(publicKey);
}
