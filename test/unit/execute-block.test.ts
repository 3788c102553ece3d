import { describe, expect, it } from "vitest";
import { NobleSignatureVerifier, type SignatureVerifier } from "../../protocol/ed25519.js";
import { AccountState } from "../../protocol/state.js";
import { executeTransactions, verifyTransactionSignatures } from "../../workers/executor/execute-block.js";
import { alice, bob, CHAIN_ID, carol, EXEC, expectCodeAsync, transfer } from "./fixtures.js";

const verifier = new NobleSignatureVerifier();
const ctx = { chainId: CHAIN_ID, params: EXEC, verifier };

function genesis(): AccountState {
  return AccountState.from([
    [alice.publicKey, { balance: 1_000_000n, nonce: 0n }],
    [bob.publicKey, { balance: 500_000n, nonce: 0n }],
  ]);
}

const batch = [
  transfer(alice, bob, { nonce: 1n, amount: 10_000n, gasPrice: 2n }),
  transfer(alice, carol, { nonce: 2n, amount: 20_000n, gasPrice: 3n }),
  transfer(bob, carol, { nonce: 1n, amount: 5_000n, gasPrice: 1n, gasLimit: 40_000n }),
];

describe("executeTransactions", () => {
  it("a valid batch gives the expected state root, gas used and fees without touching the state", async () => {
    const state = genesis();
    const rootBefore = state.root();
    const result = await executeTransactions(state, batch, ctx);
    expect(result.gasUsed).toBe(3n * 21_000n);
    expect(result.fees).toBe(21_000n * (2n + 3n + 1n));
    const expected = AccountState.from([
      [alice.publicKey, { balance: 1_000_000n - 10_000n - 42_000n - 20_000n - 63_000n, nonce: 2n }],
      [bob.publicKey, { balance: 500_000n + 10_000n - 5_000n - 21_000n, nonce: 1n }],
      [carol.publicKey, { balance: 25_000n, nonce: 0n }],
    ]);
    expect(result.stateRoot).toEqual(expected.root());
    expect(state.root()).toEqual(rootBefore);
    state.commit(result.overlay);
    expect(state.root()).toEqual(result.stateRoot);
  });

  it("an empty batch keeps the state root", async () => {
    const state = genesis();
    const result = await executeTransactions(state, [], ctx);
    expect(result).toMatchObject({ gasUsed: 0n, fees: 0n });
    expect(result.stateRoot).toEqual(state.root());
  });

  it("a bad signature makes the block invalid, naming the index", async () => {
    const bad = [...batch];
    bad[1] = { ...batch[1]!, signature: batch[0]!.signature };
    const err = await expectCodeAsync(() => executeTransactions(genesis(), bad, ctx), "BLOCK_INVALID");
    expect(err.data).toMatchObject({ index: 1, cause: "TX_BAD_SIGNATURE" });
  });

  it("a bad nonce makes the block invalid, naming the index", async () => {
    const bad = [batch[0]!, batch[2]!, transfer(alice, carol, { nonce: 3n })];
    const err = await expectCodeAsync(() => executeTransactions(genesis(), bad, ctx), "BLOCK_INVALID");
    expect(err.data).toMatchObject({ index: 2, cause: "TX_BAD_NONCE" });
  });

  it("a transaction its sender cannot afford after earlier ones is invalid at its index", async () => {
    const state = AccountState.from([[alice.publicKey, { balance: 100_000n, nonce: 0n }]]);
    const txs = [
      transfer(alice, bob, { nonce: 1n, amount: 50_000n, gasPrice: 1n }),
      transfer(alice, bob, { nonce: 2n, amount: 50_000n, gasPrice: 1n }),
    ];
    const err = await expectCodeAsync(() => executeTransactions(state, txs, ctx), "BLOCK_INVALID");
    expect(err.data).toMatchObject({ index: 1, cause: "TX_INSUFFICIENT_BALANCE" });
  });

  it("a transaction for another chain is invalid (its signature is valid for that chain)", async () => {
    const txs = [transfer(alice, bob, { chainId: "other-chain" })];
    const err = await expectCodeAsync(() => executeTransactions(genesis(), txs, ctx), "BLOCK_INVALID");
    expect(err.data).toMatchObject({ index: 0, cause: "TX_WRONG_CHAIN" });
  });

  it("gas used above the block gas limit makes the block invalid", async () => {
    const params = { ...EXEC, blockGasLimit: 2n * 21_000n };
    const err = await expectCodeAsync(
      () => executeTransactions(genesis(), batch, { ...ctx, params }),
      "BLOCK_INVALID",
    );
    expect(err.message).toContain(String(params.blockGasLimit));
  });

  it("checks all signatures in one batch call before applying anything", async () => {
    const calls: number[] = [];
    const counting: SignatureVerifier = {
      verifyBatch: async (checks) => {
        calls.push(checks.length);
        return checks.map(() => true);
      },
    };
    await executeTransactions(genesis(), batch, { ...ctx, verifier: counting });
    expect(calls).toEqual([3]);
  });
});

describe("verifyTransactionSignatures", () => {
  it("fails closed when the verifier answers fewer results or non-booleans", async () => {
    const short: SignatureVerifier = { verifyBatch: async () => [true] };
    const err = await expectCodeAsync(() => verifyTransactionSignatures(batch, short), "TX_BAD_SIGNATURE");
    expect(err.data).toMatchObject({ index: 1 });
    const sloppy: SignatureVerifier = {
      verifyBatch: async (checks) =>
        checks.map((_, i) => (i === 2 ? (undefined as unknown as boolean) : true)),
    };
    const err2 = await expectCodeAsync(
      () => executeTransactions(genesis(), batch, { ...ctx, verifier: sloppy }),
      "BLOCK_INVALID",
    );
    expect(err2.data).toMatchObject({ index: 2, cause: "TX_BAD_SIGNATURE" });
  });

  it("names the first bad signature with TX_BAD_SIGNATURE", async () => {
    const bad = [batch[0]!, { ...batch[1]!, amount: 1n }, { ...batch[2]!, amount: 1n }];
    const err = await expectCodeAsync(() => verifyTransactionSignatures(bad, verifier), "TX_BAD_SIGNATURE");
    expect(err.data).toMatchObject({ index: 1 });
    await expect(verifyTransactionSignatures(batch, verifier)).resolves.toBeUndefined();
  });
});
