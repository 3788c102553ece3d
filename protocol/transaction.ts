/**
 * Transactions. Only public account transfers exist so far; `kind` leaves room for shielded
 * transfers, contract calls and staking. The signed payload includes the chain id, so a
 * signature never replays on another chain, and the transaction id is the hash of that payload
 * (signature excluded), so ids are not malleable.
 */

import { toHex } from "./bytes.js";
import { readChainId, writeChainId } from "./chain-id.js";
import { decodeExact, type Reader, Writer } from "./codec.js";
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, ed25519Sign } from "./ed25519.js";
import { ProtocolError } from "./errors.js";
import { domainHash } from "./hash.js";
import { LIMITS } from "./params.js";

export const TX_VERSION = 1;

export enum TxKind {
  Transfer = 1,
}

export interface TransferTx {
  readonly kind: TxKind.Transfer;
  readonly chainId: string;
  /** Sender's Ed25519 public key: an account address is its public key. */
  readonly from: Uint8Array;
  readonly to: Uint8Array;
  readonly amount: bigint;
  /** Previous nonce of the sender + 1. */
  readonly nonce: bigint;
  readonly gasLimit: bigint;
  readonly gasPrice: bigint;
  readonly memo: Uint8Array;
  readonly signature: Uint8Array;
}

export type Transaction = TransferTx;
export type UnsignedTransfer = Omit<TransferTx, "signature" | "kind">;

function writeBody(w: Writer, tx: Omit<TransferTx, "signature">): void {
  w.u8(TX_VERSION).u8(tx.kind);
  writeChainId(w, tx.chainId);
  w.fixed(tx.from, ED25519_PUBLIC_KEY_BYTES).fixed(tx.to, ED25519_PUBLIC_KEY_BYTES);
  w.u64(tx.amount).u64(tx.nonce).u64(tx.gasLimit).u64(tx.gasPrice);
  w.bytes(tx.memo, LIMITS.memoBytes);
}

export function writeTransaction(w: Writer, tx: Transaction): void {
  writeBody(w, tx);
  w.fixed(tx.signature, ED25519_SIGNATURE_BYTES);
}

export function encodeTransaction(tx: Transaction): Uint8Array {
  const w = new Writer(256);
  writeTransaction(w, tx);
  return w.finish();
}

export function readTransaction(r: Reader): Transaction {
  const version = r.u8("tx version");
  if (version !== TX_VERSION) {
    throw new ProtocolError("TX_MALFORMED", `unknown transaction version ${version}`, { version });
  }
  const kind = r.u8("tx kind");
  if (kind !== TxKind.Transfer)
    throw new ProtocolError("TX_MALFORMED", `unknown transaction kind ${kind}`, { kind });
  const chainId = readChainId(r, "tx chain id");
  return {
    kind: TxKind.Transfer,
    chainId,
    from: r.fixed(ED25519_PUBLIC_KEY_BYTES, "tx from"),
    to: r.fixed(ED25519_PUBLIC_KEY_BYTES, "tx to"),
    amount: r.u64("tx amount"),
    nonce: r.u64("tx nonce"),
    gasLimit: r.u64("tx gas limit"),
    gasPrice: r.u64("tx gas price"),
    memo: r.bytes(LIMITS.memoBytes, "tx memo"),
    signature: r.fixed(ED25519_SIGNATURE_BYTES, "tx signature"),
  };
}

/** Decodes untrusted transaction bytes; oversized input is refused before parsing. */
export function decodeTransaction(bytes: Uint8Array): Transaction {
  if (bytes.length > LIMITS.transactionBytes) {
    throw new ProtocolError(
      "TX_OVERSIZED",
      `transaction of ${bytes.length} bytes exceeds limit ${LIMITS.transactionBytes}`,
      {
        limit: LIMITS.transactionBytes,
        got: bytes.length,
      },
    );
  }
  return decodeExact(bytes, LIMITS.transactionBytes, "transaction", readTransaction);
}

/** The bytes an account signs: a domain-separated hash of the body (chain id included). */
export function transactionSigningHash(tx: Omit<TransferTx, "signature">): Uint8Array {
  const w = new Writer(192);
  writeBody(w, tx);
  return domainHash("tx", w.finish());
}

/** Transaction id: the signing hash, so it does not depend on the signature bytes. */
export function transactionId(tx: Transaction): Uint8Array {
  return transactionSigningHash(tx);
}

export function transactionIdHex(tx: Transaction): string {
  return toHex(transactionId(tx));
}

export function signTransfer(secretKey: Uint8Array, body: UnsignedTransfer): TransferTx {
  const unsigned = { ...body, kind: TxKind.Transfer as const };
  return { ...unsigned, signature: ed25519Sign(secretKey, transactionSigningHash(unsigned)) };
}

/** Most a sender can be charged: gas limit × gas price. */
export function maxFee(tx: Transaction): bigint {
  return tx.gasLimit * tx.gasPrice;
}
