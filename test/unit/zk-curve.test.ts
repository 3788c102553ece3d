// BN254 helpers of the ZK verifier: the fast G2 subgroup test against noble's [6x^2]P = psi(P)
// test on points inside, outside and mixed; psi against its defining property on G2.
import { bn254 } from "@noble/curves/bn254.js";
import { describe, expect, it } from "vitest";
import { g2InSubgroup, psi } from "../../workers/verifier/zk/curve.js";

const G2 = bn254.G2.Point;
const Fp2 = bn254.fields.Fp2;
const B = Fp2.div(Fp2.fromBigTuple([3n, 0n]), Fp2.fromBigTuple([9n, 1n]));
const X = 4965661367192848881n;

/** Points on the twist curve from x = (i, j), whatever their subgroup. */
function twistPoints(count: number): InstanceType<typeof G2>[] {
  const out: InstanceType<typeof G2>[] = [];
  for (let i = 1n; out.length < count; i++) {
    const x = Fp2.fromBigTuple([i, 3n * i + 1n]);
    try {
      out.push(G2.fromAffine({ x, y: Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), B)) }));
    } catch {
      // no square root: not an x-coordinate of the twist
    }
  }
  return out;
}

describe("G2 subgroup test (eprint 2022/352, BN case)", () => {
  it("psi(P) = [6x^2]P on G2", () => {
    for (const k of [1n, 2n, 123456789n]) {
      const p = G2.BASE.multiply(k);
      expect(psi(p).equals(p.multiplyUnsafe(6n * X * X))).toBe(true);
    }
  });

  it("agrees with noble's isTorsionFree inside, outside and on mixed points", () => {
    let inside = 0;
    let outside = 0;
    for (let k = 1n; k <= 12n; k++) {
      const p = G2.BASE.multiply(k * 0x1234567890abcdefn);
      expect(g2InSubgroup(p)).toBe(true);
      inside++;
    }
    for (const [i, p] of twistPoints(20).entries()) {
      const mixed = p.add(G2.BASE.multiply(BigInt(i + 2)));
      for (const q of [p, mixed, p.double()]) {
        const expected = q.isTorsionFree();
        expect(g2InSubgroup(q)).toBe(expected);
        if (!expected) outside++;
      }
    }
    expect(inside).toBe(12);
    expect(outside).toBeGreaterThan(50);
  });
});
