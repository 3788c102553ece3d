import { describe, expect, it } from "vitest";
import { Mempool } from "../../protocol/mempool.js";
import type { ExecutionParams } from "../../protocol/params.js";
import { ENCRYPTED_NOTE_BYTES, SHIELDED_GAS, SHIELDED_PROOF_BYTES } from "../../protocol/shielded.js";
import { type Account, AccountState } from "../../protocol/state.js";
import {
  signShieldedTransfer,
  type Transaction,
  type TransferTx,
  transactionIdHex,
} from "../../protocol/transaction.js";
import { account, alice, bob, CHAIN_ID, carol, EXEC, expectCode, transfer } from "./fixtures.js";

const dave = account(4);
const erin = account(5);
const FUNDS = 10n ** 15n;

function stateWith(nonces: Array<[typeof alice, bigint]> = []): AccountState {
  const accounts = new Map<typeof alice, Account>(
    [alice, bob, carol, dave, erin].map((k) => [k, { balance: FUNDS, nonce: 0n }]),
  );
  for (const [k, nonce] of nonces) accounts.set(k, { balance: FUNDS, nonce });
  return AccountState.from([...accounts].map(([k, a]) => [k.publicKey, a] as const));
}

const tx = (from: typeof alice, nonce: bigint, gasPrice: bigint, gasLimit = EXEC.transferGas): TransferTx =>
  transfer(from, bob === from ? carol : bob, { nonce, gasPrice, gasLimit });

const label = new Map<string, string>();
function named(
  from: typeof alice,
  name: string,
  nonce: bigint,
  gasPrice: bigint,
  gasLimit?: bigint,
): TransferTx {
  const t = tx(from, nonce, gasPrice, gasLimit);
  label.set(transactionIdHex(t), name);
  return t;
}
const names = (txs: readonly Transaction[]) => txs.map((t) => label.get(transactionIdHex(t)) ?? "?");

describe("mempool: admission", () => {
  it("adds a transaction once; a duplicate is TX_DUPLICATE", () => {
    const pool = new Mempool();
    const state = stateWith();
    const t = tx(alice, 1n, 2n);
    expect(pool.add(t, state)).toEqual({ id: transactionIdHex(t), replaced: null });
    expect(pool.size).toBe(1);
    expect(pool.has(transactionIdHex(t))).toBe(true);
    expect(pool.get(transactionIdHex(t))).toBe(t);
    expectCode(() => pool.add(t, state), "TX_DUPLICATE");
    expect(pool.size).toBe(1);
  });

  it("refuses a stale nonce (at or below the account nonce) with TX_BAD_NONCE", () => {
    const pool = new Mempool();
    const state = stateWith([[alice, 5n]]);
    expectCode(() => pool.add(tx(alice, 5n, 2n), state), "TX_BAD_NONCE");
    expectCode(() => pool.add(tx(alice, 1n, 2n), state), "TX_BAD_NONCE");
    expect(pool.add(tx(alice, 6n, 2n), state).replaced).toBeNull();
  });

  it("refuses a nonce more than maxPerSender ahead with TX_NONCE_TOO_FAR", () => {
    const pool = new Mempool({ maxTransactions: 100, maxPerSender: 4 });
    const state = stateWith([[alice, 10n]]);
    expect(() => pool.add(tx(alice, 14n, 2n), state)).not.toThrow();
    const err = expectCode(() => pool.add(tx(alice, 15n, 2n), state), "TX_NONCE_TOO_FAR");
    expect(err.data).toMatchObject({ limit: 4 });
  });

  it("replaces a pooled (sender, nonce) only with a strictly higher gas price", () => {
    const pool = new Mempool();
    const state = stateWith();
    const first = tx(alice, 1n, 5n);
    pool.add(first, state);
    const same = transfer(alice, carol, { nonce: 1n, gasPrice: 5n });
    expectCode(() => pool.add(same, state), "TX_REPLACEMENT_UNDERPRICED");
    expectCode(
      () => pool.add(transfer(alice, carol, { nonce: 1n, gasPrice: 4n }), state),
      "TX_REPLACEMENT_UNDERPRICED",
    );
    const better = transfer(alice, carol, { nonce: 1n, gasPrice: 6n });
    expect(pool.add(better, state)).toEqual({
      id: transactionIdHex(better),
      replaced: transactionIdHex(first),
    });
    expect(pool.size).toBe(1);
    expect(pool.has(transactionIdHex(first))).toBe(false);
    expect(pool.all()).toEqual([better]);
  });

  it("bounds the transactions pooled per sender with MEMPOOL_SENDER_FULL", () => {
    const pool = new Mempool({ maxTransactions: 100, maxPerSender: 2 });
    pool.add(tx(alice, 1n, 2n), stateWith());
    pool.add(tx(alice, 2n, 2n), stateWith());
    // The account advanced (nonce 1 executed) but the pool was not pruned yet: 2 still pooled.
    const advanced = stateWith([[alice, 1n]]);
    const err = expectCode(() => pool.add(tx(alice, 3n, 2n), advanced), "MEMPOOL_SENDER_FULL");
    expect(err.data).toMatchObject({ limit: 2 });
    expect(() => pool.add(tx(bob, 1n, 2n), advanced)).not.toThrow();
  });

  it("when full, evicts the cheapest for a better-paying transaction, else refuses with MEMPOOL_FULL", () => {
    const pool = new Mempool({ maxTransactions: 3, maxPerSender: 8 });
    const state = stateWith();
    const a = tx(alice, 1n, 5n);
    const b = tx(bob, 1n, 1n);
    const c = tx(carol, 1n, 3n);
    for (const t of [a, b, c]) pool.add(t, state);
    expectCode(() => pool.add(tx(dave, 1n, 1n), state), "MEMPOOL_FULL");
    expectCode(() => pool.add(tx(dave, 1n, 0n), state), "MEMPOOL_FULL");
    const d = tx(dave, 1n, 2n);
    expect(pool.add(d, state).replaced).toBeNull();
    expect(pool.size).toBe(3);
    expect(pool.has(transactionIdHex(b))).toBe(false);
    expect(new Set(pool.all())).toEqual(new Set([a, c, d]));
  });

  it("among equally cheap transactions, evicts the highest nonce (the last executable)", () => {
    const pool = new Mempool({ maxTransactions: 2, maxPerSender: 8 });
    const state = stateWith();
    const a1 = tx(alice, 1n, 1n);
    const a2 = tx(alice, 2n, 1n);
    pool.add(a1, state);
    pool.add(a2, state);
    pool.add(tx(bob, 1n, 2n), state);
    expect(pool.has(transactionIdHex(a1))).toBe(true);
    expect(pool.has(transactionIdHex(a2))).toBe(false);
  });
});

describe("mempool: select", () => {
  it("takes each sender's nonces in order and the highest gas price across senders", () => {
    const pool = new Mempool();
    const state = stateWith();
    // alice's nonce 2 pays most but must wait for her cheap nonce 1.
    const txs = [
      named(alice, "a1@1", 1n, 1n),
      named(alice, "a2@10", 2n, 10n),
      named(bob, "b1@5", 1n, 5n),
      named(carol, "c1@3", 1n, 3n),
      named(carol, "c2@4", 2n, 4n),
    ];
    for (const t of txs) pool.add(t, state);
    expect(names(pool.select(state, EXEC))).toEqual(["b1@5", "c1@3", "c2@4", "a1@1", "a2@10"]);
  });

  it("starts each sender at the account's next nonce and stops at a gap", () => {
    const pool = new Mempool();
    const before = stateWith();
    for (const t of [
      named(alice, "a1", 1n, 2n),
      named(alice, "a2", 2n, 2n),
      named(alice, "a4", 4n, 2n),
      named(bob, "b2", 2n, 9n),
    ])
      pool.add(t, before);
    expect(names(pool.select(before, EXEC))).toEqual(["a1", "a2"]);
    const after = stateWith([
      [alice, 1n],
      [bob, 1n],
    ]);
    expect(names(pool.select(after, EXEC))).toEqual(["b2", "a2"]);
  });

  it("respects the block's transaction count limit", () => {
    const pool = new Mempool();
    const state = stateWith();
    for (const t of [named(alice, "a1", 1n, 3n), named(bob, "b1", 1n, 2n), named(carol, "c1", 1n, 1n)])
      pool.add(t, state);
    expect(names(pool.select(state, { ...EXEC, maxBlockTransactions: 2 }))).toEqual(["a1", "b1"]);
  });

  it("respects the block gas limit by gas limits, skipping a sender whose next transaction does not fit", () => {
    const params: ExecutionParams = { ...EXEC, blockGasLimit: 50_000n, transferGas: 10_000n };
    const pool = new Mempool();
    const state = stateWith();
    for (const t of [
      named(alice, "a1", 1n, 10n, 30_000n),
      named(alice, "a2", 2n, 10n, 10_000n),
      named(bob, "b1", 1n, 5n, 21_000n),
      named(carol, "c1", 1n, 1n, 10_000n),
    ])
      pool.add(t, state);
    const chosen = pool.select(state, params);
    expect(names(chosen)).toEqual(["a1", "a2", "c1"]);
    expect(chosen.reduce((g, t) => g + t.gasLimit, 0n)).toBeLessThanOrEqual(params.blockGasLimit);
  });

  it("stops a sender's sequence where its balance no longer covers amount + maximum fee", () => {
    const pool = new Mempool();
    // Room for exactly two transfers of 1_000 at gas price 2 (max fee 21_000 × 2 each).
    const perTx = 1_000n + EXEC.transferGas * 2n;
    const state = AccountState.from([[alice.publicKey, { balance: 2n * perTx + 1n, nonce: 0n }]]);
    for (const t of [named(alice, "p1", 1n, 2n), named(alice, "p2", 2n, 2n), named(alice, "p3", 3n, 2n)])
      pool.add(t, state);
    expect(names(pool.select(state, EXEC))).toEqual(["p1", "p2"]);
  });

  it("selects nothing from an empty pool", () => {
    expect(new Mempool().select(stateWith(), EXEC)).toEqual([]);
  });
});

describe("mempool: prune", () => {
  it("drops included and stale transactions after a commit and keeps the rest", () => {
    const pool = new Mempool();
    const state = stateWith();
    const a1 = tx(alice, 1n, 2n);
    const a2 = tx(alice, 2n, 2n);
    const a3 = tx(alice, 3n, 2n);
    const b1 = tx(bob, 1n, 2n);
    for (const t of [a1, a2, a3, b1]) pool.add(t, state);
    pool.prune(stateWith([[alice, 2n]]));
    expect(new Set(pool.all())).toEqual(new Set([a3, b1]));
    expect(pool.size).toBe(2);
    pool.prune(
      stateWith([
        [alice, 3n],
        [bob, 1n],
      ]),
    );
    expect(pool.size).toBe(0);
    // Freed slots are reusable: the sender's queue is gone.
    expect(() => pool.add(tx(alice, 4n, 2n), stateWith([[alice, 3n]]))).not.toThrow();
  });

  it("remove() of an unknown id is a no-op", () => {
    const pool = new Mempool();
    pool.add(tx(alice, 1n, 2n), stateWith());
    pool.remove("00".repeat(32));
    expect(pool.size).toBe(1);
  });
});

describe("mempool: pending shielded spends", () => {
  /** A shielded transfer (proof bytes irrelevant here) spending nullifiers `a` and `b`. */
  const spend = (from: typeof alice, a: number, b: number) =>
    signShieldedTransfer(from.secretKey, {
      chainId: CHAIN_ID,
      from: from.publicKey,
      to: new Uint8Array(32),
      amount: 0n,
      nonce: 1n,
      gasLimit: SHIELDED_GAS.transfer,
      gasPrice: 1n,
      root: new Uint8Array(32),
      nullifiers: [new Uint8Array(32).fill(a), new Uint8Array(32).fill(b)],
      commitments: [new Uint8Array(32), new Uint8Array(32)],
      encryptedNotes: [new Uint8Array(ENCRYPTED_NOTE_BYTES), new Uint8Array(ENCRYPTED_NOTE_BYTES)],
      proof: new Uint8Array(SHIELDED_PROOF_BYTES),
    });

  it("knows which nullifiers pooled transfers spend, until they leave the pool", () => {
    const pool = new Mempool();
    const first = spend(dave, 1, 2);
    const { id } = pool.add(first, stateWith());
    expect(pool.spendsPendingNullifier(spend(erin, 3, 2))).toBe(true);
    expect(pool.spendsPendingNullifier(spend(erin, 1, 4))).toBe(true);
    expect(pool.spendsPendingNullifier(spend(erin, 3, 4))).toBe(false);
    pool.remove(id);
    expect(pool.spendsPendingNullifier(spend(erin, 3, 2))).toBe(false);
  });
});
