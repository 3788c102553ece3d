/**
 * Wraps a `VoteCrypto` and counts every call (and the public keys each verification covers), so a
 * run reports how much consensus crypto it did whichever scheme is underneath. An optional
 * `timer` (injected: the simulator itself reads no clock) lets the benchmark attribute CPU time.
 */

import type { VoteCrypto } from "../workers/consensus/vote-crypto.js";

export interface CryptoCounts {
  sign: number;
  verify: number;
  verifySameMessage: number;
  aggregate: number;
  verifyAggregate: number;
  checkPublicKey: number;
  /** Public keys covered by all verification calls. */
  keysVerified: number;
  /** Time spent inside the wrapped scheme, in the timer's unit (0 without a timer), key checks excepted. */
  elapsedMs: number;
  /** Time spent in checkPublicKey (key decoding when a node opens), kept apart from consensus work. */
  checkPublicKeyMs: number;
}

export function emptyCounts(): CryptoCounts {
  return {
    sign: 0,
    verify: 0,
    verifySameMessage: 0,
    aggregate: 0,
    verifyAggregate: 0,
    checkPublicKey: 0,
    keysVerified: 0,
    elapsedMs: 0,
    checkPublicKeyMs: 0,
  };
}

export function addCounts(into: CryptoCounts, from: CryptoCounts): void {
  for (const k of Object.keys(into) as (keyof CryptoCounts)[]) into[k] += from[k];
}

export class CountingVoteCrypto implements VoteCrypto {
  constructor(
    private readonly inner: VoteCrypto,
    readonly counts: CryptoCounts = emptyCounts(),
    private readonly timer: (() => number) | null = null,
  ) {}

  private timed<T>(fn: () => T, field: "elapsedMs" | "checkPublicKeyMs" = "elapsedMs"): T {
    if (this.timer === null) return fn();
    const start = this.timer();
    try {
      return fn();
    } finally {
      this.counts[field] += this.timer() - start;
    }
  }

  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
    this.counts.sign += 1;
    return this.timed(() => this.inner.sign(secretKey, message));
  }

  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    this.counts.verify += 1;
    this.counts.keysVerified += 1;
    return this.timed(() => this.inner.verify(publicKey, message, signature));
  }

  verifySameMessage(
    publicKeys: readonly Uint8Array[],
    message: Uint8Array,
    signatures: readonly Uint8Array[],
  ): boolean {
    this.counts.verifySameMessage += 1;
    this.counts.keysVerified += publicKeys.length;
    return this.timed(() => this.inner.verifySameMessage(publicKeys, message, signatures));
  }

  aggregate(signatures: readonly Uint8Array[]): Uint8Array {
    this.counts.aggregate += 1;
    return this.timed(() => this.inner.aggregate(signatures));
  }

  verifyAggregate(publicKeys: readonly Uint8Array[], message: Uint8Array, aggregate: Uint8Array): boolean {
    this.counts.verifyAggregate += 1;
    this.counts.keysVerified += publicKeys.length;
    return this.timed(() => this.inner.verifyAggregate(publicKeys, message, aggregate));
  }

  checkPublicKey(publicKey: Uint8Array): void {
    this.counts.checkPublicKey += 1;
    this.timed(() => this.inner.checkPublicKey(publicKey), "checkPublicKeyMs");
  }
}
