/**
 * Block seeds (../shared/DESIGN.md, "Attestation"): the seed of a block is its generator's BLS
 * signature over the parent's seed, domain-separated. BLS signatures are deterministic, so the
 * generator cannot grind it, and nobody can predict it before the generator signs.
 */

import { domainHash } from "../../protocol/hash.js";
import type { VoteCrypto } from "./vote-crypto.js";

export function seedMessage(prevSeed: Uint8Array): Uint8Array {
  return domainHash("seed", prevSeed);
}

export function verifySeed(
  crypto: VoteCrypto,
  generator: Uint8Array,
  prevSeed: Uint8Array,
  seed: Uint8Array,
): boolean {
  return crypto.verify(generator, seedMessage(prevSeed), seed);
}
