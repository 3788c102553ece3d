/**
 * The note index a node keeps beside its chain (not in the state: the state holds only the
 * tree's frontier): per position the commitment, the encrypted note, the block height and the
 * transaction, which is what a wallet scans to find its notes and rebuild Merkle paths.
 */

import { Reader, Writer } from "./codec.js";
import { ENCRYPTED_NOTE_BYTES, FIELD_ELEMENT_BYTES } from "./shielded.js";
import { type Transaction, TxKind } from "./transaction.js";

/** A note as the chain lists it for wallets: where it sits and what they need to find it. */
export interface NoteRecord {
  readonly position: number;
  readonly commitment: Uint8Array;
  readonly encryptedNote: Uint8Array;
  readonly height: number;
  readonly txId: Uint8Array;
}

/** The notes a transaction appends to the tree, in tree order. */
export function shieldedOutputs(
  tx: Transaction,
): Array<{ commitment: Uint8Array; encryptedNote: Uint8Array }> {
  if (tx.kind === TxKind.ShieldedDeposit)
    return [{ commitment: tx.commitment, encryptedNote: tx.encryptedNote }];
  if (tx.kind === TxKind.ShieldedTransfer) {
    return tx.commitments.map((commitment, i) => ({ commitment, encryptedNote: tx.encryptedNotes[i]! }));
  }
  return [];
}

export function encodeNoteRecord(n: Omit<NoteRecord, "position">): Uint8Array {
  return new Writer(160)
    .fixed(n.commitment, FIELD_ELEMENT_BYTES)
    .fixed(n.encryptedNote, ENCRYPTED_NOTE_BYTES)
    .u64(BigInt(n.height))
    .fixed(n.txId, 32)
    .finish();
}

export function decodeNoteRecord(position: number, bytes: Uint8Array): NoteRecord {
  const r = new Reader(bytes);
  const record = {
    position,
    commitment: r.fixed(FIELD_ELEMENT_BYTES, "note commitment"),
    encryptedNote: r.fixed(ENCRYPTED_NOTE_BYTES, "encrypted note"),
    height: r.safeU64("note height"),
    txId: r.fixed(32, "note tx id"),
  };
  r.end("note record");
  return record;
}
