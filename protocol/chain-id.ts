/**
 * Chain ids: 1..64 characters of [A-Za-z0-9._-]. ASCII only, so the id has exactly one byte
 * form and no Unicode normalisation question ever arises when it is signed.
 */

import type { Reader, Writer } from "./codec.js";
import { ProtocolError } from "./errors.js";
import { LIMITS } from "./params.js";

const CHAIN_ID = /^[A-Za-z0-9._-]+$/;

export function isValidChainId(id: string): boolean {
  return id.length >= 1 && id.length <= LIMITS.chainIdBytes && CHAIN_ID.test(id);
}

export function writeChainId(w: Writer, id: string): void {
  if (!isValidChainId(id)) throw new ProtocolError("DECODE_INVALID_VALUE", `invalid chain id "${id}"`, {});
  const bytes = new Uint8Array(id.length);
  for (let i = 0; i < id.length; i++) bytes[i] = id.charCodeAt(i);
  w.bytes(bytes, LIMITS.chainIdBytes);
}

export function readChainId(r: Reader, what: string): string {
  const bytes = r.bytes(LIMITS.chainIdBytes, what);
  const id = String.fromCharCode(...bytes);
  if (!isValidChainId(id))
    throw new ProtocolError("DECODE_INVALID_VALUE", `${what}: invalid chain id`, { what });
  return id;
}
