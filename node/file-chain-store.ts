/**
 * A `ChainStore` in one append-only file, for the Node host (issue 11 part 5), so a restarted
 * host resumes where it stopped. The state lives in memory (`MemoryChainStore`, with its
 * all-or-nothing transactions); every outermost transaction that wrote something appends one
 * record of its writes and fsyncs before returning, so a block, its state changes and the new tip
 * are durable together, as in the Durable Object's SQLite store.
 *
 * Record: u32 LE payload length, 32-byte BLAKE3 of the payload, payload (JSON of the writes,
 * bytes as hex, amounts as decimal strings). Opening replays the records in order; a torn or
 * corrupt last record (a crash mid-append) fails its length or checksum and is cut off, with
 * everything before it kept. Records above `MAX_RECORD_BYTES` are refused when written and
 * treated as torn when read. When the log holds more than `compactAfterRecords` records it is
 * rewritten on open as one snapshot record (written beside it, fsynced, renamed over it).
 *
 * Why not SQLite: better-sqlite3 12's prebuilt download cannot be fetched here, so npm falls
 * back to compiling SQLite from source (still compiling after 4 minutes on this shared 2-core
 * machine, and again in every clean CI install); node:sqlite is missing from the Node 20 on PATH.
 *
 *   const store = FileChainStore.open("/var/lib/dusk-edge/node-3.log");
 */

import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { bytesEqual, fromHex, toHex } from "../protocol/bytes.js";
import { hash } from "../protocol/hash.js";
import type { Account, EntryChange } from "../protocol/state.js";
import { MemoryChainStore } from "../workers/consensus/memory-chain-store.js";
import type { ChainStore, Label, StoredBlock } from "../workers/consensus/ports.js";

/** Largest record accepted (a block is at most LIMITS.messageBytes; a snapshot may be larger). */
const MAX_RECORD_BYTES = 1 << 30;
const HEADER_BYTES = 4 + 32;

type Write =
  | { op: "block"; height: number; hash: string; bytes: string; label: number }
  | { op: "label"; height: number; label: number }
  | { op: "delBlock"; height: number }
  | { op: "accounts"; changes: Array<[string, string, string]> }
  | { op: "delAccount"; address: string }
  | { op: "entries"; changes: Array<[string, string | null]> }
  | { op: "meta"; key: string; value: string }
  | { op: "delMeta"; key: string };

export interface FileStoreOpenReport {
  readonly records: number;
  /** Bytes cut off the end (a torn or corrupt last record); 0 when the file was whole. */
  readonly truncatedBytes: number;
  readonly compacted: boolean;
}

export class FileChainStore implements ChainStore {
  private readonly mem = new MemoryChainStore();
  private pending: Write[] = [];
  private depth = 0;
  private fd: number;
  private records = 0;
  report: FileStoreOpenReport = { records: 0, truncatedBytes: 0, compacted: false };

  private constructor(
    private readonly path: string,
    private readonly compactAfterRecords: number,
  ) {
    this.fd = -1;
  }

  static open(path: string, options: { compactAfterRecords?: number } = {}): FileChainStore {
    const store = new FileChainStore(path, options.compactAfterRecords ?? 50_000);
    store.load();
    return store;
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  private load(): void {
    const bytes = existsSync(this.path) ? new Uint8Array(readFileSync(this.path)) : new Uint8Array(0);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    while (at + HEADER_BYTES <= bytes.length) {
      const length = view.getUint32(at, true);
      const end = at + HEADER_BYTES + length;
      if (length > MAX_RECORD_BYTES || end > bytes.length) break;
      const payload = bytes.subarray(at + HEADER_BYTES, end);
      if (!bytesEqual(hash(payload), bytes.subarray(at + 4, at + HEADER_BYTES))) break;
      this.apply(JSON.parse(new TextDecoder().decode(payload)) as Write[]);
      this.records += 1;
      at = end;
    }
    this.fd = openSync(this.path, "a+");
    const truncatedBytes = bytes.length - at;
    if (truncatedBytes > 0) {
      ftruncateSync(this.fd, at);
      fsyncSync(this.fd);
    }
    const compacted = this.records > this.compactAfterRecords;
    if (compacted) this.compact();
    this.report = { records: this.records, truncatedBytes, compacted };
  }

  /** Rewrites the log as one snapshot record: beside it, fsynced, then renamed over it. */
  private compact(): void {
    const writes: Write[] = [];
    for (let h = 0; h <= this.mem.tipHeight(); h++) {
      const b = this.mem.getBlock(h);
      if (b !== undefined) writes.push(blockWrite(b));
    }
    writes.push({ op: "accounts", changes: this.mem.loadAccounts().map(accountTriple) });
    writes.push({ op: "entries", changes: this.mem.loadEntries().map(([k, v]) => [toHex(k), toHex(v)]) });
    for (const key of this.mem.listMeta("", Number.MAX_SAFE_INTEGER)) {
      const value = this.mem.getMeta(key);
      if (value !== undefined) writes.push({ op: "meta", key, value: toHex(value) });
    }
    const tmp = `${this.path}.compact`;
    const fd = openSync(tmp, "w");
    writeSync(fd, encodeRecord(writes));
    fsyncSync(fd);
    closeSync(fd);
    this.close();
    renameSync(tmp, this.path);
    const dir = openSync(dirname(this.path), "r");
    fsyncSync(dir);
    closeSync(dir);
    this.fd = openSync(this.path, "a+");
    this.records = 1;
  }

  transaction<T>(fn: () => T): T {
    this.depth += 1;
    const mark = this.pending.length;
    try {
      const result = this.mem.transaction(fn);
      if (this.depth === 1) this.flush();
      return result;
    } catch (e) {
      this.pending.length = mark; // the memory store rolled these back too
      throw e;
    } finally {
      this.depth -= 1;
    }
  }

  /** Appends the pending writes as one record and fsyncs (outermost transaction, or a bare write). */
  private flush(): void {
    if (this.pending.length === 0) return;
    const record = encodeRecord(this.pending);
    this.pending = [];
    writeSync(this.fd, record);
    fsyncSync(this.fd);
    this.records += 1;
  }

  private write(w: Write): void {
    this.pending.push(w);
    this.apply([w]);
    if (this.depth === 0) this.flush();
  }

  private apply(writes: readonly Write[]): void {
    for (const w of writes) {
      switch (w.op) {
        case "block":
          this.mem.putBlock({
            height: w.height,
            hash: fromHex(w.hash, 32, "hash"),
            bytes: fromHex(w.bytes, undefined, "bytes"),
            label: w.label as Label,
          });
          break;
        case "label":
          this.mem.setLabel(w.height, w.label as Label);
          break;
        case "delBlock":
          this.mem.deleteBlock(w.height);
          break;
        case "accounts":
          this.mem.putAccounts(
            w.changes.map(([a, balance, nonce]) => [
              fromHex(a, undefined, "address"),
              { balance: BigInt(balance), nonce: BigInt(nonce) },
            ]),
          );
          break;
        case "delAccount":
          this.mem.deleteAccount(fromHex(w.address, undefined, "address"));
          break;
        case "entries":
          this.mem.putEntries(
            w.changes.map(([k, v]) => [
              fromHex(k, undefined, "key"),
              v === null ? null : fromHex(v, undefined, "value"),
            ]),
          );
          break;
        case "meta":
          this.mem.putMeta(w.key, fromHex(w.value, undefined, "value"));
          break;
        case "delMeta":
          this.mem.deleteMeta(w.key);
          break;
      }
    }
  }

  putBlock(block: StoredBlock): void {
    this.write(blockWrite(block));
  }
  setLabel(height: number, label: Label): void {
    this.write({ op: "label", height, label });
  }
  getBlock(height: number): StoredBlock | undefined {
    return this.mem.getBlock(height);
  }
  getBlockByHash(h: Uint8Array): StoredBlock | undefined {
    return this.mem.getBlockByHash(h);
  }
  tipHeight(): number {
    return this.mem.tipHeight();
  }
  deleteBlock(height: number): void {
    this.write({ op: "delBlock", height });
  }
  putAccounts(changes: ReadonlyArray<readonly [Uint8Array, Account]>): void {
    this.write({ op: "accounts", changes: changes.map(accountTriple) });
  }
  deleteAccount(address: Uint8Array): void {
    this.write({ op: "delAccount", address: toHex(address) });
  }
  loadAccounts(): Array<[Uint8Array, Account]> {
    return this.mem.loadAccounts();
  }
  putEntries(changes: readonly EntryChange[]): void {
    this.write({ op: "entries", changes: changes.map(([k, v]) => [toHex(k), v === null ? null : toHex(v)]) });
  }
  loadEntries(): Array<[Uint8Array, Uint8Array]> {
    return this.mem.loadEntries();
  }
  getMeta(key: string): Uint8Array | undefined {
    return this.mem.getMeta(key);
  }
  putMeta(key: string, value: Uint8Array): void {
    this.write({ op: "meta", key, value: toHex(value) });
  }
  deleteMeta(key: string): void {
    this.write({ op: "delMeta", key });
  }
  listMeta(prefix: string, limit: number, from?: string): string[] {
    return this.mem.listMeta(prefix, limit, from);
  }
}

function blockWrite(b: StoredBlock): Write {
  return { op: "block", height: b.height, hash: toHex(b.hash), bytes: toHex(b.bytes), label: b.label };
}

function accountTriple([address, account]: readonly [Uint8Array, Account]): [string, string, string] {
  return [toHex(address), account.balance.toString(), account.nonce.toString()];
}

function encodeRecord(writes: readonly Write[]): Uint8Array {
  const payload = new TextEncoder().encode(JSON.stringify(writes));
  if (payload.length > MAX_RECORD_BYTES) {
    throw new Error(`store record of ${payload.length} bytes is above the limit of ${MAX_RECORD_BYTES}`);
  }
  const out = new Uint8Array(HEADER_BYTES + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length, true);
  out.set(hash(payload), 4);
  out.set(payload, HEADER_BYTES);
  return out;
}
