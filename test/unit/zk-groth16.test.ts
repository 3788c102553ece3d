// Groth16 (workers/verifier/zk) against snarkjs 0.7.6 on proofs snarkjs made from circom circuits:
// valid proofs, every proof field tampered, wrong inputs and counts, non-canonical scalars and
// coordinates, off-curve and out-of-subgroup points; then batches and the prepared-key cache.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inputsFromJson } from "../../workers/verifier/zk/curve.js";
import {
  batchWeights,
  groth16KeyFromJson,
  groth16ProofFromJson,
  prepareGroth16,
  verifyGroth16,
  verifyGroth16Batch,
} from "../../workers/verifier/zk/groth16.js";
import { PreparedKeyCache, verifySnarkjs } from "../../workers/verifier/zk/index.js";
import { type CircuitFixture, type Json, releaseSnarkjs, zkFixtures } from "../zk/fixtures.js";
import {
  g1Json,
  g2Json,
  g2OutsideSubgroupJson,
  getValue,
  ourVerdict,
  P,
  R,
  snarkjsVerdict,
  withValue,
} from "../zk/helpers.js";

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
  snarkjsVerdict("groth16", vk, publicSignals, proof);

describe("Groth16: proofs snarkjs made", () => {
  it("every fixture proof of every circuit (3, 9 and 0 public signals) is valid for us and for snarkjs", async () => {
    expect(Object.keys(fixtures)).toEqual(["multiplier", "sum8", "no-public"]);
    for (const c of Object.values(fixtures)) {
      for (const p of c.groth16.proofs.slice(0, 4)) {
        expect(ours(c.groth16.vk, p.publicSignals, p.proof)).toBe("accept");
        expect(await theirs(c.groth16.vk, p.publicSignals, p.proof)).toBe("accept");
      }
    }
  });

  it("a proof with another proof's public signals is invalid for both", async () => {
    const c = fixtures.multiplier!;
    const [p0, p1] = c.groth16.proofs;
    expect(ours(c.groth16.vk, p1!.publicSignals, p0!.proof)).toBe("reject");
    expect(await theirs(c.groth16.vk, p1!.publicSignals, p0!.proof)).toBe("reject");
  });

  it("each public input changed by one is invalid for both", async () => {
    const c = fixtures.sum8!;
    const p = c.groth16.proofs[1]!;
    for (let i = 0; i < p.publicSignals.length; i++) {
      const pub = withValue(p.publicSignals, [i], String((BigInt(p.publicSignals[i]!) + 1n) % R));
      expect(ours(c.groth16.vk, pub, p.proof), `input ${i}`).toBe("reject");
      expect(await theirs(c.groth16.vk, pub, p.proof), `input ${i}`).toBe("reject");
    }
  });

  it("each proof element replaced by another valid group element is invalid for both", async () => {
    const c = fixtures.multiplier!;
    const p = c.groth16.proofs[2]!;
    const other = c.groth16.proofs[3]!.proof;
    const cases: [string, Json][] = [
      ["pi_a = 2G", withValue(p.proof, ["pi_a"], g1Json(2n))],
      ["pi_a from another proof", withValue(p.proof, ["pi_a"], getValue(other, ["pi_a"]))],
      ["pi_b = 3G2", withValue(p.proof, ["pi_b"], g2Json(3n))],
      ["pi_b from another proof", withValue(p.proof, ["pi_b"], getValue(other, ["pi_b"]))],
      ["pi_c = 5G", withValue(p.proof, ["pi_c"], g1Json(5n))],
      ["pi_c from another proof", withValue(p.proof, ["pi_c"], getValue(other, ["pi_c"]))],
      [
        "pi_a negated",
        withValue(p.proof, ["pi_a", 1], String(P - BigInt(getValue(p.proof, ["pi_a", 1]) as string))),
      ],
    ];
    for (const [name, proof] of cases) {
      expect(ours(c.groth16.vk, p.publicSignals, proof), name).toBe("reject");
      expect(await theirs(c.groth16.vk, p.publicSignals, proof), name).not.toBe("accept");
    }
  });

  it("each coordinate nudged off the curve is refused (ZK_MALFORMED_PROOF); snarkjs rejects too", async () => {
    const c = fixtures.multiplier!;
    const p = c.groth16.proofs[0]!;
    const paths: (string | number)[][] = [
      ["pi_a", 0],
      ["pi_a", 1],
      ["pi_b", 0, 0],
      ["pi_b", 0, 1],
      ["pi_b", 1, 0],
      ["pi_b", 1, 1],
      ["pi_c", 0],
      ["pi_c", 1],
    ];
    for (const path of paths) {
      const v = BigInt(getValue(p.proof, path) as string);
      const proof = withValue(p.proof, path, String((v + 1n) % P));
      expect(ours(c.groth16.vk, p.publicSignals, proof), path.join(".")).toEqual({
        code: "ZK_MALFORMED_PROOF",
      });
      expect(await theirs(c.groth16.vk, p.publicSignals, proof), path.join(".")).not.toBe("accept");
    }
  });

  it("pi_b on the twist but outside the subgroup is refused; snarkjs does not accept it", async () => {
    const c = fixtures.multiplier!;
    const p = c.groth16.proofs[0]!;
    const proof = withValue(p.proof, ["pi_b"], g2OutsideSubgroupJson());
    let err: unknown;
    try {
      verifySnarkjs({ vk: c.groth16.vk, proof, publicSignals: p.publicSignals });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: "ZK_MALFORMED_PROOF", data: { reason: "not-in-subgroup" } });
    expect(await theirs(c.groth16.vk, p.publicSignals, proof)).not.toBe("accept");
  });

  it("a vk G2 point outside the subgroup is refused (ZK_MALFORMED_VK)", () => {
    const c = fixtures.multiplier!;
    const p = c.groth16.proofs[0]!;
    for (const k of ["vk_beta_2", "vk_gamma_2", "vk_delta_2"]) {
      const vk = withValue(c.groth16.vk, [k], g2OutsideSubgroupJson(7n));
      expect(ours(vk, p.publicSignals, p.proof), k).toEqual({ code: "ZK_MALFORMED_VK" });
    }
  });

  it("a public input >= r is ZK_INPUT_NOT_CANONICAL; snarkjs rejects it too", async () => {
    const c = fixtures.multiplier!;
    const p = c.groth16.proofs[1]!;
    for (const bad of [String(BigInt(p.publicSignals[0]!) + R), R.toString()]) {
      const pub = withValue(p.publicSignals, [0], bad);
      expect(ours(c.groth16.vk, pub, p.proof)).toEqual({ code: "ZK_INPUT_NOT_CANONICAL" });
      expect(await theirs(c.groth16.vk, pub, p.proof)).toBe("reject");
    }
  });

  it("non-canonical encodings snarkjs tolerates are refused here (documented in docs/ZK.md)", async () => {
    const c = fixtures.multiplier!;
    const p = c.groth16.proofs[0]!; // c = 0, so its last public signal is zero
    const x = BigInt(getValue(p.proof, ["pi_a", 0]) as string);
    // snarkjs reduces coordinates mod p, parses "007" as 7 and drops missing trailing inputs.
    const coordPlusP = withValue(p.proof, ["pi_a", 0], String(x + P));
    expect(await theirs(c.groth16.vk, p.publicSignals, coordPlusP)).toBe("accept");
    expect(ours(c.groth16.vk, p.publicSignals, coordPlusP)).toEqual({ code: "ZK_MALFORMED_PROOF" });
    const leadingZeros = withValue(p.publicSignals, [0], `00${p.publicSignals[0]}`);
    expect(await theirs(c.groth16.vk, leadingZeros, p.proof)).toBe("accept");
    expect(ours(c.groth16.vk, leadingZeros, p.proof)).toEqual({ code: "ZK_INPUT_NOT_CANONICAL" });
    expect(p.publicSignals[2]).toBe("0");
    const short = p.publicSignals.slice(0, 2);
    expect(await theirs(c.groth16.vk, short, p.proof)).toBe("accept");
    expect(ours(c.groth16.vk, short, p.proof)).toEqual({ code: "ZK_WRONG_INPUT_COUNT" });
  });

  it("wrong counts and shapes carry their codes", async () => {
    const c = fixtures.multiplier!;
    const p = c.groth16.proofs[1]!;
    expect(ours(c.groth16.vk, [...p.publicSignals, "1"], p.proof)).toEqual({ code: "ZK_WRONG_INPUT_COUNT" });
    expect(await theirs(c.groth16.vk, [...p.publicSignals, "1"], p.proof)).not.toBe("accept");
    expect(ours(c.groth16.vk, Array(1025).fill("1"), p.proof)).toEqual({ code: "ZK_TOO_MANY_INPUTS" });
    expect(ours(c.groth16.vk, "1,2,3", p.proof)).toEqual({ code: "ZK_MALFORMED_INPUT" });
    expect(ours(c.groth16.vk, [1, 2, 3], p.proof)).toEqual({ code: "ZK_MALFORMED_INPUT" });
    expect(ours(c.groth16.vk, ["-1", "2", "3"], p.proof)).toEqual({ code: "ZK_MALFORMED_INPUT" });
    expect(ours(c.groth16.vk, p.publicSignals, { ...(p.proof as object), pi_c: undefined })).toEqual({
      code: "ZK_MALFORMED_PROOF",
    });
    expect(ours(c.groth16.vk, p.publicSignals, withValue(p.proof, ["pi_a"], ["0", "1", "0"]))).toEqual({
      code: "ZK_MALFORMED_PROOF",
    });
    expect(ours(c.groth16.vk, p.publicSignals, null)).toEqual({ code: "ZK_MALFORMED_PROOF" });
    expect(ours(withValue(c.groth16.vk, ["nPublic"], 2), p.publicSignals, p.proof)).toEqual({
      code: "ZK_MALFORMED_VK",
    });
    expect(ours(withValue(c.groth16.vk, ["IC"], []), p.publicSignals, p.proof)).toEqual({
      code: "ZK_MALFORMED_VK",
    });
    const bigIc = withValue(c.groth16.vk, ["IC"], Array(1026).fill(g1Json(1n)));
    expect(ours(withValue(bigIc, ["nPublic"], 1025), p.publicSignals, p.proof)).toEqual({
      code: "ZK_TOO_MANY_INPUTS",
    });
    expect(ours(withValue(c.groth16.vk, ["protocol"], "fflonk"), p.publicSignals, p.proof)).toEqual({
      code: "ZK_UNSUPPORTED",
    });
    expect(ours(withValue(c.groth16.vk, ["curve"], "bls12381"), p.publicSignals, p.proof)).toEqual({
      code: "ZK_UNSUPPORTED",
    });
    const cyclic: Record<string, unknown> = { protocol: "groth16" };
    cyclic.self = cyclic;
    expect(ours(cyclic, p.publicSignals, p.proof)).toEqual({ code: "ZK_MALFORMED_VK" });
    expect(ours({ protocol: "groth16", IC: [1n] }, p.publicSignals, p.proof)).toEqual({
      code: "ZK_MALFORMED_VK",
    });
  });
});

describe("Groth16 batch (one final exponentiation)", () => {
  const items = (c: CircuitFixture) =>
    c.groth16.proofs.map((p) => ({
      proof: groth16ProofFromJson(p.proof),
      inputs: inputsFromJson(p.publicSignals, 1024),
    }));

  it("32 valid proofs pass the combined check without single checks", () => {
    const c = fixtures.multiplier!;
    const prepared = prepareGroth16(groth16KeyFromJson(c.groth16.vk));
    const batch = items(c);
    expect(batch.length).toBe(32);
    expect(verifyGroth16Batch(prepared, batch)).toEqual({ valid: true, invalid: [], combined: true });
  });

  it("one bad proof among 32 is named; two bad ones both", () => {
    const c = fixtures.multiplier!;
    const prepared = prepareGroth16(groth16KeyFromJson(c.groth16.vk));
    const batch = items(c);
    // Proof 17 with proof 18's inputs: each half is well-formed, the pair is not a valid proof.
    batch[17] = { proof: batch[17]!.proof, inputs: batch[18]!.inputs };
    expect(verifyGroth16Batch(prepared, batch)).toEqual({ valid: false, invalid: [17], combined: false });
    batch[3] = { proof: batch[4]!.proof, inputs: batch[3]!.inputs };
    expect(verifyGroth16Batch(prepared, batch)).toEqual({ valid: false, invalid: [3, 17], combined: false });
  });

  it("two proofs whose errors cancel in an unweighted sum are still caught", () => {
    // C_0 + D and C_1 - D: a plain sum of the equations would balance, the weighted one cannot.
    const c = fixtures.multiplier!;
    const prepared = prepareGroth16(groth16KeyFromJson(c.groth16.vk));
    const batch = items(c).slice(0, 2);
    const d = groth16ProofFromJson(c.groth16.proofs[5]!.proof).c;
    batch[0] = { ...batch[0]!, proof: { ...batch[0]!.proof, c: batch[0]!.proof.c.add(d) } };
    batch[1] = { ...batch[1]!, proof: { ...batch[1]!.proof, c: batch[1]!.proof.c.subtract(d) } };
    expect(verifyGroth16Batch(prepared, batch).invalid).toEqual([0, 1]);
  });

  it("weights are derived from the batch, differ per proof and change with injected randomness", () => {
    const c = fixtures.multiplier!;
    const prepared = prepareGroth16(groth16KeyFromJson(c.groth16.vk));
    const batch = items(c).slice(0, 4);
    const w1 = batchWeights(prepared, batch);
    expect(batchWeights(prepared, batch)).toEqual(w1);
    expect(new Set(w1).size).toBe(4);
    for (const w of w1) expect(w > 0n && w < 1n << 128n).toBe(true);
    expect(batchWeights(prepared, batch, new Uint8Array([1]))).not.toEqual(w1);
    expect(batchWeights(prepared, batch.slice().reverse())).not.toEqual(w1.slice().reverse());
    expect(verifyGroth16Batch(prepared, batch, { randomness: new Uint8Array([9, 9]) }).valid).toBe(true);
  });

  it("a wrong input count in a batch throws naming the item", () => {
    const c = fixtures.multiplier!;
    const prepared = prepareGroth16(groth16KeyFromJson(c.groth16.vk));
    const batch = items(c).slice(0, 3);
    batch[2] = { ...batch[2]!, inputs: batch[2]!.inputs.slice(1) };
    expect(() => verifyGroth16Batch(prepared, batch)).toThrow(/batch item 2/);
  });

  it("verifyGroth16 and the batch agree on every single proof", () => {
    const c = fixtures.sum8!;
    const prepared = prepareGroth16(groth16KeyFromJson(c.groth16.vk));
    for (const item of items(c)) {
      expect(verifyGroth16(prepared, item.proof, item.inputs)).toBe(true);
      expect(verifyGroth16Batch(prepared, [item]).valid).toBe(true);
    }
  });
});

describe("no public signals (nPublic = 0)", () => {
  it("verifies with an empty public.json and refuses any input", async () => {
    const c = fixtures["no-public"]!;
    const p = c.groth16.proofs[0]!;
    expect(p.publicSignals).toEqual([]);
    expect(ours(c.groth16.vk, [], p.proof)).toBe("accept");
    expect(ours(c.groth16.vk, ["0"], p.proof)).toEqual({ code: "ZK_WRONG_INPUT_COUNT" });
    const other = withValue(p.proof, ["pi_c"], getValue(c.groth16.proofs[1]!.proof, ["pi_c"]));
    expect(ours(c.groth16.vk, [], other)).toBe("reject");
    expect(await theirs(c.groth16.vk, [], other)).toBe("reject");
  });
});

describe("prepared-key cache", () => {
  it("prepares a key once per distinct key and evicts the least recently used", () => {
    const cache = new PreparedKeyCache(1);
    const m = fixtures.multiplier!;
    const s = fixtures.sum8!;
    const check = (c: CircuitFixture, i: number) =>
      verifySnarkjs(
        {
          vk: c.groth16.vk,
          proof: c.groth16.proofs[i]!.proof,
          publicSignals: c.groth16.proofs[i]!.publicSignals,
        },
        cache,
      );
    expect(check(m, 0)).toBe(true);
    expect(check(m, 1)).toBe(true);
    expect(cache.prepared).toBe(1);
    expect(check(s, 0)).toBe(true);
    expect(cache.prepared).toBe(2);
    expect(check(m, 2)).toBe(true); // evicted by sum8 (capacity 1)
    expect(cache.prepared).toBe(3);
  });
});
