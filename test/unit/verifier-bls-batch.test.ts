// Same-message vote verification with one subgroup check on the sum (protocol/bls.ts,
// verifySameMessageVotes / aggregateSignaturesFast). BLS signing costs about 17 ms in Node, so
// one set of 8 signers is made per file and each test checks several things.
import { bls12_381 } from "@noble/curves/bls12-381.js";
import { describe, expect, it } from "vitest";
import {
  aggregateSignatures,
  aggregateSignaturesFast,
  blsKeyFromSeed,
  blsSign,
  blsVerify,
  decodePublicKey,
  type G1Point,
  type G2Point,
  verifyAggregateSameMessage,
  verifySameMessageVotes,
} from "../../protocol/bls.js";
import { isProtocolError } from "../../protocol/errors.js";

const { Fp, Fp2 } = bls12_381.fields;
const G2 = bls12_381.G2.Point;
type Fp2Element = ReturnType<typeof Fp2.create>;

const encoder = new TextEncoder();
const message = encoder.encode("ratification: valid 0xfeed, round 7, iteration 0");
const signers = Array.from({ length: 8 }, (_, i) => blsKeyFromSeed(new Uint8Array(32).fill(i + 1)));
const keys: G1Point[] = signers.map((k) => decodePublicKey(k.publicKey));
const signatures = signers.map((k) => blsSign(k.secretKey, message));

function numberBE(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/** Compressed ZCash encoding of any curve point, without noble's subgroup check. */
function encodeG2(point: G2Point): Uint8Array {
  const { x, y } = point.toAffine();
  const half = (Fp.ORDER - 1n) / 2n;
  const sort = Fp.is0(y.c1) ? y.c0 > half : y.c1 > half;
  const out = new Uint8Array(96);
  out.set(numberBE(x.c1, 48), 0);
  out.set(numberBE(x.c0, 48), 48);
  out[0] = out[0]! | 0x80 | (sort ? 0x20 : 0);
  return out;
}

function pointWithX(x: Fp2Element): G2Point | undefined {
  try {
    const y = Fp2.sqrt(Fp2.add(Fp2.mul(Fp2.sqr(x), x), G2.CURVE().b));
    return G2.fromAffine({ x, y });
  } catch {
    return undefined;
  }
}

/** A point on the twist but outside G2 (the cofactor is huge, so almost any point will do). */
const outside = (() => {
  for (let k = 1n; ; k++) {
    const p = pointWithX(Fp2.create({ c0: k, c1: 1n }));
    if (p !== undefined && !p.isTorsionFree()) return p;
  }
})();

/** An x that is not the x of any curve point. */
const offCurveX = (() => {
  for (let k = 1n; ; k++) {
    const x = Fp2.create({ c0: k, c1: 1n });
    if (pointWithX(x) === undefined) return x;
  }
})();

/** A point whose x³ + b' lies in Fp (c1 = 0): the other branch of the Fp2 square root. */
const realRhs = (() => {
  // x = a + b·u: c1 of x³ is b(3a² − b²); it cancels b' = 4 + 4u when a² = (b² − 4/b)/3.
  for (let b = 1n; ; b++) {
    const a2 = Fp.div(Fp.sub(Fp.sqr(b), Fp.div(4n, b)), 3n);
    let a: bigint;
    try {
      a = Fp.sqrt(a2);
    } catch {
      continue;
    }
    const p = pointWithX(Fp2.create({ c0: a, c1: b }));
    if (p !== undefined) return p;
  }
})();

function replace(list: readonly Uint8Array[], index: number, value: Uint8Array): Uint8Array[] {
  const out = list.slice();
  out[index] = value;
  return out;
}

function expectInvalidSignature(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(isProtocolError(e) && e.code).toBe("INVALID_SIGNATURE");
    return;
  }
  expect.unreachable("expected INVALID_SIGNATURE");
}

describe("verifySameMessageVotes", () => {
  it("accepts a valid set, like the slow paths", () => {
    expect(verifySameMessageVotes(keys, message, signatures)).toBe(true);
    expect(verifyAggregateSameMessage(keys, message, aggregateSignatures(signatures))).toBe(true);
    expect(verifySameMessageVotes(keys.slice(0, 1), message, signatures.slice(0, 1))).toBe(true);
    expect(blsVerify(keys[0]!, message, signatures[0]!)).toBe(true);
  });

  it("refuses a set with one signature on another message, or the set on another message", () => {
    const other = blsSign(signers[3]!.secretKey, encoder.encode("ratification: valid 0xbeef"));
    expect(verifySameMessageVotes(keys, message, replace(signatures, 3, other))).toBe(false);
    expect(verifySameMessageVotes(keys, encoder.encode("another"), signatures)).toBe(false);
    expect(verifySameMessageVotes(keys.slice(1), message, signatures.slice(0, 7))).toBe(false);
  });

  it("refuses one malformed signature (length, flags, non-canonical field element)", () => {
    const s = signatures[2]!;
    const noCompressionFlag = s.slice();
    noCompressionFlag[0] = noCompressionFlag[0]! & 0x7f;
    const infinityFlag = s.slice();
    infinityFlag[0] = infinityFlag[0]! | 0x40;
    const infinity = new Uint8Array(96);
    infinity[0] = 0xc0;
    const c1IsP = s.slice();
    c1IsP.set(numberBE(Fp.ORDER, 48), 0);
    c1IsP[0] = c1IsP[0]! | 0x80;
    const c0IsP = s.slice();
    c0IsP.set(numberBE(Fp.ORDER, 48), 48);
    for (const bad of [
      s.slice(0, 95),
      new Uint8Array([...s, 0]),
      noCompressionFlag,
      infinityFlag,
      infinity,
      c1IsP,
      c0IsP,
    ]) {
      expect(verifySameMessageVotes(keys, message, replace(signatures, 2, bad))).toBe(false);
      expect(blsVerify(keys[2]!, message, bad)).toBe(false);
    }
  });

  it("refuses one signature off the curve, or on it but outside G2", () => {
    const offCurve = encodeG2(G2.BASE); // right shape, then its x replaced by one with no y
    offCurve.set(numberBE(offCurveX.c1, 48), 0);
    offCurve.set(numberBE(offCurveX.c0, 48), 48);
    offCurve[0] = offCurve[0]! | 0x80;
    expect(verifySameMessageVotes(keys, message, replace(signatures, 5, offCurve))).toBe(false);

    const shifted = encodeG2(G2.fromBytes(signatures[5]!).add(outside)); // σ + T, T not in G2
    expect(verifySameMessageVotes(keys, message, replace(signatures, 5, shifted))).toBe(false);
    expect(blsVerify(keys[5]!, message, shifted)).toBe(false);
    expect(verifySameMessageVotes(keys, message, replace(signatures, 5, encodeG2(outside)))).toBe(false);
  });

  it("checks the aggregate, not each signature: parts cancelling outside G2 pass (documented)", () => {
    const s0 = G2.fromBytes(signatures[0]!);
    const s1 = G2.fromBytes(signatures[1]!);
    const plus = encodeG2(s0.add(outside));
    const minus = encodeG2(s1.subtract(outside));
    const set = replace(replace(signatures, 0, plus), 1, minus);
    expect(verifySameMessageVotes(keys, message, set)).toBe(true);
    expect(blsVerify(keys[0]!, message, plus)).toBe(false);
    expect(blsVerify(keys[1]!, message, minus)).toBe(false);
    // The same holds for swapped signatures: the sum does not change.
    const swapped = replace(replace(signatures, 0, signatures[1]!), 1, signatures[0]!);
    expect(verifySameMessageVotes(keys, message, swapped)).toBe(true);
  });

  it("refuses zero sums, mismatched or empty inputs and foreign key objects", () => {
    const k = keys[0]!;
    expect(
      verifySameMessageVotes([k, k.negate()], message, [
        signatures[0]!,
        encodeG2(G2.fromBytes(signatures[0]!).negate()),
      ]),
    ).toBe(false);
    expect(verifySameMessageVotes([], message, [])).toBe(false);
    expect(verifySameMessageVotes(keys, message, signatures.slice(1))).toBe(false);
    const notAKey = { add: () => k } as unknown as G1Point;
    expect(verifySameMessageVotes([notAKey], message, signatures.slice(0, 1))).toBe(false);
  });
});

describe("aggregateSignaturesFast", () => {
  it("equals aggregateSignatures, and round-trips each signature's encoding", () => {
    expect(aggregateSignaturesFast(signatures)).toEqual(aggregateSignatures(signatures));
    for (const s of signatures) expect(aggregateSignaturesFast([s])).toEqual(s);
  });

  it("decodes points outside G2 to the right point, both branches of the square root", () => {
    // σ + T − T = σ only if T and −T decode exactly (sign bit included).
    for (const t of [outside, realRhs]) {
      expect(Fp.is0(Fp2.add(Fp2.mul(Fp2.sqr(t.toAffine().x), t.toAffine().x), G2.CURVE().b).c1)).toBe(
        t === realRhs,
      );
      const parts = [signatures[0]!, encodeG2(t), encodeG2(t.negate())];
      expect(aggregateSignaturesFast(parts)).toEqual(signatures[0]);
    }
  });

  it("refuses empty input, a malformed part, and a sum outside G2 or at zero", () => {
    expectInvalidSignature(() => aggregateSignaturesFast([]));
    expectInvalidSignature(() => aggregateSignaturesFast([signatures[0]!.slice(0, 95)]));
    expectInvalidSignature(() => aggregateSignaturesFast([signatures[0]!, encodeG2(outside)]));
    const s = G2.fromBytes(signatures[0]!);
    expectInvalidSignature(() => aggregateSignaturesFast([signatures[0]!, encodeG2(s.negate())]));
  });
});
