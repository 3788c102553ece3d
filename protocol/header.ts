/**
 * Block headers. The header carries the attestation of its parent (Succinct Attestation: a
 * block's own attestation only exists after it is ratified, so the child carries it), the
 * failure attestations of the earlier iterations of its round (so every node derives the same
 * Attested/Accepted label from the header alone; "relaxed mode": only the first
 * `relaxIterations` are carried), and a seed that is the generator's BLS signature over the
 * parent's seed: unpredictable before the generator signs, verifiable by everyone, and the
 * input of the next round's sortition.
 */

import { type Attestation, readAttestation, writeAttestation } from "./attestation.js";
import { BLS_PUBLIC_KEY_BYTES, BLS_SIGNATURE_BYTES } from "./bls.js";
import { type Reader, Writer } from "./codec.js";
import { ProtocolError } from "./errors.js";
import { domainHash, HASH_BYTES } from "./hash.js";
import { LIMITS } from "./params.js";

export const BLOCK_VERSION = 1;

export interface BlockHeader {
  readonly version: number;
  readonly height: number;
  readonly timestampMs: number;
  readonly prevHash: Uint8Array;
  readonly seed: Uint8Array;
  readonly generator: Uint8Array;
  readonly txRoot: Uint8Array;
  readonly stateRoot: Uint8Array;
  /** Merkle root over the encodings of the block's fault proofs. */
  readonly faultRoot: Uint8Array;
  readonly gasUsed: bigint;
  readonly iteration: number;
  /** The parent's attestation; absent only on the block after genesis (genesis has none). */
  readonly prevAttestation: Attestation | null;
  /**
   * Entry i: the failure attestation of iteration i of this round, or null when the generator
   * holds none. Exactly min(iteration, relaxIterations) entries.
   */
  readonly failedIterations: readonly (Attestation | null)[];
  /** Generator's BLS signature over the header hash. */
  readonly signature: Uint8Array;
}

function writeOptionalAttestation(w: Writer, a: Attestation | null): void {
  if (a === null) w.u8(0);
  else writeAttestation(w.u8(1), a);
}

function readOptionalAttestation(r: Reader, what: string): Attestation | null {
  const flag = r.u8(`${what} flag`);
  if (flag > 1)
    throw new ProtocolError("DECODE_INVALID_VALUE", `${what} flag must be 0 or 1, got ${flag}`, { flag });
  return flag === 1 ? readAttestation(r) : null;
}

function writeHeaderBody(w: Writer, h: Omit<BlockHeader, "signature">): void {
  w.u8(h.version).u64(BigInt(h.height)).u64(BigInt(h.timestampMs));
  w.fixed(h.prevHash, HASH_BYTES).fixed(h.seed, BLS_SIGNATURE_BYTES).fixed(h.generator, BLS_PUBLIC_KEY_BYTES);
  w.fixed(h.txRoot, HASH_BYTES).fixed(h.stateRoot, HASH_BYTES).fixed(h.faultRoot, HASH_BYTES);
  w.u64(h.gasUsed).u8(h.iteration);
  writeOptionalAttestation(w, h.prevAttestation);
  w.list(h.failedIterations, LIMITS.failedIterations, writeOptionalAttestation);
}

export function writeHeader(w: Writer, h: BlockHeader): void {
  writeHeaderBody(w, h);
  w.fixed(h.signature, BLS_SIGNATURE_BYTES);
}

export function readHeader(r: Reader): BlockHeader {
  const version = r.u8("block version");
  if (version !== BLOCK_VERSION)
    throw new ProtocolError("DECODE_INVALID_VALUE", `unknown block version ${version}`, { version });
  const height = r.safeU64("height");
  const timestampMs = r.safeU64("timestamp");
  const prevHash = r.fixed(HASH_BYTES, "prev hash");
  const seed = r.fixed(BLS_SIGNATURE_BYTES, "seed");
  const generator = r.fixed(BLS_PUBLIC_KEY_BYTES, "generator");
  const txRoot = r.fixed(HASH_BYTES, "tx root");
  const stateRoot = r.fixed(HASH_BYTES, "state root");
  const faultRoot = r.fixed(HASH_BYTES, "fault root");
  const gasUsed = r.u64("gas used");
  const iteration = r.u8("iteration");
  const prevAttestation = readOptionalAttestation(r, "attestation");
  const failedIterations = r.list(LIMITS.failedIterations, 1, "failed iterations", (rr) =>
    readOptionalAttestation(rr, "failed iteration"),
  );
  const signature = r.fixed(BLS_SIGNATURE_BYTES, "header signature");
  return {
    version,
    height,
    timestampMs,
    prevHash,
    seed,
    generator,
    txRoot,
    stateRoot,
    faultRoot,
    gasUsed,
    iteration,
    prevAttestation,
    failedIterations,
    signature,
  };
}

export function encodeHeader(h: BlockHeader): Uint8Array {
  const w = new Writer(768);
  writeHeader(w, h);
  return w.finish();
}

/** Header hash: everything but the generator's signature (which signs this hash). */
export function headerHash(h: Omit<BlockHeader, "signature">): Uint8Array {
  const w = new Writer(768);
  writeHeaderBody(w, h);
  return domainHash("header", w.finish());
}
