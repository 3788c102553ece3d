import { beforeAll, describe, expect, it } from "vitest";
import { toHex } from "../../protocol/bytes.js";
import { storageKey } from "../../protocol/contract-keys.js";
import { decodeReceipt, encodeReceipt, type Receipt } from "../../protocol/receipt.js";
import { AccountState, StateOverlay } from "../../protocol/state.js";
import { contractIdOf, signDeploy } from "../../protocol/transaction.js";
import { applyDeploy } from "../../workers/executor/contracts/runtime.js";
import { type SimulateRequest, simulateCall } from "../../workers/executor/contracts/simulate.js";
import { COUNTER_WAT } from "../fixtures/counter-wat.js";
import { wat } from "../fixtures/wat.js";
import { alice, CHAIN_ID, EXEC, expectCode } from "./fixtures.js";

const BLOCK = { chainId: CHAIN_ID, height: 3, timestampMs: 0 };
let state: AccountState;
let id: Uint8Array;

beforeAll(async () => {
  state = AccountState.from([[alice.publicKey, { balance: 10_000_000_000n, nonce: 0n }]]);
  const overlay = new StateOverlay(state);
  const code = await wat(COUNTER_WAT);
  const tx = signDeploy(alice.secretKey, {
    chainId: CHAIN_ID,
    from: alice.publicKey,
    amount: 0n,
    nonce: 1n,
    gasLimit: 30_000_000n,
    gasPrice: 1n,
    code,
    init: new Uint8Array(0),
  });
  expect(applyDeploy(tx, overlay, { block: BLOCK, params: EXEC }).status).toBe("success");
  state.commit(overlay);
  id = contractIdOf(alice.publicKey, 1n);
});

/** The gateway's loop, against the in-memory state: fetch what the executor names, retry. */
function simulateWithFetching(
  fn: string,
  input: string,
): { rounds: number; answer: ReturnType<typeof simulateCall> } {
  const entries: Record<string, string | null> = {};
  const accounts: Record<string, { balance: string; nonce: string }> = {};
  for (let rounds = 1; rounds <= 16; rounds++) {
    const req: SimulateRequest = {
      contract: toHex(id),
      fn,
      input,
      gas: 1_000_000,
      block: BLOCK,
      entries,
      accounts,
    };
    const answer = simulateCall(req, EXEC);
    if (answer.kind !== "missing") return { rounds, answer };
    if (answer.entry !== undefined) {
      const v = state.getEntry(Uint8Array.from(Buffer.from(answer.entry, "hex")));
      entries[answer.entry] = v === undefined ? null : toHex(v);
    }
    if (answer.account !== undefined) {
      const a = state.getAccount(Uint8Array.from(Buffer.from(answer.account, "hex")));
      accounts[answer.account] = { balance: String(a.balance), nonce: String(a.nonce) };
    }
  }
  throw new Error("simulation did not converge");
}

describe("stateless simulation", () => {
  it("names each missing key, then returns result, events and writes from the read set", () => {
    const { rounds, answer } = simulateWithFetching("increment", "0500000000000000");
    // Record, code and the one storage key the call reads.
    expect(rounds).toBe(4);
    if (answer.kind !== "result") throw new Error(answer.kind);
    const countKey = toHex(storageKey(id, new TextEncoder().encode("count")));
    expect(answer.ok).toBe(true);
    expect(answer.writes.entries).toEqual([[countKey, "0500000000000000"]]);
    expect(answer.events).toEqual([
      { contract: toHex(id), topic: toHex(new TextEncoder().encode("inc")), data: "0500000000000000" },
    ]);
  });

  it("a read-only function needs record, code and its key, and writes nothing", () => {
    const { rounds, answer } = simulateWithFetching("get", "");
    if (answer.kind !== "result") throw new Error(answer.kind);
    expect(rounds).toBe(4);
    expect(answer.returnData).toBe("0000000000000000");
    expect(answer.writes).toEqual({ entries: [], accounts: [] });
  });

  it("answers request errors as data with their code", () => {
    const base = { contract: toHex(id), fn: "get", input: "", block: BLOCK, entries: {}, accounts: {} };
    expect(simulateCall({ ...base, gas: 0 }, EXEC)).toMatchObject({
      kind: "error",
      code: "DECODE_INVALID_VALUE",
    });
    expect(simulateCall({ ...base, gas: 1_000, input: "zz" }, EXEC)).toMatchObject({ kind: "error" });
    const many = Object.fromEntries(
      Array.from({ length: 513 }, (_, i) => [i.toString(16).padStart(4, "0"), null]),
    );
    expect(simulateCall({ ...base, gas: 1_000, entries: many }, EXEC)).toMatchObject({ kind: "error" });
  });
});

describe("receipts", () => {
  it("round-trip through their encoding and refuse more events than the limit", () => {
    const r: Receipt = {
      status: "reverted",
      gasUsed: 123_456n,
      error: { code: "CONTRACT_REVERTED", message: "nope ✓" },
      events: [
        { contract: new Uint8Array(32).fill(1), topic: new Uint8Array([1]), data: new Uint8Array([2, 3]) },
      ],
      returnData: new Uint8Array([9]),
      contract: null,
    };
    expect(decodeReceipt(encodeReceipt(r))).toEqual(r);
    const ok: Receipt = { ...r, status: "success", error: null, contract: new Uint8Array(32).fill(7) };
    expect(decodeReceipt(encodeReceipt(ok))).toEqual(ok);
    const flood = { ...ok, events: Array.from({ length: 65 }, () => r.events[0]!) };
    expectCode(() => decodeReceipt(encodeReceipt(flood)), "DECODE_LIMIT_EXCEEDED");
  });
});
