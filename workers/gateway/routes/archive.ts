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
import { heightText, hex32, limitText, parseInput } from "../schemas.js";

export const archiveRoutes = new Hono<GatewayEnv>();

function cursorParts(raw: string | undefined, parts: number): string[] | undefined {
  if (raw === undefined) return undefined;
  const p = raw.split(".");
  if (p.length !== parts) throw new ApiError(400, "INVALID_CURSOR", "cursor is not one this API gave");
  return p;
}

const cursorNumber = (raw: string | undefined) => parseInput(heightText, raw, "INVALID_CURSOR", "cursor");
const limitOf = (raw: string | undefined, fallback: number) =>
  parseInput(limitText(100), raw ?? String(fallback), "INVALID_LIMIT", "limit");

archiveRoutes.get("/status", async (c) => {
  const ns = c.env?.ARCHIVER;
  if (ns === undefined) throw new ApiError(503, "ARCHIVE_UNAVAILABLE", "this deployment has no archiver");
  return c.json(await ns.get(ns.idFromName("archiver")).status());
});

archiveRoutes.get("/accounts/:address/transactions", async (c) => {
  const address = parseInput(hex32, c.req.param("address"), "INVALID_ADDRESS", "address");
  const cur = cursorParts(c.req.query("cursor"), 2);
  const cursor =
    cur === undefined ? undefined : { height: cursorNumber(cur[0]), position: cursorNumber(cur[1]) };
  const r = await accountHistory(archiveDb(c.env), address, cursor, limitOf(c.req.query("limit"), 50));
  return c.json({ ...r, next: r.next === null ? null : `${r.next.height}.${r.next.position}` });
});

archiveRoutes.get("/contracts/:id/events", async (c) => {
  const id = parseInput(hex32, c.req.param("id"), "INVALID_CONTRACT_ID", "contract id");
  const from = parseInput(heightText, c.req.query("from") ?? "0", "INVALID_HEIGHT", "from");
  const cur = cursorParts(c.req.query("cursor"), 3);
  const cursor =
    cur === undefined
      ? undefined
      : {
          height: cursorNumber(cur[0]),
          txId: parseInput(hex32, cur[1], "INVALID_CURSOR", "cursor"),
          position: cursorNumber(cur[2]),
        };
  const r = await contractEventHistory(
    archiveDb(c.env),
    id,
    from,
    cursor,
    limitOf(c.req.query("limit"), 100),
  );
  return c.json({
    ...r,
    next: r.next === null ? null : `${r.next.height}.${r.next.txId}.${r.next.position}`,
  });
});
