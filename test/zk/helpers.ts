/**
 * Helpers shared by the ZK tests: snarkjs's verdict on the same files, JSON mutation, and points
 * that are on the G2 twist but outside the prime-order subgroup.
 */

import { bn254 } from "@noble/curves/bn254.js";
import { ProtocolError } from "../../protocol/errors.js";
import { type Json, snarkjs } from "./fixtures.js";

export const P = bn254.fields.Fp.ORDER;
export const R = bn254.fields.Fr.ORDER;
const Fp2 = bn254.fields.Fp2;

export type Verdict = "accept" | "reject" | "throw";

/** snarkjs's verdict: verify() true, false, or it threw. */
export async function snarkjsVerdict(
  protocol: "groth16" | "plonk",
  vk: Json,
  publicSignals: Json,
  proof: Json,
): Promise<Verdict> {
  const s = await snarkjs();
  try {
    const ok = await s[protocol].verify(vk, publicSignals, proof);
    return ok === true ? "accept" : "reject";
  } catch {
    return "throw";
  }
}

export type OurVerdict = "accept" | "reject" | { code: string };

/** Our verdict; anything but a boolean or a ProtocolError is rethrown so the test fails. */
export function ourVerdict(fn: () => boolean): OurVerdict {
  try {
    return fn() ? "accept" : "reject";
  } catch (e) {
    if (e instanceof ProtocolError) return { code: e.code };
    throw e;
  }
}

/** Deep copy of JSON data (undefined stays undefined). */
export const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** Sets `obj[path[0]][path[1]]... = value` on a deep copy. */
export function withValue(obj: Json, path: (string | number)[], value: unknown): Json {
  const out = clone(obj) as Record<string | number, unknown>;
  let cur = out;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]!] as Record<string | number, unknown>;
  cur[path[path.length - 1]!] = value;
  return out;
}

export function getValue(obj: Json, path: (string | number)[]): unknown {
  let cur = obj as Record<string | number, unknown>;
  for (const k of path) cur = cur[k] as Record<string | number, unknown>;
  return cur;
}

/** A G1 point k * G as snarkjs JSON. */
export function g1Json(k: bigint): string[] {
  const { x, y } = bn254.G1.Point.BASE.multiply(k).toAffine();
  return [x.toString(), y.toString(), "1"];
}

/** A G2 point k * G as snarkjs JSON. */
export function g2Json(k: bigint): string[][] {
  const { x, y } = bn254.G2.Point.BASE.multiply(k).toAffine();
  return [
    [x.c0.toString(), x.c1.toString()],
    [y.c0.toString(), y.c1.toString()],
    ["1", "0"],
  ];
}

const G2_B = Fp2.div(Fp2.fromBigTuple([3n, 0n]), Fp2.fromBigTuple([9n, 1n]));

/**
 * A point on the G2 twist curve that is not in the order-r subgroup (the twist's cofactor is
 * about 2^254, so the first x with a square right-hand side almost surely gives one; checked).
 */
export function g2OutsideSubgroupJson(start = 1n): string[][] {
  for (let i = start; ; i++) {
    const x = Fp2.fromBigTuple([i, 1n]);
    const rhs = Fp2.add(Fp2.mul(Fp2.sqr(x), x), G2_B);
    let y: ReturnType<typeof Fp2.sqrt>;
    try {
      y = Fp2.sqrt(rhs);
    } catch {
      continue;
    }
    const pt = bn254.G2.Point.fromAffine({ x, y });
    if (pt.isTorsionFree()) continue;
    return [
      [x.c0.toString(), x.c1.toString()],
      [y.c0.toString(), y.c1.toString()],
      ["1", "0"],
    ];
  }
}
