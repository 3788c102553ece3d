/**
 * Public account state: balance and nonce per address (an Ed25519 public key), and its state
 * root. The root is a Merkle root over (address, balance, nonce) leaves sorted by address, so
 * it depends only on the set of accounts, never on the order they were touched.
 *
 * Block execution works on a `StateOverlay` over the committed state; only an accepted block's
 * overlay is committed. Leaf hashes are cached, so a root costs one hash per changed account plus
 * the inner nodes (O(n) for n accounts; an incremental tree is future work for large states).
 */

import { compareBytes, toHex } from "./bytes.js";
import { Writer } from "./codec.js";
import { ProtocolError } from "./errors.js";
import { merkleRoot } from "./hash.js";

export const ADDRESS_BYTES = 32;
export const U64_MAX = (1n << 64n) - 1n;

export interface Account {
  readonly balance: bigint;
  readonly nonce: bigint;
}

export const EMPTY_ACCOUNT: Account = { balance: 0n, nonce: 0n };

export interface StateReader {
  getAccount(address: Uint8Array): Account;
}

export function encodeAccount(a: Account): Uint8Array {
  return new Writer(16).u64(a.balance).u64(a.nonce).finish();
}

export function decodeAccount(bytes: Uint8Array): Account {
  if (bytes.length !== 16)
    throw new ProtocolError("DECODE_INVALID_VALUE", "account record must be 16 bytes", {});
  const v = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return { balance: v.getBigUint64(0, true), nonce: v.getBigUint64(8, true) };
}

function leafOf(address: Uint8Array, a: Account): Uint8Array {
  return new Writer(48).fixed(address, ADDRESS_BYTES).u64(a.balance).u64(a.nonce).finish();
}

interface Entry {
  readonly address: Uint8Array;
  account: Account;
  leaf: Uint8Array;
}

/** The committed account state of a node, held in memory and persisted by the adapter. */
export class AccountState implements StateReader {
  private readonly entries = new Map<string, Entry>();
  private sorted: Entry[] | null = null;
  private cachedRoot: Uint8Array | null = null;

  static from(accounts: Iterable<readonly [Uint8Array, Account]>): AccountState {
    const s = new AccountState();
    for (const [address, account] of accounts) s.set(address, account);
    return s;
  }

  get size(): number {
    return this.entries.size;
  }

  getAccount(address: Uint8Array): Account {
    return this.entries.get(toHex(address))?.account ?? EMPTY_ACCOUNT;
  }

  private set(address: Uint8Array, account: Account): void {
    const key = toHex(address);
    const existing = this.entries.get(key);
    if (existing === undefined) {
      this.entries.set(key, { address: address.slice(), account, leaf: leafOf(address, account) });
      this.sorted = null;
    } else {
      existing.account = account;
      existing.leaf = leafOf(address, account);
    }
    this.cachedRoot = null;
  }

  /** Undo of a reverted block: each entry back to its previous value, or removed if it had none. */
  restore(previous: ReadonlyArray<readonly [Uint8Array, Account | null]>): void {
    for (const [address, account] of previous) {
      if (account !== null) {
        this.set(address, account);
        continue;
      }
      if (this.entries.delete(toHex(address))) {
        this.sorted = null;
        this.cachedRoot = null;
      }
    }
  }

  /** The current value of each address (null where absent), to undo a commit later. */
  snapshot(addresses: readonly Uint8Array[]): Array<[Uint8Array, Account | null]> {
    return addresses.map((a) => [a, this.entries.get(toHex(a))?.account ?? null]);
  }

  /** Applies an overlay's changes; returns them for the adapter to persist. */
  commit(overlay: StateOverlay): Array<[Uint8Array, Account]> {
    const changes = overlay.changes();
    for (const [address, account] of changes) this.set(address, account);
    return changes;
  }

  root(): Uint8Array {
    if (this.cachedRoot === null) {
      if (this.sorted === null)
        this.sorted = [...this.entries.values()].sort((a, b) => compareBytes(a.address, b.address));
      this.cachedRoot = merkleRoot(this.sorted.map((e) => e.leaf));
    }
    // A copy: a caller tampering with a header's state root must not change the cached one.
    return this.cachedRoot.slice();
  }

  /** State root as it would be after `overlay`, without committing it. */
  rootWith(overlay: StateOverlay): Uint8Array {
    const changes = overlay.changes();
    if (changes.length === 0) return this.root();
    const merged = new Map<string, Entry>(this.entries);
    for (const [address, account] of changes) {
      merged.set(toHex(address), { address, account, leaf: leafOf(address, account) });
    }
    const sorted = [...merged.values()].sort((a, b) => compareBytes(a.address, b.address));
    return merkleRoot(sorted.map((e) => e.leaf));
  }

  entriesForExport(): Array<[Uint8Array, Account]> {
    return [...this.entries.values()].map((e) => [e.address, e.account]);
  }
}

/** Uncommitted changes over a base state, for executing a candidate block. */
export class StateOverlay implements StateReader {
  private readonly changed = new Map<string, { address: Uint8Array; account: Account }>();

  constructor(private readonly base: StateReader) {}

  getAccount(address: Uint8Array): Account {
    return this.changed.get(toHex(address))?.account ?? this.base.getAccount(address);
  }

  setAccount(address: Uint8Array, account: Account): void {
    if (account.balance < 0n || account.balance > U64_MAX || account.nonce < 0n || account.nonce > U64_MAX) {
      throw new ProtocolError("BLOCK_INVALID", "account value out of u64 range", { address: toHex(address) });
    }
    this.changed.set(toHex(address), { address, account });
  }

  changes(): Array<[Uint8Array, Account]> {
    return [...this.changed.values()].map((c) => [c.address, c.account]);
  }
}
