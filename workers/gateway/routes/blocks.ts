/**
 * GET /v1/blocks/latest, /v1/blocks/:height and /v1/blocks/hash/:hash: header fields as hex or
 * decimal strings. Ranges: JSON-RPC `block_range`.
 */

import { Hono } from "hono";
import type { GatewayEnv } from "../app.js";
import { ApiError } from "../errors.js";
import { withDeadline } from "../node-client.js";
import { heightText, hex32, parseInput } from "../schemas.js";

export const blockRoutes = new Hono<GatewayEnv>();

blockRoutes.get("/latest", async (c) => {
  const block = await withDeadline("latestBlock", c.get("node").latestBlock());
  if (block === null) throw new ApiError(404, "BLOCK_NOT_FOUND", "the node has no block yet");
  return c.json(block);
});

blockRoutes.get("/hash/:hash", async (c) => {
  const hash = parseInput(hex32, c.req.param("hash"), "INVALID_HASH", "hash");
  const block = await withDeadline("blockByHash", c.get("node").blockByHash(hash));
  if (block === null) throw new ApiError(404, "BLOCK_NOT_FOUND", `no block ${hash}`, { hash });
  return c.json(block);
});

blockRoutes.get("/:height", async (c) => {
  // Heights are u64 on the wire; JSON numbers are exact up to 2^53.
  const height = parseInput(heightText, c.req.param("height"), "INVALID_HEIGHT", "height");
  const block = await withDeadline("blockByHeight", c.get("node").blockByHeight(height));
  if (block === null) throw new ApiError(404, "BLOCK_NOT_FOUND", `no block at height ${height}`, { height });
  return c.json(block);
});
