/**
 * Encrypted notes (docs/SHIELDED.md, "Encrypted notes"): the sender makes a one-time X25519 key
 * E, derives k = H("note-key", X25519(e, V) ‖ E ‖ V) with the receiver's view key V, and seals
 * value (u64) ‖ blinding (32 bytes) with AES-256-GCM under k (a fresh key per note, so the
 * all-zero nonce is never reused). The chain sees E ‖ ciphertext ‖ tag: 88 bytes, the same for
 * every note. The receiver (or a view-key holder) opens it and then checks the commitment, so a
 * note that decrypts but does not match is ignored.
 */

import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { x25519 } from "@noble/curves/ed25519.js";
import { concatBytes } from "../../protocol/bytes.js";
import { Reader, Writer } from "../../protocol/codec.js";
import { domainHash } from "../../protocol/hash.js";
import { ENCRYPTED_NOTE_BYTES } from "../../protocol/shielded.js";

const NONCE = new Uint8Array(12);

export interface NotePlaintext {
  readonly value: bigint;
  readonly blinding: Uint8Array;
}

function noteKey(shared: Uint8Array, ephemeral: Uint8Array, receiver: Uint8Array): Uint8Array {
  return domainHash("note-key", concatBytes(shared, ephemeral, receiver));
}

export function encryptNote(note: NotePlaintext, receiverViewPublic: Uint8Array): Uint8Array {
  const e = randomBytes(32);
  const E = x25519.getPublicKey(e);
  const key = noteKey(x25519.getSharedSecret(e, receiverViewPublic), E, receiverViewPublic);
  const cipher = createCipheriv("aes-256-gcm", key, NONCE);
  const plain = new Writer(40).u64(note.value).fixed(note.blinding, 32).finish();
  const out = concatBytes(E, cipher.update(plain), cipher.final(), cipher.getAuthTag());
  if (out.length !== ENCRYPTED_NOTE_BYTES) throw new Error("encrypted note has the wrong size");
  return out;
}

/** The plaintext, or null when the note was not encrypted to this view key. */
export function decryptNote(encrypted: Uint8Array, viewSecret: Uint8Array): NotePlaintext | null {
  if (encrypted.length !== ENCRYPTED_NOTE_BYTES) return null;
  const E = encrypted.subarray(0, 32);
  let shared: Uint8Array;
  try {
    shared = x25519.getSharedSecret(viewSecret, E);
  } catch {
    return null; // a low-order point: not a note for anyone
  }
  const key = noteKey(shared, E, x25519.getPublicKey(viewSecret));
  const decipher = createDecipheriv("aes-256-gcm", key, NONCE);
  decipher.setAuthTag(encrypted.subarray(72));
  let plain: Uint8Array;
  try {
    plain = concatBytes(decipher.update(encrypted.subarray(32, 72)), decipher.final());
  } catch {
    return null;
  }
  const r = new Reader(plain);
  return { value: r.u64("note value"), blinding: r.fixed(32, "note blinding") };
}
