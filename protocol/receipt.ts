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

/** At most `max` bytes of UTF-8, cut at a character boundary (so it decodes strictly). */
function utf8Prefix(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length <= max) return bytes;
  let end = max;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

export function encodeReceipt(r: Receipt): Uint8Array {
  const w = new Writer(256);
  w.u8(r.status === "success" ? 1 : 0).u64(r.gasUsed);
  const enc = new TextEncoder();
  if (r.error === null) w.u8(0);
  else {
    w.u8(1);
    w.bytes(utf8Prefix(enc.encode(r.error.code), CODE_BYTES_MAX), CODE_BYTES_MAX);
    w.bytes(utf8Prefix(enc.encode(r.error.message), MESSAGE_BYTES_MAX), MESSAGE_BYTES_MAX);
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

/** A 0/1 flag; anything else is a second encoding of the same receipt. */
function flag(r: Reader, what: string): boolean {
  const v = r.u8(what);
  if (v > 1) throw new ProtocolError("DECODE_INVALID_VALUE", `${what} must be 0 or 1, got ${v}`, { what });
  return v === 1;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function text(r: Reader, max: number, what: string): string {
  const raw = r.bytes(max, what);
  try {
    return strictUtf8.decode(raw);
  } catch {
    throw new ProtocolError("DECODE_INVALID_VALUE", `${what} is not UTF-8`, { what });
  }
}

export function decodeReceipt(bytes: Uint8Array): Receipt {
  const r = new Reader(bytes);
  const status = flag(r, "receipt status") ? "success" : "reverted";
  const gasUsed = r.u64("receipt gas");
  const error = flag(r, "receipt error flag")
    ? {
        code: text(r, CODE_BYTES_MAX, "receipt error code"),
        message: text(r, MESSAGE_BYTES_MAX, "receipt error message"),
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
  const contract = flag(r, "receipt contract flag") ? r.fixed(32, "receipt contract") : null;
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
