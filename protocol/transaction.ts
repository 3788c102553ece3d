/**
 * Transactions: public transfers, contract deployments and contract calls (docs/CONTRACTS.md),
 * shielded deposits and transfers (protocol/shielded.ts, docs/SHIELDED.md); `kind` leaves room
 * for staking. All kinds share the sender, nonce, gas
 * and amount fields, so admission and fee rules are the same for each. The signed payload
 * includes the chain id, so a signature never replays on another chain, and the transaction id
 * is the hash of that payload (signature excluded), so ids are not malleable.
 */

import { toHex } from "./bytes.js";
import { readChainId, writeChainId } from "./chain-id.js";
import { decodeExact, type Reader, Writer } from "./codec.js";
import { ED25519_PUBLIC_KEY_BYTES, ED25519_SIGNATURE_BYTES, ed25519Sign } from "./ed25519.js";
import { ProtocolError } from "./errors.js";
import { domainHash } from "./hash.js";
import { LIMITS } from "./params.js";
import {
  ENCRYPTED_NOTE_BYTES,
  FIELD_ELEMENT_BYTES,
  SHIELDED_ARITY,
  SHIELDED_PROOF_BYTES,
} from "./shielded.js";

export const TX_VERSION = 1;
export const CONTRACT_ID_BYTES = 32;

export enum TxKind {
  Transfer = 1,
  Deploy = 2,
  Call = 3,
  /** An account pays `amount` into a new shielded note (protocol/shielded.ts). */
  ShieldedDeposit = 10,
  /** Two notes in, two out, fee and optional withdrawal public; `from` is a one-time key. */
  ShieldedTransfer = 11,
}

/** Fields every kind has: who pays, in which order, and how much at most. */
interface TxCommon {
  readonly chainId: string;
  /** Sender's Ed25519 public key: an account address is its public key. */
  readonly from: Uint8Array;
  /** Native amount moved: to the recipient, or to the contract deployed or called. */
  readonly amount: bigint;
  /** Previous nonce of the sender + 1. */
  readonly nonce: bigint;
  readonly gasLimit: bigint;
  readonly gasPrice: bigint;
  readonly signature: Uint8Array;
}

export interface TransferTx extends TxCommon {
  readonly kind: TxKind.Transfer;
  readonly to: Uint8Array;
  readonly memo: Uint8Array;
}

/** Deploys `code`; the contract id is derived from sender and nonce (`contractIdOf`). */
export interface DeployTx extends TxCommon {
  readonly kind: TxKind.Deploy;
  readonly code: Uint8Array;
  /** Input of the `init` export (empty when the contract has none). */
  readonly init: Uint8Array;
}

/** Calls export `fn` of `contract` with `input`. */
export interface CallTx extends TxCommon {
  readonly kind: TxKind.Call;
  readonly contract: Uint8Array;
  readonly fn: string;
  readonly input: Uint8Array;
}

/** Pays `amount` from `from` into the note `commitment` (deposit proof: protocol/shielded.ts). */
export interface ShieldedDepositTx extends TxCommon {
  readonly kind: TxKind.ShieldedDeposit;
  readonly commitment: Uint8Array;
  readonly encryptedNote: Uint8Array;
  readonly proof: Uint8Array;
}

/**
 * Spends two notes into two new ones; `amount` is the public withdrawal paid to `to` (zero, and
 * `to` all zeros, for a fully shielded transfer). `from` is a one-time key bound into the proof,
 * `nonce` is always 1, and the fee (gas limit × gas price) is paid from the notes.
 */
export interface ShieldedTransferTx extends TxCommon {
  readonly kind: TxKind.ShieldedTransfer;
  readonly to: Uint8Array;
  readonly root: Uint8Array;
  readonly nullifiers: readonly Uint8Array[];
  readonly commitments: readonly Uint8Array[];
  readonly encryptedNotes: readonly Uint8Array[];
  readonly proof: Uint8Array;
}

export type Transaction = TransferTx | DeployTx | CallTx | ShieldedDepositTx | ShieldedTransferTx;
export type UnsignedTransfer = Omit<TransferTx, "signature" | "kind">;
export type UnsignedDeploy = Omit<DeployTx, "signature" | "kind">;
export type UnsignedCall = Omit<CallTx, "signature" | "kind">;
export type UnsignedShieldedDeposit = Omit<ShieldedDepositTx, "signature" | "kind">;
export type UnsignedShieldedTransfer = Omit<ShieldedTransferTx, "signature" | "kind">;
type Unsigned =
  | Omit<TransferTx, "signature">
  | Omit<DeployTx, "signature">
  | Omit<CallTx, "signature">
  | Omit<ShieldedDepositTx, "signature">
  | Omit<ShieldedTransferTx, "signature">;

/** An exported function name a call may name: 1-64 ASCII letters, digits or underscores. */
const FN_NAME_RE = /^[A-Za-z0-9_]{1,64}$/;

function fnNameBytes(fn: string): Uint8Array {
  if (!FN_NAME_RE.test(fn)) {
    throw new ProtocolError("TX_MALFORMED", "function name must be 1-64 of [A-Za-z0-9_]", {
      fn: fn.slice(0, 80),
    });
  }
  return new TextEncoder().encode(fn);
}

function writeBody(w: Writer, tx: Unsigned): void {
  w.u8(TX_VERSION).u8(tx.kind);
  writeChainId(w, tx.chainId);
  w.fixed(tx.from, ED25519_PUBLIC_KEY_BYTES);
  switch (tx.kind) {
    case TxKind.Transfer:
      w.fixed(tx.to, ED25519_PUBLIC_KEY_BYTES);
      w.u64(tx.amount).u64(tx.nonce).u64(tx.gasLimit).u64(tx.gasPrice);
      w.bytes(tx.memo, LIMITS.memoBytes);
      return;
    case TxKind.Deploy:
      w.u64(tx.amount).u64(tx.nonce).u64(tx.gasLimit).u64(tx.gasPrice);
      w.bytes(tx.code, LIMITS.contractCodeBytes).bytes(tx.init, LIMITS.callInputBytes);
      return;
    case TxKind.Call:
      w.fixed(tx.contract, CONTRACT_ID_BYTES);
      w.u64(tx.amount).u64(tx.nonce).u64(tx.gasLimit).u64(tx.gasPrice);
      w.bytes(fnNameBytes(tx.fn), 64).bytes(tx.input, LIMITS.callInputBytes);
      return;
    case TxKind.ShieldedDeposit:
      w.u64(tx.amount).u64(tx.nonce).u64(tx.gasLimit).u64(tx.gasPrice);
      w.fixed(tx.commitment, FIELD_ELEMENT_BYTES).fixed(tx.encryptedNote, ENCRYPTED_NOTE_BYTES);
      w.fixed(tx.proof, SHIELDED_PROOF_BYTES);
      return;
    case TxKind.ShieldedTransfer:
      w.fixed(tx.to, ED25519_PUBLIC_KEY_BYTES);
      w.u64(tx.amount).u64(tx.nonce).u64(tx.gasLimit).u64(tx.gasPrice);
      w.fixed(tx.root, FIELD_ELEMENT_BYTES);
      for (const list of [tx.nullifiers, tx.commitments]) {
        arity(list, "nullifiers and commitments");
        for (const x of list) w.fixed(x, FIELD_ELEMENT_BYTES);
      }
      arity(tx.encryptedNotes, "encrypted notes");
      for (const note of tx.encryptedNotes) w.fixed(note, ENCRYPTED_NOTE_BYTES);
      w.fixed(tx.proof, SHIELDED_PROOF_BYTES);
      return;
  }
}

function arity(list: readonly Uint8Array[], what: string): void {
  if (list.length !== SHIELDED_ARITY) {
    throw new ProtocolError("TX_MALFORMED", `a shielded transfer has exactly ${SHIELDED_ARITY} ${what}`, {
      got: list.length,
    });
  }
}

export function writeTransaction(w: Writer, tx: Transaction): void {
  writeBody(w, tx);
  w.fixed(tx.signature, ED25519_SIGNATURE_BYTES);
}

export function encodeTransaction(tx: Transaction): Uint8Array {
  const w = new Writer(tx.kind === TxKind.Transfer ? 256 : 1024);
  writeTransaction(w, tx);
  return w.finish();
}

export function readTransaction(r: Reader): Transaction {
  const version = r.u8("tx version");
  if (version !== TX_VERSION) {
    throw new ProtocolError("TX_MALFORMED", `unknown transaction version ${version}`, { version });
  }
  const kind = r.u8("tx kind");
  if (!KNOWN_KINDS.has(kind))
    throw new ProtocolError("TX_MALFORMED", `unknown transaction kind ${kind}`, { kind });
  const chainId = readChainId(r, "tx chain id");
  const from = r.fixed(ED25519_PUBLIC_KEY_BYTES, "tx from");
  if (kind === TxKind.ShieldedDeposit || kind === TxKind.ShieldedTransfer) {
    return readShielded(r, kind, chainId, from);
  }
  if (kind === TxKind.Transfer) {
    return {
      kind,
      chainId,
      from,
      to: r.fixed(ED25519_PUBLIC_KEY_BYTES, "tx to"),
      amount: r.u64("tx amount"),
      nonce: r.u64("tx nonce"),
      gasLimit: r.u64("tx gas limit"),
      gasPrice: r.u64("tx gas price"),
      memo: r.bytes(LIMITS.memoBytes, "tx memo"),
      signature: r.fixed(ED25519_SIGNATURE_BYTES, "tx signature"),
    };
  }
  if (kind === TxKind.Deploy) {
    return {
      kind,
      chainId,
      from,
      ...readFees(r),
      code: r.bytes(LIMITS.contractCodeBytes, "tx code"),
      init: r.bytes(LIMITS.callInputBytes, "tx init input"),
      signature: r.fixed(ED25519_SIGNATURE_BYTES, "tx signature"),
    };
  }
  const contract = r.fixed(CONTRACT_ID_BYTES, "tx contract");
  const { amount, nonce, gasLimit, gasPrice } = readFees(r);
  const fnBytes = r.bytes(64, "tx function name");
  const fn = String.fromCharCode(...fnBytes);
  if (!FN_NAME_RE.test(fn)) {
    throw new ProtocolError("TX_MALFORMED", "function name must be 1-64 of [A-Za-z0-9_]", {});
  }
  const input = r.bytes(LIMITS.callInputBytes, "tx input");
  const signature = r.fixed(ED25519_SIGNATURE_BYTES, "tx signature");
  return { kind, chainId, from, contract, amount, nonce, gasLimit, gasPrice, fn, input, signature };
}

/** The fee fields every kind carries, in their encoding order. */
function readFees(r: Reader): { amount: bigint; nonce: bigint; gasLimit: bigint; gasPrice: bigint } {
  return {
    amount: r.u64("tx amount"),
    nonce: r.u64("tx nonce"),
    gasLimit: r.u64("tx gas limit"),
    gasPrice: r.u64("tx gas price"),
  };
}

const KNOWN_KINDS: ReadonlySet<number> = new Set([
  TxKind.Transfer,
  TxKind.Deploy,
  TxKind.Call,
  TxKind.ShieldedDeposit,
  TxKind.ShieldedTransfer,
]);

function readShielded(
  r: Reader,
  kind: TxKind.ShieldedDeposit | TxKind.ShieldedTransfer,
  chainId: string,
  from: Uint8Array,
): ShieldedDepositTx | ShieldedTransferTx {
  const field = (what: string) => r.fixed(FIELD_ELEMENT_BYTES, what);
  if (kind === TxKind.ShieldedDeposit) {
    return {
      kind,
      chainId,
      from,
      ...readFees(r),
      commitment: field("tx commitment"),
      encryptedNote: r.fixed(ENCRYPTED_NOTE_BYTES, "tx encrypted note"),
      proof: r.fixed(SHIELDED_PROOF_BYTES, "tx proof"),
      signature: r.fixed(ED25519_SIGNATURE_BYTES, "tx signature"),
    };
  }
  const to = r.fixed(ED25519_PUBLIC_KEY_BYTES, "tx to");
  const { amount, nonce, gasLimit, gasPrice } = readFees(r);
  const root = field("tx root");
  const nullifiers = [field("tx nullifier 0"), field("tx nullifier 1")];
  const commitments = [field("tx commitment 0"), field("tx commitment 1")];
  const encryptedNotes = [
    r.fixed(ENCRYPTED_NOTE_BYTES, "tx encrypted note 0"),
    r.fixed(ENCRYPTED_NOTE_BYTES, "tx encrypted note 1"),
  ];
  const proof = r.fixed(SHIELDED_PROOF_BYTES, "tx proof");
  const signature = r.fixed(ED25519_SIGNATURE_BYTES, "tx signature");
  return {
    kind,
    chainId,
    from,
    to,
    amount,
    nonce,
    gasLimit,
    gasPrice,
    root,
    nullifiers,
    commitments,
    encryptedNotes,
    proof,
    signature,
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
export function transactionSigningHash(tx: Unsigned): Uint8Array {
  const w = new Writer(tx.kind === TxKind.Transfer ? 192 : 1024);
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

export function signDeploy(secretKey: Uint8Array, body: UnsignedDeploy): DeployTx {
  const unsigned = { ...body, kind: TxKind.Deploy as const };
  return { ...unsigned, signature: ed25519Sign(secretKey, transactionSigningHash(unsigned)) };
}

export function signCall(secretKey: Uint8Array, body: UnsignedCall): CallTx {
  fnNameBytes(body.fn);
  const unsigned = { ...body, kind: TxKind.Call as const };
  return { ...unsigned, signature: ed25519Sign(secretKey, transactionSigningHash(unsigned)) };
}

export function signShieldedDeposit(secretKey: Uint8Array, body: UnsignedShieldedDeposit): ShieldedDepositTx {
  const unsigned = { ...body, kind: TxKind.ShieldedDeposit as const };
  return { ...unsigned, signature: ed25519Sign(secretKey, transactionSigningHash(unsigned)) };
}

/** Signs with the transfer's one-time key (whose public key `body.from` must be). */
export function signShieldedTransfer(
  secretKey: Uint8Array,
  body: UnsignedShieldedTransfer,
): ShieldedTransferTx {
  const unsigned = { ...body, kind: TxKind.ShieldedTransfer as const };
  return { ...unsigned, signature: ed25519Sign(secretKey, transactionSigningHash(unsigned)) };
}

/** Id of the contract a deployment creates: bound to the sender and its nonce, so unique. */
export function contractIdOf(deployer: Uint8Array, nonce: bigint): Uint8Array {
  return domainHash("contract-id", new Writer(40).fixed(deployer, 32).u64(nonce).finish());
}

/** Most a sender can be charged: gas limit × gas price. */
export function maxFee(tx: Transaction): bigint {
  return tx.gasLimit * tx.gasPrice;
}
