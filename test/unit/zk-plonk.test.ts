// PLONK (workers/verifier/zk/plonk.ts) against snarkjs 0.7.6 on proofs snarkjs made: valid proofs,
// each commitment and evaluation tampered, wrong inputs and counts, non-canonical values and keys.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PreparedKeyCache, verifySnarkjs } from "../../workers/verifier/zk/index.js";
import { rootOfUnity } from "../../workers/verifier/zk/plonk.js";
import { type CircuitFixture, type Json, releaseSnarkjs, zkFixtures } from "../zk/fixtures.js";
import { g1Json, getValue, ourVerdict, P, R, snarkjsVerdict, withValue } from "../zk/helpers.js";

let fixtures: Record<string, CircuitFixture>;
beforeAll(async () => {
  fixtures = await zkFixtures();
}, 180_000);
afterAll(async () => {
  await releaseSnarkjs();
});

const ours = (vk: Json, publicSignals: Json, proof: Json) =>
  ourVerdict(() => verifySnarkjs({ vk, proof, publicSignals }, new PreparedKeyCache(4)));
const theirs = (vk: Json, publicSignals: Json, proof: Json) =>
  snarkjsVerdict("plonk", vk, publicSignals, proof);

const POINTS = ["A", "B", "C", "Z", "T1", "T2", "T3", "Wxi", "Wxiw"];
const EVALS = ["eval_a", "eval_b", "eval_c", "eval_s1", "eval_s2", "eval_zw"];

describe("PLONK: proofs snarkjs made", () => {
  it("every fixture proof is valid for us and for snarkjs", async () => {
    // no-public has no PLONK fixture (snarkjs cannot prove it); the other two must have some.
    const withPlonk = Object.values(fixtures).filter((c) => c.plonk.vk !== null);
    expect(withPlonk.map((c) => c.name)).toEqual(["multiplier", "sum8"]);
    for (const c of withPlonk) {
      expect(c.plonk.proofs.length).toBeGreaterThan(0);
      for (const p of c.plonk.proofs) {
        expect(ours(c.plonk.vk, p.publicSignals, p.proof), c.name).toBe("accept");
        expect(await theirs(c.plonk.vk, p.publicSignals, p.proof), c.name).toBe("accept");
      }
    }
  });

  it("the domain generator matches the key's w", () => {
    for (const c of Object.values(fixtures).filter((f) => f.plonk.vk !== null)) {
      const vk = c.plonk.vk as { power: number; w: string };
      expect(rootOfUnity(vk.power).toString()).toBe(vk.w);
    }
  });

  it("each commitment replaced by another group element is invalid for both", async () => {
    const c = fixtures.sum8!;
    const p = c.plonk.proofs[0]!;
    const other = c.plonk.proofs[1]!.proof;
    for (const k of POINTS) {
      for (const proof of [
        withValue(p.proof, [k], g1Json(3n)),
        withValue(p.proof, [k], getValue(other, [k])),
      ]) {
        expect(ours(c.plonk.vk, p.publicSignals, proof), k).toBe("reject");
        expect(await theirs(c.plonk.vk, p.publicSignals, proof), k).not.toBe("accept");
      }
    }
  });

  it("each evaluation changed by one is invalid for both", async () => {
    const c = fixtures.multiplier!;
    const p = c.plonk.proofs[1]!;
    for (const k of EVALS) {
      const proof = withValue(p.proof, [k], String((BigInt(getValue(p.proof, [k]) as string) + 1n) % R));
      expect(ours(c.plonk.vk, p.publicSignals, proof), k).toBe("reject");
      expect(await theirs(c.plonk.vk, p.publicSignals, proof), k).not.toBe("accept");
    }
  });

  it("each public input changed, and another proof's inputs, are invalid for both", async () => {
    const c = fixtures.sum8!;
    const p = c.plonk.proofs[2]!;
    for (let i = 0; i < p.publicSignals.length; i += 3) {
      const pub = withValue(p.publicSignals, [i], String((BigInt(p.publicSignals[i]!) + 1n) % R));
      expect(ours(c.plonk.vk, pub, p.proof), `input ${i}`).toBe("reject");
      expect(await theirs(c.plonk.vk, pub, p.proof), `input ${i}`).toBe("reject");
    }
    const swapped = c.plonk.proofs[0]!.publicSignals;
    expect(ours(c.plonk.vk, swapped, p.proof)).toBe("reject");
    expect(await theirs(c.plonk.vk, swapped, p.proof)).toBe("reject");
  });

  it("off-curve commitments are ZK_MALFORMED_PROOF; snarkjs does not accept them", async () => {
    const c = fixtures.multiplier!;
    const p = c.plonk.proofs[0]!;
    for (const k of POINTS) {
      const y = BigInt(getValue(p.proof, [k, 1]) as string);
      const proof = withValue(p.proof, [k, 1], String((y + 1n) % P));
      expect(ours(c.plonk.vk, p.publicSignals, proof), k).toEqual({ code: "ZK_MALFORMED_PROOF" });
      expect(await theirs(c.plonk.vk, p.publicSignals, proof), k).not.toBe("accept");
    }
  });

  it("non-canonical values: inputs >= r rejected by both; evaluations >= r and coordinates >= p refused here only", async () => {
    const c = fixtures.multiplier!;
    const p = c.plonk.proofs[0]!;
    const pub = withValue(p.publicSignals, [1], String(BigInt(p.publicSignals[1]!) + R));
    expect(ours(c.plonk.vk, pub, p.proof)).toEqual({ code: "ZK_INPUT_NOT_CANONICAL" });
    expect(await theirs(c.plonk.vk, pub, p.proof)).toBe("reject");
    // snarkjs reduces these mod r / mod p before use and accepts; we refuse non-canonical encodings.
    const evalPlusR = withValue(
      p.proof,
      ["eval_a"],
      String(BigInt(getValue(p.proof, ["eval_a"]) as string) + R),
    );
    expect(await theirs(c.plonk.vk, p.publicSignals, evalPlusR)).toBe("accept");
    expect(ours(c.plonk.vk, p.publicSignals, evalPlusR)).toEqual({ code: "ZK_MALFORMED_PROOF" });
    const xPlusP = withValue(p.proof, ["A", 0], String(BigInt(getValue(p.proof, ["A", 0]) as string) + P));
    expect(await theirs(c.plonk.vk, p.publicSignals, xPlusP)).toBe("accept");
    expect(ours(c.plonk.vk, p.publicSignals, xPlusP)).toEqual({ code: "ZK_MALFORMED_PROOF" });
  });

  it("wrong counts and malformed keys carry their codes", async () => {
    const c = fixtures.multiplier!;
    const p = c.plonk.proofs[0]!;
    expect(ours(c.plonk.vk, p.publicSignals.slice(1), p.proof)).toEqual({ code: "ZK_WRONG_INPUT_COUNT" });
    expect(await theirs(c.plonk.vk, p.publicSignals.slice(1), p.proof)).not.toBe("accept");
    expect(ours(c.plonk.vk, [...p.publicSignals, "0"], p.proof)).toEqual({ code: "ZK_WRONG_INPUT_COUNT" });
    expect(ours(withValue(c.plonk.vk, ["nPublic"], 5000), p.publicSignals, p.proof)).toEqual({
      code: "ZK_TOO_MANY_INPUTS",
    });
    expect(ours(withValue(c.plonk.vk, ["power"], 29), p.publicSignals, p.proof)).toEqual({
      code: "ZK_MALFORMED_VK",
    });
    expect(ours(withValue(c.plonk.vk, ["power"], 4), p.publicSignals, p.proof)).toEqual({
      code: "ZK_MALFORMED_VK",
    }); // w no longer matches
    expect(ours(withValue(c.plonk.vk, ["k1"], R.toString()), p.publicSignals, p.proof)).toEqual({
      code: "ZK_MALFORMED_VK",
    });
    expect(ours(withValue(c.plonk.vk, ["X_2"], ["0", "1", "0"]), p.publicSignals, p.proof)).toEqual({
      code: "ZK_MALFORMED_VK",
    });
    expect(ours(c.plonk.vk, p.publicSignals, { ...(p.proof as object), eval_zw: 5 })).toEqual({
      code: "ZK_MALFORMED_PROOF",
    });
    // A PLONK proof against a Groth16 key and the reverse.
    expect(ours(c.groth16.vk, p.publicSignals, p.proof)).toEqual({ code: "ZK_UNSUPPORTED" });
    expect(ours(c.plonk.vk, c.groth16.proofs[0]!.publicSignals, c.groth16.proofs[0]!.proof)).toEqual({
      code: "ZK_UNSUPPORTED",
    });
  });

  it("a changed selector or permutation commitment in the key invalidates the proof", () => {
    const c = fixtures.multiplier!;
    const p = c.plonk.proofs[0]!;
    for (const k of ["Qm", "Ql", "Qr", "Qo", "Qc", "S1", "S2", "S3"]) {
      expect(ours(withValue(c.plonk.vk, [k], g1Json(11n)), p.publicSignals, p.proof), k).toBe("reject");
    }
    expect(ours(withValue(c.plonk.vk, ["k1"], "5"), p.publicSignals, p.proof)).toBe("reject");
  });
});
