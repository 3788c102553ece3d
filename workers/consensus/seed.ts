/**
 * Block seeds (../shared/DESIGN.md, "Attestation"): the seed of a block is its generator's BLS
 * signature over the parent's seed, domain-separated. BLS signatures are deterministic, so the
 * generator cannot grind it, and nobody can predict it before the generator signs.
 */

import { blsVerify, type G1Point } from "../../protocol/bls.js";
import { domainHash } from "../../protocol/hash.js";

export function seedMessage(prevSeed: Uint8Array): Uint8Array {
  return domainHash("seed", prevSeed);
}

export function verifySeed(generator: G1Point, prevSeed: Uint8Array, seed: Uint8Array): boolean {
  return blsVerify(generator, seedMessage(prevSeed), seed);
}
