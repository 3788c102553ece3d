/**
 * Provisioner keys at rest: AES-256-GCM under a key derived (HKDF-SHA-256) from the
 * `KEYSTORE_SECRET` Workers secret and the NodeDO's name, so a sealed key copied into another
 * slot or read without the secret is useless. Sealed form: version (1) ‖ IV (12) ‖ ciphertext.
 */

import { utf8 } from "../protocol/bytes.js";

const VERSION = 1;
const IV_BYTES = 12;

async function aesKey(secret: string, name: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey("raw", utf8.encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: utf8.encode("dusk-edge/keystore/v1"), info: utf8.encode(name) },
    base,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export async function sealKey(secret: string, name: string, secretKey: Uint8Array): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const key = await aesKey(secret, name);
  const data = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8.encode(name) }, key, secretKey),
  );
  const out = new Uint8Array(1 + IV_BYTES + data.length);
  out[0] = VERSION;
  out.set(iv, 1);
  out.set(data, 1 + IV_BYTES);
  return out;
}

/** Throws when the secret or the slot is not the one the key was sealed with. */
export async function openKey(secret: string, name: string, sealed: Uint8Array): Promise<Uint8Array> {
  if (sealed[0] !== VERSION || sealed.length <= 1 + IV_BYTES) throw new Error("sealed key: unknown format");
  const key = await aesKey(secret, name);
  try {
    return new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: sealed.subarray(1, 1 + IV_BYTES), additionalData: utf8.encode(name) },
        key,
        sealed.subarray(1 + IV_BYTES),
      ),
    );
  } catch {
    throw new Error("sealed key: KEYSTORE_SECRET is not the one it was sealed with");
  }
}
