/**
 * The batch verification service behind `ProofVerifier` (workers/verifier/entrypoint.ts), also
 * callable inline: a list of binary proofs of any keys and both protocols in, one verdict per item
 * out. Groth16 items that share a key are checked together with one final exponentiation
 * (docs/ZK.md "Batch"); PLONK items one by one.
 *
 * Replies are plain data (Workers RPC drops custom error fields): each item is `{valid}` or
 * `{valid: false, code, message}` for input refused before any pairing.
 */

import { bytesToHex } from "@noble/hashes/utils.js";
import { ProtocolError, type ProtocolErrorCode } from "../../../protocol/errors.js";
import { fail } from "./curve.js";
import {
  defaultKeyCache,
  MAX_BATCH_PROOFS,
  type PreparedKeyCache,
  verifyGroth16BatchBinary,
  verifyPlonkBinary,
  type ZkProtocol,
} from "./index.js";

export interface VerifyItem {
  protocol: ZkProtocol;
  /** Binary verification key (docs/ZK.md). */
  vk: Uint8Array;
  /** Binary proof. */
  proof: Uint8Array;
  /** Public inputs, n x 32-byte big-endian scalars. */
  inputs: Uint8Array;
}

export interface VerifyBatchRequest {
  items: VerifyItem[];
  /** Optional randomness mixed into the Groth16 batch weights. */
  randomness?: Uint8Array;
}

export type ItemVerdict = { valid: boolean } | { valid: false; code: ProtocolErrorCode; message: string };

export interface VerifyBatchReply {
  /** True when every item is valid. */
  valid: boolean;
  results: ItemVerdict[];
  /** Groth16 groups decided by one combined check (a failed group is re-checked proof by proof). */
  combinedGroups: number;
}

const refusal = (e: unknown): ItemVerdict => {
  const err = e instanceof ProtocolError ? e : new ProtocolError("ZK_MALFORMED_PROOF", String(e));
  return { valid: false, code: err.code, message: err.message };
};

export function verifyBatch(
  request: VerifyBatchRequest,
  cache: PreparedKeyCache = defaultKeyCache,
): VerifyBatchReply {
  const items = request.items;
  if (!Array.isArray(items)) fail("ZK_MALFORMED_PROOF", "verifyBatch: items must be an array");
  if (items.length > MAX_BATCH_PROOFS) {
    fail("ZK_BATCH_TOO_LARGE", `batch of ${items.length} proofs exceeds the limit of ${MAX_BATCH_PROOFS}`, {
      count: items.length,
      limit: MAX_BATCH_PROOFS,
    });
  }
  const results: ItemVerdict[] = new Array(items.length);
  // Groth16 items grouped by key bytes; a key that does not decode refuses its whole group.
  const groups = new Map<string, number[]>();
  const bytesOk = (item: VerifyItem | undefined) =>
    item?.vk instanceof Uint8Array && item.proof instanceof Uint8Array && item.inputs instanceof Uint8Array;
  items.forEach((item, i) => {
    if (item?.protocol !== "groth16" && item?.protocol !== "plonk") {
      results[i] = refusal(
        new ProtocolError("ZK_UNSUPPORTED", `item ${i}: protocol must be groth16 or plonk`),
      );
    } else if (!bytesOk(item)) {
      results[i] = refusal(
        new ProtocolError("ZK_MALFORMED_PROOF", `item ${i}: vk, proof and inputs must be bytes`),
      );
    } else if (item.protocol === "groth16") {
      const k = bytesToHex(item.vk);
      const g = groups.get(k);
      if (g) g.push(i);
      else groups.set(k, [i]);
    } else {
      try {
        results[i] = { valid: verifyPlonkBinary(item.vk, item.proof, item.inputs, cache) };
      } catch (e) {
        results[i] = refusal(e);
      }
    }
  });
  let combinedGroups = 0;
  for (const indices of groups.values()) {
    const vk = items[indices[0]!]!.vk;
    try {
      const outcome = verifyGroth16BatchBinary(
        {
          vk,
          items: indices.map((i) => ({ proof: items[i]!.proof, inputs: items[i]!.inputs })),
          ...(request.randomness ? { randomness: request.randomness } : {}),
        },
        cache,
      );
      if (outcome.combined) combinedGroups++;
      const malformed = new Map(outcome.malformed.map((m) => [m.index, m]));
      const invalid = new Set(outcome.invalid);
      indices.forEach((itemIndex, k) => {
        const m = malformed.get(k);
        results[itemIndex] = m
          ? { valid: false, code: m.code, message: m.message }
          : { valid: !invalid.has(k) };
      });
    } catch (e) {
      for (const i of indices) results[i] = refusal(e);
    }
  }
  return { valid: results.every((r) => r.valid), results, combinedGroups };
}
