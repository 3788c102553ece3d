/**
 * Batched signature checks for sync (issue 11): the attestations, generator signatures and seeds
 * of a run of blocks are collected by replaying the node's own checks against a recording
 * `VoteCrypto`, verified together with one final exponentiation (`verifySignatureSets`), and
 * then handed to a `PreverifiedVoteCrypto`, so the node's ordinary per-block checks find them
 * proven instead of running two pairings each. Nothing is trusted that the ordinary path would
 * not check: a set that the batch did not prove falls through to a real verification, and a batch
 * that fails proves nothing, so the per-block path names the bad block.
 */

import { type PublicKeyCache, type SignatureSet, verifySignatureSets } from "../../protocol/bls.js";
import { toHex, utf8 } from "../../protocol/bytes.js";
import { domainHash, hash } from "../../protocol/hash.js";
import type { VoteCrypto } from "./vote-crypto.js";

/** One signature claim as the node's checks make it: an aggregate of `publicKeys` over `message`. */
export interface SignatureClaim {
  readonly publicKeys: readonly Uint8Array[];
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
}

/** Identity of a claim: the hash of its keys, message and signature. */
export function claimKey(claim: SignatureClaim): string {
  return toHex(hash(concatBytes(...claim.publicKeys, hash(claim.message), claim.signature)));
}

/**
 * Records every verification the node's checks ask for and answers true, so one pass over a
 * batch lists the claims that the blocks stand on. Never used to accept anything by itself.
 */
export class RecordingVoteCrypto implements VoteCrypto {
  readonly claims: SignatureClaim[] = [];
  constructor(private readonly maxClaims: number) {}

  sign(): Uint8Array {
    throw new Error("RecordingVoteCrypto cannot sign");
  }
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    return this.record({ publicKeys: [publicKey], message, signature });
  }
  verifySameMessage(): boolean {
    return false; // single votes are not part of a block's proof; the real check runs later
  }
  aggregate(): Uint8Array {
    throw new Error("RecordingVoteCrypto cannot aggregate");
  }
  verifyAggregate(publicKeys: readonly Uint8Array[], message: Uint8Array, aggregate: Uint8Array): boolean {
    return this.record({ publicKeys, message, signature: aggregate });
  }
  checkPublicKey(): void {}

  private record(claim: SignatureClaim): boolean {
    if (this.claims.length >= this.maxClaims) return false; // bounded: the rest is checked one by one
    this.claims.push(claim);
    return true;
  }
}

/**
 * Verifies claims in one batch. The 64-bit scalars are derived from a secret salt and the
 * claims themselves: the peer that sent the blocks cannot predict them (the salt is this node's),
 * and the same batch always gets the same scalars (deterministic, replayable).
 */
export function verifyClaims(
  claims: readonly SignatureClaim[],
  keys: PublicKeyCache,
  salt: Uint8Array,
): boolean {
  if (claims.length === 0) return true;
  const sets: SignatureSet[] = [];
  try {
    for (const c of claims) {
      if (c.publicKeys.length === 0) return false;
      let pk = keys.get(c.publicKeys[0]!);
      for (let i = 1; i < c.publicKeys.length; i++) pk = pk.add(keys.get(c.publicKeys[i]!));
      sets.push({ publicKey: pk, message: c.message, signature: c.signature });
    }
  } catch {
    return false; // an undecodable key: the per-block path reports it
  }
  const digest = domainHash("sync-batch", concatBytes(salt, utf8.encode(claims.map(claimKey).join(""))));
  const scalars = claims.map((_, i) => scalarOf(digest, i));
  return verifySignatureSets(sets, scalars);
}

function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Non-zero 64-bit scalar number `i` of a batch. */
function scalarOf(digest: Uint8Array, i: number): bigint {
  const index = new Uint8Array(4);
  new DataView(index.buffer).setUint32(0, i, true);
  const bytes = hash(concatBytes(digest, index));
  let r = 0n;
  for (let b = 0; b < 8; b++) r = (r << 8n) | BigInt(bytes[b]!);
  return r === 0n ? 1n : r;
}

/**
 * The node's `VoteCrypto` with a bounded set of claims already proven by a batch: a proven claim
 * verifies without a pairing, anything else goes to the real scheme.
 */
export class PreverifiedVoteCrypto implements VoteCrypto {
  private readonly proven = new Set<string>();
  constructor(
    private readonly inner: VoteCrypto,
    private readonly maxProven: number,
  ) {}

  /** Marks claims proven (the caller verified them together); bounded, oldest forgotten. */
  prove(claims: readonly SignatureClaim[]): void {
    for (const c of claims) {
      if (this.proven.size >= this.maxProven) {
        const oldest = this.proven.values().next().value;
        if (oldest !== undefined) this.proven.delete(oldest);
      }
      this.proven.add(claimKey(c));
    }
  }
  forget(): void {
    this.proven.clear();
  }
  get provenCount(): number {
    return this.proven.size;
  }

  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
    return this.inner.sign(secretKey, message);
  }
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (this.proven.size > 0 && this.proven.has(claimKey({ publicKeys: [publicKey], message, signature })))
      return true;
    return this.inner.verify(publicKey, message, signature);
  }
  verifySameMessage(
    publicKeys: readonly Uint8Array[],
    message: Uint8Array,
    signatures: readonly Uint8Array[],
  ): boolean {
    return this.inner.verifySameMessage(publicKeys, message, signatures);
  }
  aggregate(signatures: readonly Uint8Array[]): Uint8Array {
    return this.inner.aggregate(signatures);
  }
  verifyAggregate(publicKeys: readonly Uint8Array[], message: Uint8Array, aggregate: Uint8Array): boolean {
    if (this.proven.size > 0 && this.proven.has(claimKey({ publicKeys, message, signature: aggregate })))
      return true;
    return this.inner.verifyAggregate(publicKeys, message, aggregate);
  }
  checkPublicKey(publicKey: Uint8Array): void {
    this.inner.checkPublicKey(publicKey);
  }
}
