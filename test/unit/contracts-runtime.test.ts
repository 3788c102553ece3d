import { beforeAll, describe, expect, it } from "vitest";
import { toHex } from "../../protocol/bytes.js";
import { CONTRACT_GAS } from "../../protocol/contract-gas.js";
import { codeKey, contractKey, decodeContractRecord, storageKey } from "../../protocol/contract-keys.js";
import type { Ed25519KeyPair } from "../../protocol/ed25519.js";
import { hash } from "../../protocol/hash.js";
import { AccountState, StateOverlay } from "../../protocol/state.js";
import {
  type CallTx,
  contractIdOf,
  type DeployTx,
  decodeTransaction,
  encodeTransaction,
  signCall,
  signDeploy,
} from "../../protocol/transaction.js";
import { checkContractAdmission } from "../../workers/executor/contracts/admission.js";
import { applyCall, applyDeploy, queryContract } from "../../workers/executor/contracts/runtime.js";
import { applyTransactions } from "../../workers/executor/execute-block.js";
import { COUNTER_WAT as COUNTER } from "../fixtures/counter-wat.js";
import { wat } from "../fixtures/wat.js";
import { alice, bob, CHAIN_ID, EXEC, expectCode } from "./fixtures.js";

const BLOCK = { chainId: CHAIN_ID, height: 7, timestampMs: 1_700_000_000_000 };
const ENV = { block: BLOCK, params: EXEC };
const GAS_PRICE = 1n;

let code: Uint8Array;

beforeAll(async () => {
  code = await wat(COUNTER);
});

function u64le(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, v, true);
  return b;
}

function readU64(b: Uint8Array): bigint {
  return new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0, true);
}

function fresh(): AccountState {
  return AccountState.from([
    [alice.publicKey, { balance: 10_000_000_000n, nonce: 0n }],
    [bob.publicKey, { balance: 10_000_000_000n, nonce: 0n }],
  ]);
}

function deployTx(from: Ed25519KeyPair, nonce: bigint, overrides: Partial<DeployTx> = {}): DeployTx {
  return signDeploy(from.secretKey, {
    chainId: CHAIN_ID,
    from: from.publicKey,
    amount: 0n,
    nonce,
    gasLimit: 30_000_000n,
    gasPrice: GAS_PRICE,
    code,
    init: new Uint8Array(0),
    ...overrides,
  });
}

function callTx(
  from: Ed25519KeyPair,
  nonce: bigint,
  contract: Uint8Array,
  fn: string,
  input: Uint8Array = new Uint8Array(0),
  overrides: Partial<CallTx> = {},
): CallTx {
  return signCall(from.secretKey, {
    chainId: CHAIN_ID,
    from: from.publicKey,
    contract,
    fn,
    input,
    amount: 0n,
    nonce,
    gasLimit: 5_000_000n,
    gasPrice: GAS_PRICE,
    ...overrides,
  });
}

/** Deploys the counter from alice (nonce 1) on `state`, committing it; returns the contract id. */
function deployed(state: AccountState): Uint8Array {
  const overlay = new StateOverlay(state);
  const r = applyDeploy(deployTx(alice, 1n), overlay, ENV);
  expect(r.status).toBe("success");
  state.commit(overlay);
  return contractIdOf(alice.publicKey, 1n);
}

function storedCount(state: { getEntry(k: Uint8Array): Uint8Array | undefined }, id: Uint8Array): bigint {
  const v = state.getEntry(storageKey(id, new TextEncoder().encode("count")));
  if (v === undefined) throw new Error("no count stored");
  return readU64(v);
}

describe("contract transactions: codec", () => {
  it("deploy and call round-trip through the codec; the signing hash covers every field", () => {
    const d = deployTx(alice, 1n, { init: new Uint8Array([1, 2, 3]) });
    expect(decodeTransaction(encodeTransaction(d))).toEqual(d);
    const c = callTx(bob, 4n, new Uint8Array(32).fill(9), "increment", u64le(5n), { amount: 77n });
    expect(decodeTransaction(encodeTransaction(c))).toEqual(c);
    const other = callTx(bob, 4n, new Uint8Array(32).fill(9), "increment", u64le(6n), { amount: 77n });
    expect(other.signature).not.toEqual(c.signature);
  });

  it("refuses function names outside [A-Za-z0-9_]{1,64}", () => {
    const id = new Uint8Array(32);
    expectCode(() => callTx(alice, 1n, id, "no-dash"), "TX_MALFORMED");
    expectCode(() => callTx(alice, 1n, id, ""), "TX_MALFORMED");
    expectCode(() => callTx(alice, 1n, id, "x".repeat(65)), "TX_MALFORMED");
  });

  it("refuses code above 64 KiB when encoding and decoding", () => {
    const big = { ...deployTx(alice, 1n), code: new Uint8Array(64 * 1024 + 1) };
    expectCode(() => encodeTransaction(big), "DECODE_LIMIT_EXCEEDED");
  });
});

describe("contract runtime: deploy", () => {
  it("stores code and record under the derived id, runs init, and charges intrinsic + code gas", () => {
    const state = fresh();
    const overlay = new StateOverlay(state);
    const tx = deployTx(alice, 1n);
    const r = applyDeploy(tx, overlay, ENV);
    const id = contractIdOf(alice.publicKey, 1n);
    expect(r).toMatchObject({ status: "success", error: null, contract: id });
    const intrinsic = BigInt(CONTRACT_GAS.txBase + CONTRACT_GAS.deployPerCodeByte * code.length);
    expect(r.gasUsed).toBeGreaterThan(intrinsic);
    expect(overlay.getEntry(codeKey(hash(code)))).toEqual(code);
    const record = decodeContractRecord(overlay.getEntry(contractKey(id))!);
    expect(record).toEqual({ codeHash: hash(code), deployer: alice.publicKey, deployedAt: 7 });
    expect(storedCount(overlay, id)).toBe(0n);
    expect(overlay.getAccount(alice.publicKey)).toEqual({
      balance: 10_000_000_000n - r.gasUsed * GAS_PRICE,
      nonce: 1n,
    });
    // The state root commits to contract entries.
    expect(state.rootWith(overlay)).not.toEqual(state.root());
    state.commit(overlay);
    expect(state.root()).toEqual(fresh().rootWith(overlay));
  });

  it("a deployment whose code does not validate is a reverted receipt that creates nothing", () => {
    const state = fresh();
    const overlay = new StateOverlay(state);
    const r = applyDeploy(
      deployTx(alice, 1n, { code: new Uint8Array([0, 97, 115, 109, 9, 9]) }),
      overlay,
      ENV,
    );
    expect(r).toMatchObject({ status: "reverted", contract: null, error: { code: "CONTRACT_INVALID_CODE" } });
    expect(overlay.getEntry(contractKey(contractIdOf(alice.publicKey, 1n)))).toBeUndefined();
    expect(overlay.getAccount(alice.publicKey).nonce).toBe(1n);
  });
});

describe("contract runtime: calls", () => {
  it("increments storage, emits events and refunds unused gas", () => {
    const state = fresh();
    const id = deployed(state);
    const overlay = new StateOverlay(state);
    const before = overlay.getAccount(bob.publicKey);
    const r1 = applyCall(callTx(bob, 1n, id, "increment", u64le(7n)), overlay, ENV);
    const r2 = applyCall(callTx(bob, 2n, id, "increment", u64le(5n)), overlay, ENV);
    expect(r1.status).toBe("success");
    expect(r2.status).toBe("success");
    expect(storedCount(overlay, id)).toBe(12n);
    expect(r2.events).toEqual([{ contract: id, topic: new TextEncoder().encode("inc"), data: u64le(12n) }]);
    expect(overlay.getAccount(bob.publicKey)).toEqual({
      balance: before.balance - (r1.gasUsed + r2.gasUsed) * GAS_PRICE,
      nonce: 2n,
    });
    expect(r1.gasUsed).toBeLessThan(5_000_000n);
  });

  it("a revert rolls back storage, events and value but charges the fee and advances the nonce", () => {
    const state = fresh();
    const id = deployed(state);
    const overlay = new StateOverlay(state);
    const r = applyCall(callTx(bob, 1n, id, "increment", u64le(101n), { amount: 1_000n }), overlay, ENV);
    expect(r).toMatchObject({
      status: "reverted",
      events: [],
      error: { code: "CONTRACT_REVERTED", message: "too big" },
    });
    expect(new TextDecoder().decode(r.returnData)).toBe("too big");
    expect(storedCount(overlay, id)).toBe(0n);
    expect(overlay.getAccount(id).balance).toBe(0n);
    expect(overlay.getAccount(bob.publicKey)).toEqual({
      balance: 10_000_000_000n - r.gasUsed * GAS_PRICE,
      nonce: 1n,
    });
    // An explicit revert pays for what ran, not the whole limit.
    expect(r.gasUsed).toBeLessThan(5_000_000n);
  });

  it("an infinite loop runs out of gas deterministically and pays the whole limit", () => {
    const state = fresh();
    const id = deployed(state);
    const a = applyCall(
      callTx(bob, 1n, id, "spin", undefined, { gasLimit: 300_000n }),
      new StateOverlay(state),
      ENV,
    );
    const b = applyCall(
      callTx(bob, 1n, id, "spin", undefined, { gasLimit: 300_000n }),
      new StateOverlay(state),
      ENV,
    );
    expect(a).toMatchObject({
      status: "reverted",
      gasUsed: 300_000n,
      error: { code: "CONTRACT_OUT_OF_GAS" },
    });
    expect(b).toEqual(a);
  });

  it("a trap and an oversized storage key are reverted with their codes", () => {
    const state = fresh();
    const id = deployed(state);
    const trap = applyCall(callTx(bob, 1n, id, "boom"), new StateOverlay(state), ENV);
    expect(trap).toMatchObject({ status: "reverted", error: { code: "CONTRACT_TRAP" }, gasUsed: 5_000_000n });
    const key = applyCall(callTx(bob, 1n, id, "big_key"), new StateOverlay(state), ENV);
    expect(key).toMatchObject({ status: "reverted", error: { code: "CONTRACT_LIMIT" } });
  });

  it("attached value reaches the contract's balance; the contract can pay it out", () => {
    const state = fresh();
    const id = deployed(state);
    const overlay = new StateOverlay(state);
    const r = applyCall(callTx(bob, 1n, id, "value_and_height", undefined, { amount: 5_000n }), overlay, ENV);
    expect(readU64(r.returnData)).toBe(5_000n);
    expect(readU64(r.returnData.subarray(8))).toBe(7n);
    expect(overlay.getAccount(id).balance).toBe(5_000n);
    const input = new Uint8Array(40);
    input.set(alice.publicKey, 0);
    input.set(u64le(1_500n), 32);
    const aliceBefore = overlay.getAccount(alice.publicKey).balance;
    const paid = applyCall(callTx(bob, 2n, id, "pay", input), overlay, ENV);
    expect(paid.returnData).toEqual(new Uint8Array([0, 0, 0, 0]));
    expect(overlay.getAccount(id).balance).toBe(3_500n);
    expect(overlay.getAccount(alice.publicKey).balance).toBe(aliceBefore + 1_500n);
    input.set(u64le(1_000_000n), 32);
    const refused = applyCall(callTx(bob, 3n, id, "pay", input), overlay, ENV);
    expect(refused.returnData).toEqual(new Uint8Array([1, 0, 0, 0]));
  });

  it("a cross-contract call changes the callee; a callee's revert is rolled back alone", () => {
    const state = fresh();
    const a = deployed(state);
    const overlay0 = new StateOverlay(state);
    applyDeploy(deployTx(bob, 1n), overlay0, ENV);
    state.commit(overlay0);
    const b = contractIdOf(bob.publicKey, 1n);
    const input = new Uint8Array(40);
    input.set(b, 0);
    input.set(u64le(3n), 32);
    const overlay = new StateOverlay(state);
    const ok = applyCall(callTx(alice, 2n, a, "bump_other", input), overlay, ENV);
    expect(ok.status).toBe("success");
    expect(ok.returnData).toEqual(new Uint8Array([0, 0, 0, 0]));
    expect(storedCount(overlay, b)).toBe(3n);
    // B's event (emitted in the nested call) comes first, then A's.
    expect(ok.events.map((e) => toHex(e.contract))).toEqual([toHex(b), toHex(a)]);
    input.set(u64le(500n), 32);
    const nestedRevert = applyCall(callTx(alice, 3n, a, "bump_other", input), overlay, ENV);
    expect(nestedRevert.status).toBe("success");
    expect(nestedRevert.returnData).toEqual(new Uint8Array([1, 0, 0, 0]));
    expect(storedCount(overlay, b)).toBe(3n);
    expect(nestedRevert.events.map((e) => toHex(e.contract))).toEqual([toHex(a)]);
  });

  it("recursion stops at the call depth limit without failing the outer call", () => {
    const state = fresh();
    const id = deployed(state);
    const r = applyCall(
      callTx(bob, 1n, id, "recurse", undefined, { gasLimit: 20_000_000n }),
      new StateOverlay(state),
      ENV,
    );
    expect(r.status).toBe("success");
    // Frames 1-8 run and each emits once after its nested call returns; the call from frame 8
    // (depth 9) fails with CONTRACT_LIMIT, so frame 8 saw status 1 and the rest saw 0.
    expect(r.events.length).toBe(8);
    expect(r.events.map((e) => e.data[0])).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(r.returnData).toEqual(new Uint8Array([0, 0, 0, 0]));
  });

  it("a query returns data without changing state", () => {
    const state = fresh();
    const id = deployed(state);
    const overlay = new StateOverlay(state);
    applyCall(callTx(bob, 1n, id, "increment", u64le(9n)), overlay, ENV);
    state.commit(overlay);
    const root = state.root();
    const q = queryContract(
      state,
      { contract: id, fn: "get", input: new Uint8Array(0), gas: 1_000_000 },
      ENV,
    );
    expect(q.ok).toBe(true);
    expect(readU64(q.returnData)).toBe(9n);
    const q2 = queryContract(state, { contract: id, fn: "increment", input: u64le(1n), gas: 1_000_000 }, ENV);
    expect(storedCount(q2.overlay, id)).toBe(10n);
    expect(state.root()).toEqual(root);
  });
});

describe("contract admission and block execution", () => {
  it("refuses invalid code, foreign imports, a missing memory export, unknown contracts and functions", async () => {
    const state = fresh();
    expectCode(
      () => checkContractAdmission(deployTx(alice, 1n, { code: new Uint8Array([1, 2, 3]) }), state),
      "CONTRACT_INVALID_CODE",
    );
    const foreign = await wat(`(module (import "env" "now" (func)) (memory (export "memory") 1))`);
    expectCode(
      () => checkContractAdmission(deployTx(alice, 1n, { code: foreign }), state),
      "CONTRACT_INVALID_CODE",
    );
    const noMemory = await wat(`(module (func (export "init")))`);
    expectCode(
      () => checkContractAdmission(deployTx(alice, 1n, { code: noMemory }), state),
      "CONTRACT_INVALID_CODE",
    );
    expectCode(
      () => checkContractAdmission(callTx(bob, 1n, new Uint8Array(32), "get"), state),
      "CONTRACT_NOT_FOUND",
    );
    const id = deployed(state);
    expectCode(() => checkContractAdmission(callTx(bob, 1n, id, "nope"), state), "CONTRACT_NO_SUCH_FUNCTION");
    checkContractAdmission(callTx(bob, 1n, id, "get"), state);
  });

  it("a block mixing deploy and calls gives receipts in order and the same root on every run", () => {
    const state = fresh();
    const id = contractIdOf(alice.publicKey, 1n);
    const txs = [
      deployTx(alice, 1n),
      callTx(bob, 1n, id, "increment", u64le(2n)),
      callTx(bob, 2n, id, "increment", u64le(200n)),
    ];
    const ctx = { chainId: CHAIN_ID, params: EXEC, block: { height: 7, timestampMs: BLOCK.timestampMs } };
    const a = applyTransactions(state, txs, ctx);
    const b = applyTransactions(fresh(), txs, ctx);
    expect(a.receipts.map((r) => r.status)).toEqual(["success", "success", "reverted"]);
    expect(a.gasUsed).toBe(a.receipts.reduce((n, r) => n + r.gasUsed, 0n));
    expect(a.stateRoot).toEqual(b.stateRoot);
    expect(storedCount(a.overlay, id)).toBe(2n);
  });

  it("a call whose gas limit is below the intrinsic gas makes the block invalid", () => {
    const state = fresh();
    const id = deployed(state);
    const tx = callTx(bob, 1n, id, "get", new Uint8Array(10), { gasLimit: 21_000n });
    const err = expectCode(
      () => applyTransactions(state, [tx], { chainId: CHAIN_ID, params: EXEC }),
      "BLOCK_INVALID",
    );
    expect(err.data).toMatchObject({ cause: "TX_GAS_LIMIT_TOO_LOW" });
  });
});

describe("contract runtime: hostile modules", () => {
  it("refuses initial memory above the contract limit at admission", async () => {
    const big = await wat(`(module (memory (export "memory") 65))`);
    expectCode(
      () => checkContractAdmission(deployTx(alice, 1n, { code: big }), fresh()),
      "CONTRACT_INVALID_CODE",
    );
  });

  it("a memory-growth loop stops at the page limit and pays for every page", async () => {
    const grow = await wat(`(module
      (import "dusk" "return_data_set" (func $ret (param i32 i32)))
      (memory (export "memory") 1)
      (func (export "bomb") (local $n i32)
        (block $done (loop $l
          (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
          (local.set $n (i32.add (local.get $n) (i32.const 1)))
          (br $l)))
        (i32.store (i32.const 0) (local.get $n))
        (call $ret (i32.const 0) (i32.const 4))))`);
    const state = fresh();
    const overlay = new StateOverlay(state);
    expect(applyDeploy(deployTx(alice, 1n, { code: grow }), overlay, ENV).status).toBe("success");
    const id = contractIdOf(alice.publicKey, 1n);
    const r = applyCall(callTx(bob, 1n, id, "bomb"), overlay, ENV);
    expect(r.status).toBe("success");
    // 63 pages beyond the first, then -1.
    expect(r.returnData).toEqual(new Uint8Array([63, 0, 0, 0]));
    expect(r.gasUsed).toBeGreaterThan(63n * 1024n);
  });

  it("an event flood stops at the per-transaction limit with CONTRACT_LIMIT", async () => {
    const flood = await wat(`(module
      (import "dusk" "emit" (func $emit (param i32 i32 i32 i32)))
      (memory (export "memory") 1)
      (func (export "flood") (loop $l (call $emit (i32.const 0) (i32.const 1) (i32.const 0) (i32.const 1)) (br $l))))`);
    const state = fresh();
    const overlay = new StateOverlay(state);
    applyDeploy(deployTx(alice, 1n, { code: flood }), overlay, ENV);
    const r = applyCall(callTx(bob, 1n, contractIdOf(alice.publicKey, 1n), "flood"), overlay, ENV);
    expect(r).toMatchObject({ status: "reverted", events: [], error: { code: "CONTRACT_LIMIT" } });
  });
});
