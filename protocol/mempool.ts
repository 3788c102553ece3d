/**
 * Bounded mempool. Per sender, transactions are kept by nonce; a transaction with the same
 * (sender, nonce) replaces the pooled one only with a strictly higher gas price. When full, the
 * lowest-priced transaction is evicted for a higher-priced one, else the new one is refused.
 * Block selection takes each sender's transactions in nonce order, highest gas price first
 * across senders, within the block's gas and count limits.
 */

import { toHex } from "./bytes.js";
import { ProtocolError } from "./errors.js";
import type { ExecutionParams } from "./params.js";
import { isNullifierSpent, isRecentRoot } from "./shielded-state.js";
import type { StateReader } from "./state.js";
import {
  maxFee,
  type ShieldedTransferTx,
  type Transaction,
  TxKind,
  transactionIdHex,
} from "./transaction.js";

/** What a pick costs its sender's account: a shielded transfer pays from notes, not an account. */
function spendOf(tx: Transaction): bigint {
  return tx.kind === TxKind.ShieldedTransfer ? 0n : tx.amount + maxFee(tx);
}

function shieldedStillValid(tx: ShieldedTransferTx, state: StateReader): boolean {
  return isRecentRoot(state, tx.root) && !tx.nullifiers.some((n) => isNullifierSpent(state, n));
}

export interface MempoolOptions {
  readonly maxTransactions: number;
  readonly maxPerSender: number;
}

export const DEFAULT_MEMPOOL_OPTIONS: MempoolOptions = { maxTransactions: 10_000, maxPerSender: 64 };

interface Pooled {
  readonly id: string;
  readonly tx: Transaction;
  readonly sender: string;
}

export type AddResult = { readonly id: string; readonly replaced: string | null };

export class Mempool {
  private readonly byId = new Map<string, Pooled>();
  /** sender hex → nonce (as string) → pooled */
  private readonly bySender = new Map<string, Map<bigint, Pooled>>();
  /**
   * Nullifiers (hex) of pooled shielded transfers, so a second spend of a pending note is found
   * without a scan; two per pooled transfer, bounded with the pool.
   */
  private readonly nullifiers = new Set<string>();

  constructor(private readonly options: MempoolOptions = DEFAULT_MEMPOOL_OPTIONS) {}

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  get(id: string): Transaction | undefined {
    return this.byId.get(id)?.tx;
  }

  /**
   * Adds a transaction whose signature and static checks already passed. `state` is the
   * committed state: nonces at or below the account's are stale.
   */
  add(tx: Transaction, state: StateReader): AddResult {
    const id = transactionIdHex(tx);
    if (this.byId.has(id))
      throw new ProtocolError("TX_DUPLICATE", "transaction already in the mempool", { id });
    const account = state.getAccount(tx.from);
    if (tx.nonce <= account.nonce) {
      throw new ProtocolError(
        "TX_BAD_NONCE",
        `nonce ${tx.nonce} already used (account nonce ${account.nonce})`,
        {
          expected: String(account.nonce + 1n),
          got: String(tx.nonce),
        },
      );
    }
    if (tx.nonce > account.nonce + BigInt(this.options.maxPerSender)) {
      throw new ProtocolError(
        "TX_NONCE_TOO_FAR",
        `nonce ${tx.nonce} is more than ${this.options.maxPerSender} ahead of the account nonce ${account.nonce}`,
        { limit: this.options.maxPerSender, expected: String(account.nonce + 1n), got: String(tx.nonce) },
      );
    }
    const sender = toHex(tx.from);
    const queue = this.bySender.get(sender);
    const existing = queue?.get(tx.nonce);
    if (existing !== undefined) {
      if (tx.gasPrice <= existing.tx.gasPrice) {
        throw new ProtocolError(
          "TX_REPLACEMENT_UNDERPRICED",
          `a transaction with nonce ${tx.nonce} is pooled at gas price ${existing.tx.gasPrice}; a replacement must pay more`,
          { pooledGasPrice: String(existing.tx.gasPrice), got: String(tx.gasPrice) },
        );
      }
      this.remove(existing.id);
      this.insert({ id, tx, sender });
      return { id, replaced: existing.id };
    }
    if (queue !== undefined && queue.size >= this.options.maxPerSender) {
      throw new ProtocolError(
        "MEMPOOL_SENDER_FULL",
        `sender has ${queue.size} pooled transactions (limit ${this.options.maxPerSender})`,
        {
          limit: this.options.maxPerSender,
        },
      );
    }
    if (this.byId.size >= this.options.maxTransactions) {
      const cheapest = this.cheapest();
      if (cheapest === undefined || cheapest.tx.gasPrice >= tx.gasPrice) {
        throw new ProtocolError(
          "MEMPOOL_FULL",
          `mempool holds ${this.byId.size} transactions (limit ${this.options.maxTransactions})`,
          {
            limit: this.options.maxTransactions,
          },
        );
      }
      this.remove(cheapest.id);
    }
    this.insert({ id, tx, sender });
    return { id, replaced: null };
  }

  private insert(p: Pooled): void {
    this.byId.set(p.id, p);
    if (p.tx.kind === TxKind.ShieldedTransfer) for (const n of p.tx.nullifiers) this.nullifiers.add(toHex(n));
    let queue = this.bySender.get(p.sender);
    if (queue === undefined) {
      queue = new Map();
      this.bySender.set(p.sender, queue);
    }
    queue.set(p.tx.nonce, p);
  }

  remove(id: string): void {
    const p = this.byId.get(id);
    if (p === undefined) return;
    this.byId.delete(id);
    if (p.tx.kind === TxKind.ShieldedTransfer)
      for (const n of p.tx.nullifiers) this.nullifiers.delete(toHex(n));
    const queue = this.bySender.get(p.sender);
    queue?.delete(p.tx.nonce);
    if (queue?.size === 0) this.bySender.delete(p.sender);
  }

  /** Lowest gas price; among equals the highest nonce (the last a sender could execute). */
  private cheapest(): Pooled | undefined {
    let worst: Pooled | undefined;
    for (const p of this.byId.values()) {
      if (
        worst === undefined ||
        p.tx.gasPrice < worst.tx.gasPrice ||
        (p.tx.gasPrice === worst.tx.gasPrice && p.tx.nonce > worst.tx.nonce)
      ) {
        worst = p;
      }
    }
    return worst;
  }

  /**
   * Chooses transactions for a block: executable sequences per sender (next nonce onwards,
   * without gaps), merged by gas price, until the count or gas limit is reached.
   */
  select(state: StateReader, params: ExecutionParams): Transaction[] {
    // Per sender: next nonce and what it can still spend (amount + maximum fee per pick, a
    // conservative bound: incoming transfers in the same block are not counted).
    const heads: Array<{ queue: Map<bigint, Pooled>; next: bigint; balance: bigint }> = [];
    for (const queue of this.bySender.values()) {
      const first = queue.values().next().value;
      if (first === undefined) continue;
      const account = state.getAccount(first.tx.from);
      heads.push({ queue, next: account.nonce + 1n, balance: account.balance });
    }
    const out: Transaction[] = [];
    let gas = 0n;
    const maxCount = params.maxBlockTransactions;
    while (out.length < maxCount) {
      let bestIndex = -1;
      let best: Pooled | undefined;
      for (let i = 0; i < heads.length; i++) {
        const head = heads[i]!;
        const p = head.queue.get(head.next);
        if (p === undefined) continue;
        if (best === undefined || p.tx.gasPrice > best.tx.gasPrice) {
          best = p;
          bestIndex = i;
        }
      }
      if (best === undefined) break;
      const head = heads[bestIndex]!;
      const cost = spendOf(best.tx);
      if (gas + best.tx.gasLimit > params.blockGasLimit || cost > head.balance) {
        // This sender's sequence no longer fits or is no longer funded; the rest of its queue
        // waits for a later block.
        heads.splice(bestIndex, 1);
        continue;
      }
      gas += best.tx.gasLimit;
      head.balance -= cost;
      out.push(best.tx);
      head.next += 1n;
    }
    return out;
  }

  /** After a block is committed: drops included transactions and any now-stale nonces. */
  prune(state: StateReader): void {
    for (const queue of this.bySender.values()) {
      const first = queue.values().next().value;
      if (first === undefined) continue;
      if (first.tx.kind === TxKind.ShieldedTransfer) {
        // A one-time key has no account nonce: the transfer is done (or dead) once a nullifier
        // is spent or its root left the recent window.
        if (!shieldedStillValid(first.tx, state)) this.remove(first.id);
        continue;
      }
      const nonce = state.getAccount(first.tx.from).nonce;
      for (const [n, p] of queue) if (n <= nonce) this.remove(p.id);
    }
  }

  /** Whether a pooled shielded transfer already spends one of `tx`'s nullifiers. */
  spendsPendingNullifier(tx: ShieldedTransferTx): boolean {
    return tx.nullifiers.some((n) => this.nullifiers.has(toHex(n)));
  }

  all(): Transaction[] {
    return [...this.byId.values()].map((p) => p.tx);
  }
}
