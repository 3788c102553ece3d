/**
 * The worker: the gateway's fetch handler in front of this deployment's NodeDOs, the NodeDO
 * class itself (wrangler.jsonc binds NODE to it) and the stateless contract executor
 * (bound to this same script as EXECUTOR, entrypoint ContractExecutor).
 */

import type { Env } from "../../durable/env.js";
import { createGateway } from "./app.js";
import { durableDirectory } from "./node-client.js";

export { ApiKeyDO } from "../../durable/api-key-do.js";
export { ArchiverDO } from "../../durable/archive/archiver-do.js";
export { ContractExecutor } from "../../durable/contract-executor.js";
export { NodeDO } from "../../durable/node-do.js";
export { SubscriptionsDO } from "../../durable/subscriptions-do.js";

const app = createGateway(durableDirectory);

export default {
  fetch: (request, env, ctx) => app.fetch(request, env, ctx),
} satisfies ExportedHandler<Env>;
