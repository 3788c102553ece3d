/**
 * Groth16 verification over BN254 (Groth 2016, eprint 2016/260), the equation snarkjs checks:
 *
 *   e(A, B) = e(alpha, beta) * e(vk_x, gamma) * e(C, delta),  vk_x = IC[0] + sum_i x_i * IC[i+1]
 *
 * A prepared key keeps what every proof of that key shares: the Miller-loop line coefficients of
 * beta, gamma and delta, the inverse Miller value of (alpha, beta) and fixed-base tables for the
 * IC points. One verification is then three Miller loops (one shared squaring chain) and one final
 * exponentiation, plus the G2 subgroup check of B.
 *
 * Batches (docs/ZK.md "Batch"): n proofs of one key are checked with one final exponentiation by a
 * random linear combination with 128-bit weights r_i,
 *
 *   prod_i e(r_i A_i, B_i) * e(-sum_i r_i vk_x_i, gamma) * e(-sum_i r_i C_i, delta)
 *     * e(-(sum_i r_i) alpha, beta) = 1,
 *
 * which holds for valid proofs and, if any proof is invalid, fails except with probability
 * about 2^-128 over the weights. The weights are derived by hashing the key and every proof and
 * input (Fiat-Shamir style), optionally mixed with caller randomness: the pure core draws no
 * randomness, every node reaches the same decision for the same batch, and an attacker who wants
 * a bad proof to cancel must fix all proofs before the weights exist. When the combined check
 * fails, each proof is checked alone so the bad ones are named.
 */

import { interleavedMSMUnsafe, mulAddUnsafe } from "@noble/curves/abstract/curve.js";
import { bn254 } from "@noble/curves/bn254.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { ProtocolError } from "../../../protocol/errors.js";
import {
  checkCurveName,
  encodeInputs,
  Fp12,
  type Fp12Value,
  fail,
  G1,
  G1_BYTES,
  type G1Point,
  G2_BYTES,
  type G2Point,
  g1FromJson,
  g2FromJson,
  jsonObject,
  R_MODULUS,
  readG1,
  readG2,
  writeG1,
  writeG2,
} from "./curve.js";

/** Most public inputs a key may declare (IC has one more point); the limit is in the errors. */
export const MAX_PUBLIC_INPUTS = 1024;
/** Most proofs in one batch call. */
export const MAX_BATCH_PROOFS = 1024;

export interface Groth16Key {
  readonly nPublic: number;
  readonly alpha: G1Point;
  readonly beta: G2Point;
  readonly gamma: G2Point;
  readonly delta: G2Point;
  /** nPublic + 1 points. */
  readonly ic: readonly G1Point[];
}

export interface Groth16Proof {
  readonly a: G1Point;
  readonly b: G2Point;
  readonly c: G1Point;
}

type Lines = ReturnType<typeof bn254.utils.calcPairingPrecomputes>;
type MillerPair = [Lines, bigint, bigint];

export interface PreparedGroth16Key {
  readonly key: Groth16Key;
  /** Canonical binary encoding of the key (docs/ZK.md) and its SHA-256, the cache key. */
  readonly encoded: Uint8Array;
  readonly hash: Uint8Array;
  readonly betaLines: Lines;
  readonly gammaLines: Lines;
  readonly deltaLines: Lines;
  /** Miller loop of (alpha, beta), inverted: multiplying it in divides by e(alpha, beta). */
  readonly alphaBetaInv: Fp12Value;
  /** sum_i s_i * IC[i+1] over fixed-base tables. */
  readonly icMsm: (scalars: bigint[]) => G1Point;
}

export interface BatchItem {
  readonly proof: Groth16Proof;
  readonly inputs: readonly bigint[];
}

export interface BatchResult {
  /** True when every proof is valid. */
  readonly valid: boolean;
  /** Indices of invalid proofs (empty when `valid`). */
  readonly invalid: number[];
  /** Whether the one combined check decided it (false: it failed and proofs were checked alone). */
  readonly combined: boolean;
}

// ---------- parsing ----------

/** snarkjs `verification_key.json` with `"protocol": "groth16"`. */
export function groth16KeyFromJson(json: unknown): Groth16Key {
  const o = jsonObject(json, "verification key", "ZK_MALFORMED_VK");
  if (o.protocol !== "groth16") {
    fail("ZK_UNSUPPORTED", `verification key: protocol ${JSON.stringify(o.protocol)} is not groth16`);
  }
  checkCurveName(o.curve, "verification key");
  const ic = o.IC;
  if (!Array.isArray(ic) || ic.length < 1) fail("ZK_MALFORMED_VK", "vk.IC: expected a non-empty array");
  if (ic.length > MAX_PUBLIC_INPUTS + 1) {
    fail(
      "ZK_TOO_MANY_INPUTS",
      `vk.IC: ${ic.length - 1} public inputs exceed the limit of ${MAX_PUBLIC_INPUTS}`,
      {
        count: ic.length - 1,
        limit: MAX_PUBLIC_INPUTS,
      },
    );
  }
  if (o.nPublic !== undefined && o.nPublic !== ic.length - 1) {
    fail("ZK_MALFORMED_VK", `vk.nPublic (${String(o.nPublic)}) does not match IC (${ic.length - 1} inputs)`);
  }
  const code = "ZK_MALFORMED_VK";
  return {
    nPublic: ic.length - 1,
    alpha: g1FromJson(o.vk_alpha_1, "vk.vk_alpha_1", code, false),
    beta: g2FromJson(o.vk_beta_2, "vk.vk_beta_2", code),
    gamma: g2FromJson(o.vk_gamma_2, "vk.vk_gamma_2", code),
    delta: g2FromJson(o.vk_delta_2, "vk.vk_delta_2", code),
    ic: ic.map((p, i) => g1FromJson(p, `vk.IC[${i}]`, code, true)),
  };
}

/** snarkjs `proof.json` of a Groth16 proof. */
export function groth16ProofFromJson(json: unknown): Groth16Proof {
  const o = jsonObject(json, "proof", "ZK_MALFORMED_PROOF");
  if (o.protocol !== undefined && o.protocol !== "groth16") {
    fail("ZK_UNSUPPORTED", `proof: protocol ${JSON.stringify(o.protocol)} is not groth16`);
  }
  checkCurveName(o.curve, "proof");
  const code = "ZK_MALFORMED_PROOF";
  return {
    a: g1FromJson(o.pi_a, "proof.pi_a", code, false),
    b: g2FromJson(o.pi_b, "proof.pi_b", code),
    c: g1FromJson(o.pi_c, "proof.pi_c", code, false),
  };
}

// ---------- binary encoding (docs/ZK.md) ----------

const VK_FIXED_BYTES = G1_BYTES + 3 * G2_BYTES + 4;
export const GROTH16_PROOF_BYTES = 2 * G1_BYTES + G2_BYTES;

/** alpha (G1) | beta, gamma, delta (G2) | nPublic (u32 BE) | IC[0..nPublic] (G1). */
export function encodeGroth16Key(key: Groth16Key): Uint8Array {
  const out = new Uint8Array(VK_FIXED_BYTES + key.ic.length * G1_BYTES);
  writeG1(out, 0, key.alpha);
  writeG2(out, G1_BYTES, key.beta);
  writeG2(out, G1_BYTES + G2_BYTES, key.gamma);
  writeG2(out, G1_BYTES + 2 * G2_BYTES, key.delta);
  new DataView(out.buffer).setUint32(G1_BYTES + 3 * G2_BYTES, key.nPublic);
  key.ic.forEach((p, i) => {
    writeG1(out, VK_FIXED_BYTES + i * G1_BYTES, p);
  });
  return out;
}

export function decodeGroth16Key(bytes: Uint8Array): Groth16Key {
  const code = "ZK_MALFORMED_VK";
  if (bytes.length < VK_FIXED_BYTES + G1_BYTES) {
    fail(code, `groth16 vk: ${bytes.length} bytes, at least ${VK_FIXED_BYTES + G1_BYTES} needed`);
  }
  const nPublic = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(
    G1_BYTES + 3 * G2_BYTES,
  );
  if (nPublic > MAX_PUBLIC_INPUTS) {
    fail(
      "ZK_TOO_MANY_INPUTS",
      `groth16 vk: ${nPublic} public inputs exceed the limit of ${MAX_PUBLIC_INPUTS}`,
      {
        count: nPublic,
        limit: MAX_PUBLIC_INPUTS,
      },
    );
  }
  const expected = VK_FIXED_BYTES + (nPublic + 1) * G1_BYTES;
  if (bytes.length !== expected) {
    fail(code, `groth16 vk: ${bytes.length} bytes, ${expected} expected for ${nPublic} public inputs`);
  }
  const ic: G1Point[] = [];
  for (let i = 0; i <= nPublic; i++)
    ic.push(readG1(bytes, VK_FIXED_BYTES + i * G1_BYTES, `vk.IC[${i}]`, code, true));
  return {
    nPublic,
    alpha: readG1(bytes, 0, "vk.alpha", code, false),
    beta: readG2(bytes, G1_BYTES, "vk.beta", code),
    gamma: readG2(bytes, G1_BYTES + G2_BYTES, "vk.gamma", code),
    delta: readG2(bytes, G1_BYTES + 2 * G2_BYTES, "vk.delta", code),
    ic,
  };
}

/** A (G1) | B (G2) | C (G1): 256 bytes. */
export function encodeGroth16Proof(proof: Groth16Proof): Uint8Array {
  const out = new Uint8Array(GROTH16_PROOF_BYTES);
  writeG1(out, 0, proof.a);
  writeG2(out, G1_BYTES, proof.b);
  writeG1(out, G1_BYTES + G2_BYTES, proof.c);
  return out;
}

export function decodeGroth16Proof(bytes: Uint8Array): Groth16Proof {
  const code = "ZK_MALFORMED_PROOF";
  if (bytes.length !== GROTH16_PROOF_BYTES) {
    fail(code, `groth16 proof: ${bytes.length} bytes, ${GROTH16_PROOF_BYTES} expected`);
  }
  return {
    a: readG1(bytes, 0, "proof.A", code, false),
    b: readG2(bytes, G1_BYTES, "proof.B", code),
    c: readG1(bytes, G1_BYTES + G2_BYTES, "proof.C", code, false),
  };
}

// ---------- verification ----------

const lines = (p: G2Point): Lines => bn254.utils.calcPairingPrecomputes(p);

export function prepareGroth16(key: Groth16Key): PreparedGroth16Key {
  const encoded = encodeGroth16Key(key);
  const betaLines = lines(key.beta);
  const { x, y } = key.alpha.toAffine();
  const alphaBeta = bn254.millerLoopBatch([[betaLines, x, y]]);
  // IC points at infinity contribute nothing; the tables take the others with their input index.
  const live = key.ic
    .slice(1)
    .map((p, i) => ({ p, i }))
    .filter(({ p }) => !p.is0());
  const table =
    live.length > 0
      ? interleavedMSMUnsafe(
          G1,
          live.map(({ p }) => p),
          4,
        )
      : null;
  const icMsm = (scalars: bigint[]): G1Point =>
    table === null ? G1.ZERO : table(live.map(({ i }) => scalars[i]!));
  return {
    key,
    encoded,
    hash: sha256(encoded),
    betaLines,
    gammaLines: lines(key.gamma),
    deltaLines: lines(key.delta),
    alphaBetaInv: Fp12.inv(alphaBeta),
    icMsm,
  };
}

function checkInputs(prepared: PreparedGroth16Key, inputs: readonly bigint[]): void {
  if (inputs.length !== prepared.key.nPublic) {
    fail("ZK_WRONG_INPUT_COUNT", `expected ${prepared.key.nPublic} public inputs, got ${inputs.length}`, {
      expected: prepared.key.nPublic,
      got: inputs.length,
    });
  }
  for (let i = 0; i < inputs.length; i++) {
    const v = inputs[i]!;
    if (v < 0n || v >= R_MODULUS) fail("ZK_INPUT_NOT_CANONICAL", `public[${i}]: not below r`, { index: i });
  }
}

/** vk_x = IC[0] + sum x_i IC[i+1]. */
function linearCombination(prepared: PreparedGroth16Key, inputs: readonly bigint[]): G1Point {
  return prepared.key.ic[0]!.add(prepared.icMsm([...inputs]));
}

/** Adds (P, Q-lines) to the Miller pairs; a zero P contributes e(0, Q) = 1 and is skipped. */
function pushPair(pairs: MillerPair[], p: G1Point, q: Lines): void {
  if (p.is0()) return;
  const { x, y } = p.toAffine();
  pairs.push([q, x, y]);
}

/**
 * One proof against a prepared key. False for a proof that fails the equation; throws
 * ProtocolError (ZK_WRONG_INPUT_COUNT, ZK_INPUT_NOT_CANONICAL) for inputs that do not fit the key.
 */
export function verifyGroth16(
  prepared: PreparedGroth16Key,
  proof: Groth16Proof,
  inputs: readonly bigint[],
): boolean {
  checkInputs(prepared, inputs);
  const pairs: MillerPair[] = [];
  pushPair(pairs, proof.a, lines(proof.b));
  pushPair(pairs, linearCombination(prepared, inputs).negate(), prepared.gammaLines);
  pushPair(pairs, proof.c.negate(), prepared.deltaLines);
  const f = Fp12.mul(bn254.millerLoopBatch(pairs), prepared.alphaBetaInv);
  return Fp12.eql(Fp12.finalExponentiate(f), Fp12.ONE);
}

const BATCH_DOMAIN = new TextEncoder().encode("dusk-edge/groth16-batch/v1");

/**
 * Batch weights: r_i = low 128 bits of SHA-256(seed || i), never zero, where seed hashes the
 * domain, the key hash, the optional caller randomness and every proof with its inputs.
 */
export function batchWeights(
  prepared: PreparedGroth16Key,
  items: readonly BatchItem[],
  randomness?: Uint8Array,
): bigint[] {
  const h = sha256.create();
  h.update(BATCH_DOMAIN);
  h.update(prepared.hash);
  const extra = randomness ?? new Uint8Array(0);
  const len = new Uint8Array(4);
  new DataView(len.buffer).setUint32(0, extra.length);
  h.update(len);
  h.update(extra);
  for (const item of items) {
    h.update(encodeGroth16Proof(item.proof));
    new DataView(len.buffer).setUint32(0, item.inputs.length);
    h.update(len);
    h.update(encodeInputs(item.inputs));
  }
  const seed = h.digest();
  const weights: bigint[] = [];
  const buf = new Uint8Array(seed.length + 4);
  buf.set(seed);
  for (let i = 0; i < items.length; i++) {
    new DataView(buf.buffer).setUint32(seed.length, i);
    const d = sha256(buf);
    let r = 0n;
    for (let j = 0; j < 16; j++) r = (r << 8n) | BigInt(d[j]!);
    weights.push(r === 0n ? 1n : r);
  }
  return weights;
}

/**
 * Many proofs of one key with one final exponentiation; on failure each proof is checked alone
 * to name the invalid ones. Inputs are checked first (a wrong count or a non-canonical input
 * throws, naming the item). `randomness`, if given, is mixed into the derived weights.
 */
export function verifyGroth16Batch(
  prepared: PreparedGroth16Key,
  items: readonly BatchItem[],
  options: { randomness?: Uint8Array } = {},
): BatchResult {
  if (items.length > MAX_BATCH_PROOFS) {
    fail("ZK_BATCH_TOO_LARGE", `batch of ${items.length} proofs exceeds the limit of ${MAX_BATCH_PROOFS}`, {
      count: items.length,
      limit: MAX_BATCH_PROOFS,
    });
  }
  items.forEach((item, index) => {
    try {
      checkInputs(prepared, item.inputs);
    } catch (e) {
      if (e instanceof ProtocolError)
        throw new ProtocolError(e.code, `batch item ${index}: ${e.message}`, { ...e.data, index });
      throw e;
    }
  });
  if (items.length === 0) return { valid: true, invalid: [], combined: true };
  if (items.length === 1) {
    const ok = verifyGroth16(prepared, items[0]!.proof, items[0]!.inputs);
    return { valid: ok, invalid: ok ? [] : [0], combined: true };
  }
  const r = batchWeights(prepared, items, options.randomness);
  const n = prepared.key.nPublic;
  // sum_i r_i vk_x_i = (sum r_i) IC[0] + sum_j (sum_i r_i x_ij) IC[j+1]: one MSM over IC.
  let rSum = 0n;
  const combinedInputs = new Array<bigint>(n).fill(0n);
  const pairs: MillerPair[] = [];
  items.forEach((item, i) => {
    const ri = r[i]!;
    rSum += ri;
    for (let j = 0; j < n; j++) combinedInputs[j] = (combinedInputs[j]! + ri * item.inputs[j]!) % R_MODULUS;
    // Strauss-Shamir (mulAddUnsafe) is faster than multiplyUnsafe for a one-off point.
    pushPair(pairs, mulAddUnsafe(G1, [item.proof.a], [ri]), lines(item.proof.b));
  });
  rSum %= R_MODULUS;
  const vkx = prepared.key.ic[0]!.multiplyUnsafe(rSum).add(prepared.icMsm(combinedInputs));
  // sum_i r_i C_i as one multi-scalar multiplication (one shared doubling chain).
  const cSum = mulAddUnsafe(
    G1,
    items.map((item) => item.proof.c),
    r,
  );
  pushPair(pairs, vkx.negate(), prepared.gammaLines);
  pushPair(pairs, cSum.negate(), prepared.deltaLines);
  pushPair(pairs, prepared.key.alpha.multiplyUnsafe(rSum).negate(), prepared.betaLines);
  const ok = Fp12.eql(Fp12.finalExponentiate(bn254.millerLoopBatch(pairs)), Fp12.ONE);
  if (ok) return { valid: true, invalid: [], combined: true };
  const invalid: number[] = [];
  items.forEach((item, i) => {
    if (!verifyGroth16(prepared, item.proof, item.inputs)) invalid.push(i);
  });
  return { valid: invalid.length === 0, invalid, combined: false };
}
