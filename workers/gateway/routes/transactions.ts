/**
 * POST /v1/transactions (raw bytes as application/octet-stream, or JSON {"tx": "<hex>"}) and
 * GET /v1/transactions/:id. The body is capped before it is read; the node's ProtocolError codes
 * pass through as 400 with the same code (MEMPOOL_FULL: 503, MEMPOOL_SENDER_FULL: 429).
 */

import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { fromHex } from "../../../protocol/bytes.js";
import { LIMITS } from "../../../protocol/params.js";
import type { GatewayEnv } from "../app.js";
import { readCapped } from "../body.js";
import { ApiError } from "../errors.js";
import { withDeadline } from "../node-client.js";
import { hex32, parseInput } from "../schemas.js";

export const transactionRoutes = new Hono<GatewayEnv>();

/** Hex doubles the bytes; 64 more for the JSON wrapping and whitespace. */
export const SUBMIT_BODY_BYTES_MAX = LIMITS.transactionBytes * 2 + 64;
const HEX_RE = /^([0-9a-fA-F]{2})*$/;

const STATUS_OF_CODE: Record<string, ContentfulStatusCode> = {
  MEMPOOL_FULL: 503,
  MEMPOOL_SENDER_FULL: 429,
};

transactionRoutes.post("/", async (c) => {
  const body = await readCapped(c.req.raw, SUBMIT_BODY_BYTES_MAX);
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  let bytes: Uint8Array;
  if (type === "application/octet-stream") bytes = body;
  else if (type === "application/json") bytes = hexFromJson(body);
  else {
    throw new ApiError(
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      'send application/octet-stream (raw bytes) or application/json ({"tx": "<hex>"})',
      { contentType: type.slice(0, 64) },
    );
  }
  const result = await withDeadline("submitTransaction", c.get("node").submitTransaction(bytes));
  if (!result.ok)
    throw new ApiError(STATUS_OF_CODE[result.code] ?? 400, result.code, result.message, result.data);
  return c.json({ id: result.id }, 202);
});

transactionRoutes.get("/:id", async (c) => {
  const id = parseInput(hex32, c.req.param("id"), "INVALID_TRANSACTION_ID", "id");
  const tx = await withDeadline("transaction", c.get("node").transaction(id));
  if (tx === null) throw new ApiError(404, "TRANSACTION_NOT_FOUND", `no transaction ${id}`, { id });
  return c.json(tx);
});

function hexFromJson(body: Uint8Array): Uint8Array {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new ApiError(400, "INVALID_BODY", "body is not valid JSON");
  }
  const tx = typeof value === "object" && value !== null ? (value as { tx?: unknown }).tx : undefined;
  if (typeof tx !== "string") throw new ApiError(400, "INVALID_BODY", 'JSON body must be {"tx": "<hex>"}');
  const hex = tx.startsWith("0x") ? tx.slice(2) : tx;
  if (!HEX_RE.test(hex)) {
    throw new ApiError(400, "TX_MALFORMED", "tx must be an even number of hex characters");
  }
  return fromHex(hex, undefined, "tx");
}
