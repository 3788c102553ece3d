/**
 * Mempool admission of deployments and calls: refuse early, with a clear code, what could only
 * revert (code that does not validate, a contract that does not exist, a missing export), so a
 * user learns it from the submit call instead of from a paid, reverted receipt.
 */

import { bytesEqual, toHex } from "../../../protocol/bytes.js";
import { codeKey, contractKey, decodeContractRecord } from "../../../protocol/contract-keys.js";
import { ProtocolError } from "../../../protocol/errors.js";
import type { ConsensusParams } from "../../../protocol/params.js";
import { planStakeCall, STAKE_CONTRACT_ID } from "../../../protocol/stake.js";
import type { StateReader } from "../../../protocol/state.js";
import { type Transaction, TxKind } from "../../../protocol/transaction.js";
import { compileContract } from "./runtime.js";

/** Where a stake call would run: the consensus rules and the next block's height. */
export interface StakeAdmission {
  readonly consensus: ConsensusParams;
  readonly height: number;
}

export function checkContractAdmission(tx: Transaction, state: StateReader, stake?: StakeAdmission): void {
  if (tx.kind === TxKind.Deploy) {
    compileContract(tx.code);
    return;
  }
  if (tx.kind !== TxKind.Call) return;
  if (bytesEqual(tx.contract, STAKE_CONTRACT_ID)) {
    // The stake contract is native: its own checks (owner, proof of possession, minimum).
    if (stake !== undefined) planStakeCall(state, tx, stake.height, stake.consensus);
    return;
  }
  const record = state.getEntry(contractKey(tx.contract));
  if (record === undefined) {
    throw new ProtocolError("CONTRACT_NOT_FOUND", `no contract ${toHex(tx.contract)}`, {
      contract: toHex(tx.contract),
    });
  }
  const { codeHash } = decodeContractRecord(record);
  const code = state.getEntry(codeKey(codeHash));
  if (code === undefined) throw new ProtocolError("CONTRACT_NOT_FOUND", "contract code is missing", {});
  const cm = compileContract(code, codeHash);
  const ok = cm.module.exports.some((e) => e.kind === "func" && e.name === tx.fn);
  if (!ok) {
    throw new ProtocolError("CONTRACT_NO_SUCH_FUNCTION", `contract has no exported function ${tx.fn}`, {
      fn: tx.fn,
    });
  }
}
