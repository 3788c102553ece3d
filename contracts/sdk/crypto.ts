/**
 * Hashes and signature or proof checks done by the host natively (their gas is in
 * docs/CONTRACTS.md): far cheaper than the same code interpreted. Array lengths are checked
 * here so the host never reads past the end of an argument.
 */

import * as dusk from "./dusk";
import { ensure, ensureLength } from "./env";

export const HASH_BYTES: i32 = 32;
/** A BN254 field element, 32 bytes big-endian (Poseidon inputs, proof public inputs). */
export const FIELD_BYTES: i32 = 32;
export const POSEIDON_INPUTS_MAX: i32 = 16;
export const BLS_PUBLIC_KEY_BYTES: i32 = 48;
export const BLS_SIGNATURE_BYTES: i32 = 96;
export const BLS_AGGREGATE_KEYS_MAX: i32 = 128;

export function blake3(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HASH_BYTES);
  dusk.blake3(data.dataStart, data.length, out.dataStart);
  return out;
}

export function sha256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(HASH_BYTES);
  dusk.sha256(data.dataStart, data.length, out.dataStart);
  return out;
}

/**
 * Poseidon (circomlib parameters) over `elements`, 1-16 field elements of 32 bytes big-endian
 * laid end to end; null when one of them is not below the BN254 modulus.
 */
export function poseidon(elements: Uint8Array): Uint8Array | null {
  const n = elements.length / FIELD_BYTES;
  ensure(
    elements.length % FIELD_BYTES === 0 && n >= 1 && n <= POSEIDON_INPUTS_MAX,
    "poseidon: 1 to 16 field elements of 32 bytes",
  );
  const out = new Uint8Array(HASH_BYTES);
  if (dusk.poseidon(elements.dataStart, n, out.dataStart) !== 0) return null;
  return out;
}

/** BLS12-381 min-pk signature check with the node's DST. */
export function blsVerify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): bool {
  ensureLength(publicKey, BLS_PUBLIC_KEY_BYTES, "bls public key must be 48 bytes");
  ensureLength(signature, BLS_SIGNATURE_BYTES, "bls signature must be 96 bytes");
  return dusk.bls_verify(publicKey.dataStart, message.dataStart, message.length, signature.dataStart) === 1;
}

/** One signature aggregated by every key in `publicKeys` (48-byte keys end to end, 1-128 of them). */
export function blsVerifyAggregate(publicKeys: Uint8Array, message: Uint8Array, signature: Uint8Array): bool {
  const n = publicKeys.length / BLS_PUBLIC_KEY_BYTES;
  ensure(
    publicKeys.length % BLS_PUBLIC_KEY_BYTES === 0 && n >= 1 && n <= BLS_AGGREGATE_KEYS_MAX,
    "bls aggregate: 1 to 128 public keys of 48 bytes",
  );
  ensureLength(signature, BLS_SIGNATURE_BYTES, "bls signature must be 96 bytes");
  return (
    dusk.bls_verify_aggregate(
      n,
      publicKeys.dataStart,
      message.dataStart,
      message.length,
      signature.dataStart,
    ) === 1
  );
}

/**
 * Groth16 over BN254: verifying key and proof in the encodings of docs/ZK.md, public inputs as
 * 32-byte field elements end to end (the ABI passes their count, so the length must divide).
 */
export function verifyGroth16(verifyingKey: Uint8Array, proof: Uint8Array, publicInputs: Uint8Array): bool {
  ensure(publicInputs.length % FIELD_BYTES === 0, "groth16: public inputs of 32 bytes each");
  return (
    dusk.verify_groth16(
      verifyingKey.dataStart,
      verifyingKey.length,
      proof.dataStart,
      proof.length,
      publicInputs.dataStart,
      publicInputs.length / FIELD_BYTES,
    ) === 1
  );
}

/** PLONK over BN254, arguments as for `verifyGroth16`. */
export function verifyPlonk(verifyingKey: Uint8Array, proof: Uint8Array, publicInputs: Uint8Array): bool {
  ensure(publicInputs.length % FIELD_BYTES === 0, "plonk: public inputs of 32 bytes each");
  return (
    dusk.verify_plonk(
      verifyingKey.dataStart,
      verifyingKey.length,
      proof.dataStart,
      proof.length,
      publicInputs.dataStart,
      publicInputs.length / FIELD_BYTES,
    ) === 1
  );
}
