/**
 * Block execution for public transfers: checks every transaction's signature in one batch
 * through the injected verifier, then applies the transfers in order on an overlay of the
 * committed state. A block with any invalid transaction is invalid as a whole (the generator
 * should have left it out), so execution stops at the first failure with its index and code.
 */

import { toHex } from "../../protocol/bytes.js";
import type { SignatureVerifier } from "../../protocol/ed25519.js";
import { isProtocolError, ProtocolError } from "../../protocol/errors.js";
import type { ExecutionParams } from "../../protocol/params.js";
import { type AccountState, StateOverlay } from "../../protocol/state.js";
import { type Transaction, transactionSigningHash } from "../../protocol/transaction.js";
import { applyTransfer } from "../../protocol/transfer.js";

export interface ExecutionResult {
  readonly overlay: StateOverlay;
  readonly stateRoot: Uint8Array;
  readonly gasUsed: bigint;
  readonly fees: bigint;
}

export interface ExecutionContext {
  readonly chainId: string;
  readonly params: ExecutionParams;
  readonly verifier: SignatureVerifier;
}

/** Verifies all signatures of `txs` in one batch; throws TX_BAD_SIGNATURE naming the first bad one. */
export async function verifyTransactionSignatures(
  txs: readonly Transaction[],
  verifier: SignatureVerifier,
): Promise<void> {
  if (txs.length === 0) return;
  const results = await verifier.verifyBatch(
    txs.map((tx) => ({ publicKey: tx.from, message: transactionSigningHash(tx), signature: tx.signature })),
  );
  // Fail closed: anything but an explicit `true` (a short or malformed answer) is a bad signature.
  const bad = txs.findIndex((_, i) => results[i] !== true);
  if (bad !== -1) {
    throw new ProtocolError("TX_BAD_SIGNATURE", `transaction ${bad} has an invalid signature`, {
      index: bad,
      from: toHex(txs[bad]!.from),
    });
  }
}

/**
 * Executes `txs` on top of `state` without committing. Throws BLOCK_INVALID (with the index and
 * the transaction's own error code) if any transaction fails.
 */
export async function executeTransactions(
  state: AccountState,
  txs: readonly Transaction[],
  ctx: ExecutionContext,
): Promise<ExecutionResult> {
  try {
    await verifyTransactionSignatures(txs, ctx.verifier);
  } catch (e) {
    if (isProtocolError(e)) throw new ProtocolError("BLOCK_INVALID", e.message, { ...e.data, cause: e.code });
    throw e;
  }
  return applyTransactions(state, txs, ctx);
}

/**
 * Applies `txs` whose signatures were already verified (e.g. at mempool admission) on an
 * overlay of `state`. Throws BLOCK_INVALID with the index and the transaction's own code.
 */
export function applyTransactions(
  state: AccountState,
  txs: readonly Transaction[],
  ctx: Omit<ExecutionContext, "verifier">,
): ExecutionResult {
  const overlay = new StateOverlay(state);
  let gasUsed = 0n;
  let fees = 0n;
  for (let i = 0; i < txs.length; i++) {
    try {
      const receipt = applyTransfer(txs[i]!, overlay, ctx.chainId, ctx.params);
      gasUsed += receipt.gasUsed;
      fees += receipt.fee;
    } catch (e) {
      if (!isProtocolError(e)) throw e;
      throw new ProtocolError("BLOCK_INVALID", `transaction ${i}: ${e.message}`, { index: i, cause: e.code });
    }
  }
  if (gasUsed > ctx.params.blockGasLimit) {
    throw new ProtocolError(
      "BLOCK_INVALID",
      `block uses ${gasUsed} gas, limit ${ctx.params.blockGasLimit}`,
      {},
    );
  }
  return { overlay, stateRoot: state.rootWith(overlay), gasUsed, fees };
}
