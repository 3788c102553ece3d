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
import { type Genesis, genesisBlock, genesisState } from "../../protocol/genesis.js";
import { AccountState, type StateOverlay } from "../../protocol/state.js";
import { transactionIdHex } from "../../protocol/transaction.js";
import { advanceLabels, type LabelWindow } from "./finality.js";
import { type ChainStore, Label, type StoredBlock } from "./ports.js";

const META_TIP_ATTESTATION = "chain/tip-attestation";
const META_LAST_FINAL = "chain/last-final";
const META_GENESIS = "chain/genesis-hash";

export interface ChainTip {
  readonly block: Block;
  readonly hash: Uint8Array;
  readonly height: number;
}

export class Chain {
  private tipValue: ChainTip;
  private window: LabelWindow;
  private tipAttestationValue: Attestation | null;

  private constructor(
    private readonly store: ChainStore,
    readonly state: AccountState,
    tip: ChainTip,
    window: LabelWindow,
    tipAttestation: Attestation | null,
    readonly genesisHash: Uint8Array,
  ) {
    this.tipValue = tip;
    this.window = window;
    this.tipAttestationValue = tipAttestation;
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
    const state = AccountState.from(store.loadAccounts());
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
    return new Chain(store, state, tip, { lastFinal, labels }, tipAttestation, gHash);
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

  /**
   * Appends an executed block on top of the tip. `overlay` must be the result of executing
   * exactly this block on the current state (its root equal to the header's state root).
   */
  commit(
    block: Block,
    overlay: StateOverlay,
    attestation: Attestation,
    label: Label.Accepted | Label.Attested,
  ): void {
    const hash = blockHash(block);
    const height = this.tipValue.height + 1;
    if (block.header.height !== height || !bytesEqual(block.header.prevHash, this.tipValue.hash)) {
      throw new Error(`block ${block.header.height} does not extend the tip ${this.tipValue.height}`);
    }
    const { window, changes } = advanceLabels({ ...this.window, labels: [...this.window.labels, label] });
    this.store.transaction(() => {
      this.store.putBlock({ height, hash, bytes: encodeBlock(block), label });
      this.store.putAccounts(overlay.changes());
      for (const tx of block.transactions) this.store.putMeta(`tx/${transactionIdHex(tx)}`, u64(height));
      for (const c of changes) this.store.setLabel(c.height, c.label);
      this.store.putMeta(META_LAST_FINAL, u64(window.lastFinal));
      this.store.putMeta(META_TIP_ATTESTATION, encodeAttestation(attestation));
    });
    // Memory follows storage only after the transaction succeeded.
    this.state.commit(overlay);
    this.window = window;
    this.tipValue = { block, hash, height };
    this.tipAttestationValue = attestation;
  }
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
