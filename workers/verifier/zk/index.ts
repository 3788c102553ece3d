/**
 * Zero-knowledge proof verification (issue 6, docs/ZK.md): Groth16 and PLONK over BN254 for
 * snarkjs's JSON files and for the compact binary encoding that contracts pass to the
 * `verify_groth16` / `verify_plonk` host functions. Pure: no runtime, clock or randomness.
 *
 * Every entry point returns a boolean for a well-formed proof (true only if the pairing check
 * holds) and throws only `ProtocolError` with a `ZK_*` code for input it refuses; an unexpected
 * internal exception is converted to a `ProtocolError` too, so nothing else escapes.
 *
 * @example
 * const ok = verifySnarkjs({ vk, proof, publicSignals }); // true | false, or throws ProtocolError
 */

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { ProtocolError, type ProtocolErrorCode } from "../../../protocol/errors.js";
import { fail, inputsFromBytes, inputsFromJson, jsonObject } from "./curve.js";
import {
  type BatchResult,
  decodeGroth16Key,
  decodeGroth16Proof,
  type Groth16Proof,
  groth16KeyFromJson,
  groth16ProofFromJson,
  MAX_BATCH_PROOFS,
  MAX_PUBLIC_INPUTS,
  type PreparedGroth16Key,
  prepareGroth16,
  verifyGroth16,
  verifyGroth16Batch,
} from "./groth16.js";
import {
  decodePlonkKey,
  decodePlonkProof,
  type PreparedPlonkKey,
  plonkKeyFromJson,
  plonkProofFromJson,
  preparePlonk,
  verifyPlonk,
} from "./plonk.js";

export type ZkProtocol = "groth16" | "plonk";
export { MAX_BATCH_PROOFS, MAX_PUBLIC_INPUTS };

/** Runs `fn`; any exception that is not a ProtocolError becomes one with `code`. */
export function guard<T>(code: ProtocolErrorCode, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProtocolError) throw e;
    throw new ProtocolError(code, `internal error: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Least-recently-used map with a fixed capacity (STYLE.md rule 7: every cache bounded). */
export class LruCache<V> {
  private readonly map = new Map<string, V>();
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError("capacity must be a positive integer");
  }
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as string);
  }
  get size(): number {
    return this.map.size;
  }
}

/**
 * Prepared keys, looked up before any parsing: binary keys by the SHA-256 of their bytes (the
 * encoding is canonical, so one key has one entry), JSON keys by the SHA-256 of their
 * `JSON.stringify` text (another spelling of the same key is only a miss). A key that does not
 * parse is never cached.
 */
export class PreparedKeyCache {
  private readonly entries: LruCache<PreparedGroth16Key | PreparedPlonkKey>;
  /** Number of prepare calls (cache misses), for tests and metrics. */
  prepared = 0;

  constructor(capacity = 64) {
    this.entries = new LruCache(capacity);
  }

  groth16FromJson(json: unknown): PreparedGroth16Key {
    return this.lookup(`g16j:${textHash(json)}`, () => prepareGroth16(groth16KeyFromJson(json)));
  }

  groth16FromBytes(bytes: Uint8Array): PreparedGroth16Key {
    return this.lookup(`g16b:${bytesToHex(sha256(bytes))}`, () => prepareGroth16(decodeGroth16Key(bytes)));
  }

  plonkFromJson(json: unknown): PreparedPlonkKey {
    return this.lookup(`plkj:${textHash(json)}`, () => preparePlonk(plonkKeyFromJson(json)));
  }

  plonkFromBytes(bytes: Uint8Array): PreparedPlonkKey {
    return this.lookup(`plkb:${bytesToHex(sha256(bytes))}`, () => preparePlonk(decodePlonkKey(bytes)));
  }

  private lookup<P extends PreparedGroth16Key | PreparedPlonkKey>(id: string, make: () => P): P {
    const hit = this.entries.get(id);
    if (hit) return hit as P;
    const p = guard("ZK_MALFORMED_VK", make);
    this.prepared++;
    this.entries.set(id, p);
    return p;
  }
}

/** SHA-256 of the key's JSON text; a value JSON cannot print (a cycle, a BigInt) is a malformed key. */
function textHash(json: unknown): string {
  return guard("ZK_MALFORMED_VK", () =>
    bytesToHex(sha256(new TextEncoder().encode(JSON.stringify(json) ?? "undefined"))),
  );
}

/** The process-wide default cache used when none is passed. */
export const defaultKeyCache = new PreparedKeyCache();

/** `vk.protocol` of a snarkjs verification key, or ZK_UNSUPPORTED. */
export function protocolOf(vk: unknown): ZkProtocol {
  const o = jsonObject(vk, "verification key", "ZK_MALFORMED_VK");
  if (o.protocol === "groth16" || o.protocol === "plonk") return o.protocol;
  return fail("ZK_UNSUPPORTED", `verification key: protocol ${JSON.stringify(o.protocol)} is not supported`, {
    protocol: String(o.protocol),
  });
}

export interface SnarkjsInput {
  vk: unknown;
  proof: unknown;
  publicSignals: unknown;
  /** Defaults to `vk.protocol`; when given it must match it. */
  protocol?: ZkProtocol | "auto";
}

/** Verifies snarkjs JSON (verification_key.json, proof.json, public.json). */
export function verifySnarkjs(input: SnarkjsInput, cache: PreparedKeyCache = defaultKeyCache): boolean {
  return guard("ZK_MALFORMED_PROOF", () => {
    const declared = protocolOf(input.vk);
    if (input.protocol !== undefined && input.protocol !== "auto" && input.protocol !== declared) {
      fail("ZK_UNSUPPORTED", `--protocol ${input.protocol} but the verification key is ${declared}`);
    }
    if (declared === "groth16") {
      const prepared = cache.groth16FromJson(input.vk);
      const proof = groth16ProofFromJson(input.proof);
      const inputs = inputsFromJson(input.publicSignals, MAX_PUBLIC_INPUTS);
      return verifyGroth16(prepared, proof, inputs);
    }
    const prepared = cache.plonkFromJson(input.vk);
    const proof = plonkProofFromJson(input.proof);
    const inputs = inputsFromJson(input.publicSignals, MAX_PUBLIC_INPUTS);
    return verifyPlonk(prepared, proof, inputs);
  });
}

function checkInputBytes(inputs: Uint8Array): number {
  if (inputs.length % 32 !== 0)
    fail("ZK_MALFORMED_INPUT", `public inputs: ${inputs.length} bytes is not a multiple of 32`);
  return inputs.length / 32;
}

/**
 * Binary Groth16 (docs/ZK.md "Binary encoding"): `vk` and `proof` canonical encodings, `inputs`
 * n x 32-byte big-endian scalars. The host function `verify_groth16` maps true to 1, false to 0.
 */
export function verifyGroth16Binary(
  vk: Uint8Array,
  proof: Uint8Array,
  inputs: Uint8Array,
  cache: PreparedKeyCache = defaultKeyCache,
): boolean {
  return guard("ZK_MALFORMED_PROOF", () => {
    const n = checkInputBytes(inputs);
    const key = cache.groth16FromBytes(vk);
    const p = decodeGroth16Proof(proof);
    return verifyGroth16(key, p, inputsFromBytes(inputs, n, MAX_PUBLIC_INPUTS));
  });
}

/** Binary PLONK, as `verifyGroth16Binary`. */
export function verifyPlonkBinary(
  vk: Uint8Array,
  proof: Uint8Array,
  inputs: Uint8Array,
  cache: PreparedKeyCache = defaultKeyCache,
): boolean {
  return guard("ZK_MALFORMED_PROOF", () => {
    const n = checkInputBytes(inputs);
    const key = cache.plonkFromBytes(vk);
    const p = decodePlonkProof(proof);
    return verifyPlonk(key, p, inputsFromBytes(inputs, n, MAX_PUBLIC_INPUTS));
  });
}

export interface Groth16BatchInput {
  /** Binary verification key (docs/ZK.md). */
  vk: Uint8Array;
  /** Binary proofs with their inputs (n x 32 bytes each). */
  items: { proof: Uint8Array; inputs: Uint8Array }[];
  /** Optional caller randomness mixed into the batch weights. */
  randomness?: Uint8Array;
}

export interface Groth16BatchOutcome extends BatchResult {
  /** Items refused before any pairing (malformed proof or inputs), by index, with their code. */
  readonly malformed: { index: number; code: ProtocolErrorCode; message: string }[];
}

/**
 * A batch of binary Groth16 proofs of one key: malformed items are reported with their code and
 * counted invalid; the rest go through one combined check (docs/ZK.md "Batch"). A malformed key
 * throws.
 */
export function verifyGroth16BatchBinary(
  input: Groth16BatchInput,
  cache: PreparedKeyCache = defaultKeyCache,
): Groth16BatchOutcome {
  return guard("ZK_MALFORMED_PROOF", () => {
    if (input.items.length > MAX_BATCH_PROOFS) {
      fail(
        "ZK_BATCH_TOO_LARGE",
        `batch of ${input.items.length} proofs exceeds the limit of ${MAX_BATCH_PROOFS}`,
        {
          count: input.items.length,
          limit: MAX_BATCH_PROOFS,
        },
      );
    }
    const key = cache.groth16FromBytes(input.vk);
    const malformed: Groth16BatchOutcome["malformed"] = [];
    const ok: { index: number; proof: Groth16Proof; inputs: bigint[] }[] = [];
    input.items.forEach((item, index) => {
      try {
        const n = checkInputBytes(item.inputs);
        const inputs = inputsFromBytes(item.inputs, n, MAX_PUBLIC_INPUTS);
        if (n !== key.key.nPublic) {
          fail("ZK_WRONG_INPUT_COUNT", `expected ${key.key.nPublic} public inputs, got ${n}`);
        }
        ok.push({ index, proof: decodeGroth16Proof(item.proof), inputs });
      } catch (e) {
        const err = e instanceof ProtocolError ? e : new ProtocolError("ZK_MALFORMED_PROOF", String(e));
        malformed.push({ index, code: err.code, message: err.message });
      }
    });
    const batch = verifyGroth16Batch(key, ok, input.randomness ? { randomness: input.randomness } : {});
    const invalid = [...malformed.map((m) => m.index), ...batch.invalid.map((i) => ok[i]!.index)].sort(
      (a, b) => a - b,
    );
    return { valid: invalid.length === 0, invalid, combined: batch.combined, malformed };
  });
}
