import { describe, expect, it } from "vitest";
import { AccountState, StateOverlay, U64_MAX } from "../../protocol/state.js";
import { applyTransfer, checkTransferAgainst, checkTransferStatic } from "../../protocol/transfer.js";
import { alice, bob, CHAIN_ID, EXEC, expectCode, transfer } from "./fixtures.js";

const BALANCE = 1_000_000n;

function setup(aliceBalance = BALANCE, aliceNonce = 0n) {
  const state = AccountState.from([[alice.publicKey, { balance: aliceBalance, nonce: aliceNonce }]]);
  return { state, overlay: new StateOverlay(state) };
}

describe("transfer: static checks", () => {
  it("accepts a well-formed transfer", () => {
    expect(() => checkTransferStatic(transfer(alice, bob), CHAIN_ID, EXEC)).not.toThrow();
  });

  it("TX_WRONG_CHAIN for another chain id", () => {
    const err = expectCode(
      () => checkTransferStatic(transfer(alice, bob, { chainId: "other" }), CHAIN_ID, EXEC),
      "TX_WRONG_CHAIN",
    );
    expect(err.data).toMatchObject({ expected: CHAIN_ID, got: "other" });
  });

  it("TX_GAS_LIMIT_TOO_LOW one gas below the transfer cost", () => {
    const tx = transfer(alice, bob, { gasLimit: EXEC.transferGas - 1n });
    expectCode(() => checkTransferStatic(tx, CHAIN_ID, EXEC), "TX_GAS_LIMIT_TOO_LOW");
  });

  it("TX_GAS_LIMIT_TOO_HIGH one gas above the block gas limit, accepted at the limit", () => {
    const over = transfer(alice, bob, { gasLimit: EXEC.blockGasLimit + 1n, gasPrice: 1n });
    expectCode(() => checkTransferStatic(over, CHAIN_ID, EXEC), "TX_GAS_LIMIT_TOO_HIGH");
    checkTransferStatic(transfer(alice, bob, { gasLimit: EXEC.blockGasLimit, gasPrice: 1n }), CHAIN_ID, EXEC);
  });

  it("TX_FEE_TOO_LOW below the minimum gas price", () => {
    const tx = transfer(alice, bob, { gasPrice: EXEC.minGasPrice - 1n });
    expectCode(() => checkTransferStatic(tx, CHAIN_ID, EXEC), "TX_FEE_TOO_LOW");
  });

  it("TX_AMOUNT_INVALID when amount + maximum fee overflows u64", () => {
    const tx = transfer(alice, bob, { amount: U64_MAX - EXEC.transferGas * 2n + 1n });
    expectCode(() => checkTransferStatic(tx, CHAIN_ID, EXEC), "TX_AMOUNT_INVALID");
    const fits = transfer(alice, bob, { amount: U64_MAX - EXEC.transferGas * 2n });
    expect(() => checkTransferStatic(fits, CHAIN_ID, EXEC)).not.toThrow();
  });
});

describe("transfer: checks against state", () => {
  it("TX_BAD_NONCE unless the nonce is exactly the next one", () => {
    const { state } = setup(BALANCE, 4n);
    expect(() => checkTransferAgainst(transfer(alice, bob, { nonce: 5n }), state)).not.toThrow();
    for (const nonce of [0n, 4n, 6n]) {
      const err = expectCode(
        () => checkTransferAgainst(transfer(alice, bob, { nonce }), state),
        "TX_BAD_NONCE",
      );
      expect(err.data).toMatchObject({ expected: "5", got: String(nonce) });
    }
  });

  it("TX_INSUFFICIENT_BALANCE one unit below amount + gas limit × gas price", () => {
    const tx = transfer(alice, bob, { amount: 1_000n, gasLimit: 30_000n, gasPrice: 2n });
    const needed = 1_000n + 60_000n;
    expect(() => checkTransferAgainst(tx, setup(needed).state)).not.toThrow();
    expectCode(() => checkTransferAgainst(tx, setup(needed - 1n).state), "TX_INSUFFICIENT_BALANCE");
  });

  it("an unknown sender has balance 0 and nonce 0", () => {
    expectCode(() => checkTransferAgainst(transfer(bob, alice), setup().state), "TX_INSUFFICIENT_BALANCE");
  });
});

describe("applyTransfer", () => {
  it("charges gas used × gas price (not the limit), debits the amount, bumps the nonce and credits the recipient", () => {
    const { state, overlay } = setup();
    const tx = transfer(alice, bob, { amount: 1_000n, gasLimit: 50_000n, gasPrice: 3n });
    const receipt = applyTransfer(tx, overlay, CHAIN_ID, EXEC);
    expect(receipt).toEqual({ gasUsed: 21_000n, fee: 63_000n });
    expect(overlay.getAccount(alice.publicKey)).toEqual({ balance: BALANCE - 1_000n - 63_000n, nonce: 1n });
    expect(overlay.getAccount(bob.publicKey)).toEqual({ balance: 1_000n, nonce: 0n });
    expect(state.getAccount(alice.publicKey)).toEqual({ balance: BALANCE, nonce: 0n });
  });

  it("applies consecutive nonces and refuses a replay", () => {
    const { overlay } = setup();
    applyTransfer(transfer(alice, bob, { nonce: 1n }), overlay, CHAIN_ID, EXEC);
    applyTransfer(transfer(alice, bob, { nonce: 2n }), overlay, CHAIN_ID, EXEC);
    expect(overlay.getAccount(alice.publicKey).nonce).toBe(2n);
    expect(overlay.getAccount(bob.publicKey).balance).toBe(2_000n);
    expectCode(
      () => applyTransfer(transfer(alice, bob, { nonce: 2n }), overlay, CHAIN_ID, EXEC),
      "TX_BAD_NONCE",
    );
  });

  it("a transfer to oneself costs only the fee", () => {
    const { overlay } = setup();
    applyTransfer(transfer(alice, alice, { amount: 500n, gasPrice: 1n }), overlay, CHAIN_ID, EXEC);
    expect(overlay.getAccount(alice.publicKey)).toEqual({ balance: BALANCE - 21_000n, nonce: 1n });
  });

  it("a zero amount is allowed and only the fee moves", () => {
    const { overlay } = setup();
    applyTransfer(transfer(alice, bob, { amount: 0n, gasPrice: 1n }), overlay, CHAIN_ID, EXEC);
    expect(overlay.getAccount(alice.publicKey).balance).toBe(BALANCE - 21_000n);
    expect(overlay.getAccount(bob.publicKey).balance).toBe(0n);
  });

  it("every failed check leaves the overlay unchanged", () => {
    const { overlay } = setup();
    const failing = [
      transfer(alice, bob, { chainId: "other" }),
      transfer(alice, bob, { gasLimit: 1n }),
      transfer(alice, bob, { gasPrice: 0n }),
      transfer(alice, bob, { nonce: 9n }),
      transfer(alice, bob, { amount: BALANCE }),
    ];
    for (const tx of failing) expect(() => applyTransfer(tx, overlay, CHAIN_ID, EXEC)).toThrow();
    expect(overlay.changes()).toEqual([]);
  });

  it("TX_AMOUNT_INVALID when the recipient balance would overflow u64, sender restored", () => {
    const state = AccountState.from([
      [alice.publicKey, { balance: BALANCE, nonce: 0n }],
      [bob.publicKey, { balance: U64_MAX - 10n, nonce: 3n }],
    ]);
    const overlay = new StateOverlay(state);
    expectCode(
      () => applyTransfer(transfer(alice, bob, { amount: 11n }), overlay, CHAIN_ID, EXEC),
      "TX_AMOUNT_INVALID",
    );
    expect(overlay.getAccount(alice.publicKey)).toEqual({ balance: BALANCE, nonce: 0n });
    expect(overlay.getAccount(bob.publicKey)).toEqual({ balance: U64_MAX - 10n, nonce: 3n });
    expect(state.rootWith(overlay)).toEqual(state.root());
  });
});
