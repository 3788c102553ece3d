/**
 * Subscription topics and the messages a block produces for them (pure; the hub DO feeds it).
 *
 * Client → server:  {"op": "subscribe", "topics": [...], "from": H?}   (from: resume at height H)
 *                   {"op": "ping"}
 * Topics: "blocks" (every new block with its label), "finality" (each block that becomes final),
 *         "account:<hex>" (transactions from or to the address), "contract:<hex>" (transactions
 *         deploying or calling it, and its events).
 * Server → client:  {"type": "block" | "final" | "tx" | "event" | "subscribed" | "backlog-truncated"
 *                    | "error" | "pong", ...}
 */

import type { ActivityJson } from "../../../durable/node-views.js";

export const TOPICS_MAX = 16;
/** Blocks replayed for one `from` (the client resubscribes from `next` for more). */
export const BACKLOG_BLOCKS_MAX = 256;
export const CLIENT_MESSAGE_BYTES_MAX = 4_096;

export interface Subscription {
  readonly blocks: boolean;
  readonly finality: boolean;
  readonly accounts: readonly string[];
  readonly contracts: readonly string[];
}

export type ClientRequest =
  | { readonly op: "subscribe"; readonly subscription: Subscription; readonly from: number | null }
  | { readonly op: "ping" };

export type ParseResult = { ok: true; request: ClientRequest } | { ok: false; code: string; message: string };

const HEX32 = /^[0-9a-f]{64}$/;

export function parseClientMessage(text: string): ParseResult {
  const bad = (message: string): ParseResult => ({ ok: false, code: "INVALID_SUBSCRIPTION", message });
  if (text.length > CLIENT_MESSAGE_BYTES_MAX) return bad(`message exceeds ${CLIENT_MESSAGE_BYTES_MAX} bytes`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return bad("message is not JSON");
  }
  if (typeof v !== "object" || v === null) return bad("message must be an object");
  const m = v as Record<string, unknown>;
  if (m.op === "ping") return { ok: true, request: { op: "ping" } };
  if (m.op !== "subscribe") return bad('op must be "subscribe" or "ping"');
  if (!Array.isArray(m.topics) || m.topics.length === 0 || m.topics.length > TOPICS_MAX) {
    return bad(`topics must be a list of 1-${TOPICS_MAX} topics`);
  }
  const sub = { blocks: false, finality: false, accounts: [] as string[], contracts: [] as string[] };
  for (const t of m.topics) {
    if (t === "blocks") sub.blocks = true;
    else if (t === "finality") sub.finality = true;
    else if (typeof t === "string" && t.startsWith("account:") && HEX32.test(t.slice(8).toLowerCase()))
      sub.accounts.push(t.slice(8).toLowerCase());
    else if (typeof t === "string" && t.startsWith("contract:") && HEX32.test(t.slice(9).toLowerCase()))
      sub.contracts.push(t.slice(9).toLowerCase());
    else return bad(`unknown topic ${String(t).slice(0, 80)}`);
  }
  let from: number | null = null;
  if (m.from !== undefined) {
    if (typeof m.from !== "number" || !Number.isSafeInteger(m.from) || m.from < 0)
      return bad("from must be a height");
    from = m.from;
  }
  return { ok: true, request: { op: "subscribe", subscription: sub, from } };
}

/** Messages for one new block (in the order a client should see them). */
export function blockMessages(sub: Subscription, a: ActivityJson): object[] {
  const out: object[] = [];
  if (sub.blocks) {
    out.push({
      type: "block",
      height: a.height,
      hash: a.hash,
      label: a.label,
      timestampMs: a.timestampMs,
      txCount: a.txs.length,
    });
  }
  for (const tx of a.txs) {
    for (const acc of sub.accounts) {
      if (tx.from === acc || tx.to === acc) {
        out.push({
          type: "tx",
          topic: `account:${acc}`,
          height: a.height,
          id: tx.id,
          kind: tx.kind,
          from: tx.from,
          to: tx.to,
          contract: tx.contract,
          status: tx.status,
        });
      }
    }
    for (const c of sub.contracts) {
      if (tx.contract === c) {
        out.push({
          type: "tx",
          topic: `contract:${c}`,
          height: a.height,
          id: tx.id,
          kind: tx.kind,
          from: tx.from,
          contract: c,
          status: tx.status,
        });
      }
      for (const e of tx.events) {
        if (e.contract !== c) continue;
        out.push({
          type: "event",
          topic: `contract:${c}`,
          height: a.height,
          txId: tx.id,
          index: e.index,
          eventTopic: e.topic,
          data: e.data,
        });
      }
    }
  }
  return out;
}

/** The message for a block that became final. */
export function finalMessage(height: number, hash: string): object {
  return { type: "final", height, hash };
}
