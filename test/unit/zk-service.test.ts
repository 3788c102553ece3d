// verifyBatch (workers/verifier/zk/service.ts), the inline form of the ProofVerifier entrypoint:
// mixed protocols and keys, per-item verdicts, refused keys and protocols as data.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeInputs, inputsFromJson } from "../../workers/verifier/zk/curve.js";
import {
  encodeGroth16Key,
  encodeGroth16Proof,
  groth16KeyFromJson,
  groth16ProofFromJson,
} from "../../workers/verifier/zk/groth16.js";
import { PreparedKeyCache } from "../../workers/verifier/zk/index.js";
import {
  encodePlonkKey,
  encodePlonkProof,
  plonkKeyFromJson,
  plonkProofFromJson,
} from "../../workers/verifier/zk/plonk.js";
import { type VerifyItem, verifyBatch } from "../../workers/verifier/zk/service.js";
import { type CircuitFixture, releaseSnarkjs, zkFixtures } from "../zk/fixtures.js";

let fixtures: Record<string, CircuitFixture>;
beforeAll(async () => {
  fixtures = await zkFixtures();
}, 180_000);
afterAll(async () => {
  await releaseSnarkjs();
});

function items(c: CircuitFixture, protocol: "groth16" | "plonk", count: number): VerifyItem[] {
  const vk =
    protocol === "groth16"
      ? encodeGroth16Key(groth16KeyFromJson(c.groth16.vk))
      : encodePlonkKey(plonkKeyFromJson(c.plonk.vk));
  return c[protocol].proofs.slice(0, count).map((p) => ({
    protocol,
    vk,
    proof:
      protocol === "groth16"
        ? encodeGroth16Proof(groth16ProofFromJson(p.proof))
        : encodePlonkProof(plonkProofFromJson(p.proof)),
    inputs: encodeInputs(inputsFromJson(p.publicSignals, 1024)),
  }));
}

describe("verifyBatch", () => {
  it("two Groth16 keys and PLONK in one request: each key's group is combined once", () => {
    const cache = new PreparedKeyCache(8);
    const all = [
      ...items(fixtures.multiplier!, "groth16", 4),
      ...items(fixtures.sum8!, "groth16", 3),
      ...items(fixtures.sum8!, "plonk", 2),
    ];
    // interleave so groups are not contiguous
    const mixed = all.map((_, i) => all[(i * 5) % all.length]!);
    const reply = verifyBatch({ items: mixed }, cache);
    expect(reply).toMatchObject({ valid: true, combinedGroups: 2 });
    expect(reply.results.every((r) => r.valid)).toBe(true);
    expect(cache.prepared).toBe(3);
  });

  it("a malformed key refuses its group only; an unknown protocol is refused as data", () => {
    const good = items(fixtures.multiplier!, "groth16", 2);
    const badKey = items(fixtures.sum8!, "groth16", 2).map((it) => ({ ...it, vk: it.vk.subarray(0, 100) }));
    const unknown = { ...good[0]!, protocol: "fflonk" } as unknown as VerifyItem;
    const notBytes = { ...good[0]!, proof: "00ff" } as unknown as VerifyItem;
    const reply = verifyBatch({ items: [...good, ...badKey, unknown, notBytes] }, new PreparedKeyCache(4));
    expect(reply.valid).toBe(false);
    expect(reply.results.map((r) => ("code" in r ? r.code : r.valid))).toEqual([
      true,
      true,
      "ZK_MALFORMED_VK",
      "ZK_MALFORMED_VK",
      "ZK_UNSUPPORTED",
      "ZK_MALFORMED_PROOF",
    ]);
  });

  it("the same request gives the same verdicts with caller randomness", () => {
    const batch = items(fixtures.multiplier!, "groth16", 6);
    batch[4] = { ...batch[4]!, inputs: batch[5]!.inputs };
    const a = verifyBatch({ items: batch }, new PreparedKeyCache(2));
    const b = verifyBatch({ items: batch, randomness: new Uint8Array(32).fill(7) }, new PreparedKeyCache(2));
    expect(a.results.map((r) => r.valid)).toEqual([true, true, true, true, false, true]);
    expect(b.results).toEqual(a.results);
  });
});
