/**
 * Cross-contract calls. The callee runs with at most `gas` (0: all but 1/64 of what is left, so
 * the caller always keeps some gas to handle a failure); `value` moves from this contract to the
 * callee. A reverted callee's changes are rolled back and its message becomes the return data.
 */

import * as dusk from "./dusk";
import { ADDRESS_BYTES, ensureLength, revert, utf8 } from "./env";

export class CallResult {
  /** True when the callee returned, false when it reverted (or trapped, or ran out of gas). */
  ok: bool;
  /** Its result, or its revert message (UTF-8) when `ok` is false. */
  data: Uint8Array;

  constructor(ok: bool, data: Uint8Array) {
    this.ok = ok;
    this.data = data;
  }

  /** The revert message as a string (empty when the call succeeded). */
  get message(): string {
    if (this.ok) return "";
    return String.UTF8.decodeUnsafe(this.data.dataStart, this.data.length);
  }
}

/** The result (or revert message) of the last `call` made by this contract. */
export function returnData(): Uint8Array {
  const len = dusk.return_data_len();
  const out = new Uint8Array(len);
  if (len > 0) dusk.return_data_read(out.dataStart);
  return out;
}

/** Calls export `fn` of contract `id` with `input`; never reverts this contract by itself. */
export function callContract(
  id: Uint8Array,
  fn: string,
  input: Uint8Array,
  value: u64 = 0,
  gas: u64 = 0,
): CallResult {
  ensureLength(id, ADDRESS_BYTES, "contract id must be 32 bytes");
  const f = utf8(fn);
  const status = dusk.call(
    id.dataStart,
    f.dataStart,
    f.length,
    input.dataStart,
    input.length,
    <i64>value,
    <i64>gas,
  );
  return new CallResult(status === 0, returnData());
}

/** Like `callContract`, but reverts this contract too, with "<fn>: <callee's message>", on failure. */
export function callOrRevert(
  id: Uint8Array,
  fn: string,
  input: Uint8Array,
  value: u64 = 0,
  gas: u64 = 0,
): Uint8Array {
  const r = callContract(id, fn, input, value, gas);
  if (!r.ok) revert(fn + ": " + r.message);
  return r.data;
}
