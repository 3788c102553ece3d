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
import { cors } from "hono/cors";
import type { Env } from "../../durable/env.js";
import { type Admit, admissionFor, restMethodOf } from "./api-keys/middleware.js";
import { ApiError, notFound, onError } from "./errors.js";
import { EXPLORER_HTML } from "./explorer/page.js";
import { NodeCaches } from "./node-cache.js";
import type { NodeClient, NodeDirectory } from "./node-client.js";
import { openApiDocument } from "./openapi.js";
import { accountRoutes } from "./routes/accounts.js";
import { archiveRoutes } from "./routes/archive.js";
import { blockRoutes } from "./routes/blocks.js";
import { contractRoutes } from "./routes/contracts.js";
import { metricsRoutes } from "./routes/metrics.js";
import { operatorRoutes } from "./routes/operator.js";
import { p2pRoutes } from "./routes/p2p.js";
import { rpcRoutes } from "./routes/rpc.js";
import { shieldedRoutes } from "./routes/shielded.js";
import { statusRoutes } from "./routes/status.js";
import { transactionRoutes } from "./routes/transactions.js";

export type GatewayEnv = {
  Bindings: Env;
  Variables: { directory: NodeDirectory; node: NodeClient; nodeIndex: number; admit: Admit };
};

const NODE_INDEX_RE = /^(0|[1-9][0-9]{0,5})$/;

export function createGateway(directoryFor: (env: Env) => NodeDirectory): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  /** Per isolate: set once every node was reached, so later requests skip the wake-up. */
  let started = false;
  /** Per isolate and app: hot reads (tip, status, final blocks) answered without the node. */
  const caches = new NodeCaches();

  app.use(
    "*",
    cors({
      origin: (origin, c) => {
        const allowed = (c.env as Env | undefined)?.CORS_ORIGINS ?? "*";
        if (allowed === "*") return "*";
        return allowed
          .split(",")
          .map((o) => o.trim())
          .includes(origin)
          ? origin
          : null;
      },
      allowHeaders: ["content-type", "authorization", "x-api-key", "x-dusk-node"],
      exposeHeaders: ["retry-after", "x-ratelimit-remaining"],
      maxAge: 600,
    }),
  );

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
      const archiver = c.env?.ARCHIVER;
      const wake = Promise.all([
        ...hosted.map((i) => directory.node(i).ensureStarted()),
        archiver?.get(archiver.idFromName("archiver")).ensureRunning(),
      ])
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
    c.set("node", caches.wrap(directory.node(index), index));
    if (!c.req.path.startsWith("/v1/operator") && c.req.path !== "/metrics") {
      const admit = await admissionFor(c);
      c.set("admit", admit);
      const method = restMethodOf(c.req.method, c.req.path);
      if (method !== undefined) await admit([method]);
    }
    await next();
  });

  app.route("/v1/node", statusRoutes);
  app.route("/v1/blocks", blockRoutes);
  app.route("/v1/accounts", accountRoutes);
  app.route("/v1/transactions", transactionRoutes);
  app.route("/v1/contracts", contractRoutes);
  app.route("/v1/shielded", shieldedRoutes);
  app.route("/v1/p2p", p2pRoutes);
  app.route("/v1/archive", archiveRoutes);
  app.route("/rpc", rpcRoutes);
  app.get("/v1/ws", async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError(426, "UPGRADE_REQUIRED", "GET /v1/ws expects a WebSocket upgrade");
    }
    const ns = c.env?.SUBSCRIPTIONS;
    if (ns === undefined) throw new ApiError(503, "SUBSCRIPTIONS_UNAVAILABLE", "no SUBSCRIPTIONS binding");
    return ns.get(ns.idFromName(`subs-${c.get("nodeIndex")}`)).fetch(c.req.raw);
  });
  app.route("/v1/operator", operatorRoutes);
  app.route("/metrics", metricsRoutes);
  app.get("/v1/openapi.json", (c) => c.json(openApiDocument()));
  app.get("/", (c) => {
    // The page's one inline script and style; everything it loads comes from this origin.
    c.header(
      "content-security-policy",
      "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self'; base-uri 'none'; form-action 'none'",
    );
    c.header("x-content-type-options", "nosniff");
    return c.html(EXPLORER_HTML);
  });
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
