/**
 * GET /v1/node/status: the chosen node's chain, consensus and peer summary.
 * GET /v1/node/committees: generator and committees of the round in progress.
 * GET /v1/node/provisioners: eligible provisioners and their stake.
 * GET /v1/node/stakes/:publicKey: a provisioner key's stake record (docs/STAKING.md).
 */

import { Hono } from "hono";
import type { GatewayEnv } from "../app.js";
import { ApiError } from "../errors.js";
import { withDeadline } from "../node-client.js";

export const statusRoutes = new Hono<GatewayEnv>();

statusRoutes.get("/status", async (c) => {
  const status = await withDeadline("status", c.get("node").status());
  return c.json(status);
});

statusRoutes.get("/committees", async (c) => {
  const committees = await withDeadline("committees", c.get("node").committees());
  return c.json(committees);
});

statusRoutes.get("/provisioners", async (c) => {
  const provisioners = await withDeadline("provisioners", c.get("node").provisioners());
  return c.json({ provisioners });
});

const BLS_KEY_RE = /^[0-9a-fA-F]{96}$/;

statusRoutes.get("/stakes/:publicKey", async (c) => {
  const key = c.req.param("publicKey");
  if (!BLS_KEY_RE.test(key))
    throw new ApiError(400, "INVALID_PUBLIC_KEY", "publicKey must be 96 hex characters");
  const info = await withDeadline("stakeInfo", c.get("node").stakeInfo(key));
  if (info === null) throw new ApiError(404, "STAKE_NOT_FOUND", `no stake for ${key}`);
  return c.json(info);
});
