/**
 * Contracts over REST (docs/CONTRACTS.md, "RPC"):
 *   GET  /v1/contracts/:id                     record, balance, code size
 *   GET  /v1/contracts/:id/storage/:key        one storage value (hex key → hex value)
 *   GET  /v1/contracts/:id/events?from=&limit= events from a height on, oldest first
 *   POST /v1/contracts/:id/query               read-only call on the node's committed state
 *   POST /v1/contracts/:id/simulate            the same call in the stateless executor, from a
 *                                              read set fetched from the node as the call needs it
 * Deployments and calls themselves are transactions: POST /v1/transactions.
 */

import { Hono } from "hono";
import { z } from "zod";
import { devnetConfig, devnetGenesis } from "../../../durable/devnet-config.js";
import { fromHex, toHex } from "../../../protocol/bytes.js";
import { codeKey, contractKey, decodeContractRecord } from "../../../protocol/contract-keys.js";
import type { SimulateRequest, SimulateResponse } from "../../../workers/executor/contracts/simulate.js";
import { simulateCall } from "../../../workers/executor/contracts/simulate.js";
import type { GatewayEnv } from "../app.js";
import { readJsonObject } from "../body.js";
import { ApiError } from "../errors.js";
import { withDeadline } from "../node-client.js";
import { fnName, heightText, hex32, hexBytes, limitText, parseInput, u64Text } from "../schemas.js";

export const contractRoutes = new Hono<GatewayEnv>();

/** Storage keys are at most 256 bytes (docs/CONTRACTS.md). */
const STORAGE_KEY_BYTES_MAX = 256;
/** A call body: 16 KiB of input as hex plus the other fields. */
export const CALL_BODY_BYTES_MAX = 2 * 16 * 1_024 + 1_024;
/** Round trips to the node for missing state before a simulation gives up. */
export const SIMULATION_ROUNDS_MAX = 32;
export const EVENTS_LIMIT_MAX = 100;

const callBody = z
  .object({
    fn: fnName,
    input: hexBytes(16 * 1_024).default(""),
    caller: hex32.optional(),
    value: u64Text.optional(),
  })
  .strict();

type CallBody = z.output<typeof callBody>;

function contractId(raw: string): string {
  return parseInput(hex32, raw, "INVALID_CONTRACT_ID", "contract id");
}

function parseCall(body: Record<string, unknown>): CallBody {
  const input = body.input;
  // An oversized input is 413 like any body over its cap; every other problem is 400.
  if (typeof input === "string" && input.replace(/^0x/, "").length > 2 * 16 * 1_024) {
    throw new ApiError(413, "PAYLOAD_TOO_LARGE", "input exceeds 16384 bytes", { limit: 16 * 1_024 });
  }
  return parseInput(callBody, body, "INVALID_BODY", "call");
}

contractRoutes.get("/:id", async (c) => {
  const id = contractId(c.req.param("id"));
  const contract = await withDeadline("contract", c.get("node").contract(id));
  if (contract === null) throw new ApiError(404, "CONTRACT_NOT_FOUND", `no contract ${id}`, { id });
  return c.json(contract);
});

contractRoutes.get("/:id/storage/:key", async (c) => {
  const id = contractId(c.req.param("id"));
  const key = parseInput(
    hexBytes(STORAGE_KEY_BYTES_MAX),
    c.req.param("key"),
    "INVALID_STORAGE_KEY",
    "storage key",
  );
  const value = await withDeadline("contractStorage", c.get("node").contractStorage(id, key));
  return c.json({ contract: id, key, value });
});

contractRoutes.get("/:id/events", async (c) => {
  const id = contractId(c.req.param("id"));
  const from = parseInput(heightText, c.req.query("from") ?? "0", "INVALID_HEIGHT", "from");
  const limit = parseInput(
    limitText(EVENTS_LIMIT_MAX),
    c.req.query("limit") ?? String(EVENTS_LIMIT_MAX),
    "INVALID_LIMIT",
    "limit",
  );
  let events = await withDeadline("contractEvents", c.get("node").contractEvents(id, from, limit));
  // Pages hold whole blocks, so `next` (the height to ask from) never skips an event: a full
  // page gives back its last block's events unless that block alone fills it (then
  // `truncated`; the archive's cursors page inside a block).
  let truncated = false;
  const last = events[events.length - 1];
  if (last !== undefined && events.length === limit) {
    const whole = events.filter((e) => e.height < last.height);
    if (whole.length > 0) events = whole;
    else truncated = true;
  }
  // Where to resume (also to poll for newer events later); null when there were none.
  const end = events[events.length - 1];
  return c.json({ contract: id, from, events, next: end === undefined ? null : end.height + 1, truncated });
});

contractRoutes.post("/:id/query", async (c) => {
  const id = contractId(c.req.param("id"));
  const call = parseCall(await readJsonObject(c.req.raw, CALL_BODY_BYTES_MAX));
  const r = await withDeadline(
    "queryContract",
    c.get("node").queryContract(id, call.fn, call.input, call.caller),
  );
  if ("code" in r) throw new ApiError(400, r.code, r.message);
  return c.json(r);
});

contractRoutes.post("/:id/simulate", async (c) => {
  const id = contractId(c.req.param("id"));
  const call = parseCall(await readJsonObject(c.req.raw, CALL_BODY_BYTES_MAX));
  const node = c.get("node");
  const run = executorFor(c.env);
  // Start with what every call reads: the contract record and the caller; then fetch the
  // record's code, then whatever else the call turns out to read.
  const caller = call.caller ?? "00".repeat(32);
  let want = { entries: [toHex(contractKey(fromHex(id, 32, "contract id")))], accounts: [caller] };
  const entries: Record<string, string | null> = {};
  const accounts: Record<string, { balance: string; nonce: string }> = {};
  for (let round = 0; round < SIMULATION_ROUNDS_MAX; round++) {
    const got = await withDeadline("readState", node.readState(want.entries, want.accounts));
    Object.assign(entries, got.entries);
    Object.assign(accounts, got.accounts);
    const record = entries[toHex(contractKey(fromHex(id, 32, "contract id")))];
    if (record === null) throw new ApiError(404, "CONTRACT_NOT_FOUND", `no contract ${id}`, { id });
    const code =
      record === undefined
        ? undefined
        : toHex(codeKey(decodeContractRecord(fromHex(record, undefined, "record")).codeHash));
    if (code !== undefined && !(code in entries)) {
      want = { entries: [code], accounts: [] };
      continue;
    }
    const request: SimulateRequest = {
      contract: id,
      fn: call.fn,
      input: call.input,
      caller,
      ...(call.value === undefined ? {} : { value: call.value }),
      gas: 50_000_000,
      block: got.block,
      entries,
      accounts,
    };
    const answer = await withDeadline("simulate", run(request));
    if (answer.kind === "error") throw new ApiError(400, answer.code, answer.message);
    if (answer.kind === "result") {
      const { kind: _, ...result } = answer;
      // How many node round trips and keys the read set took: the cost of statelessness.
      const readSet = {
        rounds: round + 1,
        entries: Object.keys(entries).length,
        accounts: Object.keys(accounts).length,
      };
      return c.json({ ...result, readSet });
    }
    want = {
      entries: answer.entry === undefined ? [] : [answer.entry],
      accounts: answer.account === undefined ? [] : [answer.account],
    };
  }
  throw new ApiError(
    422,
    "SIMULATION_TOO_MANY_READS",
    `the call needed more than ${SIMULATION_ROUNDS_MAX} state fetches`,
    {
      limit: SIMULATION_ROUNDS_MAX,
    },
  );
});

/** The executor service binding when configured, else the same code inline. */
function executorFor(env: GatewayEnv["Bindings"]): (r: SimulateRequest) => Promise<SimulateResponse> {
  const binding = env?.EXECUTOR;
  if (binding !== undefined) return (r) => binding.simulate(r);
  const params = devnetGenesis(devnetConfig(env ?? {})).genesis.params.execution;
  return async (r) => simulateCall(r, params);
}
