/**
 * What the node core needs from its host, injected (STYLE.md rule 3): a clock, storage, peer
 * transport and signature verification. Durable Objects, the Node host and the simulator each
 * implement these; the core never touches a runtime API itself.
 */

import type { Account, EntryChange } from "../../protocol/state.js";

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

/** A clock that only moves when a test moves it. */
export class StoppedClock implements Clock {
  constructor(private ms = 0) {}
  now(): number {
    return this.ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** Finality label of a block (../shared/DESIGN.md, "Finality labels"), in increasing strength. */
export enum Label {
  Accepted = 0,
  Attested = 1,
  Confirmed = 2,
  Final = 3,
}

export interface StoredBlock {
  readonly height: number;
  readonly hash: Uint8Array;
  readonly bytes: Uint8Array;
  readonly label: Label;
}

/**
 * Synchronous storage (Durable Object SQLite is synchronous). Everything written inside one
 * `transaction` call becomes durable together or not at all: an accepted block, its state
 * changes and the new tip are one transaction, so a crash never leaves them half-written.
 */
export interface ChainStore {
  transaction<T>(fn: () => T): T;
  putBlock(block: StoredBlock): void;
  setLabel(height: number, label: Label): void;
  getBlock(height: number): StoredBlock | undefined;
  getBlockByHash(hash: Uint8Array): StoredBlock | undefined;
  /** Highest stored height, or -1 when empty. */
  tipHeight(): number;
  /** Removes a block (only non-final blocks are ever reverted). */
  deleteBlock(height: number): void;
  putAccounts(changes: ReadonlyArray<readonly [Uint8Array, Account]>): void;
  /** Removes an account that a reverted block created. */
  deleteAccount(address: Uint8Array): void;
  loadAccounts(): Array<[Uint8Array, Account]>;
  /** Contract-state entries (code, records, storage): a null value removes the key. */
  putEntries(changes: readonly EntryChange[]): void;
  loadEntries(): Array<[Uint8Array, Uint8Array]>;
  getMeta(key: string): Uint8Array | undefined;
  putMeta(key: string, value: Uint8Array): void;
  deleteMeta(key: string): void;
  /** Keys with the prefix (and at or after `from` when given), in key order, at most `limit`. */
  listMeta(prefix: string, limit: number, from?: string): string[];
}

/** Peer links. Peer ids are opaque strings chosen by the transport. */
export interface Transport {
  /** Sends to every connected peer (full mesh now; Kadcast later, behind this interface). */
  broadcast(bytes: Uint8Array): void;
  send(peer: string, bytes: Uint8Array): void;
  peers(): string[];
}
