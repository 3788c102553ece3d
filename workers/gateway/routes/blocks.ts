/**
 * GET /v1/blocks/latest, /v1/blocks/:height and /v1/blocks/hash/:hash: header fields as hex or
 * decimal strings. Ranges: JSON-RPC `block_range`.
 */

import { Hono } from "hono";
import type { GatewayEnv } from "../app.js";
import { ApiError } from "../errors.js";
import { withDeadline } from "../node-client.js";

export const blockRoutes = new Hono<GatewayEnv>();

/** Heights are u64 on the wire; JSON numbers are exact up to 2^53. */
const HEIGHT_RE = /^(0|[1-9][0-9]{0,15})$/;

blockRoutes.get("/latest", async (c) => {
  const block = await withDeadline("latestBlock", c.get("node").latestBlock());
  if (block === null) throw new ApiError(404, "BLOCK_NOT_FOUND", "the node has no block yet");
  return c.json(block);
});

blockRoutes.get("/hash/:hash", async (c) => {
  const raw = c.req.param("hash");
  if (!/^[0-9a-fA-F]{64}$/.test(raw)) {
    throw new ApiError(400, "INVALID_HASH", "block hash must be 64 hex characters", {
      hash: raw.slice(0, 80),
    });
  }
  const block = await withDeadline("blockByHash", c.get("node").blockByHash(raw.toLowerCase()));
  if (block === null)
    throw new ApiError(404, "BLOCK_NOT_FOUND", `no block ${raw}`, { hash: raw.toLowerCase() });
  return c.json(block);
});

blockRoutes.get("/:height", async (c) => {
  const raw = c.req.param("height");
  const height = HEIGHT_RE.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(height)) {
    throw new ApiError(400, "INVALID_HEIGHT", "height must be a non-negative integer", {
      height: raw.slice(0, 32),
    });
  }
  const block = await withDeadline("blockByHeight", c.get("node").blockByHeight(height));
  if (block === null) throw new ApiError(404, "BLOCK_NOT_FOUND", `no block at height ${height}`, { height });
  return c.json(block);
});
