/**
 * Kademlia node ids (../shared/DESIGN.md, "Network"): id = domain hash of the node's public key,
 * 256 bits; distance = XOR; a peer lives in bucket i of a node when the highest bit in which their
 * ids differ is bit i (bit 255 = the top bit of byte 0). Bucket i thus holds the half of the id
 * space at distance [2^i, 2^(i+1)), which is what Kadcast's height rule partitions on.
 */

import { toHex } from "../../protocol/bytes.js";
import { domainHash } from "../../protocol/hash.js";
import type { Rng } from "./rng.js";

export const ID_BYTES = 32;
/** One bucket per bit of the id. */
export const ID_BITS = ID_BYTES * 8;

export type NodeId = Uint8Array;

/** Node id of a public key (any key format: the id only needs to be bound to the key). */
export function nodeIdFromPublicKey(publicKey: Uint8Array): NodeId {
  return domainHash("kadcast-node-id", publicKey);
}

export function idHex(id: NodeId): string {
  return toHex(id);
}

/** XOR distance as bytes (big-endian: compare with `compareDistance`). */
export function xorDistance(a: NodeId, b: NodeId): Uint8Array {
  const out = new Uint8Array(ID_BYTES);
  for (let i = 0; i < ID_BYTES; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** Sign of dist(target, a) - dist(target, b), without allocating. */
export function compareDistance(target: NodeId, a: NodeId, b: NodeId): number {
  for (let i = 0; i < ID_BYTES; i++) {
    const da = a[i]! ^ target[i]!;
    const db = b[i]! ^ target[i]!;
    if (da !== db) return da < db ? -1 : 1;
  }
  return 0;
}

/** Index of the highest differing bit (0..255), or -1 for equal ids. */
export function bucketIndex(self: NodeId, other: NodeId): number {
  for (let i = 0; i < ID_BYTES; i++) {
    const x = self[i]! ^ other[i]!;
    if (x !== 0) return (ID_BYTES - 1 - i) * 8 + (31 - Math.clz32(x));
  }
  return -1;
}

/** A uniformly random id that lands in bucket `index` of `self` (for bucket refresh lookups). */
export function randomIdInBucket(self: NodeId, index: number, rng: Rng): NodeId {
  const out = new Uint8Array(ID_BYTES);
  for (let i = 0; i < ID_BYTES; i++) out[i] = rng.nextU32() & 0xff;
  const byte = ID_BYTES - 1 - (index >> 3);
  const bit = index & 7;
  // Bytes above the differing byte copy self; the differing bit flips; lower bits stay random.
  for (let i = 0; i < byte; i++) out[i] = self[i]!;
  const high = 0xff << (bit + 1);
  out[byte] = (self[byte]! & high) | (~self[byte]! & (1 << bit)) | (out[byte]! & ((1 << bit) - 1));
  return out;
}
