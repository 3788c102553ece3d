/**
 * The committed chain of one node: blocks, account state, finality labels and the transaction
 * index, loaded from and written to the injected `ChainStore`. A block, its state changes, the
 * label changes and the tip's attestation are written in one store transaction: after a crash
 * the chain is either before or after the block, never between.
 */

import { type Attestation, readAttestation, writeAttestation } from "../../protocol/attestation.js";
import { type Block, blockHash, decodeBlock, encodeBlock } from "../../protocol/block.js";
import { bytesEqual, toHex } from "../../protocol/bytes.js";
import { Reader, Writer } from "../../protocol/codec.js";
import { faultKey } from "../../protocol/fault.js";
import { type Genesis, genesisBlock, genesisState } from "../../protocol/genesis.js";
import {
  decodeNoteRecord,
  encodeNoteRecord,
  type NoteRecord,
  shieldedOutputs,
} from "../../protocol/note-records.js";
import { type ConsensusParams, LIMITS } from "../../protocol/params.js";
import { decodeReceipt, encodeReceipt, type Receipt } from "../../protocol/receipt.js";
import { noteCount } from "../../protocol/shielded-state.js";
import {
  decodeStakeRecord,
  type EligibleProvisioner,
  eligibleProvisioners,
  type IncentiveEvent,
  provisionerOfStakeKey,
  type StakeRecord,
} from "../../protocol/stake.js";
import {
  type Account,
  AccountState,
  ADDRESS_BYTES,
  ENTRY_KEY_BYTES_MAX,
  type EntryChange,
  type StateOverlay,
} from "../../protocol/state.js";
import { transactionId, transactionIdHex } from "../../protocol/transaction.js";
import { advanceLabels, type LabelWindow, labelOfHeader } from "./finality.js";
import { type ChainStore, Label, type StoredBlock } from "./ports.js";

const META_TIP_ATTESTATION = "chain/tip-attestation";
const META_LAST_FINAL = "chain/last-final";
const META_GENESIS = "chain/genesis-hash";
const META_UNDO = "chain/undo/";
const META_RECEIPT = "receipt/";
const META_EVENTS = "events/";
const META_NOTE = "note/";
/** Provisioner set of the round above a height: `stake/set/<height>`. */
const META_STAKE_SET = "stake/set/";
/** Slashes per provisioner: `stake/slash/<key hex>/<height>`. */
export const META_SLASH = "stake/slash/";
/** Provisioner sets kept below the tip beyond the fault window (fork choice stays above final). */
const STAKE_SET_MARGIN = 16;

function heightKey(prefix: string, height: number): string {
  return `${prefix}${String(height).padStart(12, "0")}`;
}

function encodeSet(set: readonly EligibleProvisioner[]): Uint8Array {
  const w = new Writer(8 + set.length * 56);
  w.u32(set.length);
  for (const p of set) w.fixed(p.publicKey, 48).u64(p.stake);
  return w.finish();
}

function decodeSet(bytes: Uint8Array): EligibleProvisioner[] {
  const r = new Reader(bytes);
  const n = r.u32("provisioner set size");
  const out: EligibleProvisioner[] = [];
  for (let i = 0; i < n; i++) out.push({ publicKey: r.fixed(48, "provisioner key"), stake: r.u64("stake") });
  r.end("provisioner set");
  return out;
}

/** A slash as stored: kind (1 soft, 2 hard), amount, suspension end. */
function encodeSlash(e: IncentiveEvent): Uint8Array {
  return new Writer(24)
    .u8(e.kind === "hard-slash" ? 2 : 1)
    .u64(e.amount)
    .u64(BigInt(e.suspendedUntil ?? 0))
    .finish();
}

export interface SlashView {
  readonly kind: "soft-slash" | "hard-slash";
  readonly height: number;
  readonly amount: bigint;
  readonly suspendedUntil: number;
}

export interface ChainTip {
  readonly block: Block;
  readonly hash: Uint8Array;
  readonly height: number;
}

export class Chain {
  private tipValue: ChainTip;
  private window: LabelWindow;
  private tipAttestationValue: Attestation | null;
  /** Every stake record of the committed state, by provisioner key hex. */
  private readonly stakes = new Map<string, { publicKey: Uint8Array; record: StakeRecord }>();
  /** The provisioner set of the round above the tip (derived from `stakes`). */
  private nextSet: EligibleProvisioner[] | null = null;

  private constructor(
    private readonly store: ChainStore,
    readonly state: AccountState,
    tip: ChainTip,
    window: LabelWindow,
    tipAttestation: Attestation | null,
    readonly genesisHash: Uint8Array,
    private readonly params: ConsensusParams,
  ) {
    this.tipValue = tip;
    this.window = window;
    this.tipAttestationValue = tipAttestation;
    for (const [key, value] of state.kvEntriesForExport()) this.noteStake(key, value);
    // A store from before staking, or a fresh genesis: the set of the next round.
    const setKey = heightKey(META_STAKE_SET, tip.height);
    if (store.getMeta(setKey) === undefined) {
      store.transaction(() => store.putMeta(setKey, encodeSet(this.provisionersFor(tip.height + 1))));
    }
  }

  /** Keeps the stake map in step with one entry change. */
  private noteStake(key: Uint8Array, value: Uint8Array | null | undefined): void {
    const publicKey = provisionerOfStakeKey(key);
    if (publicKey === null) return;
    const id = toHex(publicKey);
    if (value === null || value === undefined) this.stakes.delete(id);
    else this.stakes.set(id, { publicKey: publicKey.slice(), record: decodeStakeRecord(value) });
    this.nextSet = null;
  }

  /** The stake record of a provisioner key in the committed state. */
  stakeOf(publicKey: Uint8Array): StakeRecord | undefined {
    return this.stakes.get(toHex(publicKey))?.record;
  }

  /** Every staked key (eligible or not): who may hold a peer link. */
  isStaked(publicKey: Uint8Array): boolean {
    return this.stakes.has(toHex(publicKey));
  }

  /**
   * Eligible provisioners of `round` (sorted by key): derived from the stake records after
   * block `round - 1`. The round above the tip comes from memory, earlier ones from the set
   * stored with each block (kept for the fault window).
   */
  provisionersFor(round: number): EligibleProvisioner[] {
    if (round === this.tipValue.height + 1) {
      if (this.nextSet === null) {
        const records = [...this.stakes.values()].map((s) => [s.publicKey, s.record] as const);
        this.nextSet = eligibleProvisioners(records, round, this.params);
      }
      return this.nextSet;
    }
    const bytes = this.store.getMeta(heightKey(META_STAKE_SET, round - 1));
    if (bytes === undefined) throw new Error(`no provisioner set kept for round ${round}`);
    return decodeSet(bytes);
  }

  /** Slashes of a provisioner, oldest first, at most `limit`. */
  slashesOf(publicKey: Uint8Array, limit: number): SlashView[] {
    const prefix = `${META_SLASH}${toHex(publicKey)}/`;
    return this.store.listMeta(prefix, limit).map((key) => {
      const r = new Reader(this.store.getMeta(key)!);
      const kind = r.u8("slash kind") === 2 ? "hard-slash" : "soft-slash";
      return {
        kind,
        height: Number(key.slice(prefix.length)),
        amount: r.u64("slash amount"),
        suspendedUntil: r.safeU64("suspension end"),
      };
    });
  }

  /** Opens the chain in `store`, writing genesis first if the store is empty. */
  static open(genesis: Genesis, store: ChainStore): Chain {
    const gBlock = genesisBlock(genesis);
    const gHash = blockHash(gBlock);
    if (store.tipHeight() < 0) {
      const state = genesisState(genesis);
      store.transaction(() => {
        store.putBlock({ height: 0, hash: gHash, bytes: encodeBlock(gBlock), label: Label.Final });
        store.putAccounts(state.entriesForExport());
        store.putEntries(state.kvEntriesForExport());
        store.putMeta(META_GENESIS, gHash);
        store.putMeta(META_LAST_FINAL, u64(0));
      });
    }
    const storedGenesis = store.getMeta(META_GENESIS);
    if (storedGenesis === undefined || !bytesEqual(storedGenesis, gHash)) {
      throw new Error(
        `store holds another chain: genesis ${storedGenesis ? toHex(storedGenesis) : "missing"}, expected ${toHex(gHash)}`,
      );
    }
    const state = AccountState.from(store.loadAccounts(), store.loadEntries());
    const tipHeight = store.tipHeight();
    const tipStored = store.getBlock(tipHeight);
    if (tipStored === undefined) throw new Error(`store has no block at its tip height ${tipHeight}`);
    const lastFinal = readU64(store.getMeta(META_LAST_FINAL)) ?? 0;
    const labels: Label[] = [];
    for (let h = lastFinal + 1; h <= tipHeight; h++) labels.push(store.getBlock(h)?.label ?? Label.Accepted);
    const attBytes = store.getMeta(META_TIP_ATTESTATION);
    const tipAttestation = attBytes === undefined ? null : readAttestation(new Reader(attBytes));
    const tip = { block: decodeBlock(tipStored.bytes), hash: tipStored.hash, height: tipHeight };
    if (!bytesEqual(state.root(), tip.block.header.stateRoot)) {
      throw new Error(`stored state root does not match the tip block ${tipHeight}`);
    }
    return new Chain(
      store,
      state,
      tip,
      { lastFinal, labels },
      tipAttestation,
      gHash,
      genesis.params.consensus,
    );
  }

  get tip(): ChainTip {
    return this.tipValue;
  }

  get tipAttestation(): Attestation | null {
    return this.tipAttestationValue;
  }

  get finalizedHeight(): number {
    return this.window.lastFinal;
  }

  labelOf(height: number): Label | undefined {
    if (height <= this.window.lastFinal) return height <= this.tipValue.height ? Label.Final : undefined;
    return this.window.labels[height - this.window.lastFinal - 1];
  }

  blockAt(height: number): StoredBlock | undefined {
    return this.store.getBlock(height);
  }

  blockByHash(hash: Uint8Array): StoredBlock | undefined {
    return this.store.getBlockByHash(hash);
  }

  transactionHeight(idHex: string): number | undefined {
    return readU64(this.store.getMeta(`tx/${idHex}`));
  }

  /** Encoded receipt of an included transaction (protocol/receipt.ts). */
  receiptBytes(idHex: string): Uint8Array | undefined {
    return this.store.getMeta(`${META_RECEIPT}${idHex}`);
  }

  /**
   * Ids (hex) of transactions that emitted events of `contractHex`, oldest first, from height
   * `fromHeight` on, at most `limit`.
   */
  eventTransactions(contractHex: string, fromHeight: number, limit: number): string[] {
    const prefix = `${META_EVENTS}${contractHex}/`;
    const keys = this.store.listMeta(prefix, limit, `${prefix}${String(fromHeight).padStart(12, "0")}`);
    return keys.map((key) => key.slice(prefix.length).split("/")[1] ?? "").filter((id) => id.length > 0);
  }

  /**
   * Appends an executed block on top of the tip. `overlay` must be the result of executing
   * exactly this block on the current state (its root equal to the header's state root). The
   * block's label comes from its header; an undo record (previous values of the accounts it
   * touches) is kept until the block is final, so a fork choice can revert it.
   */
  commit(
    block: Block,
    overlay: StateOverlay,
    attestation: Attestation,
    receipts: readonly Receipt[] = [],
    incentives: readonly IncentiveEvent[] = [],
  ): Label {
    const hash = blockHash(block);
    const height = this.tipValue.height + 1;
    if (block.header.height !== height || !bytesEqual(block.header.prevHash, this.tipValue.hash)) {
      throw new Error(`block ${block.header.height} does not extend the tip ${this.tipValue.height}`);
    }
    const label = labelOfHeader(block.header, this.params);
    const { window, changes } = advanceLabels(
      { ...this.window, labels: [...this.window.labels, label] },
      this.params.rollingFinalityBlocks,
    );
    const accountChanges = overlay.changes();
    const entryChanges = overlay.entryChanges();
    let notePosition = noteCount(this.state);
    const nextSet = this.setAfter(entryChanges, height + 1);
    const undo = encodeUndo(
      this.state.snapshot(accountChanges.map(([a]) => a)),
      this.state.snapshotEntries(entryChanges.map(([k]) => k)),
    );
    this.store.transaction(() => {
      this.store.putBlock({ height, hash, bytes: encodeBlock(block), label });
      this.store.putAccounts(accountChanges);
      this.store.putEntries(entryChanges);
      block.transactions.forEach((tx, i) => {
        const id = transactionIdHex(tx);
        this.store.putMeta(`tx/${id}`, u64(height));
        for (const out of shieldedOutputs(tx)) {
          const record = encodeNoteRecord({ ...out, height, txId: transactionId(tx) });
          this.store.putMeta(noteKey(notePosition++), record);
        }
        const receipt = receipts[i];
        if (receipt === undefined) return;
        this.store.putMeta(`${META_RECEIPT}${id}`, encodeReceipt(receipt));
        for (const key of eventIndexKeys(receipt, height, id)) this.store.putMeta(key, EMPTY);
      });
      for (const f of block.faults) this.store.putMeta(`fault/${faultKey(f)}`, u64(height));
      for (const c of changes) this.store.setLabel(c.height, c.label);
      this.store.putMeta(`${META_UNDO}${height}`, undo);
      // Final blocks are never reverted: their undo records go.
      for (let h = this.window.lastFinal + 1; h <= window.lastFinal; h++)
        this.store.deleteMeta(`${META_UNDO}${h}`);
      this.store.putMeta(META_LAST_FINAL, u64(window.lastFinal));
      this.store.putMeta(META_TIP_ATTESTATION, encodeAttestation(attestation));
      for (const e of incentives) {
        if (e.kind !== "reward")
          this.store.putMeta(`${META_SLASH}${toHex(e.provisioner)}/${height}`, encodeSlash(e));
      }
      this.store.putMeta(heightKey(META_STAKE_SET, height), encodeSet(nextSet));
      // Sets below the fault window and the last final block are never asked for again.
      const keep = heightKey(
        META_STAKE_SET,
        Math.min(height - this.params.faultWindowRounds - STAKE_SET_MARGIN, window.lastFinal),
      );
      for (const key of this.store.listMeta(META_STAKE_SET, 4)) if (key < keep) this.store.deleteMeta(key);
    });
    // Memory follows storage only after the transaction succeeded.
    this.state.commit(overlay);
    this.window = window;
    this.tipValue = { block, hash, height };
    this.tipAttestationValue = attestation;
    for (const [key, value] of entryChanges) this.noteStake(key, value);
    this.nextSet = nextSet;
    return label;
  }

  /**
   * Notes from position `from` on, at most `limit`, as wallets scan them. Records above the
   * state's note count (left by a reverted block, overwritten when the tree grows again) are
   * never returned.
   */
  notes(from: number, limit: number): NoteRecord[] {
    const end = Math.min(noteCount(this.state), from + limit);
    const out: NoteRecord[] = [];
    for (let position = from; position < end; position++) {
      const bytes = this.store.getMeta(noteKey(position));
      if (bytes === undefined) throw new Error(`note index is missing position ${position}`);
      out.push(decodeNoteRecord(position, bytes));
    }
    return out;
  }

  /** The provisioner set of `round` if `changes` were committed (the stake map is not touched). */
  private setAfter(changes: readonly EntryChange[], round: number): EligibleProvisioner[] {
    const merged = new Map(this.stakes);
    for (const [key, value] of changes) {
      const publicKey = provisionerOfStakeKey(key);
      if (publicKey === null) continue;
      if (value === null) merged.delete(toHex(publicKey));
      else merged.set(toHex(publicKey), { publicKey, record: decodeStakeRecord(value) });
    }
    const records = [...merged.values()].map((s) => [s.publicKey, s.record] as const);
    return eligibleProvisioners(records, round, this.params);
  }

  /** True when a fault proof for this slot is already in a block of this chain. */
  hasFault(key: string): boolean {
    return this.store.getMeta(`fault/${key}`) !== undefined;
  }

  /**
   * Fork choice fallback: removes the blocks above `height` (none of them final), restoring
   * the state each one changed, in one store transaction. Returns the removed blocks, newest
   * first.
   */
  revertTo(height: number): Block[] {
    if (height < this.window.lastFinal) {
      throw new Error(`cannot revert to ${height}: block ${this.window.lastFinal} is final`);
    }
    const removed: Block[] = [];
    const undos: Undo[] = [];
    for (let h = this.tipValue.height; h > height; h--) {
      const stored = this.store.getBlock(h);
      const undo = this.store.getMeta(`${META_UNDO}${h}`);
      if (stored === undefined || undo === undefined) throw new Error(`missing block or undo record ${h}`);
      removed.push(decodeBlock(stored.bytes));
      undos.push(decodeUndo(undo));
    }
    if (removed.length === 0) return removed;
    const oldest = removed[removed.length - 1]!;
    const newTip = this.store.getBlock(height);
    if (newTip === undefined) throw new Error(`missing block ${height}`);
    // The attestation of the new tip rides in the header of the block above it.
    const tipAttestation = oldest.header.prevAttestation;
    this.store.transaction(() => {
      for (let i = 0; i < removed.length; i++) {
        const b = removed[i]!;
        for (const [address, account] of undos[i]!.accounts) {
          if (account === null) this.store.deleteAccount(address);
          else this.store.putAccounts([[address, account]]);
        }
        this.store.putEntries(undos[i]!.entries);
        for (const tx of b.transactions) {
          const id = transactionIdHex(tx);
          this.store.deleteMeta(`tx/${id}`);
          const receipt = this.store.getMeta(`${META_RECEIPT}${id}`);
          if (receipt === undefined) continue;
          this.store.deleteMeta(`${META_RECEIPT}${id}`);
          for (const key of eventIndexKeys(decodeReceipt(receipt), b.header.height, id))
            this.store.deleteMeta(key);
        }
        for (const f of b.faults) this.store.deleteMeta(`fault/${faultKey(f)}`);
        for (const [key] of undos[i]!.entries) {
          const publicKey = provisionerOfStakeKey(key);
          if (publicKey !== null)
            this.store.deleteMeta(`${META_SLASH}${toHex(publicKey)}/${b.header.height}`);
        }
        this.store.deleteMeta(heightKey(META_STAKE_SET, b.header.height));
        this.store.deleteMeta(`${META_UNDO}${b.header.height}`);
        this.store.deleteBlock(b.header.height);
      }
      if (tipAttestation === null) this.store.deleteMeta(META_TIP_ATTESTATION);
      else this.store.putMeta(META_TIP_ATTESTATION, encodeAttestation(tipAttestation));
    });
    for (const undo of undos) {
      this.state.restore(undo.accounts);
      this.state.restoreEntries(undo.entries);
      for (const [key] of undo.entries) this.noteStake(key, this.state.getEntry(key));
    }
    this.window = {
      lastFinal: this.window.lastFinal,
      labels: this.window.labels.slice(0, height - this.window.lastFinal),
    };
    this.tipValue = { block: decodeBlock(newTip.bytes), hash: newTip.hash, height };
    this.tipAttestationValue = tipAttestation;
    // Eligibility depends on the round (maturity, suspension): the next round changed.
    this.nextSet = null;
    return removed;
  }
}

/** Previous values of what a block changed (null: the block created it). */
interface Undo {
  readonly accounts: Array<[Uint8Array, Account | null]>;
  readonly entries: EntryChange[];
}

function encodeUndo(
  accounts: ReadonlyArray<readonly [Uint8Array, Account | null]>,
  entries: readonly EntryChange[],
): Uint8Array {
  const w = new Writer(64 * accounts.length + 8);
  w.u32(accounts.length);
  for (const [address, account] of accounts) {
    w.fixed(address, ADDRESS_BYTES);
    if (account === null) w.u8(0);
    else w.u8(1).u64(account.balance).u64(account.nonce);
  }
  w.u32(entries.length);
  for (const [key, value] of entries) {
    w.bytes(key, ENTRY_KEY_BYTES_MAX);
    if (value === null) w.u8(0);
    else w.u8(1).bytes(value, LIMITS.contractCodeBytes);
  }
  return w.finish();
}

function decodeUndo(bytes: Uint8Array): Undo {
  const r = new Reader(bytes);
  const n = r.u32("undo count");
  const accounts: Array<[Uint8Array, Account | null]> = [];
  for (let i = 0; i < n; i++) {
    const address = r.fixed(ADDRESS_BYTES, "undo address");
    const present = r.u8("undo flag");
    accounts.push([
      address,
      present === 1 ? { balance: r.u64("undo balance"), nonce: r.u64("undo nonce") } : null,
    ]);
  }
  const m = r.u32("undo entry count");
  const entries: EntryChange[] = [];
  for (let i = 0; i < m; i++) {
    const key = r.bytes(ENTRY_KEY_BYTES_MAX, "undo entry key");
    entries.push([
      key,
      r.u8("undo entry flag") === 1 ? r.bytes(LIMITS.contractCodeBytes, "undo entry value") : null,
    ]);
  }
  r.end("undo record");
  return { accounts, entries };
}

const EMPTY = new Uint8Array(0);

/** Note index key: positions zero-padded so the keys list in tree order. */
function noteKey(position: number): string {
  return `${META_NOTE}${String(position).padStart(10, "0")}`;
}

/** Index keys `events/<contract>/<height>/<tx id>` for each contract with events in `r`. */
function eventIndexKeys(r: Receipt, height: number, txId: string): string[] {
  const contracts = new Set(r.events.map((e) => toHex(e.contract)));
  return [...contracts].map((c) => `${META_EVENTS}${c}/${String(height).padStart(12, "0")}/${txId}`);
}

function encodeAttestation(a: Attestation): Uint8Array {
  const w = new Writer(256);
  writeAttestation(w, a);
  return w.finish();
}

function u64(n: number): Uint8Array {
  return new Writer(8).u64(BigInt(n)).finish();
}

function readU64(bytes: Uint8Array | undefined): number | undefined {
  if (bytes === undefined) return undefined;
  return new Reader(bytes).safeU64("stored height");
}
