/**
 * The surface of a running node that adapters (Durable Object, gateway, Node host, tests) use.
 * Implemented by `Node` in node.ts.
 */

import type { Block } from "../../protocol/block.js";
import type { Receipt } from "../../protocol/receipt.js";
import type { Account } from "../../protocol/state.js";
import type { Transaction } from "../../protocol/transaction.js";
import type { ContractQueries } from "./contract-queries.js";
import type { Duties, StakeInfo } from "./node.js";
import type { Label } from "./ports.js";
import type { ShieldedQueries } from "./shielded-queries.js";
import type { Interchange } from "./signing-guard.js";
import type { SyncProgress } from "./sync.js";

export interface NodeStatus {
  readonly chainId: string;
  readonly genesisHash: string;
  /** Hex of this node's provisioner public key ("" for a non-provisioner). */
  readonly nodeId: string;
  readonly height: number;
  readonly finalizedHeight: number;
  readonly round: number;
  readonly iteration: number;
  readonly mempoolSize: number;
  readonly syncing: boolean;
  readonly peers: number;
  /** Catch-up progress: tip height, the highest height a peer has shown, blocks/s (sync.ts). */
  readonly sync?: SyncProgress;
}

export interface BlockView {
  readonly block: Block;
  readonly hash: Uint8Array;
  readonly label: Label;
}

export interface TransactionView {
  readonly tx: Transaction;
  readonly status: "pending" | "included";
  readonly height?: number;
  readonly label?: Label;
  /** What execution did (included transactions). */
  readonly receipt?: Receipt;
}

/** Current size and bound of each of the node's queues and caches (simulator checks, metrics). */
export type ResourceUsage = Readonly<Record<string, { readonly size: number; readonly limit: number }>>;

export interface NodeApi {
  /** Handles bytes from a peer. Never throws: bad input is logged and counted. */
  onMessage(peer: string, bytes: Uint8Array): Promise<void>;
  /** A peer link opened: the node may ask it for blocks it lacks. */
  onPeerConnected(peer: string): Promise<void>;
  /** Called when the clock reaches `nextWakeMs()` (alarm) or later. */
  onTimer(): Promise<void>;
  /** When the node next needs `onTimer`, in clock milliseconds; null when nothing is pending. */
  nextWakeMs(): number | null;
  /** Validates and pools a transaction, then relays it. Throws ProtocolError with a code. */
  submitTransaction(bytes: Uint8Array): Promise<{ id: string }>;
  status(): NodeStatus;
  /** Eligible provisioners and their stake. */
  provisionerList(): ReadonlyArray<{ publicKey: Uint8Array; stake: bigint }>;
  /** Generator and committees of the round in progress. */
  currentCommittees(): {
    round: number;
    iteration: number;
    generator: Uint8Array;
    validation: ReadonlyArray<{ publicKey: Uint8Array; credits: number }>;
    ratification: ReadonlyArray<{ publicKey: Uint8Array; credits: number }>;
  };
  /** Minimum gas price and a suggestion from the mempool. */
  gasPrice(): { minimum: bigint; suggested: bigint };
  blockByHeight(height: number): BlockView | undefined;
  blockByHash(hash: Uint8Array): BlockView | undefined;
  account(address: Uint8Array): Account;
  transaction(id: string): TransactionView | undefined;
  /** Contract records, storage, events and read-only calls. */
  readonly contracts: ContractQueries;
  /** Note tree, note index and nullifier set. */
  readonly shielded: ShieldedQueries;
  resourceUsage(): ResourceUsage;
  /** A provisioner key's stake record, eligibility and slashes (docs/STAKING.md). */
  stakeInfo(publicKey: Uint8Array): StakeInfo | undefined;
  /** Any key with a stake record (who may hold a peer link). */
  isStaked(publicKey: Uint8Array): boolean;
  /** What this node's provisioner key signed and generated; null without a key. */
  duties(): Duties | null;
  /** The slashing-protection record (EIP-3076-like interchange); null without a key. */
  exportSlashingProtection(): Interchange | null;
  /** Merges another machine's record for this key. Throws on a malformed document or another chain. */
  importSlashingProtection(doc: unknown): { imported: number; watermark: number };
  /** Clears a doppelganger halt; false when signing was not halted. */
  resumeSigning(): boolean;
}
