/**
 * In-memory `ChainStore` for tests and the simulator. `transaction` snapshots and restores on a
 * throw, so it has the same all-or-nothing behaviour as the SQLite store.
 */

import { toHex } from "../../protocol/bytes.js";
import type { Account, EntryChange } from "../../protocol/state.js";
import type { ChainStore, Label, StoredBlock } from "./ports.js";

export class MemoryChainStore implements ChainStore {
  private blocks = new Map<number, StoredBlock>();
  private byHash = new Map<string, number>();
  private accounts = new Map<string, [Uint8Array, Account]>();
  private entries = new Map<string, [Uint8Array, Uint8Array]>();
  private meta = new Map<string, Uint8Array>();
  private tip = -1;

  transaction<T>(fn: () => T): T {
    const snapshot = {
      blocks: new Map(this.blocks),
      byHash: new Map(this.byHash),
      accounts: new Map(this.accounts),
      entries: new Map(this.entries),
      meta: new Map(this.meta),
      tip: this.tip,
    };
    try {
      return fn();
    } catch (e) {
      Object.assign(this, snapshot);
      throw e;
    }
  }

  putBlock(block: StoredBlock): void {
    this.blocks.set(block.height, block);
    this.byHash.set(toHex(block.hash), block.height);
    if (block.height > this.tip) this.tip = block.height;
  }

  setLabel(height: number, label: Label): void {
    const b = this.blocks.get(height);
    if (b !== undefined) this.blocks.set(height, { ...b, label });
  }

  getBlock(height: number): StoredBlock | undefined {
    return this.blocks.get(height);
  }

  getBlockByHash(hash: Uint8Array): StoredBlock | undefined {
    const h = this.byHash.get(toHex(hash));
    return h === undefined ? undefined : this.blocks.get(h);
  }

  tipHeight(): number {
    return this.tip;
  }

  deleteBlock(height: number): void {
    const b = this.blocks.get(height);
    if (b === undefined) return;
    this.blocks.delete(height);
    this.byHash.delete(toHex(b.hash));
    if (height === this.tip) this.tip = Math.max(-1, ...this.blocks.keys());
  }

  deleteAccount(address: Uint8Array): void {
    this.accounts.delete(toHex(address));
  }

  putAccounts(changes: ReadonlyArray<readonly [Uint8Array, Account]>): void {
    for (const [address, account] of changes) this.accounts.set(toHex(address), [address, account]);
  }

  loadAccounts(): Array<[Uint8Array, Account]> {
    return [...this.accounts.values()];
  }

  putEntries(changes: readonly EntryChange[]): void {
    for (const [key, value] of changes) {
      if (value === null) this.entries.delete(toHex(key));
      else this.entries.set(toHex(key), [key.slice(), value.slice()]);
    }
  }

  loadEntries(): Array<[Uint8Array, Uint8Array]> {
    return [...this.entries.values()];
  }

  getMeta(key: string): Uint8Array | undefined {
    return this.meta.get(key);
  }

  putMeta(key: string, value: Uint8Array): void {
    this.meta.set(key, value);
  }

  deleteMeta(key: string): void {
    this.meta.delete(key);
  }

  listMeta(prefix: string, limit: number, from?: string): string[] {
    return [...this.meta.keys()]
      .filter((k) => k.startsWith(prefix) && (from === undefined || k >= from))
      .sort()
      .slice(0, limit);
  }
}
