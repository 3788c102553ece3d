/**
 * Ledger state: public accounts (balance and nonce per address, an Ed25519 public key or a
 * contract id) and a key-value part for contracts (code, contract records, contract storage;
 * key layout in contract-keys.ts). The state root commits to both:
 * `domainHash("state-root", accountsRoot ‖ entriesRoot)`, where each part is a Merkle root over
 * its leaves sorted by key, so the root depends only on the contents, never on the order they
 * were touched. Account leaves are (address, balance, nonce); entry leaves (key, hash(value)).
 *
 * Block execution works on a `StateOverlay` over the committed state (overlays nest: a contract
 * call runs on a child overlay that is merged on success and dropped on revert); only an
 * accepted block's overlay is committed. Leaf hashes are cached, so a root costs one hash per
 * changed leaf plus the inner nodes (O(n) for n leaves; an incremental tree is future work).
 */

import { compareBytes, toHex } from "./bytes.js";
import { Writer } from "./codec.js";
import { ProtocolError } from "./errors.js";
import { domainHash, hash, merkleRoot } from "./hash.js";

export const ADDRESS_BYTES = 32;
export const U64_MAX = (1n << 64n) - 1n;

export interface Account {
  readonly balance: bigint;
  readonly nonce: bigint;
}

export const EMPTY_ACCOUNT: Account = { balance: 0n, nonce: 0n };

export interface StateReader {
  getAccount(address: Uint8Array): Account;
  /** A contract-state entry, or undefined when absent. */
  getEntry(key: Uint8Array): Uint8Array | undefined;
}

/** Bound on entry keys (contract-keys.ts prefixes plus a contract's own key of ≤ 256 bytes). */
export const ENTRY_KEY_BYTES_MAX = 1 + 32 + 256;

/** Entry changes of a commit or an undo record: null removes the key. */
export type EntryChange = readonly [Uint8Array, Uint8Array | null];

function entryLeaf(key: Uint8Array, value: Uint8Array): Uint8Array {
  return new Writer(key.length + 40).bytes(key, ENTRY_KEY_BYTES_MAX).fixed(hash(value), 32).finish();
}

interface KvEntry {
  readonly key: Uint8Array;
  value: Uint8Array;
  leaf: Uint8Array;
}

function combinedRoot(accountsRoot: Uint8Array, entriesRoot: Uint8Array): Uint8Array {
  const both = new Uint8Array(64);
  both.set(accountsRoot, 0);
  both.set(entriesRoot, 32);
  return domainHash("state-root", both);
}

function sortedLeaves<T extends { leaf: Uint8Array }>(m: Map<string, T>): Uint8Array[] {
  // Hex keys sort like the bytes they encode.
  return [...m.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, e]) => e.leaf);
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
  private readonly kv = new Map<string, KvEntry>();
  private cachedKvRoot: Uint8Array | null = null;

  static from(
    accounts: Iterable<readonly [Uint8Array, Account]>,
    entries: Iterable<readonly [Uint8Array, Uint8Array]> = [],
  ): AccountState {
    const s = new AccountState();
    for (const [address, account] of accounts) s.set(address, account);
    for (const [key, value] of entries) s.setEntry(key, value);
    return s;
  }

  getEntry(key: Uint8Array): Uint8Array | undefined {
    return this.kv.get(toHex(key))?.value;
  }

  private setEntry(key: Uint8Array, value: Uint8Array | null): void {
    const k = toHex(key);
    if (value === null) this.kv.delete(k);
    else this.kv.set(k, { key: key.slice(), value, leaf: entryLeaf(key, value) });
    this.cachedKvRoot = null;
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

  /** Undo of a reverted block's entry changes. */
  restoreEntries(previous: readonly EntryChange[]): void {
    for (const [key, value] of previous) this.setEntry(key, value);
  }

  /** The current value of each entry key (null where absent), to undo a commit later. */
  snapshotEntries(keys: readonly Uint8Array[]): EntryChange[] {
    return keys.map((k) => [k, this.getEntry(k) ?? null]);
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

  /** Applies an overlay's changes (accounts and entries); the adapter persists the same lists. */
  commit(overlay: StateOverlay): Array<[Uint8Array, Account]> {
    const changes = overlay.changes();
    for (const [address, account] of changes) this.set(address, account);
    for (const [key, value] of overlay.entryChanges()) this.setEntry(key, value);
    return changes;
  }

  private accountsRoot(): Uint8Array {
    if (this.cachedRoot === null) {
      if (this.sorted === null)
        this.sorted = [...this.entries.values()].sort((a, b) => compareBytes(a.address, b.address));
      this.cachedRoot = merkleRoot(this.sorted.map((e) => e.leaf));
    }
    return this.cachedRoot;
  }

  private entriesRoot(): Uint8Array {
    if (this.cachedKvRoot === null) this.cachedKvRoot = merkleRoot(sortedLeaves(this.kv));
    return this.cachedKvRoot;
  }

  root(): Uint8Array {
    // A fresh array: a caller tampering with a header's state root must not change the caches.
    return combinedRoot(this.accountsRoot(), this.entriesRoot());
  }

  /** State root as it would be after `overlay`, without committing it. */
  rootWith(overlay: StateOverlay): Uint8Array {
    const changes = overlay.changes();
    const entryChanges = overlay.entryChanges();
    let accountsRoot = this.accountsRoot();
    if (changes.length > 0) {
      const merged = new Map<string, Entry>(this.entries);
      for (const [address, account] of changes) {
        merged.set(toHex(address), { address, account, leaf: leafOf(address, account) });
      }
      const sorted = [...merged.values()].sort((a, b) => compareBytes(a.address, b.address));
      accountsRoot = merkleRoot(sorted.map((e) => e.leaf));
    }
    let entriesRoot = this.entriesRoot();
    if (entryChanges.length > 0) {
      const merged = new Map<string, KvEntry>(this.kv);
      for (const [key, value] of entryChanges) {
        if (value === null) merged.delete(toHex(key));
        else merged.set(toHex(key), { key, value, leaf: entryLeaf(key, value) });
      }
      entriesRoot = merkleRoot(sortedLeaves(merged));
    }
    return combinedRoot(accountsRoot, entriesRoot);
  }

  entriesForExport(): Array<[Uint8Array, Account]> {
    return [...this.entries.values()].map((e) => [e.address, e.account]);
  }

  kvEntriesForExport(): Array<[Uint8Array, Uint8Array]> {
    return [...this.kv.values()].map((e) => [e.key, e.value]);
  }
}

/**
 * Uncommitted changes over a base state, for executing a candidate block. Overlays nest: a
 * child over an overlay is merged into it (`mergeInto`) or simply dropped.
 */
export class StateOverlay implements StateReader {
  private readonly changed = new Map<string, { address: Uint8Array; account: Account }>();
  private readonly changedEntries = new Map<string, { key: Uint8Array; value: Uint8Array | null }>();

  constructor(private readonly base: StateReader) {}

  getAccount(address: Uint8Array): Account {
    return this.changed.get(toHex(address))?.account ?? this.base.getAccount(address);
  }

  getEntry(key: Uint8Array): Uint8Array | undefined {
    const c = this.changedEntries.get(toHex(key));
    if (c !== undefined) return c.value ?? undefined;
    return this.base.getEntry(key);
  }

  /** Sets (or with null removes) an entry. */
  setEntry(key: Uint8Array, value: Uint8Array | null): void {
    if (key.length > ENTRY_KEY_BYTES_MAX) {
      throw new ProtocolError("STATE_KEY_TOO_LONG", `entry key exceeds ${ENTRY_KEY_BYTES_MAX} bytes`, {
        limit: ENTRY_KEY_BYTES_MAX,
      });
    }
    this.changedEntries.set(toHex(key), { key: key.slice(), value: value === null ? null : value.slice() });
  }

  entryChanges(): EntryChange[] {
    return [...this.changedEntries.values()].map((c) => [c.key, c.value]);
  }

  /** Applies this overlay's changes to `parent` (the overlay it was created over). */
  mergeInto(parent: StateOverlay): void {
    for (const c of this.changed.values()) parent.setAccount(c.address, c.account);
    for (const c of this.changedEntries.values()) parent.setEntry(c.key, c.value);
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
