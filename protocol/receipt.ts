/**
 * Receipts: what executing a transaction did, derived deterministically from the block (every
 * node re-executes, so receipts are not carried in blocks). Kept by the node for RPC.
 */

import { Reader, Writer } from "./codec.js";
import { CONTRACT_LIMITS } from "./contract-gas.js";
import { ProtocolError } from "./errors.js";

export interface ContractEvent {
  readonly contract: Uint8Array;
  readonly topic: Uint8Array;
  readonly data: Uint8Array;
}

export interface Receipt {
  /** Reverted: the contract code failed; its changes were rolled back, the fee was charged. */
  readonly status: "success" | "reverted";
  readonly gasUsed: bigint;
  /** For a revert: the error code (CONTRACT_REVERTED, CONTRACT_TRAP, ...) and message. */
  readonly error: { readonly code: string; readonly message: string } | null;
  readonly events: readonly ContractEvent[];
  readonly returnData: Uint8Array;
  /** The id of the contract a successful deployment created. */
  readonly contract: Uint8Array | null;
}

const MESSAGE_BYTES_MAX = 2 * CONTRACT_LIMITS.revertMessageBytes;
const CODE_BYTES_MAX = 64;

export function encodeReceipt(r: Receipt): Uint8Array {
  const w = new Writer(256);
  w.u8(r.status === "success" ? 1 : 0).u64(r.gasUsed);
  const enc = new TextEncoder();
  if (r.error === null) w.u8(0);
  else {
    w.u8(1);
    w.bytes(enc.encode(r.error.code).slice(0, CODE_BYTES_MAX), CODE_BYTES_MAX);
    w.bytes(enc.encode(r.error.message).slice(0, MESSAGE_BYTES_MAX), MESSAGE_BYTES_MAX);
  }
  w.u32(r.events.length);
  for (const e of r.events) {
    w.fixed(e.contract, 32);
    w.bytes(e.topic, CONTRACT_LIMITS.eventTopicBytes).bytes(e.data, CONTRACT_LIMITS.eventDataBytes);
  }
  w.bytes(r.returnData, CONTRACT_LIMITS.returnDataBytes);
  if (r.contract === null) w.u8(0);
  else w.u8(1).fixed(r.contract, 32);
  return w.finish();
}

export function decodeReceipt(bytes: Uint8Array): Receipt {
  const r = new Reader(bytes);
  const dec = new TextDecoder();
  const status = r.u8("receipt status") === 1 ? "success" : "reverted";
  const gasUsed = r.u64("receipt gas");
  const error =
    r.u8("receipt error flag") === 1
      ? {
          code: dec.decode(r.bytes(CODE_BYTES_MAX, "receipt error code")),
          message: dec.decode(r.bytes(MESSAGE_BYTES_MAX, "receipt error message")),
        }
      : null;
  const n = r.u32("receipt events");
  if (n > CONTRACT_LIMITS.eventsPerTransaction) {
    throw new ProtocolError(
      "DECODE_LIMIT_EXCEEDED",
      `receipt events: ${n} exceeds ${CONTRACT_LIMITS.eventsPerTransaction}`,
      {
        limit: CONTRACT_LIMITS.eventsPerTransaction,
      },
    );
  }
  const events: ContractEvent[] = [];
  for (let i = 0; i < n; i++) {
    events.push({
      contract: r.fixed(32, "event contract"),
      topic: r.bytes(CONTRACT_LIMITS.eventTopicBytes, "event topic"),
      data: r.bytes(CONTRACT_LIMITS.eventDataBytes, "event data"),
    });
  }
  const returnData = r.bytes(CONTRACT_LIMITS.returnDataBytes, "receipt return data");
  const contract = r.u8("receipt contract flag") === 1 ? r.fixed(32, "receipt contract") : null;
  r.end("receipt");
  return { status, gasUsed, error, events, returnData, contract };
}

/** A transfer's receipt: it either applies or the block is invalid, so always success. */
export function transferReceipt(gasUsed: bigint): Receipt {
  return {
    status: "success",
    gasUsed,
    error: null,
    events: [],
    returnData: new Uint8Array(0),
    contract: null,
  };
}
