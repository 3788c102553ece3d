/**
 * The call's context: input and result, revert, identities, native balances, the block and gas.
 * Thin typed wrappers over `dusk.ts`; each one checks what the host would otherwise read past
 * (a 32-byte address given a shorter array) so a contract bug reverts with a message instead
 * of reading neighbouring memory.
 *
 * Messages are constant strings, never formatted numbers: number formatting (itoa and its
 * digit tables) adds about 2.5-2.9 KB to every contract (measured on the examples), and code
 * bytes cost 200 gas each at deployment. A client that wants offsets and lengths decodes its
 * input locally with contracts/abi.ts, which reports them.
 */

import * as dusk from "./dusk";

/** Addresses (accounts) and contract ids are 32 bytes (docs/CONTRACTS.md). */
export const ADDRESS_BYTES: i32 = 32;
/** The ABI caps a revert message at 1 KiB; longer ones are cut here rather than refused there. */
const REVERT_MESSAGE_BYTES_MAX: i32 = 1024;
/** First guess for the chain id's length: one host call in the usual case. */
const CHAIN_ID_GUESS_BYTES: i32 = 64;

/** UTF-8 bytes of `s` (AssemblyScript strings are UTF-16 inside). */
export function utf8(s: string): Uint8Array {
  return Uint8Array.wrap(String.UTF8.encode(s));
}

/** Stops this call and rolls it back; `msg` goes to the receipt or to the calling contract. */
export function revert(msg: string): void {
  let bytes = utf8(msg);
  if (bytes.length > REVERT_MESSAGE_BYTES_MAX) bytes = bytes.subarray(0, REVERT_MESSAGE_BYTES_MAX);
  dusk.revert(bytes.dataStart, bytes.length);
  // The host never returns from revert; trap in case a host ever does.
  unreachable();
}

/** Reverts with `msg` unless `condition` holds. */
export function ensure(condition: bool, msg: string): void {
  if (!condition) revert(msg);
}

/** Reverts with `msg` unless `bytes` is exactly `len` long. */
export function ensureLength(bytes: Uint8Array, len: i32, msg: string): void {
  if (bytes.length !== len) revert(msg);
}

/** This call's input bytes (decode them with `Reader`). */
export function input(): Uint8Array {
  const len = dusk.input_len();
  const out = new Uint8Array(len);
  if (len > 0) dusk.input_read(out.dataStart);
  return out;
}

/** Sets this call's result (at most 16 KiB); the last call wins. */
export function setReturn(data: Uint8Array): void {
  dusk.return_data_set(data.dataStart, data.length);
}

/** The transaction sender for a top-level call, the calling contract for a nested one. */
export function caller(): Uint8Array {
  const out = new Uint8Array(ADDRESS_BYTES);
  dusk.caller(out.dataStart);
  return out;
}

/** The transaction sender, whatever the depth. */
export function origin(): Uint8Array {
  const out = new Uint8Array(ADDRESS_BYTES);
  dusk.origin(out.dataStart);
  return out;
}

/** This contract's id. */
export function selfId(): Uint8Array {
  const out = new Uint8Array(ADDRESS_BYTES);
  dusk.self_id(out.dataStart);
  return out;
}

/** Native amount attached to this call, already in this contract's balance. */
export function value(): u64 {
  return <u64>dusk.value();
}

/** Native balance of an account or contract. */
export function balance(addr: Uint8Array): u64 {
  ensureLength(addr, ADDRESS_BYTES, "address must be 32 bytes");
  return <u64>dusk.balance(addr.dataStart);
}

/** Pays `amount` from this contract's native balance; false when the balance is short. */
export function transfer(to: Uint8Array, amount: u64): bool {
  ensureLength(to, ADDRESS_BYTES, "address must be 32 bytes");
  return dusk.transfer(to.dataStart, <i64>amount) === 0;
}

/** Height of the block being executed. */
export function blockHeight(): u64 {
  return <u64>dusk.block_height();
}

/** Timestamp of the block being executed, ms. */
export function blockTimestamp(): u64 {
  return <u64>dusk.block_timestamp();
}

/** The chain id (for example "dusk-edge-devnet"). */
export function chainId(): string {
  let buf = new Uint8Array(CHAIN_ID_GUESS_BYTES);
  const len = dusk.chain_id(buf.dataStart, buf.length);
  if (len > buf.length) {
    buf = new Uint8Array(len);
    dusk.chain_id(buf.dataStart, len);
  }
  return String.UTF8.decodeUnsafe(buf.dataStart, len);
}

/** Gas remaining in this call. */
export function gasLeft(): u64 {
  return <u64>dusk.gas_left();
}
