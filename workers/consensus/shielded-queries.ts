/**
 * Read-only views of the shielded state for wallets and explorers (docs/SHIELDED.md, "RPC"):
 * the note tree's size and root, pages of the note index (commitments and encrypted notes, which
 * is all a wallet needs to find its notes and rebuild Merkle paths), and nullifier lookups (has
 * this note been spent?). Nothing here reveals an owner or a value: the chain has neither.
 */

import { hash } from "../../protocol/hash.js";
import type { NoteRecord } from "../../protocol/note-records.js";
import type { ExecutionParams } from "../../protocol/params.js";
import { fieldToBytes, SHIELDED_GAS } from "../../protocol/shielded.js";
import { isNullifierSpent, noteCount, noteRoot, RECENT_ROOTS } from "../../protocol/shielded-state.js";
import type { Chain } from "./chain.js";

/** Notes per page; a page is about 200 bytes a note as JSON. */
export const NOTES_PAGE_MAX = 1_000;
/** Nullifiers per lookup. */
export const NULLIFIERS_PER_QUERY_MAX = 256;

export interface ShieldedInfo {
  readonly enabled: boolean;
  readonly noteCount: number;
  readonly root: Uint8Array;
  readonly recentRoots: number;
  /** Hashes (BLAKE3, protocol/hash.ts) of the verification keys the genesis pins. */
  readonly depositVkHash: Uint8Array | null;
  readonly transferVkHash: Uint8Array | null;
  readonly gas: { readonly deposit: bigint; readonly transfer: bigint };
}

export class ShieldedQueries {
  constructor(
    private readonly chain: Chain,
    private readonly params: ExecutionParams,
  ) {}

  info(): ShieldedInfo {
    const keys = this.params.shielded;
    return {
      enabled: keys !== undefined,
      noteCount: noteCount(this.chain.state),
      root: fieldToBytes(noteRoot(this.chain.state)),
      recentRoots: RECENT_ROOTS,
      depositVkHash: keys === undefined ? null : hash(keys.depositVk),
      transferVkHash: keys === undefined ? null : hash(keys.transferVk),
      gas: SHIELDED_GAS,
    };
  }

  /** Notes from `from` on, at most `limit` (capped at NOTES_PAGE_MAX), and the current count. */
  notes(from: number, limit: number): { count: number; notes: NoteRecord[] } {
    return {
      count: noteCount(this.chain.state),
      notes: this.chain.notes(from, Math.min(limit, NOTES_PAGE_MAX)),
    };
  }

  /** For each nullifier: whether it is spent on the committed chain. */
  spent(nullifiers: readonly Uint8Array[]): boolean[] {
    if (nullifiers.length > NULLIFIERS_PER_QUERY_MAX) {
      throw new RangeError(`at most ${NULLIFIERS_PER_QUERY_MAX} nullifiers per query`);
    }
    return nullifiers.map((n) => isNullifierSpent(this.chain.state, n));
  }
}
