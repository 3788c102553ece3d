/**
 * The stateless contract executor: a `WorkerEntrypoint` the gateway reaches over a service
 * binding (wrangler.jsonc `EXECUTOR`), so simulations run in their own invocations and never
 * on a NodeDO's thread. Thin: the work is `simulateCall` (workers/executor/contracts/simulate.ts),
 * which the gateway also runs inline when no binding is configured.
 */

import { WorkerEntrypoint } from "cloudflare:workers";
import {
  type SimulateRequest,
  type SimulateResponse,
  simulateCall,
} from "../workers/executor/contracts/simulate.js";
import { devnetConfig, devnetGenesis } from "./devnet-config.js";
import type { Env } from "./env.js";

export class ContractExecutor extends WorkerEntrypoint<Env> {
  async simulate(request: SimulateRequest): Promise<SimulateResponse> {
    return simulateCall(request, devnetGenesis(devnetConfig(this.env)).genesis.params.execution);
  }
}
