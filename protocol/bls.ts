/**
 * BLS12-381 signatures for provisioners and votes (min-pk: 48-byte G1 public keys, 96-byte G2
 * signatures), via @noble/curves. Same-message votes aggregate into one signature, so a whole
 * committee step verifies with one pairing check. Aggregation over one message is only safe
 * against rogue keys because every provisioner proves possession of its key at staking (PoP,
 * signed under a separate domain tag, as in the IETF BLS draft's proof-of-possession scheme).
 *
 * Decoding a public key costs a subgroup check (about 1 ms): `PublicKeyCache` keeps decoded
 * provisioner keys.
 */

import { bls12_381 } from "@noble/curves/bls12-381.js";
import { blake3 } from "@noble/hashes/blake3.js";
import { utf8 } from "./bytes.js";
import { ProtocolError } from "./errors.js";

const bls = bls12_381.longSignatures;

export const BLS_PUBLIC_KEY_BYTES = 48;
export const BLS_SIGNATURE_BYTES = 96;
export const BLS_SECRET_KEY_BYTES = 32;

/** Domain separation tags (hash-to-curve DSTs): signatures and PoPs never collide. */
const DST_SIGN = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
const DST_POP = "BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

export type G1Point = ReturnType<typeof bls.getPublicKey>;
export type G2Point = ReturnType<typeof bls.hash>;

export interface BlsKeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** KDF context for expanding seed material into keygen input (BLAKE3 derive-key mode). */
const KEYGEN_CONTEXT = utf8.encode("dusk-edge 2026 bls12-381 secret key from seed");
/** noble's keygen input length: 1.5 × the 32-byte group order, for a negligible modulo bias. */
const KEYGEN_INPUT_BYTES = 48;

/**
 * Deterministic key from 32+ bytes of seed material. noble's keygen takes exactly
 * `KEYGEN_INPUT_BYTES` bytes (it reduces them modulo the group order), so the seed is first
 * expanded to that length with BLAKE3 in derive-key mode.
 */
export function blsKeyFromSeed(seed: Uint8Array): BlsKeyPair {
  if (seed.length < 32) throw new ProtocolError("INVALID_KEY", "BLS seed must be at least 32 bytes", {});
  const material = blake3(seed, { context: KEYGEN_CONTEXT, dkLen: KEYGEN_INPUT_BYTES });
  const { secretKey, publicKey } = bls.keygen(material);
  return { secretKey, publicKey: publicKey.toBytes(true) };
}

export function blsSign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return bls.sign(bls.hash(message, DST_SIGN), secretKey).toBytes(true);
}

/** Decodes a compressed G1 public key with subgroup check; rejects the identity. */
export function decodePublicKey(bytes: Uint8Array): G1Point {
  if (bytes.length !== BLS_PUBLIC_KEY_BYTES) {
    throw new ProtocolError("INVALID_KEY", `BLS public key must be ${BLS_PUBLIC_KEY_BYTES} bytes`, {
      got: bytes.length,
    });
  }
  try {
    const p = bls12_381.G1.Point.fromBytes(bytes);
    if (p.is0()) throw new Error("identity");
    p.assertValidity();
    return p;
  } catch (e) {
    throw new ProtocolError("INVALID_KEY", "BLS public key is not a valid G1 point", { reason: String(e) });
  }
}

/** Decodes a compressed G2 signature with subgroup check. */
export function decodeSignature(bytes: Uint8Array): G2Point {
  if (bytes.length !== BLS_SIGNATURE_BYTES) {
    throw new ProtocolError("INVALID_SIGNATURE", `BLS signature must be ${BLS_SIGNATURE_BYTES} bytes`, {
      got: bytes.length,
    });
  }
  try {
    const p = bls12_381.G2.Point.fromBytes(bytes);
    p.assertValidity();
    return p;
  } catch (e) {
    throw new ProtocolError("INVALID_SIGNATURE", "BLS signature is not a valid G2 point", {
      reason: String(e),
    });
  }
}

export function blsVerify(
  publicKey: G1Point | Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    const pk = publicKey instanceof Uint8Array ? decodePublicKey(publicKey) : publicKey;
    return bls.verify(decodeSignature(signature), bls.hash(message, DST_SIGN), pk);
  } catch {
    return false;
  }
}

/** Sum of signatures (points already decoded and checked, or bytes to decode). */
export function aggregateSignatures(signatures: readonly Uint8Array[]): Uint8Array {
  if (signatures.length === 0) throw new ProtocolError("INVALID_SIGNATURE", "nothing to aggregate", {});
  return bls.aggregateSignatures(signatures.map(decodeSignature)).toBytes(true);
}

export function aggregatePublicKeys(keys: readonly G1Point[]): G1Point {
  if (keys.length === 0) throw new ProtocolError("INVALID_KEY", "nothing to aggregate", {});
  return bls.aggregatePublicKeys([...keys]);
}

/**
 * Verifies one aggregate signature by signers who all signed the same message: one pairing
 * check against the sum of their (PoP-checked, already decoded) public keys.
 */
export function verifyAggregateSameMessage(
  keys: readonly G1Point[],
  message: Uint8Array,
  aggregate: Uint8Array,
): boolean {
  if (keys.length === 0) return false;
  return blsVerify(aggregatePublicKeys(keys), message, aggregate);
}

/** Proof of possession: a signature over the public key itself under the PoP tag. */
export function blsProvePossession(keys: BlsKeyPair): Uint8Array {
  return bls.sign(bls.hash(keys.publicKey, DST_POP), keys.secretKey).toBytes(true);
}

export function blsVerifyPossession(publicKey: Uint8Array, proof: Uint8Array): boolean {
  try {
    return bls.verify(decodeSignature(proof), bls.hash(publicKey, DST_POP), decodePublicKey(publicKey));
  } catch {
    return false;
  }
}

/** Bounded cache of decoded public keys, keyed by their hex encoding. */
export class PublicKeyCache {
  private readonly map = new Map<string, G1Point>();
  constructor(private readonly maxEntries = 10_000) {}

  get(bytes: Uint8Array): G1Point {
    const key = hexKey(bytes);
    const hit = this.map.get(key);
    if (hit !== undefined) return hit;
    const point = decodePublicKey(bytes);
    if (this.map.size >= this.maxEntries) {
      const oldest = this.map.keys().next().value;
      if (oldest !== undefined) this.map.delete(oldest);
    }
    this.map.set(key, point);
    return point;
  }
}

function hexKey(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}
