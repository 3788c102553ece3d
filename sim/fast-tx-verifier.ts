/**
 * Fast Ed25519 verification for simulator sweeps: the simulator's workload signs every
 * transaction with real Ed25519 and registers it here; verification answers from that registry
 * (a signature is valid iff the workload made exactly it). Sound inside the simulator, where
 * the workload is the only source of transactions; the BLS mode uses the real noble verifier.
 * Bounded: the registry refuses more than `limit` entries.
 */

import { concatBytes, toHex } from "../protocol/bytes.js";
import type { SignatureCheck, SignatureVerifier } from "../protocol/ed25519.js";
import { hash } from "../protocol/hash.js";

export class FastTxVerifier implements SignatureVerifier {
  private readonly known = new Set<string>();
  calls = 0;

  constructor(readonly limit: number) {}

  register(check: SignatureCheck): void {
    if (this.known.size >= this.limit) throw new Error(`FastTxVerifier: over its limit of ${this.limit}`);
    this.known.add(keyOf(check));
  }

  async verifyBatch(checks: readonly SignatureCheck[]): Promise<boolean[]> {
    this.calls += checks.length;
    return checks.map((c) => this.known.has(keyOf(c)));
  }
}

function keyOf(c: SignatureCheck): string {
  return toHex(hash(concatBytes(c.publicKey, c.message, c.signature)));
}
