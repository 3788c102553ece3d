/**
 * The signature scheme of provisioners, behind one interface so the deterministic simulator can
 * swap in a fast scheme for large sweeps (every verification call is still made, forgery stays
 * impossible for byzantine nodes) while production uses BLS12-381.
 *
 * Keys and signatures travel as bytes; the BLS implementation keeps decoded public keys in a
 * bounded cache (decoding with its subgroup check costs about 1 ms).
 */

import {
  aggregateSignaturesFast,
  blsSign,
  blsVerify,
  PublicKeyCache,
  verifyAggregateSameMessage,
  verifySameMessageVotes,
} from "../../protocol/bls.js";

export interface VoteCrypto {
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** Never throws: malformed input is false. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /**
   * `signatures[i]` by `publicKeys[i]`, all over `message`: true when their aggregate verifies
   * (which says nothing about each part on its own). Never throws.
   */
  verifySameMessage(
    publicKeys: readonly Uint8Array[],
    message: Uint8Array,
    signatures: readonly Uint8Array[],
  ): boolean;
  aggregate(signatures: readonly Uint8Array[]): Uint8Array;
  /** One aggregate signature of `publicKeys` over the same `message`. Never throws. */
  verifyAggregate(publicKeys: readonly Uint8Array[], message: Uint8Array, aggregate: Uint8Array): boolean;
  /** Throws ProtocolError INVALID_KEY for an unusable key; warms caches for a known one. */
  checkPublicKey(publicKey: Uint8Array): void;
}

export class BlsVoteCrypto implements VoteCrypto {
  private readonly keys: PublicKeyCache;

  constructor(options: { maxCachedKeys?: number } = {}) {
    this.keys = new PublicKeyCache(options.maxCachedKeys ?? 10_000);
  }

  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
    return blsSign(secretKey, message);
  }

  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      return blsVerify(this.keys.get(publicKey), message, signature);
    } catch {
      return false;
    }
  }

  verifySameMessage(
    publicKeys: readonly Uint8Array[],
    message: Uint8Array,
    signatures: readonly Uint8Array[],
  ): boolean {
    try {
      return verifySameMessageVotes(
        publicKeys.map((k) => this.keys.get(k)),
        message,
        signatures,
      );
    } catch {
      return false;
    }
  }

  aggregate(signatures: readonly Uint8Array[]): Uint8Array {
    return aggregateSignaturesFast(signatures);
  }

  verifyAggregate(publicKeys: readonly Uint8Array[], message: Uint8Array, aggregate: Uint8Array): boolean {
    try {
      return verifyAggregateSameMessage(
        publicKeys.map((k) => this.keys.get(k)),
        message,
        aggregate,
      );
    } catch {
      return false;
    }
  }

  checkPublicKey(publicKey: Uint8Array): void {
    this.keys.get(publicKey);
  }
}

/** Counts the verifications made through `inner` (metrics: proof verifications per node). */
export class CountingVoteCrypto implements VoteCrypto {
  verifications = 0;
  constructor(private readonly inner: VoteCrypto) {}
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
    return this.inner.sign(secretKey, message);
  }
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    this.verifications += 1;
    return this.inner.verify(publicKey, message, signature);
  }
  verifySameMessage(
    publicKeys: readonly Uint8Array[],
    message: Uint8Array,
    signatures: readonly Uint8Array[],
  ): boolean {
    this.verifications += 1;
    return this.inner.verifySameMessage(publicKeys, message, signatures);
  }
  aggregate(signatures: readonly Uint8Array[]): Uint8Array {
    return this.inner.aggregate(signatures);
  }
  verifyAggregate(publicKeys: readonly Uint8Array[], message: Uint8Array, aggregate: Uint8Array): boolean {
    this.verifications += 1;
    return this.inner.verifyAggregate(publicKeys, message, aggregate);
  }
  checkPublicKey(publicKey: Uint8Array): void {
    this.inner.checkPublicKey(publicKey);
  }
}
