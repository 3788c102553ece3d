/**
 * JSON views of node data, shared by the NodeDO's RPC methods and the gateway: Workers RPC and
 * HTTP both carry plain data, so u64 amounts become decimal strings, bytes become hex and labels
 * become words.
 */

import { type Attestation, StepKind, VoteKind } from "../protocol/attestation.js";
import { toHex } from "../protocol/bytes.js";
import { FaultKind, faultSlot } from "../protocol/fault.js";
import { hash } from "../protocol/hash.js";
import type { NoteRecord } from "../protocol/note-records.js";
import type { Receipt } from "../protocol/receipt.js";
import type { Account } from "../protocol/state.js";
import { contractIdOf, type Transaction, TxKind, transactionIdHex } from "../protocol/transaction.js";
import type { ContractView, EventView } from "../workers/consensus/contract-queries.js";
import type { BlockView, NodeStatus, TransactionView } from "../workers/consensus/node-api.js";
import { Label } from "../workers/consensus/ports.js";
import type { ShieldedInfo } from "../workers/consensus/shielded-queries.js";
import type { QueryResult } from "../workers/executor/contracts/runtime.js";

export type LabelName = "accepted" | "attested" | "confirmed" | "final";

const LABEL_NAMES: Record<Label, LabelName> = {
  [Label.Accepted]: "accepted",
  [Label.Attested]: "attested",
  [Label.Confirmed]: "confirmed",
  [Label.Final]: "final",
};

export function labelName(label: Label): LabelName {
  return LABEL_NAMES[label] ?? "accepted";
}

export interface StatusJson extends NodeStatus {
  /** The Durable Object's name (`node-<i>`): the transport's peer id. */
  readonly name: string;
  readonly peerIds: string[];
  readonly transport: Readonly<Record<string, number>>;
  /** How peers dial this node (a DO name, or a ws:// URL with PUBLIC_URL). */
  readonly address?: string;
  /** Kadcast transport counters and the routing table's size. */
  readonly routing?: Readonly<Record<string, number>>;
}

export interface BlockJson {
  readonly height: number;
  readonly hash: string;
  readonly label: LabelName;
  readonly header: {
    readonly version: number;
    readonly height: number;
    readonly timestampMs: number;
    readonly prevHash: string;
    readonly seed: string;
    readonly generator: string;
    readonly txRoot: string;
    readonly stateRoot: string;
    readonly faultRoot: string;
    readonly gasUsed: string;
    readonly iteration: number;
    readonly prevAttestation: AttestationJson | null;
    /** Failure attestations of the round's earlier iterations (null where none is carried). */
    readonly failedIterations: Array<AttestationJson | null>;
    readonly signature: string;
  };
  readonly transactionCount: number;
  readonly transactions: string[];
  /** Fault proofs carried: kind and offender (BLS key hex), round, iteration, step. */
  readonly faults: Array<{ kind: string; offender: string; round: number; iteration: number; step: string }>;
}

export interface AttestationJson {
  readonly result: string;
  readonly candidate: string;
  readonly validationBitset: string;
  readonly ratificationBitset: string;
}

function attestationJson(att: Attestation): AttestationJson {
  return {
    result: VoteKind[att.result.kind] ?? String(att.result.kind),
    candidate: toHex(att.result.hash),
    validationBitset: `0x${att.validation.bitset.toString(16)}`,
    ratificationBitset: `0x${att.ratification.bitset.toString(16)}`,
  };
}

export interface TransactionJson {
  readonly id: string;
  readonly status: "pending" | "included";
  readonly height?: number;
  readonly label?: LabelName;
  readonly tx: {
    readonly kind: (typeof TX_KIND_NAMES)[TxKind];
    readonly chainId: string;
    readonly from: string;
    readonly amount: string;
    readonly nonce: string;
    readonly gasLimit: string;
    readonly gasPrice: string;
    /** Transfer. */
    readonly to?: string;
    readonly memo?: string;
    /** Deploy (the id it creates) and call. */
    readonly contract?: string;
    readonly codeHash?: string;
    readonly codeBytes?: number;
    readonly init?: string;
    readonly fn?: string;
    readonly input?: string;
    /** Shielded (docs/SHIELDED.md): only commitments, nullifiers and ciphertexts, no owner or value. */
    readonly commitments?: readonly string[];
    readonly nullifiers?: readonly string[];
    readonly root?: string;
    readonly encryptedNotes?: readonly string[];
  };
  /** Once included: what execution did. */
  readonly receipt?: ReceiptJson;
}

export interface ReceiptJson {
  readonly status: "success" | "reverted";
  readonly gasUsed: string;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly events: Array<{ readonly contract: string; readonly topic: string; readonly data: string }>;
  readonly returnData: string;
  readonly contract: string | null;
}

export function receiptJson(r: Receipt): ReceiptJson {
  return {
    status: r.status,
    gasUsed: String(r.gasUsed),
    error: r.error,
    events: r.events.map((e) => ({
      contract: toHex(e.contract),
      topic: toHex(e.topic),
      data: toHex(e.data),
    })),
    returnData: toHex(r.returnData),
    contract: r.contract === null ? null : toHex(r.contract),
  };
}

export interface AccountJson {
  readonly address: string;
  readonly balance: string;
  readonly nonce: string;
}

export type SubmitResult =
  | { readonly ok: true; readonly id: string }
  | {
      readonly ok: false;
      readonly code: string;
      readonly message: string;
      readonly data: Record<string, unknown>;
    };

export function blockJson(view: BlockView): BlockJson {
  const h = view.block.header;
  const att = h.prevAttestation;
  return {
    height: h.height,
    hash: toHex(view.hash),
    label: labelName(view.label),
    header: {
      version: h.version,
      height: h.height,
      timestampMs: h.timestampMs,
      prevHash: toHex(h.prevHash),
      seed: toHex(h.seed),
      generator: toHex(h.generator),
      txRoot: toHex(h.txRoot),
      stateRoot: toHex(h.stateRoot),
      faultRoot: toHex(h.faultRoot),
      gasUsed: String(h.gasUsed),
      iteration: h.iteration,
      prevAttestation: att === null ? null : attestationJson(att),
      failedIterations: h.failedIterations.map((a) => (a === null ? null : attestationJson(a))),
      signature: toHex(h.signature),
    },
    transactionCount: view.block.transactions.length,
    transactions: view.block.transactions.map(transactionIdHex),
    faults: view.block.faults.map((f) => {
      const slot = faultSlot(f);
      return {
        kind: FaultKind[f.kind] ?? String(f.kind),
        offender: toHex(slot.offender),
        round: slot.round,
        iteration: slot.iteration,
        step: StepKind[slot.step] ?? String(slot.step),
      };
    }),
  };
}

function txBodyJson(tx: Transaction): TransactionJson["tx"] {
  const common = {
    kind: TX_KIND_NAMES[tx.kind],
    chainId: tx.chainId,
    from: toHex(tx.from),
    amount: String(tx.amount),
    nonce: String(tx.nonce),
    gasLimit: String(tx.gasLimit),
    gasPrice: String(tx.gasPrice),
  };
  switch (tx.kind) {
    case TxKind.Transfer:
      return { ...common, to: toHex(tx.to), memo: toHex(tx.memo) };
    case TxKind.Deploy:
      return {
        ...common,
        contract: toHex(contractIdOf(tx.from, tx.nonce)),
        codeHash: toHex(hash(tx.code)),
        codeBytes: tx.code.length,
        init: toHex(tx.init),
      };
    case TxKind.Call:
      return { ...common, contract: toHex(tx.contract), fn: tx.fn, input: toHex(tx.input) };
    case TxKind.ShieldedDeposit:
      return { ...common, commitments: [toHex(tx.commitment)], encryptedNotes: [toHex(tx.encryptedNote)] };
    case TxKind.ShieldedTransfer:
      return {
        ...common,
        ...(tx.amount > 0n ? { to: toHex(tx.to) } : {}),
        root: toHex(tx.root),
        nullifiers: tx.nullifiers.map(toHex),
        commitments: tx.commitments.map(toHex),
        encryptedNotes: tx.encryptedNotes.map(toHex),
      };
  }
}

const TX_KIND_NAMES = {
  [TxKind.Transfer]: "transfer",
  [TxKind.Deploy]: "deploy",
  [TxKind.Call]: "call",
  [TxKind.ShieldedDeposit]: "shielded-deposit",
  [TxKind.ShieldedTransfer]: "shielded-transfer",
} as const;

export function transactionJson(id: string, view: TransactionView): TransactionJson {
  return {
    id,
    status: view.status,
    ...(view.height === undefined ? {} : { height: view.height }),
    ...(view.label === undefined ? {} : { label: labelName(view.label) }),
    tx: txBodyJson(view.tx),
    ...(view.receipt === undefined ? {} : { receipt: receiptJson(view.receipt) }),
  };
}

export function accountJson(address: Uint8Array, account: Account): AccountJson {
  return { address: toHex(address), balance: String(account.balance), nonce: String(account.nonce) };
}

/** Error data made safe for JSON and structured clone: bigints as strings, bytes as hex. */
export function plainData(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (typeof v === "bigint") out[k] = String(v);
    else if (v instanceof Uint8Array) out[k] = toHex(v);
    else if (v === null || ["string", "number", "boolean"].includes(typeof v)) out[k] = v;
    else if (v !== undefined) out[k] = String(v);
  }
  return out;
}

export interface ContractJson {
  readonly id: string;
  readonly codeHash: string;
  readonly deployer: string;
  readonly deployedAt: number;
  readonly balance: string;
  readonly codeBytes: number;
}

export function contractJson(c: ContractView): ContractJson {
  return {
    id: toHex(c.id),
    codeHash: toHex(c.codeHash),
    deployer: toHex(c.deployer),
    deployedAt: c.deployedAt,
    balance: String(c.balance),
    codeBytes: c.codeBytes,
  };
}

export interface EventJson {
  readonly height: number;
  readonly txId: string;
  readonly index: number;
  readonly contract: string;
  readonly topic: string;
  readonly data: string;
}

export function eventJson(e: EventView): EventJson {
  return {
    height: e.height,
    txId: e.txId,
    index: e.index,
    contract: toHex(e.contract),
    topic: toHex(e.topic),
    data: toHex(e.data),
  };
}

export interface QueryJson {
  readonly ok: boolean;
  readonly returnData: string;
  readonly gasUsed: number;
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly events: Array<{ readonly contract: string; readonly topic: string; readonly data: string }>;
}

export function queryJson(r: QueryResult): QueryJson {
  return {
    ok: r.ok,
    returnData: toHex(r.returnData),
    gasUsed: r.gasUsed,
    error: r.error,
    events: r.events.map((e) => ({
      contract: toHex(e.contract),
      topic: toHex(e.topic),
      data: toHex(e.data),
    })),
  };
}

/** What a block did, for subscriptions: its transactions with the parties and events. */
export interface ActivityJson {
  readonly height: number;
  readonly hash: string;
  readonly label: LabelName;
  readonly timestampMs: number;
  readonly prevHash: string;
  readonly generator: string;
  readonly iteration: number;
  readonly stateRoot: string;
  readonly gasUsed: string;
  readonly txs: Array<{
    readonly id: string;
    readonly kind: (typeof TX_KIND_NAMES)[TxKind];
    readonly from: string;
    readonly to: string | null;
    readonly contract: string | null;
    readonly amount: string;
    readonly nonce: string;
    readonly gasLimit: string;
    readonly gasPrice: string;
    readonly gasUsed: string;
    readonly errorCode: string | null;
    readonly status: "success" | "reverted";
    readonly events: Array<{
      readonly contract: string;
      readonly topic: string;
      readonly data: string;
      readonly index: number;
    }>;
  }>;
}

export function activityJson(view: BlockView, receiptOf: (id: string) => Receipt | undefined): ActivityJson {
  return {
    height: view.block.header.height,
    hash: toHex(view.hash),
    label: labelName(view.label),
    timestampMs: view.block.header.timestampMs,
    prevHash: toHex(view.block.header.prevHash),
    generator: toHex(view.block.header.generator),
    iteration: view.block.header.iteration,
    stateRoot: toHex(view.block.header.stateRoot),
    gasUsed: String(view.block.header.gasUsed),
    txs: view.block.transactions.map((tx) => {
      const id = transactionIdHex(tx);
      const receipt = receiptOf(id);
      const contract =
        tx.kind === TxKind.Deploy
          ? toHex(contractIdOf(tx.from, tx.nonce))
          : tx.kind === TxKind.Call
            ? toHex(tx.contract)
            : null;
      return {
        id,
        kind: TX_KIND_NAMES[tx.kind],
        from: toHex(tx.from),
        to:
          tx.kind === TxKind.Transfer || (tx.kind === TxKind.ShieldedTransfer && tx.amount > 0n)
            ? toHex(tx.to)
            : null,
        contract,
        amount: String(tx.amount),
        nonce: String(tx.nonce),
        gasLimit: String(tx.gasLimit),
        gasPrice: String(tx.gasPrice),
        gasUsed: String(receipt?.gasUsed ?? 0n),
        errorCode: receipt?.error?.code ?? null,
        status: receipt?.status ?? "success",
        events: (receipt?.events ?? []).map((e, index) => ({
          contract: toHex(e.contract),
          topic: toHex(e.topic),
          data: toHex(e.data),
          index,
        })),
      };
    }),
  };
}

export interface CommitteesJson {
  readonly round: number;
  readonly iteration: number;
  readonly generator: string;
  readonly validation: Array<{ readonly publicKey: string; readonly credits: number }>;
  readonly ratification: Array<{ readonly publicKey: string; readonly credits: number }>;
}

export interface ShieldedInfoJson {
  readonly enabled: boolean;
  readonly noteCount: number;
  readonly root: string;
  readonly recentRoots: number;
  readonly depositVkHash: string | null;
  readonly transferVkHash: string | null;
  readonly gas: { readonly deposit: string; readonly transfer: string };
}

export function shieldedInfoJson(i: ShieldedInfo): ShieldedInfoJson {
  return {
    enabled: i.enabled,
    noteCount: i.noteCount,
    root: toHex(i.root),
    recentRoots: i.recentRoots,
    depositVkHash: i.depositVkHash === null ? null : toHex(i.depositVkHash),
    transferVkHash: i.transferVkHash === null ? null : toHex(i.transferVkHash),
    gas: { deposit: String(i.gas.deposit), transfer: String(i.gas.transfer) },
  };
}

export interface NoteJson {
  readonly position: number;
  readonly commitment: string;
  readonly encryptedNote: string;
  readonly height: number;
  readonly tx: string;
}

export function noteJson(n: NoteRecord): NoteJson {
  return {
    position: n.position,
    commitment: toHex(n.commitment),
    encryptedNote: toHex(n.encryptedNote),
    height: n.height,
    tx: toHex(n.txId),
  };
}
