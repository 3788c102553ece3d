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
import { devnetConfig, devnetGenesis } from "../../../durable/devnet-config.js";
import { fromHex, toHex } from "../../../protocol/bytes.js";
import { codeKey, contractKey, decodeContractRecord } from "../../../protocol/contract-keys.js";
import type { SimulateRequest, SimulateResponse } from "../../../workers/executor/contracts/simulate.js";
import { simulateCall } from "../../../workers/executor/contracts/simulate.js";
import type { GatewayEnv } from "../app.js";
import { readJsonObject } from "../body.js";
import { ApiError } from "../errors.js";
import { withDeadline } from "../node-client.js";

export const contractRoutes = new Hono<GatewayEnv>();

const ID_RE = /^[0-9a-f]{64}$/;
const HEX_RE = /^([0-9a-f]{2})*$/;
const FN_RE = /^[A-Za-z0-9_]{1,64}$/;
const HEIGHT_RE = /^(0|[1-9][0-9]{0,15})$/;
/** Storage keys are at most 256 bytes (docs/CONTRACTS.md). */
const STORAGE_KEY_HEX_MAX = 512;
/** A call body: 16 KiB of input as hex plus the other fields. */
export const CALL_BODY_BYTES_MAX = 2 * 16 * 1_024 + 1_024;
/** Round trips to the node for missing state before a simulation gives up. */
export const SIMULATION_ROUNDS_MAX = 32;
export const EVENTS_LIMIT_MAX = 100;

function contractId(raw: string): string {
  const id = raw.toLowerCase();
  if (!ID_RE.test(id)) {
    throw new ApiError(400, "INVALID_CONTRACT_ID", "contract id must be 64 hex characters (32 bytes)", {
      id: raw.slice(0, 80),
    });
  }
  return id;
}

function hexField(
  body: Record<string, unknown>,
  name: string,
  required: boolean,
  maxChars: number,
): string | undefined {
  const v = body[name];
  if (v === undefined && !required) return undefined;
  if (typeof v !== "string") throw new ApiError(400, "INVALID_BODY", `${name} must be a hex string`);
  const hex = (v.startsWith("0x") ? v.slice(2) : v).toLowerCase();
  if (!HEX_RE.test(hex))
    throw new ApiError(400, "INVALID_BODY", `${name} must be an even number of hex characters`);
  if (hex.length > maxChars) {
    throw new ApiError(413, "PAYLOAD_TOO_LARGE", `${name} exceeds ${maxChars / 2} bytes`, {
      limit: maxChars / 2,
    });
  }
  return hex;
}

interface CallBody {
  readonly fn: string;
  readonly input: string;
  readonly caller?: string;
  readonly value?: string;
}

function parseCall(body: Record<string, unknown>): CallBody {
  const fn = body.fn;
  if (typeof fn !== "string" || !FN_RE.test(fn)) {
    throw new ApiError(400, "INVALID_BODY", "fn must be 1-64 characters of [A-Za-z0-9_]");
  }
  const input = hexField(body, "input", false, 2 * 16 * 1_024) ?? "";
  const caller = hexField(body, "caller", false, 64);
  if (caller !== undefined && caller.length !== 64) {
    throw new ApiError(400, "INVALID_BODY", "caller must be 32 bytes of hex");
  }
  const value = body.value;
  if (value !== undefined && (typeof value !== "string" || !/^(0|[1-9][0-9]{0,19})$/.test(value))) {
    throw new ApiError(400, "INVALID_BODY", "value must be a decimal string");
  }
  return {
    fn,
    input,
    ...(caller === undefined ? {} : { caller }),
    ...(value === undefined ? {} : { value }),
  };
}

contractRoutes.get("/:id", async (c) => {
  const id = contractId(c.req.param("id"));
  const contract = await withDeadline("contract", c.get("node").contract(id));
  if (contract === null) throw new ApiError(404, "CONTRACT_NOT_FOUND", `no contract ${id}`, { id });
  return c.json(contract);
});

contractRoutes.get("/:id/storage/:key", async (c) => {
  const id = contractId(c.req.param("id"));
  const key = c.req.param("key").toLowerCase();
  if (!HEX_RE.test(key) || key.length > STORAGE_KEY_HEX_MAX) {
    throw new ApiError(400, "INVALID_STORAGE_KEY", "storage key must be hex of at most 256 bytes");
  }
  const value = await withDeadline("contractStorage", c.get("node").contractStorage(id, key));
  return c.json({ contract: id, key, value });
});

contractRoutes.get("/:id/events", async (c) => {
  const id = contractId(c.req.param("id"));
  const fromRaw = c.req.query("from") ?? "0";
  const limitRaw = c.req.query("limit") ?? String(EVENTS_LIMIT_MAX);
  if (!HEIGHT_RE.test(fromRaw))
    throw new ApiError(400, "INVALID_HEIGHT", "from must be a non-negative integer");
  const limit = Number(limitRaw);
  if (!/^[1-9][0-9]{0,2}$/.test(limitRaw) || limit > EVENTS_LIMIT_MAX) {
    throw new ApiError(400, "INVALID_LIMIT", `limit must be an integer in 1..${EVENTS_LIMIT_MAX}`);
  }
  const events = await withDeadline(
    "contractEvents",
    c.get("node").contractEvents(id, Number(fromRaw), limit),
  );
  // Resume from the last height seen: a client asks again with from = next.
  const last = events[events.length - 1];
  return c.json({
    contract: id,
    from: Number(fromRaw),
    events,
    next: last === undefined ? null : last.height + 1,
  });
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
