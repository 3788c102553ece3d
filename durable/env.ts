/** Bindings and vars of the worker (wrangler.jsonc), shared by the gateway and NodeDO. */

import type { SimulateRequest, SimulateResponse } from "../workers/executor/contracts/simulate.js";
import type { ProofVerifierReply } from "../workers/verifier/entrypoint.js";
import type { VerifyBatchRequest } from "../workers/verifier/zk/service.js";
import type { ApiKeyDO } from "./api-key-do.js";
import type { ArchiverDO } from "./archive/archiver-do.js";
import type { DevnetVars } from "./devnet-config.js";
import type { NodeDO } from "./node-do.js";
import type { SubscriptionsDO } from "./subscriptions-do.js";

export interface Env extends DevnetVars {
  readonly NODE: DurableObjectNamespace<NodeDO>;
  /** "false" stops the gateway from waking every node on its first request (tests). */
  readonly DEVNET_AUTOSTART?: string;
  /** The stateless contract executor (durable/contract-executor.ts); inline when absent. */
  readonly EXECUTOR?: { simulate(request: SimulateRequest): Promise<SimulateResponse> };
  /** The ProofVerifier entrypoint (workers/verifier/entrypoint.ts): a block's shielded proofs. */
  readonly VERIFIER?: { verifyBatch(request: VerifyBatchRequest): Promise<ProofVerifierReply> };
  /** One object per API key plus a registry (durable/api-key-do.ts). */
  readonly API_KEYS?: DurableObjectNamespace<ApiKeyDO>;
  /** The D1 archive of final blocks (durable/archive/schema.ts, migrations/). */
  readonly ARCHIVE?: D1Database;
  /** The one object (`archiver`) that copies final blocks into ARCHIVE. */
  readonly ARCHIVER?: DurableObjectNamespace<ArchiverDO>;
  /** WebSocket subscription hubs, one per node (`subs-<i>`). */
  readonly SUBSCRIPTIONS?: DurableObjectNamespace<SubscriptionsDO>;
  /** "true": every metered request needs an API key. */
  readonly API_KEYS_REQUIRED?: string;
  /** Bearer token of the operator API and /metrics (a Workers secret); unset disables both. */
  readonly OPERATOR_TOKEN?: string;
  /** Seals operator provisioner keys at rest (a Workers secret; durable/keystore.ts). */
  readonly KEYSTORE_SECRET?: string;
  /** Comma-separated allowed origins for CORS, or "*" (the default). */
  readonly CORS_ORIGINS?: string;
}
