/**
 * Contract storage: raw bytes under byte keys (key at most 256 bytes, value at most 16 KiB, as
 * the host enforces), and typed helpers that fix one encoding per type: u64 as 8 bytes
 * little-endian, bytes32 as 32 raw bytes, strings as UTF-8. A stored value of the wrong size
 * reverts rather than being read as something else.
 */

import * as dusk from "./dusk";
import { ADDRESS_BYTES, ensureLength, revert, utf8 } from "./env";

/** First read's buffer: most values (u64, ids, hashes) fit, so one host call is the usual cost. */
const READ_GUESS_BYTES: i32 = 64;

/** A key made of a UTF-8 prefix and raw bytes, e.g. `key("bal:", addr)`: namespaces a map. */
export function key(prefix: string, suffix: Uint8Array): Uint8Array {
  const p = utf8(prefix);
  const out = new Uint8Array(p.length + suffix.length);
  out.set(p, 0);
  out.set(suffix, p.length);
  return out;
}

/** A key from a string alone. */
export function skey(name: string): Uint8Array {
  return utf8(name);
}

/** The value under `k`, or null when absent. */
export function getBytes(k: Uint8Array): Uint8Array | null {
  let buf = new Uint8Array(READ_GUESS_BYTES);
  const len = dusk.storage_get(k.dataStart, k.length, buf.dataStart, buf.length);
  if (len < 0) return null;
  if (len > buf.length) {
    buf = new Uint8Array(len);
    dusk.storage_get(k.dataStart, k.length, buf.dataStart, len);
    return buf;
  }
  return buf.subarray(0, len);
}

export function setBytes(k: Uint8Array, v: Uint8Array): void {
  dusk.storage_set(k.dataStart, k.length, v.dataStart, v.length);
}

/** Removes `k` (nothing happens when it is absent). */
export function deleteKey(k: Uint8Array): void {
  dusk.storage_delete(k.dataStart, k.length);
}

/** Whether `k` holds a value (reads no value bytes). */
export function hasKey(k: Uint8Array): bool {
  return dusk.storage_get(k.dataStart, k.length, 0, 0) >= 0;
}

/** The u64 under `k`, or `fallback` when absent. */
export function getU64(k: Uint8Array, fallback: u64 = 0): u64 {
  const v = getBytes(k);
  if (v === null) return fallback;
  if (v.length !== 8) revert("storage: u64 value must be 8 bytes");
  return load<u64>(v.dataStart);
}

export function setU64(k: Uint8Array, v: u64): void {
  const buf = new Uint8Array(8);
  store<u64>(buf.dataStart, v);
  setBytes(k, buf);
}

/** The 32 bytes under `k`, or null when absent. */
export function getBytes32(k: Uint8Array): Uint8Array | null {
  const v = getBytes(k);
  if (v === null) return null;
  if (v.length !== ADDRESS_BYTES) revert("storage: bytes32 value must be 32 bytes");
  return v;
}

export function setBytes32(k: Uint8Array, v: Uint8Array): void {
  ensureLength(v, ADDRESS_BYTES, "bytes32 must be 32 bytes");
  setBytes(k, v);
}

/** The string under `k`, or null when absent. */
export function getString(k: Uint8Array): string | null {
  const v = getBytes(k);
  if (v === null) return null;
  return String.UTF8.decodeUnsafe(v.dataStart, v.length);
}

export function setString(k: Uint8Array, v: string): void {
  setBytes(k, utf8(v));
}
