/**
 * Calls to the genesis stake contract (protocol/stake.ts), native behind the contract
 * interface: a call transaction to `STAKE_CONTRACT_ID` pays its fee like any call (intrinsic
 * gas + `stakeGas`), and a call the contract refuses reverts with a STAKE_* code in its receipt,
 * the fee charged and nothing else changed.
 */

import { isProtocolError } from "../../protocol/errors.js";
import type { ConsensusParams } from "../../protocol/params.js";
import type { Receipt } from "../../protocol/receipt.js";
import { applyStakeCall } from "../../protocol/stake.js";
import { StateOverlay } from "../../protocol/state.js";
import type { CallTx } from "../../protocol/transaction.js";
import { type ContractEnv, prepay } from "./contracts/runtime.js";

const EMPTY = new Uint8Array(0);

export function applyStakeTx(
  tx: CallTx,
  overlay: StateOverlay,
  env: ContractEnv,
  consensus: ConsensusParams,
): Receipt {
  const pay = prepay(tx, overlay, env.block.chainId, env.params);
  const needed = Number(env.params.stakeGas);
  const reverted = (code: string, message: string, gas: number): Receipt => ({
    status: "reverted",
    gasUsed: pay.settle(gas),
    error: { code, message },
    events: [],
    returnData: EMPTY,
    contract: null,
  });
  if (pay.codeGas < needed) {
    return reverted(
      "CONTRACT_OUT_OF_GAS",
      `a stake call needs ${needed} gas beyond the intrinsic`,
      pay.codeGas,
    );
  }
  const child = new StateOverlay(overlay);
  try {
    const event = applyStakeCall(child, tx, env.block.height, consensus);
    child.mergeInto(overlay);
    return {
      status: "success",
      gasUsed: pay.settle(needed),
      error: null,
      events: [event],
      returnData: EMPTY,
      contract: null,
    };
  } catch (e) {
    if (!isProtocolError(e)) throw e;
    return reverted(e.code, e.message, needed);
  }
}
