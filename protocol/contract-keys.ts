/**
 * Layout of contract data in the key-value part of the ledger state (state.ts): one prefix
 * byte per kind, so a contract's storage is one contiguous, prefix-listable range.
 *   0x01 ‖ codeHash            → WASM code (shared by every contract with that code)
 *   0x02 ‖ contractId          → contract record (codeHash ‖ deployer ‖ u64 deploy height)
 *   0x03 ‖ contractId ‖ key    → a storage value of that contract
 */

import { Reader, Writer } from "./codec.js";
import { CONTRACT_LIMITS } from "./contract-gas.js";
import { ProtocolError } from "./errors.js";

const CODE = 0x01;
const CONTRACT = 0x02;
const STORAGE = 0x03;

export interface ContractRecord {
  readonly codeHash: Uint8Array;
  readonly deployer: Uint8Array;
  readonly deployedAt: number;
}

function prefixed(kind: number, ...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(1 + parts.reduce((n, p) => n + p.length, 0));
  out[0] = kind;
  let at = 1;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function codeKey(codeHash: Uint8Array): Uint8Array {
  return prefixed(CODE, codeHash);
}

export function contractKey(id: Uint8Array): Uint8Array {
  return prefixed(CONTRACT, id);
}

/** Prefix of all storage keys of contract `id`. */
export function storagePrefix(id: Uint8Array): Uint8Array {
  return prefixed(STORAGE, id);
}

export function storageKey(id: Uint8Array, key: Uint8Array): Uint8Array {
  if (key.length > CONTRACT_LIMITS.storageKeyBytes) {
    throw new ProtocolError(
      "STATE_KEY_TOO_LONG",
      `storage key of ${key.length} bytes exceeds ${CONTRACT_LIMITS.storageKeyBytes}`,
      { limit: CONTRACT_LIMITS.storageKeyBytes, got: key.length },
    );
  }
  return prefixed(STORAGE, id, key);
}

export function encodeContractRecord(r: ContractRecord): Uint8Array {
  return new Writer(72).fixed(r.codeHash, 32).fixed(r.deployer, 32).u64(BigInt(r.deployedAt)).finish();
}

export function decodeContractRecord(bytes: Uint8Array): ContractRecord {
  const r = new Reader(bytes);
  const record = {
    codeHash: r.fixed(32, "contract code hash"),
    deployer: r.fixed(32, "contract deployer"),
    deployedAt: r.safeU64("contract deploy height"),
  };
  r.end("contract record");
  return record;
}
