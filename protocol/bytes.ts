/** Small byte helpers shared by the codec, hashing and keys. */

import { bytesToHex, concatBytes, hexToBytes } from "@noble/hashes/utils.js";
import { ProtocolError } from "./errors.js";

export { bytesToHex as toHex, concatBytes };

/** Parses lowercase or uppercase hex (optional 0x prefix) of an exact byte length. */
export function fromHex(hex: string, length: number | undefined, field: string): Uint8Array {
  const clean = hex.startsWith("0x") ? hex.slice(2) : hex;
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new ProtocolError("DECODE_INVALID_VALUE", `${field}: not a hex string`, { field });
  }
  if (length !== undefined && clean.length !== length * 2) {
    throw new ProtocolError("DECODE_INVALID_VALUE", `${field}: expected ${length} bytes of hex`, {
      field,
      expectedBytes: length,
      gotBytes: clean.length / 2,
    });
  }
  return hexToBytes(clean);
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** Lexicographic comparison, used to sort provisioners and accounts deterministically. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export const utf8 = new TextEncoder();
