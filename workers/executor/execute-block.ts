/**
 * Block execution: checks every transaction's signature in one batch through the injected
 * verifier, then applies the transactions in order on an overlay of the committed state
 * (transfers here, deployments and calls in contracts/runtime.ts, shielded transactions in
 * shielded.ts). A block with any invalid
 * transaction (bad nonce, unaffordable, ...) is invalid as a whole (the generator should have
 * left it out), so execution stops at the first failure with its index and code. A contract
 * that reverts does not make a transaction invalid: its receipt says so.
 */

import { bytesEqual, toHex } from "../../protocol/bytes.js";
import type { SignatureVerifier } from "../../protocol/ed25519.js";
import { isProtocolError, ProtocolError } from "../../protocol/errors.js";
import type { ConsensusParams, ExecutionParams } from "../../protocol/params.js";
import { type Receipt, transferReceipt } from "../../protocol/receipt.js";
import { recordRoot } from "../../protocol/shielded-state.js";
import {
  applyBlockIncentives,
  type BlockIncentives,
  type IncentiveEvent,
  STAKE_CONTRACT_ID,
} from "../../protocol/stake.js";
import { type AccountState, StateOverlay } from "../../protocol/state.js";
import { type Transaction, TxKind, transactionSigningHash } from "../../protocol/transaction.js";
import { applyTransfer } from "../../protocol/transfer.js";
import type { ZkHost } from "./contracts/frame.js";
import { applyCall, applyDeploy } from "./contracts/runtime.js";
import { applyShieldedDeposit, applyShieldedTransfer } from "./shielded.js";
import { applyStakeTx } from "./stake-call.js";

export interface ExecutionResult {
  readonly overlay: StateOverlay;
  readonly stateRoot: Uint8Array;
  readonly gasUsed: bigint;
  readonly fees: bigint;
  /** One per transaction, in block order. */
  readonly receipts: readonly Receipt[];
  /** Rewards and slashes of the block (empty without `ExecutionContext.incentives`). */
  readonly incentives: readonly IncentiveEvent[];
}

export interface ExecutionContext {
  readonly chainId: string;
  readonly params: ExecutionParams;
  readonly verifier: SignatureVerifier;
  /**
   * Height and timestamp of the block being executed (contracts read them). Nodes always pass
   * the header's; without it (transfer-only tests and tools) contracts see 0 and 0.
   */
  readonly block?: { readonly height: number; readonly timestampMs: number };
  readonly zk?: ZkHost;
  /** Consensus parameters: the stake contract's rules (minimum stake, epochs, slashing). */
  readonly consensus?: ConsensusParams;
  /**
   * The block's rewards and slashes, given its fees (protocol/stake.ts), applied after the
   * transactions. Nodes always pass it; transfer-only tests and tools may leave it out.
   */
  readonly incentives?: (fees: bigint) => BlockIncentives;
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
  const receipts: Receipt[] = [];
  let notesAdded = false;
  const env = {
    block: { chainId: ctx.chainId, height: ctx.block?.height ?? 0, timestampMs: ctx.block?.timestampMs ?? 0 },
    params: ctx.params,
    ...(ctx.zk === undefined ? {} : { zk: ctx.zk }),
  };
  for (let i = 0; i < txs.length; i++) {
    const tx = txs[i]!;
    try {
      let receipt: Receipt;
      if (tx.kind === TxKind.Transfer) {
        receipt = transferReceipt(applyTransfer(tx, overlay, ctx.chainId, ctx.params).gasUsed);
      } else if (tx.kind === TxKind.Deploy) receipt = applyDeploy(tx, overlay, env);
      else if (tx.kind === TxKind.Call) {
        receipt = bytesEqual(tx.contract, STAKE_CONTRACT_ID)
          ? applyStakeTx(tx, overlay, env, consensusOf(ctx))
          : applyCall(tx, overlay, env);
      } else if (tx.kind === TxKind.ShieldedDeposit) {
        receipt = applyShieldedDeposit(tx, overlay, ctx.chainId, ctx.params, ctx.zk);
        notesAdded = true;
      } else {
        receipt = applyShieldedTransfer(tx, overlay, ctx.chainId, ctx.params, env.block.height, ctx.zk);
        notesAdded = true;
      }
      receipts.push(receipt);
      gasUsed += receipt.gasUsed;
      fees += receipt.gasUsed * tx.gasPrice;
    } catch (e) {
      if (!isProtocolError(e)) throw e;
      throw new ProtocolError("BLOCK_INVALID", `transaction ${i}: ${e.message}`, { index: i, cause: e.code });
    }
  }
  // The block's note-tree root becomes valid for later proofs (protocol/shielded-state.ts).
  if (notesAdded) recordRoot(overlay);
  if (gasUsed > ctx.params.blockGasLimit) {
    throw new ProtocolError(
      "BLOCK_INVALID",
      `block uses ${gasUsed} gas, limit ${ctx.params.blockGasLimit}`,
      {},
    );
  }
  const incentives =
    ctx.incentives === undefined ? [] : applyBlockIncentives(overlay, ctx.incentives(fees), consensusOf(ctx));
  return { overlay, stateRoot: state.rootWith(overlay), gasUsed, fees, receipts, incentives };
}

function consensusOf(ctx: Omit<ExecutionContext, "verifier">): ConsensusParams {
  if (ctx.consensus === undefined) {
    throw new ProtocolError("BLOCK_INVALID", "stake calls and incentives need the consensus parameters", {});
  }
  return ctx.consensus;
}
