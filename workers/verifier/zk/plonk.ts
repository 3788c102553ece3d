/**
 * PLONK verification over BN254 for snarkjs's variant (Gabizon, Williamson, Ciobotaru 2019,
 * eprint 2019/953, as snarkjs 0.7 implements it): KZG commitments, a Keccak-256 Fiat-Shamir
 * transcript, three wire polynomials, custom-gate-free arithmetisation with selectors
 * Qm, Ql, Qr, Qo, Qc and permutation polynomials S1, S2, S3 (cosets k1, k2).
 *
 * The verifier recomputes the challenges beta, gamma, alpha, xi, v, u from the transcript exactly
 * as snarkjs does (points as 64-byte big-endian x || y, infinity as 64 zero bytes; scalars as
 * 32-byte big-endian; challenge = keccak256(bytes) mod r), folds every commitment into one
 * multi-scalar multiplication and ends with one two-pairing check
 *
 *   e(-(Wxi + u Wxiw), X_2) * e(xi Wxi + u xi w Wxiw + F - E, G2) = 1.
 *
 * A prepared key keeps the transcript bytes of the key, the powers of the domain generator for
 * the Lagrange terms and the Miller-loop lines of X_2 and of the G2 generator.
 */

import { pippenger } from "@noble/curves/abstract/curve.js";
import { bn254 } from "@noble/curves/bn254.js";
import { sha256 } from "@noble/hashes/sha2.js";
import { keccak_256 } from "@noble/hashes/sha3.js";
import {
  checkCurveName,
  FIELD_BYTES,
  Fp12,
  fail,
  G1,
  G1_BYTES,
  type G1Point,
  G2,
  G2_BYTES,
  type G2Point,
  g1FromJson,
  g2FromJson,
  jsonObject,
  parseDecimal,
  R_MODULUS,
  readField,
  readG1,
  readG2,
  writeField,
  writeG1,
  writeG2,
} from "./curve.js";
import { MAX_PUBLIC_INPUTS } from "./groth16.js";

const Fr = bn254.fields.Fr;
/** BN254's scalar field has 2-adicity 28: no larger evaluation domain exists. */
export const MAX_DOMAIN_POWER = 28;

export interface PlonkKey {
  readonly nPublic: number;
  /** Domain size is 2^power. */
  readonly power: number;
  readonly k1: bigint;
  readonly k2: bigint;
  readonly Qm: G1Point;
  readonly Ql: G1Point;
  readonly Qr: G1Point;
  readonly Qo: G1Point;
  readonly Qc: G1Point;
  readonly S1: G1Point;
  readonly S2: G1Point;
  readonly S3: G1Point;
  readonly X2: G2Point;
}

export interface PlonkProof {
  readonly A: G1Point;
  readonly B: G1Point;
  readonly C: G1Point;
  readonly Z: G1Point;
  readonly T1: G1Point;
  readonly T2: G1Point;
  readonly T3: G1Point;
  readonly Wxi: G1Point;
  readonly Wxiw: G1Point;
  readonly evalA: bigint;
  readonly evalB: bigint;
  readonly evalC: bigint;
  readonly evalS1: bigint;
  readonly evalS2: bigint;
  readonly evalZw: bigint;
}

const KEY_POINTS = ["Qm", "Ql", "Qr", "Qo", "Qc", "S1", "S2", "S3"] as const;
const PROOF_POINTS = ["A", "B", "C", "Z", "T1", "T2", "T3", "Wxi", "Wxiw"] as const;
const PROOF_EVALS = [
  ["evalA", "eval_a"],
  ["evalB", "eval_b"],
  ["evalC", "eval_c"],
  ["evalS1", "eval_s1"],
  ["evalS2", "eval_s2"],
  ["evalZw", "eval_zw"],
] as const;

/** Generator of the order-2^power subgroup of Fr*, as ffjavascript derives it (5 is the least non-residue). */
export function rootOfUnity(power: number): bigint {
  const t = (R_MODULUS - 1n) >> BigInt(MAX_DOMAIN_POWER);
  let w = Fr.pow(5n, t);
  for (let i = MAX_DOMAIN_POWER; i > power; i--) w = Fr.sqr(w);
  return w;
}

// ---------- parsing ----------

function smallInt(
  value: unknown,
  min: number,
  max: number,
  path: string,
  limitCode: "ZK_MALFORMED_VK" | "ZK_TOO_MANY_INPUTS",
): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    fail("ZK_MALFORMED_VK", `${path}: expected an integer >= ${min}`);
  }
  if (value > max)
    fail(limitCode, `${path}: ${value} exceeds the limit of ${max}`, { count: value, limit: max });
  return value;
}

/** snarkjs `verification_key.json` with `"protocol": "plonk"`. */
export function plonkKeyFromJson(json: unknown): PlonkKey {
  const o = jsonObject(json, "verification key", "ZK_MALFORMED_VK");
  if (o.protocol !== "plonk") {
    fail("ZK_UNSUPPORTED", `verification key: protocol ${JSON.stringify(o.protocol)} is not plonk`);
  }
  checkCurveName(o.curve, "verification key");
  const code = "ZK_MALFORMED_VK";
  const nPublic = smallInt(o.nPublic, 0, MAX_PUBLIC_INPUTS, "vk.nPublic", "ZK_TOO_MANY_INPUTS");
  const power = smallInt(o.power, 1, MAX_DOMAIN_POWER, "vk.power", "ZK_MALFORMED_VK");
  const points = Object.fromEntries(
    KEY_POINTS.map((k) => [k, g1FromJson(o[k], `vk.${k}`, code, true)]),
  ) as Record<(typeof KEY_POINTS)[number], G1Point>;
  const key: PlonkKey = {
    nPublic,
    power,
    k1: parseDecimal(o.k1, R_MODULUS, "vk.k1", code),
    k2: parseDecimal(o.k2, R_MODULUS, "vk.k2", code),
    ...points,
    X2: g2FromJson(o.X_2, "vk.X_2", code),
  };
  if (o.w !== undefined && parseDecimal(o.w, R_MODULUS, "vk.w", code) !== rootOfUnity(power)) {
    fail(code, "vk.w: not the 2^power-th root of unity snarkjs uses");
  }
  return key;
}

/** snarkjs `proof.json` of a PLONK proof. */
export function plonkProofFromJson(json: unknown): PlonkProof {
  const o = jsonObject(json, "proof", "ZK_MALFORMED_PROOF");
  if (o.protocol !== undefined && o.protocol !== "plonk") {
    fail("ZK_UNSUPPORTED", `proof: protocol ${JSON.stringify(o.protocol)} is not plonk`);
  }
  checkCurveName(o.curve, "proof");
  const code = "ZK_MALFORMED_PROOF";
  const points = Object.fromEntries(
    PROOF_POINTS.map((k) => [k, g1FromJson(o[k], `proof.${k}`, code, true)]),
  ) as Record<(typeof PROOF_POINTS)[number], G1Point>;
  const evals = Object.fromEntries(
    PROOF_EVALS.map(([k, j]) => [k, parseDecimal(o[j], R_MODULUS, `proof.${j}`, code)]),
  ) as Record<(typeof PROOF_EVALS)[number][0], bigint>;
  return { ...points, ...evals };
}

// ---------- binary encoding (docs/ZK.md) ----------

const VK_BYTES = 1 + 4 + 2 * FIELD_BYTES + KEY_POINTS.length * G1_BYTES + G2_BYTES;
export const PLONK_PROOF_BYTES = PROOF_POINTS.length * G1_BYTES + PROOF_EVALS.length * FIELD_BYTES;

/** power (u8) | nPublic (u32 BE) | k1 | k2 | Qm Ql Qr Qo Qc S1 S2 S3 (G1) | X_2 (G2): 709 bytes. */
export function encodePlonkKey(key: PlonkKey): Uint8Array {
  const out = new Uint8Array(VK_BYTES);
  out[0] = key.power;
  new DataView(out.buffer).setUint32(1, key.nPublic);
  writeField(out, 5, key.k1);
  writeField(out, 5 + FIELD_BYTES, key.k2);
  let o = 5 + 2 * FIELD_BYTES;
  for (const k of KEY_POINTS) {
    writeG1(out, o, key[k]);
    o += G1_BYTES;
  }
  writeG2(out, o, key.X2);
  return out;
}

export function decodePlonkKey(bytes: Uint8Array): PlonkKey {
  const code = "ZK_MALFORMED_VK";
  if (bytes.length !== VK_BYTES) fail(code, `plonk vk: ${bytes.length} bytes, ${VK_BYTES} expected`);
  const power = bytes[0]!;
  if (power < 1 || power > MAX_DOMAIN_POWER)
    fail(code, `plonk vk: power ${power} outside 1..${MAX_DOMAIN_POWER}`);
  const nPublic = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(1);
  if (nPublic > MAX_PUBLIC_INPUTS) {
    fail(
      "ZK_TOO_MANY_INPUTS",
      `plonk vk: ${nPublic} public inputs exceed the limit of ${MAX_PUBLIC_INPUTS}`,
      {
        count: nPublic,
        limit: MAX_PUBLIC_INPUTS,
      },
    );
  }
  let o = 5 + 2 * FIELD_BYTES;
  const points = {} as Record<(typeof KEY_POINTS)[number], G1Point>;
  for (const k of KEY_POINTS) {
    points[k] = readG1(bytes, o, `vk.${k}`, code, true);
    o += G1_BYTES;
  }
  return {
    nPublic,
    power,
    k1: readField(bytes, 5, R_MODULUS, "vk.k1", code),
    k2: readField(bytes, 5 + FIELD_BYTES, R_MODULUS, "vk.k2", code),
    ...points,
    X2: readG2(bytes, o, "vk.X_2", code),
  };
}

/** A B C Z T1 T2 T3 Wxi Wxiw (G1) | eval_a eval_b eval_c eval_s1 eval_s2 eval_zw: 768 bytes. */
export function encodePlonkProof(proof: PlonkProof): Uint8Array {
  const out = new Uint8Array(PLONK_PROOF_BYTES);
  let o = 0;
  for (const k of PROOF_POINTS) {
    writeG1(out, o, proof[k]);
    o += G1_BYTES;
  }
  for (const [k] of PROOF_EVALS) {
    writeField(out, o, proof[k]);
    o += FIELD_BYTES;
  }
  return out;
}

export function decodePlonkProof(bytes: Uint8Array): PlonkProof {
  const code = "ZK_MALFORMED_PROOF";
  if (bytes.length !== PLONK_PROOF_BYTES)
    fail(code, `plonk proof: ${bytes.length} bytes, ${PLONK_PROOF_BYTES} expected`);
  let o = 0;
  const points = {} as Record<(typeof PROOF_POINTS)[number], G1Point>;
  for (const k of PROOF_POINTS) {
    points[k] = readG1(bytes, o, `proof.${k}`, code, true);
    o += G1_BYTES;
  }
  const evals = {} as Record<(typeof PROOF_EVALS)[number][0], bigint>;
  for (const [k, j] of PROOF_EVALS) {
    evals[k] = readField(bytes, o, R_MODULUS, `proof.${j}`, code);
    o += FIELD_BYTES;
  }
  return { ...points, ...evals };
}

// ---------- verification ----------

type Lines = ReturnType<typeof bn254.utils.calcPairingPrecomputes>;

export interface PreparedPlonkKey {
  readonly key: PlonkKey;
  readonly encoded: Uint8Array;
  readonly hash: Uint8Array;
  /** Transcript bytes of Qm..S3 (the first items of the beta challenge). */
  readonly transcriptPrefix: Uint8Array;
  /** w^0 .. w^(max(1, nPublic) - 1) for the Lagrange terms L_1 .. L_n. */
  readonly omegas: readonly bigint[];
  readonly omega: bigint;
  readonly domainSize: bigint;
  readonly x2Lines: Lines;
  readonly g2Lines: Lines;
}

const G1_TRANSCRIPT_ORDER = ["Qm", "Ql", "Qr", "Qo", "Qc", "S1", "S2", "S3"] as const;

export function preparePlonk(key: PlonkKey): PreparedPlonkKey {
  const encoded = encodePlonkKey(key);
  const transcriptPrefix = new Uint8Array(G1_TRANSCRIPT_ORDER.length * G1_BYTES);
  G1_TRANSCRIPT_ORDER.forEach((k, i) => {
    writeG1(transcriptPrefix, i * G1_BYTES, key[k]);
  });
  const omega = rootOfUnity(key.power);
  const omegas: bigint[] = [];
  let w = 1n;
  for (let i = 0; i < Math.max(1, key.nPublic); i++) {
    omegas.push(w);
    w = Fr.mul(w, omega);
  }
  return {
    key,
    encoded,
    hash: sha256(encoded),
    transcriptPrefix,
    omegas,
    omega,
    domainSize: 1n << BigInt(key.power),
    x2Lines: bn254.utils.calcPairingPrecomputes(key.X2),
    g2Lines: bn254.utils.calcPairingPrecomputes(G2.BASE),
  };
}

/** snarkjs Keccak256Transcript: keccak256 over the concatenated items, reduced mod r. */
class Transcript {
  private parts: Uint8Array[] = [];
  point(p: G1Point): this {
    const b = new Uint8Array(G1_BYTES);
    writeG1(b, 0, p);
    this.parts.push(b);
    return this;
  }
  scalar(s: bigint): this {
    const b = new Uint8Array(FIELD_BYTES);
    writeField(b, 0, s);
    this.parts.push(b);
    return this;
  }
  raw(b: Uint8Array): this {
    this.parts.push(b);
    return this;
  }
  challenge(): bigint {
    const h = keccak_256.create();
    for (const p of this.parts) h.update(p);
    this.parts = [];
    let n = 0n;
    for (const byte of h.digest()) n = (n << 8n) | BigInt(byte);
    return n % R_MODULUS;
  }
}

/**
 * One PLONK proof against a prepared key: false when the proof fails; throws ProtocolError
 * (ZK_WRONG_INPUT_COUNT, ZK_INPUT_NOT_CANONICAL) when the inputs do not fit the key.
 */
export function verifyPlonk(
  prepared: PreparedPlonkKey,
  proof: PlonkProof,
  inputs: readonly bigint[],
): boolean {
  const { key } = prepared;
  if (inputs.length !== key.nPublic) {
    fail("ZK_WRONG_INPUT_COUNT", `expected ${key.nPublic} public inputs, got ${inputs.length}`, {
      expected: key.nPublic,
      got: inputs.length,
    });
  }
  inputs.forEach((v, i) => {
    if (v < 0n || v >= R_MODULUS) fail("ZK_INPUT_NOT_CANONICAL", `public[${i}]: not below r`, { index: i });
  });

  // Challenges, in snarkjs's order.
  const t = new Transcript().raw(prepared.transcriptPrefix);
  for (const x of inputs) t.scalar(x);
  const beta = t.point(proof.A).point(proof.B).point(proof.C).challenge();
  const gamma = t.scalar(beta).challenge();
  const alpha = t.scalar(beta).scalar(gamma).point(proof.Z).challenge();
  const xi = t.scalar(alpha).point(proof.T1).point(proof.T2).point(proof.T3).challenge();
  t.scalar(xi);
  for (const e of [proof.evalA, proof.evalB, proof.evalC, proof.evalS1, proof.evalS2, proof.evalZw])
    t.scalar(e);
  const v1 = t.challenge();
  const u = t.point(proof.Wxi).point(proof.Wxiw).challenge();
  const v2 = Fr.mul(v1, v1);
  const v3 = Fr.mul(v2, v1);
  const v4 = Fr.mul(v3, v1);
  const v5 = Fr.mul(v4, v1);

  // Vanishing polynomial and Lagrange terms at xi: L_i(xi) = w^(i-1) (xi^n - 1) / (n (xi - w^(i-1))).
  let xin = xi;
  for (let i = 0; i < key.power; i++) xin = Fr.sqr(xin);
  const zh = Fr.sub(xin, 1n);
  const n = Fr.create(prepared.domainSize);
  const denominators = prepared.omegas.map((w) => Fr.mul(n, Fr.sub(xi, w)));
  // xi on the domain: the terms are undefined (probability ~ n / r for an honest transcript).
  if (denominators.some((d) => d === 0n)) return false;
  const inverses = Fr.invertBatch(denominators);
  const L = prepared.omegas.map((w, i) => Fr.mul(Fr.mul(w, zh), inverses[i]!));
  const l1 = L[0]!;

  let pi = 0n;
  inputs.forEach((x, i) => {
    pi = Fr.sub(pi, Fr.mul(x, L[i]!));
  });

  const { evalA: a, evalB: b, evalC: c, evalS1: s1, evalS2: s2, evalZw: zw } = proof;
  const alpha2 = Fr.sqr(alpha);
  // r0 = PI - L1 alpha^2 - alpha (a + beta s1 + gamma)(b + beta s2 + gamma)(c + gamma) zw
  const e3a = Fr.add(Fr.add(a, Fr.mul(beta, s1)), gamma);
  const e3b = Fr.add(Fr.add(b, Fr.mul(beta, s2)), gamma);
  const e3c = Fr.add(c, gamma);
  const e3 = Fr.mul(Fr.mul(Fr.mul(Fr.mul(e3a, e3b), e3c), zw), alpha);
  const r0 = Fr.sub(Fr.sub(pi, Fr.mul(l1, alpha2)), e3);

  // D = ab Qm + a Ql + b Qr + c Qo + Qc + (alpha perm + L1 alpha^2 + u) Z - (perm') S3 - zh (T1 + xin T2 + xin^2 T3)
  const betaXi = Fr.mul(beta, xi);
  const d2a = Fr.mul(
    Fr.mul(
      Fr.mul(Fr.add(Fr.add(a, betaXi), gamma), Fr.add(Fr.add(b, Fr.mul(betaXi, key.k1)), gamma)),
      Fr.add(Fr.add(c, Fr.mul(betaXi, key.k2)), gamma),
    ),
    alpha,
  );
  const zScalar = Fr.add(Fr.add(d2a, Fr.mul(l1, alpha2)), u);
  const s3Scalar = Fr.mul(Fr.mul(e3a, e3b), Fr.mul(Fr.mul(alpha, beta), zw));
  // E = (-r0 + v1 a + v2 b + v3 c + v4 s1 + v5 s2 + u zw) G1
  let e = Fr.neg(r0);
  for (const [vi, ev] of [
    [v1, a],
    [v2, b],
    [v3, c],
    [v4, s1],
    [v5, s2],
    [u, zw],
  ] as const) {
    e = Fr.add(e, Fr.mul(vi, ev));
  }
  // B1 = xi Wxi + u xi w Wxiw + F - E, F = D + v1 A + v2 B + v3 C + v4 S1 + v5 S2.
  const terms: [G1Point, bigint][] = [
    [key.Qm, Fr.mul(a, b)],
    [key.Ql, a],
    [key.Qr, b],
    [key.Qo, c],
    [key.Qc, 1n],
    [proof.Z, zScalar],
    [key.S3, Fr.neg(s3Scalar)],
    [proof.T1, Fr.neg(zh)],
    [proof.T2, Fr.neg(Fr.mul(zh, xin))],
    [proof.T3, Fr.neg(Fr.mul(zh, Fr.sqr(xin)))],
    [proof.A, v1],
    [proof.B, v2],
    [proof.C, v3],
    [key.S1, v4],
    [key.S2, v5],
    [G1.BASE, Fr.neg(e)],
    [proof.Wxi, xi],
    [proof.Wxiw, Fr.mul(Fr.mul(u, xi), prepared.omega)],
  ];
  const live = terms.filter(([p, s]) => !p.is0() && s !== 0n);
  const b1 =
    live.length === 0
      ? G1.ZERO
      : pippenger(
          G1,
          live.map(([p]) => p),
          live.map(([, s]) => s),
        );
  const a1 = proof.Wxiw.is0() || u === 0n ? proof.Wxi : proof.Wxi.add(proof.Wxiw.multiplyUnsafe(u));

  const pairs: [Lines, bigint, bigint][] = [];
  const negA1 = a1.negate();
  if (!negA1.is0()) {
    const { x, y } = negA1.toAffine();
    pairs.push([prepared.x2Lines, x, y]);
  }
  if (!b1.is0()) {
    const { x, y } = b1.toAffine();
    pairs.push([prepared.g2Lines, x, y]);
  }
  return Fp12.eql(Fp12.finalExponentiate(bn254.millerLoopBatch(pairs)), Fp12.ONE);
}
