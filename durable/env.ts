/** Bindings and vars of the worker (wrangler.jsonc), shared by the gateway and NodeDO. */

import type { SimulateRequest, SimulateResponse } from "../workers/executor/contracts/simulate.js";
import type { DevnetVars } from "./devnet-config.js";
import type { NodeDO } from "./node-do.js";

export interface Env extends DevnetVars {
  readonly NODE: DurableObjectNamespace<NodeDO>;
  /** "false" stops the gateway from waking every node on its first request (tests). */
  readonly DEVNET_AUTOSTART?: string;
  /** The stateless contract executor (durable/contract-executor.ts); inline when absent. */
  readonly EXECUTOR?: { simulate(request: SimulateRequest): Promise<SimulateResponse> };
}
