/**
 * `ProofVerifier`: the zero-knowledge verifier as a `WorkerEntrypoint`, so a NodeDO can hand a
 * block's proofs to parallel invocations over a service binding (DESIGN.md: "workers/verifier
 * (stateless: proofs, BLS batches)"). The work is `verifyBatch` from workers/verifier/zk, the same
 * pure code a caller can run inline; this class only adds the RPC surface and an isolate-wide
 * prepared-key cache.
 *
 * Errors come back as data (`{valid: false, code, message}` per item, or `{ok: false, code,
 * message}` for a refused request), because Workers RPC drops custom error fields.
 *
 * To expose it from a worker: `export { ProofVerifier } from "../verifier/entrypoint.js"` in the
 * main module, then `ctx.exports.ProofVerifier` or a `services` binding with `entrypoint`.
 */

import { WorkerEntrypoint } from "cloudflare:workers";
import { isProtocolError, type ProtocolErrorCode } from "../../protocol/errors.js";
import { PreparedKeyCache } from "./zk/index.js";
import { type VerifyBatchReply, type VerifyBatchRequest, verifyBatch } from "./zk/service.js";

/** Prepared keys live as long as the isolate; bounded like every cache. */
const cache = new PreparedKeyCache(64);

export type ProofVerifierReply =
  | ({ ok: true } & VerifyBatchReply)
  | { ok: false; code: ProtocolErrorCode | "INTERNAL"; message: string };

export class ProofVerifier extends WorkerEntrypoint {
  /** Verifies a batch of binary Groth16 / PLONK proofs (docs/ZK.md). */
  async verifyBatch(request: VerifyBatchRequest): Promise<ProofVerifierReply> {
    try {
      return { ok: true, ...verifyBatch(request, cache) };
    } catch (e) {
      if (isProtocolError(e)) return { ok: false, code: e.code, message: e.message };
      console.error(JSON.stringify({ level: "error", at: "ProofVerifier.verifyBatch", error: String(e) }));
      return { ok: false, code: "INTERNAL", message: "internal error" };
    }
  }
}
