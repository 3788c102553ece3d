/** GET /v1/accounts/:address: balance and nonce (decimal strings) of a 32-byte address. */

import { Hono } from "hono";
import type { GatewayEnv } from "../app.js";
import { ApiError } from "../errors.js";
import { withDeadline } from "../node-client.js";

export const accountRoutes = new Hono<GatewayEnv>();

/** An address is an Ed25519 public key: 32 bytes, 64 hex characters. */
const ADDRESS_RE = /^[0-9a-fA-F]{64}$/;

accountRoutes.get("/:address", async (c) => {
  const raw = c.req.param("address");
  if (!ADDRESS_RE.test(raw)) {
    throw new ApiError(400, "INVALID_ADDRESS", "address must be 64 hex characters (32 bytes)", {
      address: raw.slice(0, 80),
    });
  }
  const account = await withDeadline("account", c.get("node").account(raw.toLowerCase()));
  return c.json(account);
});
