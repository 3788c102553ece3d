/**
 * Shielded keys of a wallet (docs/SHIELDED.md, "Keys"), all from the wallet's derived shielded
 * seed (cli/wallet/keystore.ts `shieldedSecret`):
 *   spend secret  s = H("shielded-spend", seed) mod r   spends notes (nullifier = Poseidon(s, pos))
 *   owner key     Poseidon(s)                          what a note commits to as its owner
 *   view secret   v = H("shielded-view", seed)         X25519: decrypts notes sent to the wallet
 * A shielded address is "zs" ‖ hex(owner key) ‖ hex(X25519 public view key): enough to pay the
 * wallet, nothing to spend or read. A view key is "zv" ‖ hex(v) ‖ hex(owner key): it finds and
 * reads the wallet's incoming notes (an auditor's key) but cannot spend or compute nullifiers.
 */

import { x25519 } from "@noble/curves/ed25519.js";
import { fromHex, toHex } from "../../protocol/bytes.js";
import { domainHash } from "../../protocol/hash.js";
import { ownerKey } from "../../protocol/notes.js";
import { bytesToBigint, fieldToBytes, hashToField, readFieldElement } from "../../protocol/shielded.js";
import { CliError } from "../context.js";

export interface ViewKey {
  readonly viewSecret: Uint8Array;
  readonly ownerKey: bigint;
}

export interface ShieldedKeySet extends ViewKey {
  readonly spendSecret: bigint;
  readonly viewPublic: Uint8Array;
}

export function shieldedKeys(seed: Uint8Array): ShieldedKeySet {
  const spendSecret = hashToField("shielded-spend", seed);
  const viewSecret = domainHash("shielded-view", seed);
  return {
    spendSecret,
    ownerKey: ownerKey(spendSecret),
    viewSecret,
    viewPublic: x25519.getPublicKey(viewSecret),
  };
}

export interface ShieldedAddress {
  readonly ownerKey: bigint;
  readonly viewPublic: Uint8Array;
}

export function encodeAddress(k: ShieldedAddress): string {
  return `zs${toHex(fieldToBytes(k.ownerKey))}${toHex(k.viewPublic)}`;
}

export function decodeAddress(text: string): ShieldedAddress {
  if (!/^zs[0-9a-f]{128}$/.test(text)) {
    throw new CliError("BAD_ADDRESS", "a shielded address is zs followed by 128 hex characters");
  }
  return {
    ownerKey: readFieldElement(fromHex(text.slice(2, 66), 32, "owner key"), "owner key"),
    viewPublic: fromHex(text.slice(66), 32, "view key"),
  };
}

export function encodeViewKey(k: ViewKey): string {
  return `zv${toHex(k.viewSecret)}${toHex(fieldToBytes(k.ownerKey))}`;
}

export function decodeViewKey(text: string): ViewKey {
  if (!/^zv[0-9a-f]{128}$/.test(text)) {
    throw new CliError("BAD_VIEW_KEY", "a view key is zv followed by 128 hex characters");
  }
  return {
    viewSecret: fromHex(text.slice(2, 66), 32, "view secret"),
    ownerKey: bytesToBigint(fromHex(text.slice(66), 32, "owner key")),
  };
}
