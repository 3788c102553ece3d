/**
 * The RPC method set, once: each method has a zod schema for its params and a handler over a
 * `NodeClient`. JSON-RPC (`POST /rpc`) dispatches here; the OpenAPI document is generated from
 * the same schemas. Handlers throw `ApiError` with the same stable codes as the REST routes.
 */

import { z } from "zod";
import type { Env } from "../../../durable/env.js";
import type { ContractJson, EventJson } from "../../../durable/node-views.js";
import { fromHex } from "../../../protocol/bytes.js";
import { NOTES_PAGE_MAX, NULLIFIERS_PER_QUERY_MAX } from "../../consensus/shielded-queries.js";
import { accountHistory, archiveDb, contractEventHistory } from "../archive/queries.js";
import { ApiError } from "../errors.js";
import { type NodeClient, withDeadline } from "../node-client.js";
import { fnName, hex32, hexBytes } from "../schemas.js";

const height = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** Blocks per `block_range` call (the node caps it too). */
export const RANGE_MAX = 64;

/** What a method runs against: the chosen node, and the bindings (the D1 archive). */
export interface RpcContext {
  readonly node: NodeClient;
  readonly env: Env | undefined;
}

export interface RpcMethod<S extends z.ZodType = z.ZodType> {
  readonly summary: string;
  readonly params: S;
  readonly run: (ctx: RpcContext, params: z.output<S>) => Promise<unknown>;
}

function method<S extends z.ZodType>(m: RpcMethod<S>): RpcMethod {
  return m as unknown as RpcMethod;
}

function notFound<T>(value: T | null, code: string, message: string): T {
  if (value === null) throw new ApiError(404, code, message);
  return value;
}

export const METHODS: Readonly<Record<string, RpcMethod>> = {
  node_status: method({
    summary: "Chain id, genesis hash, heights, round, mempool size and peers of the node",
    params: z.object({}).strict(),
    run: ({ node }) => withDeadline("status", node.status()),
  }),
  block_latest: method({
    summary: "The node's tip block",
    params: z.object({}).strict(),
    run: async ({ node }) =>
      notFound(await withDeadline("latestBlock", node.latestBlock()), "BLOCK_NOT_FOUND", "no block yet"),
  }),
  block_byHeight: method({
    summary: "A block by height",
    params: z.object({ height }).strict(),
    run: async ({ node }, p) =>
      notFound(
        await withDeadline("blockByHeight", node.blockByHeight(p.height)),
        "BLOCK_NOT_FOUND",
        `no block at height ${p.height}`,
      ),
  }),
  block_byHash: method({
    summary: "A block by hash",
    params: z.object({ hash: hex32 }).strict(),
    run: async ({ node }, p) =>
      notFound(
        await withDeadline("blockByHash", node.blockByHash(p.hash)),
        "BLOCK_NOT_FOUND",
        `no block ${p.hash}`,
      ),
  }),
  block_range: method({
    summary: `Blocks from..to inclusive (at most ${RANGE_MAX}); ask again from the last height + 1`,
    params: z
      .object({ from: height, to: height })
      .strict()
      .refine((p) => p.to >= p.from, "to must be >= from")
      .refine((p) => p.to - p.from < RANGE_MAX, `at most ${RANGE_MAX} blocks per call`),
    run: ({ node }, p) => withDeadline("blockRange", node.blockRange(p.from, p.to)),
  }),
  tx_get: method({
    summary: "A transaction: status, height, finality label, body and receipt",
    params: z.object({ id: hex32 }).strict(),
    run: async ({ node }, p) =>
      notFound(
        await withDeadline("transaction", node.transaction(p.id)),
        "TRANSACTION_NOT_FOUND",
        `no transaction ${p.id}`,
      ),
  }),
  tx_submit: method({
    summary: "Submits a signed transaction (hex of its encoding); returns its id",
    params: z.object({ tx: hexBytes(96 * 1024) }).strict(),
    run: async ({ node }, p) => {
      const bytes = fromHex(p.tx, undefined, "tx");
      const r = await withDeadline("submitTransaction", node.submitTransaction(bytes));
      if (!r.ok)
        throw new ApiError(
          r.code === "MEMPOOL_FULL" ? 503 : r.code === "MEMPOOL_SENDER_FULL" ? 429 : 400,
          r.code,
          r.message,
          r.data,
        );
      return { id: r.id };
    },
  }),
  account_get: method({
    summary: "Balance and nonce of an address (decimal strings)",
    params: z.object({ address: hex32 }).strict(),
    run: ({ node }, p) => withDeadline("account", node.account(p.address)),
  }),
  contract_get: method({
    summary: "A contract's record, balance and code size",
    params: z.object({ id: hex32 }).strict(),
    run: async ({ node }, p): Promise<ContractJson> =>
      notFound(
        await withDeadline("contract", node.contract(p.id)),
        "CONTRACT_NOT_FOUND",
        `no contract ${p.id}`,
      ),
  }),
  contract_storage: method({
    summary: "One storage value of a contract (hex; null when absent)",
    params: z.object({ id: hex32, key: hexBytes(256) }).strict(),
    run: async ({ node }, p) => ({
      contract: p.id,
      key: p.key,
      value: await withDeadline("contractStorage", node.contractStorage(p.id, p.key)),
    }),
  }),
  contract_events: method({
    summary: "Events of a contract from a height on, oldest first (at most 100)",
    params: z
      .object({ id: hex32, from: height.default(0), limit: z.number().int().min(1).max(100).default(100) })
      .strict(),
    run: async ({ node }, p): Promise<{ events: EventJson[]; next: number | null }> => {
      const events = await withDeadline("contractEvents", node.contractEvents(p.id, p.from, p.limit));
      const last = events[events.length - 1];
      return { events, next: last === undefined ? null : last.height + 1 };
    },
  }),
  contract_query: method({
    summary: "A read-only call on the committed state; nothing is kept",
    params: z
      .object({ id: hex32, fn: fnName, input: hexBytes(16 * 1024).default(""), caller: hex32.optional() })
      .strict(),
    run: async ({ node }, p) => {
      const r = await withDeadline("queryContract", node.queryContract(p.id, p.fn, p.input, p.caller));
      if ("code" in r) throw new ApiError(400, r.code, r.message);
      return r;
    },
  }),
  shielded_info: method({
    summary: "The shielded pool: note count, current root, pinned verification-key hashes, gas",
    params: z.object({}).strict(),
    run: ({ node }) => withDeadline("shieldedInfo", node.shieldedInfo()),
  }),
  shielded_notes: method({
    summary: "The note index from a position on (commitments and encrypted notes, at most 1000)",
    params: z
      .object({
        from: z
          .number()
          .int()
          .min(0)
          .max(2 ** 32)
          .default(0),
        limit: z.number().int().min(1).max(NOTES_PAGE_MAX).default(NOTES_PAGE_MAX),
      })
      .strict(),
    run: async ({ node }, p) => {
      const page = await withDeadline("shieldedNotes", node.shieldedNotes(p.from, p.limit));
      return { ...page, next: p.from + page.notes.length };
    },
  }),
  shielded_nullifiers: method({
    summary: "Which of the given nullifiers (hex, at most 256) are spent",
    params: z.object({ nullifiers: z.array(hex32).min(1).max(NULLIFIERS_PER_QUERY_MAX) }).strict(),
    run: async ({ node }, p) => {
      const spent = await withDeadline("nullifiersSpent", node.nullifiersSpent(p.nullifiers));
      return { spent: Object.fromEntries(p.nullifiers.map((n, i) => [n, spent[i] === true])) };
    },
  }),
  consensus_provisioners: method({
    summary: "Eligible provisioners (BLS public key, stake as a decimal string)",
    params: z.object({}).strict(),
    run: ({ node }) => withDeadline("provisioners", node.provisioners()),
  }),
  stake_info: method({
    summary: "A provisioner key's stake record: value, maturity, rewards, unbonding, suspension, slashes",
    params: z.object({ publicKey: z.string().regex(/^[0-9a-fA-F]{96}$/, "96 hex characters") }).strict(),
    run: async ({ node }, p) => {
      const info = await withDeadline("stakeInfo", node.stakeInfo(p.publicKey));
      if (info === null) throw new ApiError(404, "STAKE_NOT_FOUND", `no stake for ${p.publicKey}`);
      return info;
    },
  }),
  consensus_committees: method({
    summary: "Generator and committees (members with credits) of the round in progress",
    params: z.object({}).strict(),
    run: ({ node }) => withDeadline("committees", node.committees()),
  }),
  gas_price: method({
    summary: "Gas price to offer: the chain minimum and a suggestion from the node's mempool",
    params: z.object({}).strict(),
    run: ({ node }) => withDeadline("gasPrice", node.gasPrice()),
  }),
  archive_accountHistory: method({
    summary:
      "Final transactions from or to an address, newest first (D1 archive); pass `next` back as cursor",
    params: z
      .object({
        address: hex32,
        cursor: z
          .object({ height, position: z.number().int().min(0) })
          .strict()
          .optional(),
        limit: z.number().int().min(1).max(100).default(50),
      })
      .strict(),
    run: ({ env }, p) => accountHistory(archiveDb(env), p.address, p.cursor, p.limit),
  }),
  archive_contractEvents: method({
    summary:
      "Final events of a contract from a height on, oldest first (D1 archive); pass `next` back as cursor",
    params: z
      .object({
        id: hex32,
        from: height.default(0),
        cursor: z
          .object({ height, txId: hex32, position: z.number().int().min(0) })
          .strict()
          .optional(),
        limit: z.number().int().min(1).max(100).default(100),
      })
      .strict(),
    run: ({ env }, p) => contractEventHistory(archiveDb(env), p.id, p.from, p.cursor, p.limit),
  }),
  archive_status: method({
    summary: "Highest archived height and the node's final height",
    params: z.object({}).strict(),
    run: async ({ env }) => {
      const ns = env?.ARCHIVER;
      if (ns === undefined) throw new ApiError(503, "ARCHIVE_UNAVAILABLE", "this deployment has no archiver");
      return ns.get(ns.idFromName("archiver")).status();
    },
  }),
};
