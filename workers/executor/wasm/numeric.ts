/**
 * Deterministic numeric helpers. f32 values travel as their 32-bit pattern (a signed int32), so
 * NaN payloads survive loads, stores, copies and bit operations; f64 values travel as JS numbers.
 * Every NaN an arithmetic instruction produces is replaced by the canonical NaN (positive, quiet,
 * payload zero), so results never depend on the host CPU's NaN propagation.
 */

import { trap } from "./errors";

const scratch = new ArrayBuffer(8);
const f32s = new Float32Array(scratch);
const i32s = new Int32Array(scratch);
const f64s = new Float64Array(scratch);
const i64s = new BigInt64Array(scratch);

export const CANONICAL_F32 = 0x7fc00000;
/** Canonical f64 NaN: 0x7ff8000000000000, built from its bits. */
export const CANONICAL_F64: number = (() => {
  i64s[0] = 0x7ff8000000000000n;
  return f64s[0] as number;
})();

export function f32FromBits(bits: number): number {
  i32s[0] = bits;
  return f32s[0] as number;
}

/** Rounds a double to f32 and returns its bits; NaN becomes the canonical NaN. */
export function f32ToBits(x: number): number {
  if (Number.isNaN(x)) return CANONICAL_F32;
  f32s[0] = x;
  return i32s[0] as number;
}

export const canonF64 = (x: number): number => (Number.isNaN(x) ? CANONICAL_F64 : x);

/**
 * An f64 NaN other than the canonical one. V8 may quiet signalling NaNs when it boxes a double, so
 * such values travel as this object, which holds the exact bits; arithmetic sees NaN through
 * valueOf (and then yields the canonical NaN), bit operations and stores use `bits`.
 */
export class F64Nan {
  constructor(readonly bits: bigint) {}
  valueOf(): number {
    return Number.NaN;
  }
}

const CANONICAL_F64_BITS = 0x7ff8000000000000n;

export function f64ToBits(x: number): bigint {
  if (typeof x !== "number") return (x as unknown as F64Nan).bits;
  f64s[0] = x;
  return i64s[0] as bigint;
}

/** The f64 with these bits: a number, or an F64Nan for a non-canonical NaN. */
export function f64FromBits(bits: bigint): number {
  i64s[0] = bits;
  const v = f64s[0] as number;
  if (Number.isNaN(v) && BigInt.asUintN(64, bits) !== CANONICAL_F64_BITS)
    return new F64Nan(BigInt.asIntN(64, bits)) as unknown as number;
  return v;
}

const SIGN64 = -(2n ** 63n);
const MAG64 = 2n ** 63n - 1n;

export const f64Neg = (x: number): number =>
  typeof x === "number" && !Number.isNaN(x) ? -x : f64FromBits(f64ToBits(x) ^ SIGN64);
export const f64Abs = (x: number): number =>
  typeof x === "number" && !Number.isNaN(x) ? Math.abs(x) : f64FromBits(f64ToBits(x) & MAG64);
export const f64Copysign = (x: number, y: number): number =>
  f64FromBits((f64ToBits(x) & MAG64) | (f64ToBits(y) & SIGN64));

/** Round to nearest, ties to even (f32.nearest / f64.nearest). */
export function nearest(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === 0 || !Number.isFinite(x)) return x;
  const t = Math.trunc(x);
  const d = x - t;
  if (d === 0) return x;
  let r: number;
  if (d === 0.5 || d === -0.5) r = t % 2 === 0 ? t : t + Math.sign(x);
  else r = Math.round(x);
  if (r === 0) return x < 0 ? -0 : 0;
  return r;
}

const TWO31 = 2147483648;
const TWO32 = 4294967296;
const TWO63 = 2 ** 63;
const TWO64 = 2 ** 64;

export function truncI32S(x: number): number {
  if (Number.isNaN(x)) throw trap("TRAP_INVALID_CONVERSION", "invalid conversion to integer");
  const t = Math.trunc(x);
  if (t < -TWO31 || t >= TWO31) throw trap("TRAP_INTEGER_OVERFLOW", "integer overflow");
  return t | 0;
}
export function truncI32U(x: number): number {
  if (Number.isNaN(x)) throw trap("TRAP_INVALID_CONVERSION", "invalid conversion to integer");
  const t = Math.trunc(x);
  if (t <= -1 || t >= TWO32) throw trap("TRAP_INTEGER_OVERFLOW", "integer overflow");
  return t | 0;
}
export function truncI64S(x: number): bigint {
  if (Number.isNaN(x)) throw trap("TRAP_INVALID_CONVERSION", "invalid conversion to integer");
  const t = Math.trunc(x);
  if (t < -TWO63 || t >= TWO63) throw trap("TRAP_INTEGER_OVERFLOW", "integer overflow");
  return BigInt(t);
}
export function truncI64U(x: number): bigint {
  if (Number.isNaN(x)) throw trap("TRAP_INVALID_CONVERSION", "invalid conversion to integer");
  const t = Math.trunc(x);
  if (t <= -1 || t >= TWO64) throw trap("TRAP_INTEGER_OVERFLOW", "integer overflow");
  return BigInt.asIntN(64, BigInt(t));
}
export function satI32S(x: number): number {
  if (Number.isNaN(x)) return 0;
  if (x <= -TWO31) return -TWO31 | 0;
  if (x >= TWO31) return 0x7fffffff;
  return Math.trunc(x) | 0;
}
export function satI32U(x: number): number {
  if (Number.isNaN(x) || x <= -1) return 0;
  if (x >= TWO32) return -1;
  return Math.trunc(x) | 0;
}
export function satI64S(x: number): bigint {
  if (Number.isNaN(x)) return 0n;
  if (x <= -TWO63) return -(2n ** 63n);
  if (x >= TWO63) return 2n ** 63n - 1n;
  return BigInt(Math.trunc(x));
}
export function satI64U(x: number): bigint {
  if (Number.isNaN(x) || x <= -1) return 0n;
  if (x >= TWO64) return -1n;
  return BigInt.asIntN(64, BigInt(Math.trunc(x)));
}

/** Correctly rounded conversion of an integer (as an unsigned magnitude) to f32 bits. */
function magnitudeToF32(a: bigint, negative: boolean): number {
  let v: number;
  if (a < 2n ** 53n) v = Number(a);
  else {
    // Keep 25 significant bits plus a sticky bit so the single rounding to f32 is exact.
    const shift = a.toString(2).length - 26;
    const s = BigInt(shift);
    const top = a >> s;
    const sticky = (a & ((1n << s) - 1n)) !== 0n ? 1n : 0n;
    v = Number(top | sticky) * 2 ** shift;
  }
  return f32ToBits(negative ? -v : v);
}

export const i64ToF32S = (x: bigint): number =>
  x < 0n ? magnitudeToF32(-x, true) : magnitudeToF32(x, false);
export const i64ToF32U = (x: bigint): number => magnitudeToF32(BigInt.asUintN(64, x), false);

export function i32Popcnt(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0xf0f0f0f) * 0x1010101) >>> 24;
}

export const i32Ctz = (x: number): number => (x === 0 ? 32 : 31 - Math.clz32(x & -x));

export function i64Clz(x: bigint): number {
  const hi = Number(BigInt.asUintN(32, x >> 32n));
  if (hi !== 0) return Math.clz32(hi);
  return 32 + Math.clz32(Number(BigInt.asUintN(32, x)));
}
export function i64Ctz(x: bigint): number {
  const lo = Number(BigInt.asUintN(32, x)) | 0;
  if (lo !== 0) return i32Ctz(lo);
  return 32 + i32Ctz(Number(BigInt.asUintN(32, x >> 32n)) | 0);
}
export const i64Popcnt = (x: bigint): number =>
  i32Popcnt(Number(BigInt.asUintN(32, x)) | 0) + i32Popcnt(Number(BigInt.asUintN(32, x >> 32n)) | 0);
