/**
 * Applying shielded transactions (protocol/shielded.ts, docs/SHIELDED.md): the proof is checked
 * against the genesis's verification keys with the public inputs the chain computes itself, then
 * the note tree, the nullifier set and the accounts change. Nothing here depends on who owns a
 * note or what it is worth: the chain never sees either.
 *
 * Checks, in order (each a typed error, the code in docs/SHIELDED.md):
 * - the chain has shielded keys (SHIELDED_DISABLED);
 * - fee rules: a deposit is an account transaction (nonce, balance, gas as a transfer); a
 *   transfer's nonce is 1, its gas limit at least SHIELDED_GAS.transfer (checkTransferStatic,
 *   through intrinsicGas), and the fee it proves is exactly gas limit × gas price (no account
 *   could be refunded);
 * - a transfer's root is one of the recent roots (SHIELDED_UNKNOWN_ROOT), its two nullifiers
 *   differ and neither was spent (SHIELDED_NULLIFIER_SPENT: the double spend), a withdrawal names
 *   a recipient and a transfer without one names none;
 * - the Groth16 proof verifies (SHIELDED_INVALID_PROOF; a malformed proof is the same code).
 */

import { bytesEqual } from "../../protocol/bytes.js";
import { isProtocolError, ProtocolError } from "../../protocol/errors.js";
import type { ExecutionParams, ShieldedKeys } from "../../protocol/params.js";
import { type Receipt, transferReceipt } from "../../protocol/receipt.js";
import {
  bytesToBigint,
  depositPublicInputs,
  readFieldElement,
  SHIELDED_ARITY,
  SHIELDED_GAS,
  shieldedBinding,
  transferPublicInputs,
} from "../../protocol/shielded.js";
import { appendNote, isNullifierSpent, isRecentRoot, spendNullifier } from "../../protocol/shielded-state.js";
import { type StateOverlay, type StateReader, U64_MAX } from "../../protocol/state.js";
import {
  type ShieldedDepositTx,
  type ShieldedTransferTx,
  type Transaction,
  TxKind,
} from "../../protocol/transaction.js";
import { checkTransferAgainst, checkTransferStatic } from "../../protocol/transfer.js";
import { verifyGroth16Binary } from "../verifier/zk/index.js";
import type { ZkHost } from "./contracts/frame.js";

export const ZERO_ADDRESS = new Uint8Array(32);

export function shieldedKeys(params: ExecutionParams): ShieldedKeys {
  if (params.shielded === undefined) {
    throw new ProtocolError("SHIELDED_DISABLED", "this chain's genesis has no shielded keys", {});
  }
  return params.shielded;
}

function proofMustVerify(vk: Uint8Array, proof: Uint8Array, inputs: Uint8Array, zk?: ZkHost): void {
  let valid: boolean;
  try {
    valid = (zk?.verifyGroth16 ?? verifyGroth16Binary)(vk, proof, inputs);
  } catch (e) {
    if (!isProtocolError(e)) throw e;
    throw new ProtocolError("SHIELDED_INVALID_PROOF", `the proof is malformed: ${e.message}`, {
      cause: e.code,
    });
  }
  if (!valid) throw new ProtocolError("SHIELDED_INVALID_PROOF", "the proof does not verify", {});
}

/**
 * Stateless checks of a shielded transfer beyond checkTransferStatic: nonce, fee, recipient,
 * canonical field elements, distinct nullifiers.
 */
export function checkShieldedTransferStatic(tx: ShieldedTransferTx): void {
  if (tx.nonce !== 1n) {
    throw new ProtocolError("TX_BAD_NONCE", "a shielded transfer's one-time key signs with nonce 1", {
      expected: "1",
      got: String(tx.nonce),
    });
  }
  const withdrawing = tx.amount > 0n;
  if (withdrawing === bytesEqual(tx.to, ZERO_ADDRESS)) {
    throw new ProtocolError(
      "TX_MALFORMED",
      withdrawing ? "a withdrawal needs a recipient" : "a transfer without withdrawal names no recipient",
      {},
    );
  }
  readFieldElement(tx.root, "root");
  for (let i = 0; i < SHIELDED_ARITY; i++) {
    readFieldElement(tx.nullifiers[i]!, `nullifier ${i}`);
    readFieldElement(tx.commitments[i]!, `commitment ${i}`);
  }
  if (bytesEqual(tx.nullifiers[0]!, tx.nullifiers[1]!)) {
    throw new ProtocolError("SHIELDED_NULLIFIER_SPENT", "the two nullifiers are equal", {});
  }
  if (shieldedFee(tx) > U64_MAX) throw new ProtocolError("TX_AMOUNT_INVALID", "fee overflows u64", {});
}

/** The fee a shielded transfer proves: all of its gas, since no account can take a refund. */
export function shieldedFee(tx: ShieldedTransferTx): bigint {
  return tx.gasLimit * tx.gasPrice;
}

/** Checks against committed state: a recent root, unspent nullifiers. */
export function checkShieldedTransferAgainst(tx: ShieldedTransferTx, state: StateReader): void {
  if (!isRecentRoot(state, tx.root)) {
    throw new ProtocolError("SHIELDED_UNKNOWN_ROOT", "the note-tree root is not one of the recent roots", {});
  }
  tx.nullifiers.forEach((n, i) => {
    if (isNullifierSpent(state, n)) {
      throw new ProtocolError("SHIELDED_NULLIFIER_SPENT", `nullifier ${i} was already spent`, { index: i });
    }
  });
}

/** The transfer proof's public inputs, computed by the chain from the transaction. */
function transferInputs(tx: ShieldedTransferTx, chainId: string): Uint8Array {
  return transferPublicInputs({
    root: tx.root,
    nullifiers: tx.nullifiers,
    commitments: tx.commitments,
    fee: shieldedFee(tx),
    withdrawal: tx.amount,
    binding: shieldedBinding(chainId, tx.from, tx.to, tx.encryptedNotes),
  });
}

export function verifyShieldedTransferProof(
  tx: ShieldedTransferTx,
  chainId: string,
  keys: ShieldedKeys,
  zk?: ZkHost,
): void {
  proofMustVerify(keys.transferVk, tx.proof, transferInputs(tx, chainId), zk);
}

export function verifyShieldedDepositProof(tx: ShieldedDepositTx, keys: ShieldedKeys, zk?: ZkHost): void {
  readFieldElement(tx.commitment, "commitment");
  proofMustVerify(keys.depositVk, tx.proof, depositPublicInputs(tx.commitment, tx.amount), zk);
}

/**
 * The Groth16 check a shielded transaction needs (key, proof, the inputs the chain computes), for
 * a proof service to run ahead of execution; null for other kinds, a chain without keys, or a
 * transaction too malformed to have inputs (execution refuses those with their own codes).
 */
export function shieldedProofItem(
  tx: Transaction,
  chainId: string,
  params: ExecutionParams,
): { vk: Uint8Array; proof: Uint8Array; inputs: Uint8Array } | null {
  const keys = params.shielded;
  if (keys === undefined) return null;
  try {
    if (tx.kind === TxKind.ShieldedDeposit) {
      readFieldElement(tx.commitment, "commitment");
      return { vk: keys.depositVk, proof: tx.proof, inputs: depositPublicInputs(tx.commitment, tx.amount) };
    }
    if (tx.kind === TxKind.ShieldedTransfer) {
      checkShieldedTransferStatic(tx);
      return { vk: keys.transferVk, proof: tx.proof, inputs: transferInputs(tx, chainId) };
    }
  } catch (e) {
    if (isProtocolError(e)) return null;
    throw e;
  }
  return null;
}

/** All checks of a shielded transaction that need no block: for mempool admission. */
export function admitShielded(
  tx: Transaction,
  chainId: string,
  params: ExecutionParams,
  state: StateReader,
  zk?: ZkHost,
): void {
  if (tx.kind === TxKind.ShieldedDeposit) verifyShieldedDepositProof(tx, shieldedKeys(params), zk);
  else if (tx.kind === TxKind.ShieldedTransfer) {
    const keys = shieldedKeys(params);
    checkShieldedTransferStatic(tx);
    checkShieldedTransferAgainst(tx, state);
    verifyShieldedTransferProof(tx, chainId, keys, zk);
  }
}

export function applyShieldedDeposit(
  tx: ShieldedDepositTx,
  overlay: StateOverlay,
  chainId: string,
  params: ExecutionParams,
  zk?: ZkHost,
): Receipt {
  const keys = shieldedKeys(params);
  checkTransferStatic(tx, chainId, params);
  checkTransferAgainst(tx, overlay);
  verifyShieldedDepositProof(tx, keys, zk);
  const gasUsed = SHIELDED_GAS.deposit;
  const sender = overlay.getAccount(tx.from);
  overlay.setAccount(tx.from, {
    balance: sender.balance - tx.amount - gasUsed * tx.gasPrice,
    nonce: sender.nonce + 1n,
  });
  appendNote(overlay, bytesToBigint(tx.commitment));
  return transferReceipt(gasUsed);
}

export function applyShieldedTransfer(
  tx: ShieldedTransferTx,
  overlay: StateOverlay,
  chainId: string,
  params: ExecutionParams,
  height: number,
  zk?: ZkHost,
): Receipt {
  const keys = shieldedKeys(params);
  checkTransferStatic(tx, chainId, params);
  checkShieldedTransferStatic(tx);
  checkShieldedTransferAgainst(tx, overlay);
  verifyShieldedTransferProof(tx, chainId, keys, zk);
  if (tx.amount > 0n) {
    const recipient = overlay.getAccount(tx.to);
    if (recipient.balance + tx.amount > U64_MAX) {
      throw new ProtocolError("TX_AMOUNT_INVALID", "recipient balance would overflow u64", {});
    }
    overlay.setAccount(tx.to, { balance: recipient.balance + tx.amount, nonce: recipient.nonce });
  }
  for (const n of tx.nullifiers) spendNullifier(overlay, n, height);
  for (const c of tx.commitments) appendNote(overlay, bytesToBigint(c));
  return transferReceipt(tx.gasLimit);
}
