/**
 * History from the D1 archive (final blocks only):
 *   GET /v1/archive/status
 *   GET /v1/archive/accounts/:address/transactions?limit=&cursor=<height>.<position>
 *   GET /v1/archive/contracts/:id/events?from=&limit=&cursor=<height>.<txId>.<position>
 * Each page carries `next`, the cursor of the following page, or null at the end.
 */

import { Hono } from "hono";
import type { GatewayEnv } from "../app.js";
import { accountHistory, archiveDb, contractEventHistory } from "../archive/queries.js";
import { ApiError } from "../errors.js";

export const archiveRoutes = new Hono<GatewayEnv>();

const HEX32 = /^[0-9a-fA-F]{64}$/;
const HEIGHT_RE = /^(0|[1-9][0-9]{0,15})$/;

function hex32(raw: string, what: string): string {
  if (!HEX32.test(raw))
    throw new ApiError(400, `INVALID_${what.toUpperCase()}`, `${what} must be 64 hex characters`);
  return raw.toLowerCase();
}

function limitOf(raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!/^[1-9][0-9]{0,2}$/.test(raw) || n > 100)
    throw new ApiError(400, "INVALID_LIMIT", "limit must be 1..100");
  return n;
}

function cursorParts(raw: string | undefined, parts: number): string[] | undefined {
  if (raw === undefined) return undefined;
  const p = raw.split(".");
  if (p.length !== parts) throw new ApiError(400, "INVALID_CURSOR", "cursor is not one this API gave");
  return p;
}

function heightOf(raw: string): number {
  if (!HEIGHT_RE.test(raw)) throw new ApiError(400, "INVALID_CURSOR", "cursor is not one this API gave");
  return Number(raw);
}

archiveRoutes.get("/status", async (c) => {
  const ns = c.env?.ARCHIVER;
  if (ns === undefined) throw new ApiError(503, "ARCHIVE_UNAVAILABLE", "this deployment has no archiver");
  return c.json(await ns.get(ns.idFromName("archiver")).status());
});

archiveRoutes.get("/accounts/:address/transactions", async (c) => {
  const address = hex32(c.req.param("address"), "address");
  const cur = cursorParts(c.req.query("cursor"), 2);
  const cursor = cur === undefined ? undefined : { height: heightOf(cur[0]!), position: heightOf(cur[1]!) };
  const r = await accountHistory(archiveDb(c.env), address, cursor, limitOf(c.req.query("limit"), 50));
  return c.json({ ...r, next: r.next === null ? null : `${r.next.height}.${r.next.position}` });
});

archiveRoutes.get("/contracts/:id/events", async (c) => {
  const id = hex32(c.req.param("id"), "contract_id");
  const fromRaw = c.req.query("from") ?? "0";
  if (!HEIGHT_RE.test(fromRaw))
    throw new ApiError(400, "INVALID_HEIGHT", "from must be a non-negative integer");
  const cur = cursorParts(c.req.query("cursor"), 3);
  const cursor =
    cur === undefined
      ? undefined
      : { height: heightOf(cur[0]!), txId: hex32(cur[1]!, "cursor"), position: heightOf(cur[2]!) };
  const r = await contractEventHistory(
    archiveDb(c.env),
    id,
    Number(fromRaw),
    cursor,
    limitOf(c.req.query("limit"), 100),
  );
  return c.json({
    ...r,
    next: r.next === null ? null : `${r.next.height}.${r.next.txId}.${r.next.position}`,
  });
});
