// The binary encodings of docs/ZK.md (host functions verify_groth16 / verify_plonk): round trips
// from snarkjs JSON, agreement with the JSON path, and every decode check with its code.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProtocolError } from "../../protocol/errors.js";
import {
  encodeInputs,
  inputsFromJson,
  P_MODULUS,
  R_MODULUS,
  writeField,
} from "../../workers/verifier/zk/curve.js";
import {
  decodeGroth16Key,
  decodeGroth16Proof,
  encodeGroth16Key,
  encodeGroth16Proof,
  GROTH16_PROOF_BYTES,
  groth16KeyFromJson,
  groth16ProofFromJson,
} from "../../workers/verifier/zk/groth16.js";
import {
  PreparedKeyCache,
  verifyGroth16BatchBinary,
  verifyGroth16Binary,
  verifyPlonkBinary,
} from "../../workers/verifier/zk/index.js";
import {
  decodePlonkKey,
  decodePlonkProof,
  encodePlonkKey,
  encodePlonkProof,
  PLONK_PROOF_BYTES,
  plonkKeyFromJson,
  plonkProofFromJson,
} from "../../workers/verifier/zk/plonk.js";
import { type CircuitFixture, releaseSnarkjs, zkFixtures } from "../zk/fixtures.js";
import { g2OutsideSubgroupJson, ourVerdict } from "../zk/helpers.js";

let fixtures: Record<string, CircuitFixture>;
beforeAll(async () => {
  fixtures = await zkFixtures();
}, 180_000);
afterAll(async () => {
  await releaseSnarkjs();
});

function groth16Bytes(c: CircuitFixture, i: number) {
  const p = c.groth16.proofs[i]!;
  return {
    vk: encodeGroth16Key(groth16KeyFromJson(c.groth16.vk)),
    proof: encodeGroth16Proof(groth16ProofFromJson(p.proof)),
    inputs: encodeInputs(inputsFromJson(p.publicSignals, 1024)),
  };
}

function plonkBytes(c: CircuitFixture, i: number) {
  const p = c.plonk.proofs[i]!;
  return {
    vk: encodePlonkKey(plonkKeyFromJson(c.plonk.vk)),
    proof: encodePlonkProof(plonkProofFromJson(p.proof)),
    inputs: encodeInputs(inputsFromJson(p.publicSignals, 1024)),
  };
}

const codeOf = (fn: () => unknown): string | null => {
  try {
    fn();
    return null;
  } catch (e) {
    if (e instanceof ProtocolError) return e.code;
    throw e;
  }
};

const mutated = (b: Uint8Array, f: (c: Uint8Array) => void) => {
  const c = b.slice();
  f(c);
  return c;
};

describe("binary encodings", () => {
  it("sizes: Groth16 proof 256 bytes, vk 452 + 64 (n + 1); PLONK proof 768, vk 709", () => {
    const m = fixtures.multiplier!;
    const g = groth16Bytes(m, 0);
    expect(g.proof.length).toBe(GROTH16_PROOF_BYTES);
    expect(GROTH16_PROOF_BYTES).toBe(256);
    expect(g.vk.length).toBe(452 + 64 * 4);
    const pl = plonkBytes(m, 0);
    expect(pl.proof.length).toBe(PLONK_PROOF_BYTES);
    expect(PLONK_PROOF_BYTES).toBe(768);
    expect(pl.vk.length).toBe(709);
  });

  it("decode(encode(x)) re-encodes to the same bytes (canonical)", () => {
    for (const c of Object.values(fixtures)) {
      const g = groth16Bytes(c, 0);
      expect(encodeGroth16Key(decodeGroth16Key(g.vk))).toEqual(g.vk);
      expect(encodeGroth16Proof(decodeGroth16Proof(g.proof))).toEqual(g.proof);
      if (c.plonk.vk === null) continue; // no-public: Groth16 only
      const pl = plonkBytes(c, 0);
      expect(encodePlonkKey(decodePlonkKey(pl.vk))).toEqual(pl.vk);
      expect(encodePlonkProof(decodePlonkProof(pl.proof))).toEqual(pl.proof);
    }
  });

  it("binary verification agrees with JSON on valid and tampered proofs", () => {
    const cache = new PreparedKeyCache(4);
    for (const c of Object.values(fixtures)) {
      const g = groth16Bytes(c, 1);
      expect(verifyGroth16Binary(g.vk, g.proof, g.inputs, cache)).toBe(true);
      // another proof's C (no-public has no inputs to change)
      const otherC = groth16Bytes(c, 0).proof.subarray(192);
      const badC = mutated(g.proof, (b) => b.set(otherC, 192));
      expect(ourVerdict(() => verifyGroth16Binary(g.vk, badC, g.inputs, cache))).toBe("reject");
      if (g.inputs.length > 0) {
        const badInputs = mutated(g.inputs, (b) => {
          b[31] = b[31]! ^ 1;
        });
        expect(ourVerdict(() => verifyGroth16Binary(g.vk, g.proof, badInputs, cache))).toBe("reject");
      }
      if (c.plonk.vk === null) continue;
      const pl = plonkBytes(c, 1);
      expect(verifyPlonkBinary(pl.vk, pl.proof, pl.inputs, cache)).toBe(true);
      // eval_zw is the last 32 bytes; +1 in its low byte stays canonical for these values.
      const badEval = mutated(pl.proof, (b) => {
        b[b.length - 1] = b[b.length - 1]! ^ 1;
      });
      expect(ourVerdict(() => verifyPlonkBinary(pl.vk, badEval, pl.inputs, cache))).toBe("reject");
    }
  });

  it("every truncation and extension of a proof or key is refused with its code", () => {
    const g = groth16Bytes(fixtures.multiplier!, 0);
    for (const len of [0, 1, 64, 255, 257]) {
      const proof = new Uint8Array(len);
      proof.set(g.proof.subarray(0, Math.min(len, g.proof.length)));
      expect(
        codeOf(() => verifyGroth16Binary(g.vk, proof, g.inputs)),
        `proof ${len}`,
      ).toBe("ZK_MALFORMED_PROOF");
    }
    for (const len of [0, 451, g.vk.length - 1, g.vk.length + 64]) {
      const vk = new Uint8Array(len);
      vk.set(g.vk.subarray(0, Math.min(len, g.vk.length)));
      expect(
        codeOf(() => verifyGroth16Binary(vk, g.proof, g.inputs)),
        `vk ${len}`,
      ).toBe("ZK_MALFORMED_VK");
    }
    expect(codeOf(() => verifyGroth16Binary(g.vk, g.proof, g.inputs.subarray(1)))).toBe("ZK_MALFORMED_INPUT");
    expect(codeOf(() => verifyGroth16Binary(g.vk, g.proof, g.inputs.subarray(32)))).toBe(
      "ZK_WRONG_INPUT_COUNT",
    );
    expect(codeOf(() => verifyGroth16Binary(g.vk, g.proof, new Uint8Array(32 * 1025)))).toBe(
      "ZK_TOO_MANY_INPUTS",
    );
    const hugeCount = mutated(g.vk, (b) => new DataView(b.buffer).setUint32(448, 0xffffffff));
    expect(codeOf(() => verifyGroth16Binary(hugeCount, g.proof, g.inputs))).toBe("ZK_TOO_MANY_INPUTS");
    const pl = plonkBytes(fixtures.multiplier!, 0);
    expect(codeOf(() => verifyPlonkBinary(pl.vk, pl.proof.subarray(1), pl.inputs))).toBe(
      "ZK_MALFORMED_PROOF",
    );
    expect(codeOf(() => verifyPlonkBinary(pl.vk.subarray(1), pl.proof, pl.inputs))).toBe("ZK_MALFORMED_VK");
    expect(
      codeOf(() =>
        verifyPlonkBinary(
          mutated(pl.vk, (b) => (b[0] = 0)),
          pl.proof,
          pl.inputs,
        ),
      ),
    ).toBe("ZK_MALFORMED_VK");
  });

  it("a coordinate equal to p, a scalar equal to r, off-curve and out-of-subgroup points are refused", () => {
    const g = groth16Bytes(fixtures.multiplier!, 0);
    const setField = (b: Uint8Array, offset: number, v: bigint) =>
      mutated(b, (c) => writeField(c, offset, v));
    // proof.A.x = p (non-canonical), proof.B.x.c1 = p, proof.C.y = p
    for (const offset of [0, 64, 192 + 32]) {
      expect(codeOf(() => verifyGroth16Binary(g.vk, setField(g.proof, offset, P_MODULUS), g.inputs))).toBe(
        "ZK_MALFORMED_PROOF",
      );
    }
    expect(codeOf(() => verifyGroth16Binary(g.vk, g.proof, setField(g.inputs, 0, R_MODULUS)))).toBe(
      "ZK_INPUT_NOT_CANONICAL",
    );
    // off curve: A.y + 1
    const offCurve = mutated(g.proof, (b) => {
      b[63] = b[63]! ^ 1;
    });
    expect(codeOf(() => verifyGroth16Binary(g.vk, offCurve, g.inputs))).toBe("ZK_MALFORMED_PROOF");
    // infinity for A (64 zero bytes) is not allowed in a Groth16 proof
    expect(
      codeOf(() =>
        verifyGroth16Binary(
          g.vk,
          mutated(g.proof, (b) => b.fill(0, 0, 64)),
          g.inputs,
        ),
      ),
    ).toBe("ZK_MALFORMED_PROOF");
    // B on the twist, outside the subgroup
    const [[x0, x1], [y0, y1]] = g2OutsideSubgroupJson().map((c) => c.map(BigInt)) as [bigint[], bigint[]];
    const outside = mutated(g.proof, (b) => {
      writeField(b, 64, x1!);
      writeField(b, 96, x0!);
      writeField(b, 128, y1!);
      writeField(b, 160, y0!);
    });
    let err: unknown;
    try {
      verifyGroth16Binary(g.vk, outside, g.inputs);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: "ZK_MALFORMED_PROOF", data: { reason: "not-in-subgroup" } });
    // the same point as the key's gamma
    const vkOutside = mutated(g.vk, (b) => {
      writeField(b, 64 + 128, x1!);
      writeField(b, 96 + 128, x0!);
      writeField(b, 128 + 128, y1!);
      writeField(b, 160 + 128, y0!);
    });
    expect(codeOf(() => verifyGroth16Binary(vkOutside, g.proof, g.inputs))).toBe("ZK_MALFORMED_VK");
    // PLONK evaluation equal to r
    const pl = plonkBytes(fixtures.multiplier!, 0);
    expect(codeOf(() => verifyPlonkBinary(pl.vk, setField(pl.proof, 9 * 64, R_MODULUS), pl.inputs))).toBe(
      "ZK_MALFORMED_PROOF",
    );
  });

  it("binary batch: malformed items reported with their code, a bad proof named, the rest combined", () => {
    const c = fixtures.multiplier!;
    const items = c.groth16.proofs.slice(0, 8).map((_, i) => {
      const g = groth16Bytes(c, i);
      return { proof: g.proof, inputs: g.inputs };
    });
    const vk = groth16Bytes(c, 0).vk;
    expect(verifyGroth16BatchBinary({ vk, items })).toMatchObject({
      valid: true,
      invalid: [],
      combined: true,
    });
    items[2] = { ...items[2]!, proof: items[2]!.proof.subarray(0, 100) };
    items[5] = { ...items[5]!, inputs: items[6]!.inputs };
    const r = verifyGroth16BatchBinary({ vk, items });
    expect(r.valid).toBe(false);
    expect(r.invalid).toEqual([2, 5]);
    expect(r.malformed).toEqual([{ index: 2, code: "ZK_MALFORMED_PROOF", message: expect.any(String) }]);
    expect(codeOf(() => verifyGroth16BatchBinary({ vk, items: Array(1025).fill(items[0]) }))).toBe(
      "ZK_BATCH_TOO_LARGE",
    );
  });
});
