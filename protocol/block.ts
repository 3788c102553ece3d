/**
 * Blocks: a header (header.ts), the transactions and the fault proofs (fault.ts) it carries.
 * The header commits to both lists through their Merkle roots.
 */

import { decodeExact, type Reader, Writer } from "./codec.js";
import { encodeFault, type FaultProof, readFault, writeFault } from "./fault.js";
import { merkleRoot } from "./hash.js";
import { type BlockHeader, headerHash, readHeader, writeHeader } from "./header.js";
import { LIMITS } from "./params.js";
import {
  encodeTransaction,
  readTransaction,
  type Transaction,
  transactionId,
  writeTransaction,
} from "./transaction.js";

export {
  BLOCK_VERSION,
  type BlockHeader,
  encodeHeader,
  headerHash,
  readHeader,
  writeHeader,
} from "./header.js";

export interface Block {
  readonly header: BlockHeader;
  readonly transactions: readonly Transaction[];
  readonly faults: readonly FaultProof[];
}

export function writeBlock(w: Writer, b: Block): void {
  writeHeader(w, b.header);
  w.list(b.transactions, LIMITS.blockTransactions, writeTransaction);
  w.list(b.faults, LIMITS.blockFaults, writeFault);
}

export function readBlock(r: Reader): Block {
  const header = readHeader(r);
  // Smallest transaction encoding: 2 + 4 + 32 + 32 + 32 + 4 + 64 bytes.
  const transactions = r.list(LIMITS.blockTransactions, 170, "block transactions", readTransaction);
  // Smallest fault: a double vote, 2 + 2 × (41 + 33 + 48 + 96) bytes.
  const faults = r.list(LIMITS.blockFaults, 400, "block faults", readFault);
  return { header, transactions, faults };
}

export function encodeBlock(b: Block): Uint8Array {
  const w = new Writer(1024);
  writeBlock(w, b);
  return w.finish();
}

export function decodeBlock(bytes: Uint8Array): Block {
  return decodeExact(bytes, LIMITS.blockBytes, "block", readBlock);
}

export function blockHash(b: Block): Uint8Array {
  return headerHash(b.header);
}

/** Merkle root over transaction ids, in block order. */
export function transactionsRoot(txs: readonly Transaction[]): Uint8Array {
  return merkleRoot(txs.map(transactionId));
}

/** Merkle root over fault proof encodings, in block order. */
export function faultsRoot(faults: readonly FaultProof[]): Uint8Array {
  return merkleRoot(faults.map(encodeFault));
}

export function blockSize(b: Block): number {
  return encodeBlock(b).length;
}

export { encodeTransaction };
