/**
 * BLAKE3 hashing with domain separation, and a binary Merkle root.
 * Domains keep a hash of one kind of object from ever equalling a hash of another kind.
 */

import { blake3 } from "@noble/hashes/blake3.js";
import { utf8 } from "./bytes.js";

export const HASH_BYTES = 32;

export function hash(data: Uint8Array): Uint8Array {
  return blake3(data);
}

const domainKeys = new Map<string, Uint8Array>();

/** BLAKE3 in keyed mode with a 32-byte key derived from the domain name. */
export function domainHash(domain: string, data: Uint8Array): Uint8Array {
  let key = domainKeys.get(domain);
  if (key === undefined) {
    key = blake3(utf8.encode(`dusk-edge/${domain}`));
    domainKeys.set(domain, key);
  }
  return blake3(data, { key });
}

const EMPTY_ROOT = domainHash("merkle-empty", new Uint8Array(0));

/**
 * Merkle root over leaf hashes: leaves and inner nodes are hashed in distinct domains (no
 * second-preimage between levels); an odd node is promoted unchanged to the next level.
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  // A copy: a caller tampering with a returned root must not change every later empty root.
  if (leaves.length === 0) return EMPTY_ROOT.slice();
  let level = leaves.map((l) => domainHash("merkle-leaf", l));
  const pair = new Uint8Array(64);
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += 2) {
      const right = level[i + 1];
      if (right === undefined) {
        next.push(level[i]!);
        continue;
      }
      pair.set(level[i]!, 0);
      pair.set(right, 32);
      next.push(domainHash("merkle-node", pair));
    }
    level = next;
  }
  return level[0]!;
}
