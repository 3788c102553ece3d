/**
 * Stateless simulation of a contract call: the caller supplies the part of the state the call
 * reads (a read set of entries and accounts, hex in plain JSON so it crosses Workers RPC); the
 * call runs on it and returns result, gas, events and the writes it would make. When the call
 * reads something not supplied, the answer names that key instead, so the caller fetches it
 * and asks again (the gateway loops a bounded number of times).
 */

import { fromHex, toHex } from "../../../protocol/bytes.js";
import { ProtocolError } from "../../../protocol/errors.js";
import type { ExecutionParams } from "../../../protocol/params.js";
import { type Account, ADDRESS_BYTES, EMPTY_ACCOUNT, type StateReader } from "../../../protocol/state.js";
import type { ZkHost } from "./frame.js";
import { queryContract } from "./runtime.js";

/** Bounds of one request: what a read set may hold. */
export const SIMULATION_LIMITS = {
  entries: 512,
  accounts: 256,
  entryValueHexChars: 2 * 64 * 1_024,
  inputHexChars: 2 * 16 * 1_024,
  gasMax: 50_000_000,
} as const;

export interface AccountJsonLike {
  readonly balance: string;
  readonly nonce: string;
}

export interface SimulateRequest {
  readonly contract: string;
  readonly fn: string;
  readonly input: string;
  readonly caller?: string;
  readonly value?: string;
  readonly gas: number;
  readonly block: { readonly chainId: string; readonly height: number; readonly timestampMs: number };
  /** Entry key hex → value hex, or null for a key known to be absent. */
  readonly entries: Readonly<Record<string, string | null>>;
  /** Address hex → account (absent addresses read as empty only when listed with null). */
  readonly accounts: Readonly<Record<string, AccountJsonLike | null>>;
}

export type SimulateResponse =
  | {
      readonly kind: "result";
      readonly ok: boolean;
      readonly returnData: string;
      readonly gasUsed: number;
      readonly error: { readonly code: string; readonly message: string } | null;
      readonly events: Array<{ contract: string; topic: string; data: string }>;
      readonly writes: {
        readonly entries: Array<[string, string | null]>;
        readonly accounts: Array<[string, AccountJsonLike]>;
      };
    }
  | { readonly kind: "missing"; readonly entry?: string; readonly account?: string }
  /** The request itself was invalid (a bound exceeded, bad hex): codes survive Workers RPC. */
  | { readonly kind: "error"; readonly code: string; readonly message: string };

/** A state made of the read set only; a read outside it is recorded and stops the run. */
class ReadSetState implements StateReader {
  missing: { entry?: string; account?: string } | null = null;

  constructor(
    private readonly entries: Readonly<Record<string, string | null>>,
    private readonly accounts: Readonly<Record<string, AccountJsonLike | null>>,
  ) {}

  getEntry(key: Uint8Array): Uint8Array | undefined {
    const k = toHex(key);
    if (!Object.hasOwn(this.entries, k)) {
      this.missing ??= { entry: k };
      throw new ProtocolError("CONTRACT_STATE_MISSING", `entry ${k} is not in the read set`, { entry: k });
    }
    const v = this.entries[k];
    return v === null || v === undefined ? undefined : fromHex(v, undefined, "entry value");
  }

  getAccount(address: Uint8Array): Account {
    const a = toHex(address);
    if (!Object.hasOwn(this.accounts, a)) {
      this.missing ??= { account: a };
      throw new ProtocolError("CONTRACT_STATE_MISSING", `account ${a} is not in the read set`, {
        account: a,
      });
    }
    const v = this.accounts[a];
    return v === null || v === undefined
      ? EMPTY_ACCOUNT
      : { balance: BigInt(v.balance), nonce: BigInt(v.nonce) };
  }
}

function checkRequest(req: SimulateRequest): void {
  const bad = (message: string) => new ProtocolError("DECODE_INVALID_VALUE", message, {});
  if (Object.keys(req.entries).length > SIMULATION_LIMITS.entries)
    throw bad(`read set holds more than ${SIMULATION_LIMITS.entries} entries`);
  if (Object.keys(req.accounts).length > SIMULATION_LIMITS.accounts)
    throw bad(`read set holds more than ${SIMULATION_LIMITS.accounts} accounts`);
  if (req.input.length > SIMULATION_LIMITS.inputHexChars) throw bad("input exceeds 16 KiB");
  for (const v of Object.values(req.entries)) {
    if (v !== null && v.length > SIMULATION_LIMITS.entryValueHexChars)
      throw bad("entry value exceeds 64 KiB");
  }
  if (!Number.isSafeInteger(req.gas) || req.gas <= 0 || req.gas > SIMULATION_LIMITS.gasMax)
    throw bad(`gas must be an integer in 1..${SIMULATION_LIMITS.gasMax}`);
}

export function simulateCall(
  req: SimulateRequest,
  params: ExecutionParams,
  zk: ZkHost = {},
): SimulateResponse {
  try {
    return simulate(req, params, zk);
  } catch (e) {
    if (e instanceof ProtocolError) return { kind: "error", code: e.code, message: e.message };
    throw e;
  }
}

function simulate(req: SimulateRequest, params: ExecutionParams, zk: ZkHost | undefined): SimulateResponse {
  checkRequest(req);
  const state = new ReadSetState(req.entries, req.accounts);
  const caller = req.caller === undefined ? undefined : fromHex(req.caller, ADDRESS_BYTES, "caller");
  let result: ReturnType<typeof queryContract>;
  try {
    result = queryContract(
      state,
      {
        contract: fromHex(req.contract, 32, "contract"),
        fn: req.fn,
        input: fromHex(req.input, undefined, "input"),
        gas: req.gas,
        ...(caller === undefined ? {} : { caller }),
        ...(req.value === undefined ? {} : { value: BigInt(req.value) }),
      },
      { block: req.block, params, ...(zk === undefined ? {} : { zk }) },
    );
  } catch (e) {
    if (state.missing !== null) return { kind: "missing", ...state.missing };
    throw e;
  }
  // A read outside the set inside the VM surfaces as a trap: the recorded key is the truth.
  if (state.missing !== null) return { kind: "missing", ...state.missing };
  return {
    kind: "result",
    ok: result.ok,
    returnData: toHex(result.returnData),
    gasUsed: result.gasUsed,
    error: result.error,
    events: result.events.map((e) => ({
      contract: toHex(e.contract),
      topic: toHex(e.topic),
      data: toHex(e.data),
    })),
    writes: {
      entries: result.overlay.entryChanges().map(([k, v]) => [toHex(k), v === null ? null : toHex(v)]),
      accounts: result.overlay
        .changes()
        .map(([a, acc]) => [toHex(a), { balance: String(acc.balance), nonce: String(acc.nonce) }]),
    },
  };
}
