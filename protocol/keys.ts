/**
 * Deterministic development keys: the same seed string always gives the same provisioner
 * (BLS) and account (Ed25519) keys, so a devnet, its tests and its CLI agree without sharing
 * files. Never use dev keys for real funds: the seed is the secret.
 */

import { type BlsKeyPair, blsKeyFromSeed } from "./bls.js";
import { utf8 } from "./bytes.js";
import { type Ed25519KeyPair, ed25519KeyFromSeed } from "./ed25519.js";
import { domainHash } from "./hash.js";

export function devProvisionerKey(seed: string, index: number): BlsKeyPair {
  return blsKeyFromSeed(domainHash("dev-provisioner", utf8.encode(`${seed}/${index}`)));
}

export function devAccountKey(seed: string, index: number): Ed25519KeyPair {
  return ed25519KeyFromSeed(domainHash("dev-account", utf8.encode(`${seed}/${index}`)));
}
