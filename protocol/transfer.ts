/**
 * Public transfer rules (stateful checks; the signature is checked separately, in batches, by
 * an injected verifier). Fee = gas used × gas price; the sender must afford amount + gas limit ×
 * gas price up front, as gas used can never exceed the limit.
 */

import { toHex } from "./bytes.js";
import { CONTRACT_GAS } from "./contract-gas.js";
import { ProtocolError } from "./errors.js";
import type { ExecutionParams } from "./params.js";
import { SHIELDED_GAS } from "./shielded.js";
import { type StateOverlay, type StateReader, U64_MAX } from "./state.js";
import { maxFee, type Transaction, type TransferTx, TxKind } from "./transaction.js";

export interface TransferReceipt {
  readonly gasUsed: bigint;
  readonly fee: bigint;
}

/**
 * Gas a transaction uses before any contract code runs: a transfer's fixed cost, or the base
 * of a deployment or call plus its bytes (docs/CONTRACTS.md, "Gas").
 */
export function intrinsicGas(tx: Transaction, params: ExecutionParams): bigint {
  switch (tx.kind) {
    case TxKind.Transfer:
      return params.transferGas;
    case TxKind.Deploy:
      return BigInt(
        CONTRACT_GAS.txBase +
          CONTRACT_GAS.deployPerCodeByte * tx.code.length +
          CONTRACT_GAS.inputPerByte * tx.init.length,
      );
    case TxKind.Call:
      return BigInt(CONTRACT_GAS.txBase + CONTRACT_GAS.inputPerByte * tx.input.length);
    case TxKind.ShieldedDeposit:
      return SHIELDED_GAS.deposit;
    case TxKind.ShieldedTransfer:
      return SHIELDED_GAS.transfer;
  }
}

/** Checks that do not depend on state: chain, gas limit and price. */
export function checkTransferStatic(tx: Transaction, chainId: string, params: ExecutionParams): void {
  if (tx.chainId !== chainId) {
    throw new ProtocolError(
      "TX_WRONG_CHAIN",
      `transaction is for chain "${tx.chainId}", this is "${chainId}"`,
      {
        expected: chainId,
        got: tx.chainId,
      },
    );
  }
  const minimum = intrinsicGas(tx, params);
  if (tx.gasLimit < minimum) {
    throw new ProtocolError(
      "TX_GAS_LIMIT_TOO_LOW",
      `gas limit ${tx.gasLimit} is below the ${minimum} this transaction uses before any code runs`,
      {
        minimum: String(minimum),
        got: String(tx.gasLimit),
      },
    );
  }
  if (tx.gasLimit > params.blockGasLimit) {
    // It could never fit a block, and would hold up the sender's later nonces forever.
    throw new ProtocolError(
      "TX_GAS_LIMIT_TOO_HIGH",
      `gas limit ${tx.gasLimit} exceeds the block gas limit ${params.blockGasLimit}`,
      {
        maximum: String(params.blockGasLimit),
        got: String(tx.gasLimit),
      },
    );
  }
  if (tx.gasPrice < params.minGasPrice) {
    throw new ProtocolError(
      "TX_FEE_TOO_LOW",
      `gas price ${tx.gasPrice} is below the minimum ${params.minGasPrice}`,
      {
        minimum: String(params.minGasPrice),
        got: String(tx.gasPrice),
      },
    );
  }
  if (maxFee(tx) + tx.amount > U64_MAX) {
    throw new ProtocolError("TX_AMOUNT_INVALID", "amount + maximum fee overflows u64", {});
  }
}

/** Checks against the sender's current account (nonce exactly next, funds enough). */
export function checkTransferAgainst(tx: Transaction, state: StateReader): void {
  const sender = state.getAccount(tx.from);
  if (tx.nonce !== sender.nonce + 1n) {
    throw new ProtocolError(
      "TX_BAD_NONCE",
      `nonce ${tx.nonce} is not the sender's next nonce ${sender.nonce + 1n}`,
      {
        expected: String(sender.nonce + 1n),
        got: String(tx.nonce),
      },
    );
  }
  checkAffordable(tx, state);
}

/** The sender's balance covers the amount plus the maximum fee (gas limit × gas price). */
export function checkAffordable(tx: Transaction, state: StateReader): void {
  const sender = state.getAccount(tx.from);
  const needed = tx.amount + maxFee(tx);
  if (sender.balance < needed) {
    throw new ProtocolError(
      "TX_INSUFFICIENT_BALANCE",
      `balance ${sender.balance} is below amount + max fee ${needed}`,
      {
        balance: String(sender.balance),
        needed: String(needed),
        address: toHex(tx.from),
      },
    );
  }
}

/** Applies one transfer to the overlay; throws (leaving the overlay unchanged) if invalid. */
export function applyTransfer(
  tx: TransferTx,
  overlay: StateOverlay,
  chainId: string,
  params: ExecutionParams,
): TransferReceipt {
  checkTransferStatic(tx, chainId, params);
  checkTransferAgainst(tx, overlay);
  const gasUsed = params.transferGas;
  const fee = gasUsed * tx.gasPrice;
  const sender = overlay.getAccount(tx.from);
  const afterSender = { balance: sender.balance - tx.amount - fee, nonce: sender.nonce + 1n };
  overlay.setAccount(tx.from, afterSender);
  const recipient = overlay.getAccount(tx.to);
  if (recipient.balance + tx.amount > U64_MAX) {
    overlay.setAccount(tx.from, sender);
    throw new ProtocolError("TX_AMOUNT_INVALID", "recipient balance would overflow u64", {
      to: toHex(tx.to),
    });
  }
  overlay.setAccount(tx.to, { balance: recipient.balance + tx.amount, nonce: recipient.nonce });
  return { gasUsed, fee };
}
