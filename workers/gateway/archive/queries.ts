/**
 * History queries over the D1 archive (durable/archive/schema.ts): only final blocks are in it,
 * so answers never change once given. Pages are bounded; each answer carries the cursor of the
 * next page (null at the end), so a page can end anywhere, even inside a block.
 */

import { and, asc, desc, eq, gt, gte, lt, or } from "drizzle-orm";
import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import { events, transactions } from "../../../durable/archive/schema.js";
import type { Env } from "../../../durable/env.js";
import { ApiError } from "../errors.js";

export function archiveDb(env: Env | undefined): DrizzleD1Database {
  const d1 = env?.ARCHIVE;
  if (d1 === undefined)
    throw new ApiError(503, "ARCHIVE_UNAVAILABLE", "this deployment has no ARCHIVE (D1) binding");
  return drizzle(d1);
}

/** Cursor of an account history page: the (height, position) of the last row given. */
export interface HistoryCursor {
  readonly height: number;
  readonly position: number;
}

/** Transactions from or to `address`, newest first, strictly before `cursor` when given. */
export async function accountHistory(
  db: DrizzleD1Database,
  address: string,
  cursor: HistoryCursor | undefined,
  limit: number,
) {
  const party = or(eq(transactions.sender, address), eq(transactions.recipient, address));
  const older =
    cursor === undefined
      ? undefined
      : or(
          lt(transactions.height, cursor.height),
          and(eq(transactions.height, cursor.height), lt(transactions.position, cursor.position)),
        );
  const rows = await db
    .select()
    .from(transactions)
    .where(older === undefined ? party : and(party, older))
    .orderBy(desc(transactions.height), desc(transactions.position))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next =
    rows.length > limit && last !== undefined ? { height: last.height, position: last.position } : null;
  return { address, transactions: page, next };
}

/** Cursor of an events page: the event after which the next page starts. */
export interface EventCursor {
  readonly height: number;
  readonly txId: string;
  readonly position: number;
}

/** Events of a contract from height `from` on (or after `cursor`), oldest first. */
export async function contractEventHistory(
  db: DrizzleD1Database,
  contract: string,
  from: number,
  cursor: EventCursor | undefined,
  limit: number,
) {
  const after =
    cursor === undefined
      ? gte(events.height, from)
      : or(
          gt(events.height, cursor.height),
          and(eq(events.height, cursor.height), gt(events.txId, cursor.txId)),
          and(
            eq(events.height, cursor.height),
            eq(events.txId, cursor.txId),
            gt(events.position, cursor.position),
          ),
        );
  const rows = await db
    .select()
    .from(events)
    .where(and(eq(events.contract, contract), after))
    .orderBy(asc(events.height), asc(events.txId), asc(events.position))
    .limit(limit + 1)
    .all();
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next =
    rows.length > limit && last !== undefined
      ? { height: last.height, txId: last.txId, position: last.position }
      : null;
  return { contract, events: page, next };
}
