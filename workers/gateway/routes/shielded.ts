/**
 * The shielded pool over REST (docs/SHIELDED.md, "RPC"):
 *   GET  /v1/shielded                     note count, current root, pinned key hashes, gas
 *   GET  /v1/shielded/notes?from=&limit=  the note index: commitments and encrypted notes by
 *                                         position, for wallets to find theirs and build paths
 *   POST /v1/shielded/nullifiers          {"nullifiers": [hex, ...]} → which are spent
 * Deposits and transfers themselves are transactions: POST /v1/transactions.
 */

import { Hono } from "hono";
import { z } from "zod";
import { NOTES_PAGE_MAX, NULLIFIERS_PER_QUERY_MAX } from "../../../workers/consensus/shielded-queries.js";
import type { GatewayEnv } from "../app.js";
import { readJsonObject } from "../body.js";
import { withDeadline } from "../node-client.js";
import { hex32, limitText, parseInput } from "../schemas.js";

export const shieldedRoutes = new Hono<GatewayEnv>();

const positionText = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,9})$/, "a note position (decimal)")
  .transform(Number);

const nullifiersBody = z.object({ nullifiers: z.array(hex32).min(1).max(NULLIFIERS_PER_QUERY_MAX) }).strict();
/** 256 hex nullifiers with quotes and commas, and the wrapper. */
const NULLIFIERS_BODY_BYTES_MAX = NULLIFIERS_PER_QUERY_MAX * 70 + 64;

shieldedRoutes.get("/", async (c) =>
  c.json(await withDeadline("shieldedInfo", c.get("node").shieldedInfo())),
);

shieldedRoutes.get("/notes", async (c) => {
  const from = parseInput(positionText, c.req.query("from") ?? "0", "INVALID_POSITION", "from");
  const limit = parseInput(
    limitText(NOTES_PAGE_MAX),
    c.req.query("limit") ?? String(NOTES_PAGE_MAX),
    "INVALID_LIMIT",
    "limit",
  );
  const page = await withDeadline("shieldedNotes", c.get("node").shieldedNotes(from, limit));
  const next = from + page.notes.length;
  return c.json({ from, count: page.count, notes: page.notes, next, complete: next >= page.count });
});

shieldedRoutes.post("/nullifiers", async (c) => {
  const body = parseInput(
    nullifiersBody,
    await readJsonObject(c.req.raw, NULLIFIERS_BODY_BYTES_MAX),
    "INVALID_BODY",
    "nullifiers",
  );
  const spent = await withDeadline("nullifiersSpent", c.get("node").nullifiersSpent(body.nullifiers));
  return c.json({ spent: Object.fromEntries(body.nullifiers.map((n, i) => [n, spent[i] === true])) });
});
