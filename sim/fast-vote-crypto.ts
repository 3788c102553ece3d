/**
 * A fast, deterministic stand-in for BLS12-381 behind the same `VoteCrypto` port, for large
 * simulator sweeps (BLS in JS costs about 17 ms per signature).
 *
 *   signature(sk, m)  = BLAKE3-keyed(key = sk, m), 96 bytes (the BLS signature size)
 *   aggregate(sigs)   = sum of the signatures as little-endian integers mod 2^768
 *   verify*(pk, ...)  recomputes each signature from the secret the oracle holds for `pk`
 *
 * The oracle knows every simulated provisioner's secret key; byzantine actors only ever hold
 * their own (they sign through `sign` with it), so they cannot forge anyone else's signature:
 * a keyed hash is a MAC. Aggregation keeps BLS's algebra where the core relies on it (sums
 * commute, an aggregate of one is the signature itself, a sum can hide two compensating bad
 * parts exactly as a BLS aggregate can). Every verification call is still made and counted by
 * `CountingVoteCrypto`; only its cost changes.
 */

import { blake3 } from "@noble/hashes/blake3.js";
import { BLS_SIGNATURE_BYTES } from "../protocol/bls.js";
import { toHex } from "../protocol/bytes.js";
import { ProtocolError } from "../protocol/errors.js";
import type { VoteCrypto } from "../workers/consensus/vote-crypto.js";

export class FastVoteCrypto implements VoteCrypto {
  /** Public key (hex) → secret key: the oracle. */
  private readonly secrets = new Map<string, Uint8Array>();

  constructor(keys: ReadonlyArray<{ readonly publicKey: Uint8Array; readonly secretKey: Uint8Array }>) {
    for (const k of keys) this.secrets.set(toHex(k.publicKey), k.secretKey);
  }

  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
    return blake3(message, { key: secretKey, dkLen: BLS_SIGNATURE_BYTES });
  }

  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    const expected = this.expected(publicKey, message);
    return expected !== null && equal(expected, signature);
  }

  verifySameMessage(
    publicKeys: readonly Uint8Array[],
    message: Uint8Array,
    signatures: readonly Uint8Array[],
  ): boolean {
    if (publicKeys.length === 0 || publicKeys.length !== signatures.length) return false;
    if (signatures.some((s) => s.length !== BLS_SIGNATURE_BYTES)) return false;
    return this.verifyAggregate(publicKeys, message, sum(signatures));
  }

  aggregate(signatures: readonly Uint8Array[]): Uint8Array {
    if (signatures.length === 0) throw new ProtocolError("INVALID_SIGNATURE", "nothing to aggregate", {});
    if (signatures.some((s) => s.length !== BLS_SIGNATURE_BYTES)) {
      throw new ProtocolError("INVALID_SIGNATURE", `a signature is not ${BLS_SIGNATURE_BYTES} bytes`, {});
    }
    return sum(signatures);
  }

  verifyAggregate(publicKeys: readonly Uint8Array[], message: Uint8Array, aggregate: Uint8Array): boolean {
    if (publicKeys.length === 0 || aggregate.length !== BLS_SIGNATURE_BYTES) return false;
    const parts: Uint8Array[] = [];
    for (const pk of publicKeys) {
      const s = this.expected(pk, message);
      if (s === null) return false;
      parts.push(s);
    }
    return equal(sum(parts), aggregate);
  }

  checkPublicKey(publicKey: Uint8Array): void {
    if (!this.secrets.has(toHex(publicKey))) {
      throw new ProtocolError("INVALID_KEY", "public key unknown to the simulator's signature oracle", {});
    }
  }

  private expected(publicKey: Uint8Array, message: Uint8Array): Uint8Array | null {
    const secret = this.secrets.get(toHex(publicKey));
    return secret === undefined ? null : this.sign(secret, message);
  }
}

/** Sum of 96-byte little-endian integers modulo 2^768. */
function sum(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(BLS_SIGNATURE_BYTES);
  for (const p of parts) {
    let carry = 0;
    for (let i = 0; i < BLS_SIGNATURE_BYTES; i++) {
      const v = out[i]! + p[i]! + carry;
      out[i] = v & 0xff;
      carry = v >> 8;
    }
  }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
