/**
 * Shielded deposit, transfer and withdrawal through block execution, with real Groth16 proofs
 * made by the wallet code (cli/shielded, snarkjs) against the development keys in
 * circuits/dev-keys and verified by the chain with the keys the devnet genesis pins.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDeposit, buildTransfer, chooseNotes } from "../../cli/shielded/build-tx.js";
import { shieldedKeys } from "../../cli/shielded/keys.js";
import { decryptNote } from "../../cli/shielded/note-crypto.js";
import { releaseProver } from "../../cli/shielded/prover.js";
import type { ShieldedCache } from "../../cli/shielded/wallet.js";
import { bytesEqual, fromHex, toHex } from "../../protocol/bytes.js";
import { NobleSignatureVerifier } from "../../protocol/ed25519.js";
import { shieldedOutputs } from "../../protocol/note-records.js";
import { noteCommitment } from "../../protocol/notes.js";
import { DEVNET_PARAMS, type ExecutionParams } from "../../protocol/params.js";
import { bytesToBigint, SHIELDED_GAS } from "../../protocol/shielded.js";
import { DEV_SHIELDED_KEYS_HEX } from "../../protocol/shielded-dev-keys.js";
import { isNullifierSpent, noteCount } from "../../protocol/shielded-state.js";
import { AccountState } from "../../protocol/state.js";
import {
  decodeTransaction,
  encodeTransaction,
  type ShieldedTransferTx,
  signShieldedTransfer,
  type Transaction,
} from "../../protocol/transaction.js";
import { applyTransactions, executeTransactions } from "../../workers/executor/execute-block.js";
import { account, alice, bob, CHAIN_ID, expectCodeAsync } from "./fixtures.js";

const EXEC: ExecutionParams = {
  ...DEVNET_PARAMS.execution,
  shielded: {
    depositVk: fromHex(DEV_SHIELDED_KEYS_HEX.depositVk, undefined, "vk"),
    transferVk: fromHex(DEV_SHIELDED_KEYS_HEX.transferVk, undefined, "vk"),
  },
};
const ctx = { chainId: CHAIN_ID, params: EXEC, verifier: new NobleSignatureVerifier() };
const walletA = shieldedKeys(new Uint8Array(32).fill(1));
const walletB = shieldedKeys(new Uint8Array(32).fill(2));

/** A wallet cache built the way syncNotes builds it, from the outputs of applied transactions. */
function scan(cache: ShieldedCache, txs: readonly Transaction[], keys: typeof walletA, height: number): void {
  for (const tx of txs) {
    for (const out of shieldedOutputs(tx)) {
      const position = cache.commitments.length;
      cache.commitments.push(toHex(out.commitment));
      const opened = decryptNote(out.encryptedNote, keys.viewSecret);
      if (opened === null) continue;
      if (
        noteCommitment(opened.value, keys.ownerKey, bytesToBigint(opened.blinding)) !==
        bytesToBigint(out.commitment)
      )
        continue;
      cache.notes.push({
        position,
        value: String(opened.value),
        blinding: toHex(opened.blinding),
        height,
        spent: false,
      });
    }
  }
}

describe("shielded transactions in block execution", () => {
  const state = AccountState.from([[alice.publicKey, { balance: 100_000_000_000n, nonce: 0n }]]);
  const cacheA: ShieldedCache = { version: 1, genesis: "", commitments: [], notes: [] };
  const cacheB: ShieldedCache = { version: 1, genesis: "", commitments: [], notes: [] };
  let transfer: ShieldedTransferTx;
  let beforeTransfer: AccountState;

  async function block(txs: Transaction[], height: number) {
    const r = await executeTransactions(state, txs, { ...ctx, block: { height, timestampMs: 0 } });
    state.commit(r.overlay);
    scan(cacheA, txs, walletA, height);
    scan(cacheB, txs, walletB, height);
    return r;
  }

  beforeAll(async () => {
    const deposit = await buildDeposit({
      chainId: CHAIN_ID,
      payer: alice,
      nonce: 1n,
      gasPrice: 1n,
      value: 50_000_000n,
      to: walletA,
    });
    expect(decodeTransaction(encodeTransaction(deposit))).toEqual(deposit);
    const r = await block([deposit], 1);
    expect(r.receipts[0]!.gasUsed).toBe(SHIELDED_GAS.deposit);
    expect(state.getAccount(alice.publicKey).balance).toBe(
      100_000_000_000n - 50_000_000n - SHIELDED_GAS.deposit,
    );
  }, 120_000);

  afterAll(releaseProver);

  it("a deposit makes a note only its owner can open", () => {
    expect(noteCount(state)).toBe(1);
    expect(cacheA.notes.map((n) => n.value)).toEqual(["50000000"]);
    expect(cacheB.notes).toEqual([]);
  });

  it("a transfer moves value to another wallet; the public ledger holds no amount or owner", async () => {
    transfer = await buildTransfer({
      chainId: CHAIN_ID,
      keys: walletA,
      cache: cacheA,
      gasPrice: 1n,
      amount: 20_000_000n,
      to: walletB,
      withdrawal: 0n,
      withdrawTo: null,
    });
    beforeTransfer = AccountState.from(state.entriesForExport(), state.kvEntriesForExport());
    const bytes = encodeTransaction(transfer);
    expect(decodeTransaction(bytes)).toEqual(transfer);
    // Neither the amount, the change nor either owner key appears in the transaction's bytes.
    for (const secret of [20_000_000n, 50_000_000n - 20_000_000n - SHIELDED_GAS.transfer]) {
      expect(toHex(bytes)).not.toContain(secret.toString(16).padStart(16, "0"));
    }
    expect(toHex(bytes)).not.toContain(walletB.ownerKey.toString(16));
    const r = await block([transfer], 2);
    expect(r.fees).toBe(SHIELDED_GAS.transfer);
    expect(transfer.nullifiers.every((n) => isNullifierSpent(state, n))).toBe(true);
    expect(cacheB.notes.map((n) => n.value)).toEqual(["20000000"]);
    expect(cacheA.notes.map((n) => n.value)).toEqual([
      "50000000",
      String(30_000_000n - SHIELDED_GAS.transfer),
    ]);
  }, 120_000);

  it("refuses a double spend, a tampered proof, swapped encrypted notes and a re-signed copy", async () => {
    const spent = await expectCodeAsync(() => executeTransactions(state, [transfer], ctx), "BLOCK_INVALID");
    expect(spent.data.cause).toBe("SHIELDED_NULLIFIER_SPENT");
    const flipped = transfer.proof.slice();
    flipped[5]! ^= 1;
    // Against the state before the transfer, so only the proof can fail (signatures aside).
    for (const bad of [
      { ...transfer, proof: flipped },
      { ...transfer, encryptedNotes: [transfer.encryptedNotes[1]!, transfer.encryptedNotes[0]!] },
    ]) {
      const e = await expectCodeAsync(
        async () => applyTransactions(beforeTransfer, [bad], ctx),
        "BLOCK_INVALID",
      );
      expect(e.data.cause).toBe("SHIELDED_INVALID_PROOF");
    }
    // Someone who copies the transaction and signs it with a key of their own changes the
    // binding input, so the proof no longer verifies.
    const thief = account(77);
    const { signature: _, kind: __, ...body } = transfer;
    const copy = signShieldedTransfer(thief.secretKey, { ...body, from: thief.publicKey });
    const e = await expectCodeAsync(() => executeTransactions(beforeTransfer, [copy], ctx), "BLOCK_INVALID");
    expect(e.data.cause).toBe("SHIELDED_INVALID_PROOF");
  });

  it("a withdrawal pays a public account from notes", async () => {
    cacheB.notes.forEach((n) => {
      n.spent = false;
    });
    const withdraw = await buildTransfer({
      chainId: CHAIN_ID,
      keys: walletB,
      cache: cacheB,
      gasPrice: 1n,
      amount: 0n,
      to: null,
      withdrawal: 7_000_000n,
      withdrawTo: bob.publicKey,
    });
    await block([withdraw], 3);
    expect(state.getAccount(bob.publicKey).balance).toBe(7_000_000n);
    expect(bytesEqual(withdraw.to, bob.publicKey)).toBe(true);
    expect(cacheB.notes.at(-1)!.value).toBe(String(20_000_000n - 7_000_000n - SHIELDED_GAS.transfer));
  }, 120_000);

  it("chooses one note when one covers the amount, else the two largest, else names the shortfall", () => {
    const n = (position: number, value: number) => ({
      position,
      value: String(value),
      blinding: "",
      height: 0,
      spent: false,
    });
    expect(chooseNotes([n(0, 5), n(1, 9), n(2, 20)], 8n).map((x) => x.position)).toEqual([1]);
    expect(chooseNotes([n(0, 5), n(1, 9), n(2, 20)], 25n).map((x) => x.position)).toEqual([1, 2]);
    expect(() => chooseNotes([n(0, 5), n(1, 9), n(2, 20)], 30n)).toThrow(/INSUFFICIENT|cannot cover/);
  });
});
