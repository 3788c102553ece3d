/**
 * GET /v1/p2p?node=<i> with `Upgrade: websocket`: a peer link from another deployment or a Node
 * host to local node i. The upgrade goes to the NodeDO's peer path unchanged; the NodeDO accepts
 * the socket (hibernatable) and runs the same hello and key proof as links inside the
 * deployment (workers/routing/peer-links.ts), so a wrong chain or genesis is refused there
 * with close code 4001 and the reason.
 */

import { Hono } from "hono";
import { nodeName } from "../../../durable/devnet-config.js";
import { PEER_WS_PATH } from "../../../durable/node-do.js";
import type { GatewayEnv } from "../app.js";
import { ApiError } from "../errors.js";

export const p2pRoutes = new Hono<GatewayEnv>();

p2pRoutes.get("/", async (c) => {
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError(426, "UPGRADE_REQUIRED", "expected a WebSocket upgrade");
  }
  const stub = c.env.NODE.get(c.env.NODE.idFromName(nodeName(c.get("nodeIndex"))));
  return stub.fetch(new Request(`https://peer${PEER_WS_PATH}`, { headers: { Upgrade: "websocket" } }));
});
