/** GET /v1/accounts/:address: balance and nonce (decimal strings) of a 32-byte address. */

import { Hono } from "hono";
import type { GatewayEnv } from "../app.js";
import { withDeadline } from "../node-client.js";
import { hex32, parseInput } from "../schemas.js";

export const accountRoutes = new Hono<GatewayEnv>();

accountRoutes.get("/:address", async (c) => {
  // An address is an Ed25519 public key (or a contract id): 32 bytes.
  const address = parseInput(hex32, c.req.param("address"), "INVALID_ADDRESS", "address");
  const account = await withDeadline("account", c.get("node").account(address));
  return c.json(account);
});
