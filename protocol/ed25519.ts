/**
 * Ed25519 for account transactions. Signing happens in wallets (noble); verification goes
 * through an injected `SignatureVerifier` so the runtime's native WebCrypto (about 50 µs per
 * verify in workerd, see workers/verifier/ed25519-webcrypto.ts) can be used where it exists,
 * with the pure noble verifier here as the fallback and for deterministic tests.
 */

import { ed25519 } from "@noble/curves/ed25519.js";

export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;

export interface Ed25519KeyPair {
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

export interface SignatureCheck {
  readonly publicKey: Uint8Array;
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** Verifies Ed25519 signatures; results come back in input order. */
export interface SignatureVerifier {
  verifyBatch(checks: readonly SignatureCheck[]): Promise<boolean[]>;
}

export function ed25519KeyFromSeed(seed: Uint8Array): Ed25519KeyPair {
  const secretKey = seed.slice(0, 32);
  return { secretKey, publicKey: ed25519.getPublicKey(secretKey) };
}

export function ed25519Sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  return ed25519.sign(message, secretKey);
}

/** Pure fallback verifier (about 1.25 ms per verify in Node, see ../shared/PLATFORM.md). */
export class NobleSignatureVerifier implements SignatureVerifier {
  async verifyBatch(checks: readonly SignatureCheck[]): Promise<boolean[]> {
    return checks.map((c) => {
      try {
        // zip215: false → RFC 8032 strict rules, matching WebCrypto's verifier.
        return ed25519.verify(c.signature, c.message, c.publicKey, { zip215: false });
      } catch {
        return false;
      }
    });
  }
}
