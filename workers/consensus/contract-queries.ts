/**
 * Read-only views of contracts over a node's committed chain: records, storage, events (from
 * stored receipts) and calls that run without a transaction (RPC `query`).
 */

import { toHex } from "../../protocol/bytes.js";
import {
  type ContractRecord,
  codeKey,
  contractKey,
  decodeContractRecord,
  storageKey,
} from "../../protocol/contract-keys.js";
import type { ExecutionParams } from "../../protocol/params.js";
import { type ContractEvent, decodeReceipt, type Receipt } from "../../protocol/receipt.js";
import type { StateReader } from "../../protocol/state.js";
import type { ZkHost } from "../executor/contracts/frame.js";
import { type QueryResult, queryContract } from "../executor/contracts/runtime.js";
import type { Chain } from "./chain.js";

export interface ContractView extends ContractRecord {
  readonly id: Uint8Array;
  readonly balance: bigint;
  readonly codeBytes: number;
}

export interface EventView extends ContractEvent {
  readonly height: number;
  readonly txId: string;
  /** Position among the transaction's events. */
  readonly index: number;
}

/** Gas a read-only query may use: half a block, so a query can never be cheaper to abuse. */
export const QUERY_GAS_MAX = 50_000_000;
export const EVENTS_PAGE_MAX = 100;

export class ContractQueries {
  constructor(
    private readonly chain: Chain,
    private readonly chainId: string,
    private readonly params: ExecutionParams,
    private readonly zk?: ZkHost,
  ) {}

  /** The committed state (read-only use: simulations read their read set from it). */
  get state(): StateReader {
    return this.chain.state;
  }

  /** The block context a query runs in: as if in the block after the tip. */
  nextBlock(): { chainId: string; height: number; timestampMs: number } {
    const tip = this.chain.tip;
    return { chainId: this.chainId, height: tip.height + 1, timestampMs: tip.block.header.timestampMs };
  }

  contract(id: Uint8Array): ContractView | undefined {
    const state = this.chain.state;
    const record = state.getEntry(contractKey(id));
    if (record === undefined) return undefined;
    const r = decodeContractRecord(record);
    return {
      ...r,
      id,
      balance: state.getAccount(id).balance,
      codeBytes: state.getEntry(codeKey(r.codeHash))?.length ?? 0,
    };
  }

  storage(id: Uint8Array, key: Uint8Array): Uint8Array | undefined {
    return this.chain.state.getEntry(storageKey(id, key));
  }

  receipt(txIdHex: string): Receipt | undefined {
    const bytes = this.chain.receiptBytes(txIdHex);
    return bytes === undefined ? undefined : decodeReceipt(bytes);
  }

  /** Events of a contract from `fromHeight` on, oldest first, at most `limit`. */
  events(id: Uint8Array, fromHeight: number, limit: number): EventView[] {
    const idHex = toHex(id);
    const max = Math.min(limit, EVENTS_PAGE_MAX);
    const out: EventView[] = [];
    for (const txId of this.chain.eventTransactions(idHex, fromHeight, max)) {
      const receipt = this.receipt(txId);
      const height = this.chain.transactionHeight(txId);
      if (receipt === undefined || height === undefined) continue;
      receipt.events.forEach((e, index) => {
        if (out.length < max && toHex(e.contract) === idHex) out.push({ ...e, height, txId, index });
      });
    }
    return out;
  }

  /** Runs `fn` on the committed state as if in the next block; nothing is kept. */
  query(
    id: Uint8Array,
    fn: string,
    input: Uint8Array,
    caller?: Uint8Array,
    gas = QUERY_GAS_MAX,
  ): QueryResult {
    const tip = this.chain.tip;
    return queryContract(
      this.chain.state,
      {
        contract: id,
        fn,
        input,
        gas: Math.min(gas, QUERY_GAS_MAX),
        ...(caller === undefined ? {} : { caller }),
      },
      {
        block: { chainId: this.chainId, height: tip.height + 1, timestampMs: tip.block.header.timestampMs },
        params: this.params,
        zk: this.zk,
      },
    );
  }
}
