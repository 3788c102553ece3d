/**
 * Shielded transactions (issue 6, docs/SHIELDED.md): what they carry and the public inputs their
 * Groth16 proofs are checked against. The circuits are circuits/notes.circom:
 *
 * - ShieldedDeposit (an account pays `amount` into a new note): public [commitment, value].
 *   Signed by the depositing account like any account transaction; the proof shows the
 *   commitment holds exactly `amount` (< 2^64) without revealing owner or blinding.
 * - ShieldedTransfer (two notes in, two out, a public fee and an optional public withdrawal):
 *   public [root, nullifier0, nullifier1, commitment0, commitment1, fee, withdrawal, binding].
 *   No account pays: the fee comes out of the notes. `from` is a one-time Ed25519 key made by the
 *   wallet for this transaction and `binding` (a field element) commits to it together with the
 *   chain id, the withdrawal recipient and both encrypted notes, so the proof is valid for this
 *   exact transaction only: nobody can swap the encrypted notes, redirect the withdrawal or replay
 *   the proof on another chain (Zcash's joinSplitPubKey binding, Sapling's binding signature).
 *
 * Field elements travel as 32-byte big-endian values, which must be canonical (below r).
 */

import { concatBytes } from "./bytes.js";
import { Writer } from "./codec.js";
import { CONTRACT_GAS } from "./contract-gas.js";
import { ProtocolError } from "./errors.js";
import { domainHash } from "./hash.js";
import { POSEIDON_MODULUS } from "./poseidon.js";

export const FIELD_ELEMENT_BYTES = 32;
/** Groth16 proof, binary (docs/ZK.md): A (G1, 64) ‖ B (G2, 128) ‖ C (G1, 64). */
export const SHIELDED_PROOF_BYTES = 256;
/**
 * Encrypted note: ephemeral X25519 public key (32) ‖ AES-256-GCM of value (u64) ‖ blinding (32)
 * with its 16-byte tag. Fixed size, so outputs cannot be told apart by length.
 */
export const ENCRYPTED_NOTE_BYTES = 32 + 8 + 32 + 16;
/** Inputs and outputs of one shielded transfer (the circuit's fixed shape). */
export const SHIELDED_ARITY = 2;

const NOTE_APPEND_GAS = 20 * 2 * CONTRACT_GAS.poseidonPerElement;
const proofGas = (publicInputs: number) =>
  CONTRACT_GAS.zkVerify + publicInputs * CONTRACT_GAS.zkVerifyPerInput;

/**
 * Gas of shielded transactions (docs/SHIELDED.md): the transaction base, the proof check priced as
 * the VM's verify_groth16, 40 Poseidon elements per note appended, a storage write per nullifier.
 */
export const SHIELDED_GAS = {
  deposit: BigInt(CONTRACT_GAS.txBase + proofGas(2) + NOTE_APPEND_GAS),
  transfer: BigInt(CONTRACT_GAS.txBase + proofGas(8) + 2 * NOTE_APPEND_GAS + 2 * CONTRACT_GAS.storageSet),
} as const;

export function fieldToBytes(x: bigint): Uint8Array {
  if (x < 0n || x >= POSEIDON_MODULUS) throw new RangeError("not a field element");
  const out = new Uint8Array(FIELD_ELEMENT_BYTES);
  let v = x;
  for (let i = FIELD_ELEMENT_BYTES - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function bytesToBigint(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** A 32-byte value that must be a canonical field element (below r); `what` names it in errors. */
export function readFieldElement(bytes: Uint8Array, what: string): bigint {
  const v = bytesToBigint(bytes);
  if (bytes.length !== FIELD_ELEMENT_BYTES || v >= POSEIDON_MODULUS) {
    throw new ProtocolError("TX_MALFORMED", `${what} is not a canonical field element (below r)`, {
      field: what,
    });
  }
  return v;
}

/** A hash reduced into the field: used where a public input must commit to arbitrary bytes. */
export function hashToField(domain: string, data: Uint8Array): bigint {
  return bytesToBigint(domainHash(domain, data)) % POSEIDON_MODULUS;
}

/**
 * The transfer proof's `binding` input: commits to everything the transaction carries that is
 * not already a public input (docs/SHIELDED.md, "Binding").
 */
export function shieldedBinding(
  chainId: string,
  oneTimeKey: Uint8Array,
  recipient: Uint8Array,
  encryptedNotes: readonly Uint8Array[],
): bigint {
  const w = new Writer(256);
  w.bytes(new TextEncoder().encode(chainId), 64).fixed(oneTimeKey, 32).fixed(recipient, 32);
  for (const note of encryptedNotes) w.fixed(note, ENCRYPTED_NOTE_BYTES);
  return hashToField("shielded-binding", w.finish());
}

/** Public inputs of a deposit proof, 32 bytes each, in the circuit's order. */
export function depositPublicInputs(commitment: Uint8Array, value: bigint): Uint8Array {
  return concatBytes(commitment, fieldToBytes(value));
}

export interface TransferPublic {
  readonly root: Uint8Array;
  readonly nullifiers: readonly Uint8Array[];
  readonly commitments: readonly Uint8Array[];
  readonly fee: bigint;
  readonly withdrawal: bigint;
  readonly binding: bigint;
}

/** Public inputs of a transfer proof, 32 bytes each, in the circuit's order. */
export function transferPublicInputs(p: TransferPublic): Uint8Array {
  return concatBytes(
    p.root,
    ...p.nullifiers,
    ...p.commitments,
    fieldToBytes(p.fee),
    fieldToBytes(p.withdrawal),
    fieldToBytes(p.binding),
  );
}
