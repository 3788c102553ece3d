/**
 * The gateway: a Hono app in front of the NodeDOs. Routes are small files under routes/; this
 * file wires the node choice (`?node=<i>` or header `x-dusk-node`, default node-0), the devnet
 * autostart and the one error handler.
 *
 * @example
 *   const app = createGateway((env) => durableDirectory(env));
 *   export default { fetch: app.fetch };
 */

import { Hono } from "hono";
import type { Env } from "../../durable/env.js";
import { ApiError, notFound, onError } from "./errors.js";
import type { NodeClient, NodeDirectory } from "./node-client.js";
import { accountRoutes } from "./routes/accounts.js";
import { blockRoutes } from "./routes/blocks.js";
import { contractRoutes } from "./routes/contracts.js";
import { p2pRoutes } from "./routes/p2p.js";
import { statusRoutes } from "./routes/status.js";
import { transactionRoutes } from "./routes/transactions.js";

export type GatewayEnv = {
  Bindings: Env;
  Variables: { directory: NodeDirectory; node: NodeClient; nodeIndex: number };
};

const NODE_INDEX_RE = /^(0|[1-9][0-9]{0,5})$/;

export function createGateway(directoryFor: (env: Env) => NodeDirectory): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  /** Per isolate: set once every node was reached, so later requests skip the wake-up. */
  let started = false;

  app.use("*", async (c, next) => {
    const directory = directoryFor(c.env);
    const hosted = directory.local ?? Array.from({ length: directory.size }, (_, i) => i);
    const raw = c.req.query("node") ?? c.req.header("x-dusk-node") ?? String(hosted[0] ?? 0);
    const index = NODE_INDEX_RE.test(raw) ? Number(raw) : Number.NaN;
    if (!(index < directory.size) || !hosted.includes(index)) {
      const which =
        directory.local === undefined
          ? `an integer in 0..${directory.size - 1}`
          : `one of ${hosted.join(", ")}`;
      throw new ApiError(400, "INVALID_NODE", `node must be ${which}`, { node: raw.slice(0, 32) });
    }
    if (!started && c.env?.DEVNET_AUTOSTART !== "false") {
      // Constructing a NodeDO starts its node and its links: touch all of them once, in the
      // background, so a devnet produces blocks as soon as anything calls the gateway.
      const wake = Promise.all(hosted.map((i) => directory.node(i).ensureStarted()))
        .then(() => {
          started = true;
        })
        .catch((e: unknown) => {
          console.warn(
            JSON.stringify({ level: "warn", class: "gateway", event: "autostart-failed", error: String(e) }),
          );
        });
      waitUntil(c, wake);
    }
    c.set("directory", directory);
    c.set("nodeIndex", index);
    c.set("node", directory.node(index));
    await next();
  });

  app.route("/v1/node", statusRoutes);
  app.route("/v1/blocks", blockRoutes);
  app.route("/v1/accounts", accountRoutes);
  app.route("/v1/transactions", transactionRoutes);
  app.route("/v1/contracts", contractRoutes);
  app.route("/v1/p2p", p2pRoutes);
  app.notFound(notFound);
  app.onError(onError);
  return app;
}

/** `waitUntil` when the runtime gave an execution context (app.request() in tests has none). */
function waitUntil(
  c: { executionCtx: { waitUntil(p: Promise<unknown>): void } },
  promise: Promise<unknown>,
): void {
  try {
    c.executionCtx.waitUntil(promise);
  } catch {
    // No execution context: the promise still runs, nothing waits for it.
  }
}
