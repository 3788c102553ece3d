/**
 * GET /v1/node/status: the chosen node's chain, consensus and peer summary.
 * GET /v1/node/committees: generator and committees of the round in progress.
 * GET /v1/node/provisioners: eligible provisioners and their stake.
 */

import { Hono } from "hono";
import type { GatewayEnv } from "../app.js";
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
