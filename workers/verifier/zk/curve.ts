/**
 * BN254 (alt_bn128, snarkjs's "bn128") values for the zero-knowledge verifiers: canonical
 * parsing of field elements and points from snarkjs JSON and from the binary encoding, with every
 * check named in the error (STYLE.md rule 7).
 *
 * Rules (docs/ZK.md): a scalar or coordinate is a canonical decimal string (no sign, no leading
 * zeros, at most 78 digits) or 32 big-endian bytes, strictly below its modulus; a point is on the
 * curve and in the prime-order subgroup (the G2 check is the one that matters: BN254's G2 twist has
 * a large cofactor, G1 has none); snarkjs JSON points are `[x, y, "1"]` (affine) or `["0", "1",
 * "0"]` (infinity), nothing else, and infinity is accepted only where the caller allows it.
 */

import { bn254 } from "@noble/curves/bn254.js";
import { ProtocolError, type ProtocolErrorCode } from "../../../protocol/errors.js";

export const G1 = bn254.G1.Point;
export const G2 = bn254.G2.Point;
export type G1Point = InstanceType<typeof G1>;
export type G2Point = InstanceType<typeof G2>;
export const Fp = bn254.fields.Fp;
export const Fp2 = bn254.fields.Fp2;
export const Fp12 = bn254.fields.Fp12;
export type Fp2Value = ReturnType<typeof Fp2.fromBigTuple>;
export type Fp12Value = ReturnType<typeof Fp12.mul>;

/** Base field modulus p (coordinates). */
export const P_MODULUS = Fp.ORDER;
/** Scalar field modulus r (public inputs, PLONK evaluations, Poseidon elements). */
export const R_MODULUS = bn254.fields.Fr.ORDER;

/** Bytes per field element in the binary encoding (big-endian). */
export const FIELD_BYTES = 32;
export const G1_BYTES = 64;
export const G2_BYTES = 128;
/** Longest canonical decimal below 2^254: 77 digits; 78 leaves room and still bounds BigInt parsing. */
const MAX_DECIMAL_DIGITS = 78;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** Where a value came from, for error messages: `proof.pi_b[0][1]`. */
export type Path = string;

export function fail(code: ProtocolErrorCode, message: string, data: Record<string, unknown> = {}): never {
  throw new ProtocolError(code, message, data);
}

/** Parses a canonical decimal string below `modulus`. */
export function parseDecimal(
  value: unknown,
  modulus: bigint,
  path: Path,
  malformed: ProtocolErrorCode,
  notCanonical: ProtocolErrorCode = malformed,
): bigint {
  if (typeof value !== "string") fail(malformed, `${path}: expected a decimal string`, { path });
  if (value.length > MAX_DECIMAL_DIGITS) {
    fail(notCanonical, `${path}: more than ${MAX_DECIMAL_DIGITS} digits`, {
      path,
      limit: MAX_DECIMAL_DIGITS,
    });
  }
  if (!DECIMAL.test(value)) {
    const code = /^[0-9]+$/.test(value) ? notCanonical : malformed;
    fail(code, `${path}: not a canonical decimal (digits only, no leading zeros)`, { path });
  }
  const n = BigInt(value);
  if (n >= modulus) fail(notCanonical, `${path}: not below the field modulus`, { path });
  return n;
}

/** Reads a 32-byte big-endian element below `modulus` at `offset`. */
export function readField(
  bytes: Uint8Array,
  offset: number,
  modulus: bigint,
  path: Path,
  code: ProtocolErrorCode,
): bigint {
  if (offset + FIELD_BYTES > bytes.length) fail(code, `${path}: truncated`, { path });
  let n = 0n;
  for (let i = 0; i < FIELD_BYTES; i++) n = (n << 8n) | BigInt(bytes[offset + i]!);
  if (n >= modulus) fail(code, `${path}: not below the field modulus`, { path });
  return n;
}

export function writeField(out: Uint8Array, offset: number, n: bigint): void {
  let v = n;
  for (let i = FIELD_BYTES - 1; i >= 0; i--) {
    out[offset + i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

// G2 twist coefficient b' = 3 / (9 + u) (EIP-197).
const XI = Fp2.fromBigTuple([9n, 1n]);
const G2_B = Fp2.div(Fp2.fromBigTuple([3n, 0n]), XI);
/** BN254's curve parameter x (the seed: p and r are polynomials in it). */
const BN_X = 4965661367192848881n;
// Untwist-Frobenius-twist endomorphism psi(x, y) = (conj(x) xi^((p-1)/3), conj(y) xi^((p-1)/2)).
const PSI_X = Fp2.pow(XI, (Fp.ORDER - 1n) / 3n);
const PSI_Y = Fp2.pow(XI, (Fp.ORDER - 1n) / 2n);
const conj = (a: Fp2Value): Fp2Value => Fp2.fromBigTuple([a.c0, Fp.neg(a.c1)]);

/** psi on projective coordinates (conjugation is a field automorphism, so Z is conjugated too). */
export function psi(p: G2Point): G2Point {
  return new G2(Fp2.mul(conj(p.X), PSI_X), Fp2.mul(conj(p.Y), PSI_Y), conj(p.Z));
}

/**
 * G2 subgroup membership for a point already on the twist: [x+1]P + psi([x]P) + psi^2([x]P) =
 * psi^3([2x]P) (El Housni, Guillevic, Piellard, "Co-factor clearing and subgroup membership
 * testing on pairing-friendly curves", eprint 2022/352, the BN case). One 63-bit multiplication
 * instead of the 127-bit one of psi(P) = [6x^2]P; test/unit/zk-curve.test.ts checks it against
 * that slower test on points inside and outside the subgroup.
 */
export function g2InSubgroup(p: G2Point): boolean {
  const xp = p.multiplyUnsafe(BN_X);
  const lhs = xp
    .add(p)
    .add(psi(xp))
    .add(psi(psi(xp)));
  return lhs.equals(psi(psi(psi(xp.double()))));
}

/** Affine (x, y) on y^2 = x^3 + 3 and (trivially, cofactor 1) in G1. */
export function g1FromAffine(x: bigint, y: bigint, path: Path, code: ProtocolErrorCode): G1Point {
  if (Fp.sqr(y) !== Fp.add(Fp.mul(Fp.sqr(x), x), 3n)) {
    fail(code, `${path}: G1 point not on the curve`, { path, reason: "not-on-curve" });
  }
  return G1.fromAffine({ x, y });
}

/** Affine (x, y) over Fp2 on the twist and in the order-r subgroup. */
export function g2FromAffine(x: Fp2Value, y: Fp2Value, path: Path, code: ProtocolErrorCode): G2Point {
  if (!Fp2.eql(Fp2.sqr(y), Fp2.add(Fp2.mul(Fp2.sqr(x), x), G2_B))) {
    fail(code, `${path}: G2 point not on the twist curve`, { path, reason: "not-on-curve" });
  }
  const p = G2.fromAffine({ x, y });
  if (!g2InSubgroup(p)) {
    fail(code, `${path}: G2 point not in the prime-order subgroup`, { path, reason: "not-in-subgroup" });
  }
  return p;
}

function jsonArray(value: unknown, length: number, path: Path, code: ProtocolErrorCode): unknown[] {
  if (!Array.isArray(value) || value.length !== length) {
    fail(code, `${path}: expected an array of ${length}`, { path });
  }
  return value;
}

/** snarkjs G1 JSON `[x, y, "1"]`, or `["0", "1", "0"]` for infinity when `allowInfinity`. */
export function g1FromJson(
  value: unknown,
  path: Path,
  code: ProtocolErrorCode,
  allowInfinity: boolean,
): G1Point {
  const [xs, ys, zs] = jsonArray(value, 3, path, code);
  const x = parseDecimal(xs, P_MODULUS, `${path}[0]`, code);
  const y = parseDecimal(ys, P_MODULUS, `${path}[1]`, code);
  const z = parseDecimal(zs, P_MODULUS, `${path}[2]`, code);
  if (z === 0n) {
    if (!allowInfinity)
      fail(code, `${path}: point at infinity not allowed here`, { path, reason: "infinity" });
    if (x !== 0n || y !== 1n) fail(code, `${path}: infinity must be ["0","1","0"]`, { path });
    return G1.ZERO;
  }
  if (z !== 1n) fail(code, `${path}: expected affine coordinates (z = "1")`, { path });
  return g1FromAffine(x, y, path, code);
}

function fp2FromJson(value: unknown, path: Path, code: ProtocolErrorCode): Fp2Value {
  const [c0, c1] = jsonArray(value, 2, path, code);
  return Fp2.fromBigTuple([
    parseDecimal(c0, P_MODULUS, `${path}[0]`, code),
    parseDecimal(c1, P_MODULUS, `${path}[1]`, code),
  ]);
}

/** snarkjs G2 JSON `[[x.c0, x.c1], [y.c0, y.c1], ["1", "0"]]`; infinity is never accepted. */
export function g2FromJson(value: unknown, path: Path, code: ProtocolErrorCode): G2Point {
  const [xs, ys, zs] = jsonArray(value, 3, path, code);
  const x = fp2FromJson(xs, `${path}[0]`, code);
  const y = fp2FromJson(ys, `${path}[1]`, code);
  const z = fp2FromJson(zs, `${path}[2]`, code);
  if (Fp2.is0(z)) fail(code, `${path}: point at infinity not allowed here`, { path, reason: "infinity" });
  if (!Fp2.eql(z, Fp2.ONE)) fail(code, `${path}: expected affine coordinates (z = ["1","0"])`, { path });
  return g2FromAffine(x, y, path, code);
}

/** Binary G1: x || y, 32 bytes big-endian each; 64 zero bytes is infinity (when allowed). */
export function readG1(
  bytes: Uint8Array,
  offset: number,
  path: Path,
  code: ProtocolErrorCode,
  allowInfinity: boolean,
): G1Point {
  const x = readField(bytes, offset, P_MODULUS, `${path}.x`, code);
  const y = readField(bytes, offset + FIELD_BYTES, P_MODULUS, `${path}.y`, code);
  if (x === 0n && y === 0n) {
    if (!allowInfinity)
      fail(code, `${path}: point at infinity not allowed here`, { path, reason: "infinity" });
    return G1.ZERO;
  }
  return g1FromAffine(x, y, path, code);
}

/** Binary G2: x.c1 || x.c0 || y.c1 || y.c0 (EIP-197 order); infinity is never accepted. */
export function readG2(bytes: Uint8Array, offset: number, path: Path, code: ProtocolErrorCode): G2Point {
  const x1 = readField(bytes, offset, P_MODULUS, `${path}.x.c1`, code);
  const x0 = readField(bytes, offset + 32, P_MODULUS, `${path}.x.c0`, code);
  const y1 = readField(bytes, offset + 64, P_MODULUS, `${path}.y.c1`, code);
  const y0 = readField(bytes, offset + 96, P_MODULUS, `${path}.y.c0`, code);
  if (x0 === 0n && x1 === 0n && y0 === 0n && y1 === 0n) {
    fail(code, `${path}: point at infinity not allowed here`, { path, reason: "infinity" });
  }
  return g2FromAffine(Fp2.fromBigTuple([x0, x1]), Fp2.fromBigTuple([y0, y1]), path, code);
}

export function writeG1(out: Uint8Array, offset: number, p: G1Point): void {
  if (p.is0()) {
    out.fill(0, offset, offset + G1_BYTES);
    return;
  }
  const { x, y } = p.toAffine();
  writeField(out, offset, x);
  writeField(out, offset + FIELD_BYTES, y);
}

export function writeG2(out: Uint8Array, offset: number, p: G2Point): void {
  const { x, y } = p.toAffine();
  writeField(out, offset, x.c1);
  writeField(out, offset + 32, x.c0);
  writeField(out, offset + 64, y.c1);
  writeField(out, offset + 96, y.c0);
}

/** Public inputs from JSON: an array of canonical decimal strings below r, at most `max`. */
export function inputsFromJson(value: unknown, max: number): bigint[] {
  if (!Array.isArray(value))
    fail("ZK_MALFORMED_INPUT", "public inputs: expected an array of decimal strings");
  if (value.length > max) {
    fail("ZK_TOO_MANY_INPUTS", `public inputs: ${value.length} exceeds the limit of ${max}`, {
      count: value.length,
      limit: max,
    });
  }
  return value.map((v, i) =>
    parseDecimal(v, R_MODULUS, `public[${i}]`, "ZK_MALFORMED_INPUT", "ZK_INPUT_NOT_CANONICAL"),
  );
}

/** Public inputs from bytes: `n` 32-byte big-endian scalars below r. */
export function inputsFromBytes(bytes: Uint8Array, n: number, max: number): bigint[] {
  if (!Number.isInteger(n) || n < 0) fail("ZK_MALFORMED_INPUT", `public inputs: bad count ${n}`);
  if (n > max) {
    fail("ZK_TOO_MANY_INPUTS", `public inputs: ${n} exceeds the limit of ${max}`, { count: n, limit: max });
  }
  if (bytes.length !== n * FIELD_BYTES) {
    fail("ZK_MALFORMED_INPUT", `public inputs: expected ${n * FIELD_BYTES} bytes, got ${bytes.length}`);
  }
  const out: bigint[] = [];
  for (let i = 0; i < n; i++) {
    out.push(readField(bytes, i * FIELD_BYTES, R_MODULUS, `public[${i}]`, "ZK_INPUT_NOT_CANONICAL"));
  }
  return out;
}

export function encodeInputs(inputs: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(inputs.length * FIELD_BYTES);
  inputs.forEach((v, i) => {
    if (v < 0n || v >= R_MODULUS) fail("ZK_INPUT_NOT_CANONICAL", `public[${i}]: not below r`);
    writeField(out, i * FIELD_BYTES, v);
  });
  return out;
}

/** Plain-object check for JSON documents. */
export function jsonObject(value: unknown, what: string, code: ProtocolErrorCode): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(code, `${what}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** snarkjs's curve names for BN254 ("bn128" in its files). */
export function checkCurveName(value: unknown, what: string): void {
  if (value === undefined) return;
  if (
    typeof value !== "string" ||
    !["bn128", "bn254", "altbn128", "alt_bn128"].includes(value.toLowerCase())
  ) {
    fail("ZK_UNSUPPORTED", `${what}.curve: only BN254 ("bn128") is supported`, { curve: String(value) });
  }
}
