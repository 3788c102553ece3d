/**
 * `ChainStore` over Durable Object SQLite (`ctx.storage.sql`). Synchronous like the port wants:
 * DO SQLite calls run on the object's thread without awaiting, and `transactionSync` gives the
 * all-or-nothing write a block, its state changes and its labels need (a throw rolls it back).
 *
 * Tables (created idempotently, so a fresh and a restarted object run the same code):
 *   blocks(height PK, hash UNIQUE, label, bytes)   accounts(address PK, record)   meta(key PK, value)
 *   entries(key PK, value): contract code, records and storage (protocol/contract-keys.ts)
 */

import type { Account, EntryChange } from "../protocol/state.js";
import { decodeAccount, encodeAccount } from "../protocol/state.js";
import type { ChainStore, Label, StoredBlock } from "../workers/consensus/ports.js";

/** The part of `DurableObjectStorage` this store uses (a narrow seam for tests). */
export interface SqlStorageHost {
  readonly sql: SqlStorage;
  transactionSync<T>(fn: () => T): T;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS blocks (
  height INTEGER PRIMARY KEY,
  hash BLOB NOT NULL UNIQUE,
  label INTEGER NOT NULL,
  bytes BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (
  address BLOB PRIMARY KEY,
  record BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
  key BLOB PRIMARY KEY,
  value BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value BLOB NOT NULL
);
`;

type BlockRow = { height: number; hash: ArrayBuffer; label: number; bytes: ArrayBuffer };

/** SQLite binds ArrayBuffers; copy so a view's neighbouring bytes never leak into a row. */
function blob(bytes: Uint8Array): ArrayBuffer {
  return bytes.slice().buffer as ArrayBuffer;
}

function rowToBlock(row: BlockRow): StoredBlock {
  return {
    height: row.height,
    hash: new Uint8Array(row.hash),
    label: row.label as Label,
    bytes: new Uint8Array(row.bytes),
  };
}

/** The smallest string above every string starting with `prefix` (undefined: no upper bound). */
function prefixEnd(prefix: string): string | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    // Surrogate halves do not order like their UTF-8 code points; let the filter below decide.
    if (c < 0xd7ff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return undefined;
}

export class SqlChainStore implements ChainStore {
  private readonly sql: SqlStorage;

  constructor(private readonly storage: SqlStorageHost) {
    this.sql = storage.sql;
    this.sql.exec(SCHEMA);
  }

  transaction<T>(fn: () => T): T {
    return this.storage.transactionSync(fn);
  }

  putBlock(block: StoredBlock): void {
    // REPLACE also drops a row that held the same hash at another height (never expected).
    this.sql.exec(
      "INSERT OR REPLACE INTO blocks (height, hash, label, bytes) VALUES (?, ?, ?, ?)",
      block.height,
      blob(block.hash),
      block.label,
      blob(block.bytes),
    );
  }

  setLabel(height: number, label: Label): void {
    this.sql.exec("UPDATE blocks SET label = ? WHERE height = ?", label, height);
  }

  getBlock(height: number): StoredBlock | undefined {
    const rows = this.sql
      .exec<BlockRow>("SELECT height, hash, label, bytes FROM blocks WHERE height = ?", height)
      .toArray();
    return rows[0] === undefined ? undefined : rowToBlock(rows[0]);
  }

  getBlockByHash(hash: Uint8Array): StoredBlock | undefined {
    const rows = this.sql
      .exec<BlockRow>("SELECT height, hash, label, bytes FROM blocks WHERE hash = ?", blob(hash))
      .toArray();
    return rows[0] === undefined ? undefined : rowToBlock(rows[0]);
  }

  tipHeight(): number {
    const row = this.sql.exec<{ tip: number | null }>("SELECT MAX(height) AS tip FROM blocks").one();
    return row.tip ?? -1;
  }

  deleteBlock(height: number): void {
    this.sql.exec("DELETE FROM blocks WHERE height = ?", height);
  }

  deleteAccount(address: Uint8Array): void {
    this.sql.exec("DELETE FROM accounts WHERE address = ?", blob(address));
  }

  putAccounts(changes: ReadonlyArray<readonly [Uint8Array, Account]>): void {
    for (const [address, account] of changes) {
      this.sql.exec(
        "INSERT OR REPLACE INTO accounts (address, record) VALUES (?, ?)",
        blob(address),
        blob(encodeAccount(account)),
      );
    }
  }

  loadAccounts(): Array<[Uint8Array, Account]> {
    const out: Array<[Uint8Array, Account]> = [];
    for (const row of this.sql.exec<{ address: ArrayBuffer; record: ArrayBuffer }>(
      "SELECT address, record FROM accounts ORDER BY address",
    )) {
      out.push([new Uint8Array(row.address), decodeAccount(new Uint8Array(row.record))]);
    }
    return out;
  }

  putEntries(changes: readonly EntryChange[]): void {
    for (const [key, value] of changes) {
      if (value === null) this.sql.exec("DELETE FROM entries WHERE key = ?", blob(key));
      else this.sql.exec("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", blob(key), blob(value));
    }
  }

  loadEntries(): Array<[Uint8Array, Uint8Array]> {
    const out: Array<[Uint8Array, Uint8Array]> = [];
    for (const row of this.sql.exec<{ key: ArrayBuffer; value: ArrayBuffer }>(
      "SELECT key, value FROM entries ORDER BY key",
    )) {
      out.push([new Uint8Array(row.key), new Uint8Array(row.value)]);
    }
    return out;
  }

  getMeta(key: string): Uint8Array | undefined {
    const rows = this.sql.exec<{ value: ArrayBuffer }>("SELECT value FROM meta WHERE key = ?", key).toArray();
    return rows[0] === undefined ? undefined : new Uint8Array(rows[0].value);
  }

  putMeta(key: string, value: Uint8Array): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, blob(value));
  }

  deleteMeta(key: string): void {
    this.sql.exec("DELETE FROM meta WHERE key = ?", key);
  }

  listMeta(prefix: string, limit: number, from?: string): string[] {
    if (!Number.isSafeInteger(limit) || limit <= 0) return [];
    const end = prefixEnd(prefix);
    // Keys at or after `from` (never before the prefix itself).
    const start = from !== undefined && from > prefix ? from : prefix;
    // The range uses the primary key index; the substr check keeps exotic prefixes exact.
    const cursor =
      end === undefined
        ? this.sql.exec<{ key: string }>(
            "SELECT key FROM meta WHERE key >= ?1 AND substr(key, 1, length(?2)) = ?2 ORDER BY key LIMIT ?3",
            start,
            prefix,
            limit,
          )
        : this.sql.exec<{ key: string }>(
            "SELECT key FROM meta WHERE key >= ?1 AND key < ?2 AND substr(key, 1, length(?3)) = ?3 ORDER BY key LIMIT ?4",
            start,
            end,
            prefix,
            limit,
          );
    return cursor.toArray().map((r) => r.key);
  }
}
