/**
 * Blocks. The header carries the attestation of its parent (Succinct Attestation: a block's
 * own attestation only exists after it is ratified, so the child carries it), and a seed that is
 * the generator's BLS signature over the parent's seed: unpredictable before the generator
 * signs, verifiable by everyone, and the input of the next round's sortition.
 */

import { type Attestation, readAttestation, writeAttestation } from "./attestation.js";
import { BLS_PUBLIC_KEY_BYTES, BLS_SIGNATURE_BYTES } from "./bls.js";
import { decodeExact, type Reader, Writer } from "./codec.js";
import { ProtocolError } from "./errors.js";
import { domainHash, HASH_BYTES, merkleRoot } from "./hash.js";
import { LIMITS } from "./params.js";
import {
  encodeTransaction,
  readTransaction,
  type Transaction,
  transactionId,
  writeTransaction,
} from "./transaction.js";

export const BLOCK_VERSION = 1;

export interface BlockHeader {
  readonly version: number;
  readonly height: number;
  readonly timestampMs: number;
  readonly prevHash: Uint8Array;
  readonly seed: Uint8Array;
  readonly generator: Uint8Array;
  readonly txRoot: Uint8Array;
  readonly stateRoot: Uint8Array;
  readonly gasUsed: bigint;
  readonly iteration: number;
  /** The parent's attestation; absent only on the block after genesis (genesis has none). */
  readonly prevAttestation: Attestation | null;
  /** Generator's BLS signature over the header hash. */
  readonly signature: Uint8Array;
}

export interface Block {
  readonly header: BlockHeader;
  readonly transactions: readonly Transaction[];
}

function writeHeaderBody(w: Writer, h: Omit<BlockHeader, "signature">): void {
  w.u8(h.version).u64(BigInt(h.height)).u64(BigInt(h.timestampMs));
  w.fixed(h.prevHash, HASH_BYTES).fixed(h.seed, BLS_SIGNATURE_BYTES).fixed(h.generator, BLS_PUBLIC_KEY_BYTES);
  w.fixed(h.txRoot, HASH_BYTES).fixed(h.stateRoot, HASH_BYTES).u64(h.gasUsed).u8(h.iteration);
  if (h.prevAttestation === null) {
    w.u8(0);
  } else {
    w.u8(1);
    writeAttestation(w, h.prevAttestation);
  }
}

export function writeHeader(w: Writer, h: BlockHeader): void {
  writeHeaderBody(w, h);
  w.fixed(h.signature, BLS_SIGNATURE_BYTES);
}

export function readHeader(r: Reader): BlockHeader {
  const version = r.u8("block version");
  if (version !== BLOCK_VERSION)
    throw new ProtocolError("DECODE_INVALID_VALUE", `unknown block version ${version}`, { version });
  const height = r.safeU64("height");
  const timestampMs = r.safeU64("timestamp");
  const prevHash = r.fixed(HASH_BYTES, "prev hash");
  const seed = r.fixed(BLS_SIGNATURE_BYTES, "seed");
  const generator = r.fixed(BLS_PUBLIC_KEY_BYTES, "generator");
  const txRoot = r.fixed(HASH_BYTES, "tx root");
  const stateRoot = r.fixed(HASH_BYTES, "state root");
  const gasUsed = r.u64("gas used");
  const iteration = r.u8("iteration");
  const flag = r.u8("attestation flag");
  if (flag > 1)
    throw new ProtocolError("DECODE_INVALID_VALUE", `attestation flag must be 0 or 1, got ${flag}`, { flag });
  const prevAttestation = flag === 1 ? readAttestation(r) : null;
  const signature = r.fixed(BLS_SIGNATURE_BYTES, "header signature");
  return {
    version,
    height,
    timestampMs,
    prevHash,
    seed,
    generator,
    txRoot,
    stateRoot,
    gasUsed,
    iteration,
    prevAttestation,
    signature,
  };
}

/** Header hash: everything but the generator's signature (which signs this hash). */
export function headerHash(h: Omit<BlockHeader, "signature">): Uint8Array {
  const w = new Writer(512);
  writeHeaderBody(w, h);
  return domainHash("header", w.finish());
}

export function writeBlock(w: Writer, b: Block): void {
  writeHeader(w, b.header);
  w.list(b.transactions, LIMITS.blockTransactions, writeTransaction);
}

export function readBlock(r: Reader): Block {
  const header = readHeader(r);
  // Smallest transaction encoding: 2 + 4 + 32 + 32 + 32 + 4 + 64 bytes.
  const transactions = r.list(LIMITS.blockTransactions, 170, "block transactions", readTransaction);
  return { header, transactions };
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

export function blockSize(b: Block): number {
  return encodeBlock(b).length;
}

export { encodeTransaction };
