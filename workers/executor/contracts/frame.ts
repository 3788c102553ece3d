/**
 * One contract call in progress (a frame) and the transaction-wide context it shares with its
 * nested calls. Host functions (host-functions.ts) read and write only through a frame, so a
 * call's effects stay in its own state overlay until it returns successfully.
 */

import { CONTRACT_LIMITS } from "../../../protocol/contract-gas.js";
import type { ContractEvent } from "../../../protocol/receipt.js";
import type { StateOverlay } from "../../../protocol/state.js";
import { trap } from "../wasm/errors.js";
import type { Machine, MemInst } from "../wasm/index.js";

/** The block a transaction executes in. */
export interface BlockContext {
  readonly chainId: string;
  readonly height: number;
  readonly timestampMs: number;
}

/**
 * Proof verification and Poseidon: synchronous and pure (zk-host.ts gives the real ones,
 * workers/verifier/zk and protocol/poseidon.ts). `inputs` are n × 32-byte big-endian scalars
 * (docs/ZK.md). An absent function makes its host function trap with CONTRACT_TRAP.
 */
export interface ZkHost {
  poseidon?(inputs: readonly bigint[]): bigint;
  verifyGroth16?(vk: Uint8Array, proof: Uint8Array, inputs: Uint8Array): boolean;
  verifyPlonk?(vk: Uint8Array, proof: Uint8Array, inputs: Uint8Array): boolean;
}

/** Shared by all frames of one transaction (or one query). */
export interface TxContext {
  readonly block: BlockContext;
  readonly origin: Uint8Array;
  readonly zk: ZkHost;
  /** Events in emission order; a failed frame truncates back to its start. */
  readonly events: ContractEvent[];
}

export type FailureCode = "CONTRACT_REVERTED" | "CONTRACT_LIMIT" | "CONTRACT_TRAP";

export interface Frame {
  readonly tx: TxContext;
  readonly overlay: StateOverlay;
  readonly self: Uint8Array;
  readonly caller: Uint8Array;
  readonly value: bigint;
  readonly input: Uint8Array;
  /** 1 for the transaction's own call. */
  readonly depth: number;
  readonly machine: Machine;
  memory: MemInst | undefined;
  returnData: Uint8Array;
  /** Result (or revert message) of the last nested call. */
  lastCallData: Uint8Array;
  /** Why a host function stopped the call: set before it throws, read by the runtime. */
  failure: { readonly code: FailureCode; readonly message: string } | null;
  /**
   * Runs a nested call with at most `gas`; returns whether it succeeded, its data and the gas
   * it used (the caller charges it).
   */
  readonly callNested: (
    frame: Frame,
    contract: Uint8Array,
    fn: string,
    input: Uint8Array,
    value: bigint,
    gas: number,
  ) => { ok: boolean; data: Uint8Array; gasUsed: number };
}

/** Stops the call with a coded failure; the runtime turns it into the receipt's error. */
export function fail(frame: Frame, code: FailureCode, message: string): never {
  frame.failure = { code, message };
  throw trap("TRAP_HOST", message);
}

/** Reads `len` bytes at `ptr` of the contract's memory (a copy); out of bounds traps. */
export function readMemory(frame: Frame, ptr: number, len: number): Uint8Array {
  const start = ptr >>> 0;
  const n = len >>> 0;
  const mem = frame.memory;
  if (mem === undefined || start + n > mem.buf.length) {
    throw trap("TRAP_MEMORY_OUT_OF_BOUNDS", `host read of ${n} bytes at ${start} is out of bounds`);
  }
  return mem.buf.slice(start, start + n);
}

/** Writes `bytes` at `ptr` of the contract's memory; out of bounds traps. */
export function writeMemory(frame: Frame, ptr: number, bytes: Uint8Array): void {
  const start = ptr >>> 0;
  const mem = frame.memory;
  if (mem === undefined || start + bytes.length > mem.buf.length) {
    throw trap(
      "TRAP_MEMORY_OUT_OF_BOUNDS",
      `host write of ${bytes.length} bytes at ${start} is out of bounds`,
    );
  }
  mem.buf.set(bytes, start);
}

/** Checks a length argument against a protocol limit before anything is read. */
export function checkLength(frame: Frame, what: string, len: number, limit: number): number {
  const n = len >>> 0;
  if (n > limit) fail(frame, "CONTRACT_LIMIT", `${what} of ${n} bytes exceeds ${limit}`);
  return n;
}

export function pushEvent(frame: Frame, event: ContractEvent): void {
  if (frame.tx.events.length >= CONTRACT_LIMITS.eventsPerTransaction) {
    fail(
      frame,
      "CONTRACT_LIMIT",
      `more than ${CONTRACT_LIMITS.eventsPerTransaction} events in one transaction`,
    );
  }
  frame.tx.events.push(event);
}
