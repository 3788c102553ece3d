// The ZK verifier inside workerd (where snarkjs cannot run): proofs snarkjs made in Node (provided
// by zk-global-setup.ts) verified by the pure verifier and by the ProofVerifier entrypoint.
import { createExecutionContext, env } from "cloudflare:test";
import { describe, expect, inject, it } from "vitest";
import { ProofVerifier } from "../../workers/verifier/entrypoint.js";
import { encodeInputs, inputsFromJson } from "../../workers/verifier/zk/curve.js";
import {
  encodeGroth16Key,
  encodeGroth16Proof,
  groth16KeyFromJson,
  groth16ProofFromJson,
} from "../../workers/verifier/zk/groth16.js";
import { verifySnarkjs } from "../../workers/verifier/zk/index.js";
import {
  encodePlonkKey,
  encodePlonkProof,
  plonkKeyFromJson,
  plonkProofFromJson,
} from "../../workers/verifier/zk/plonk.js";
import type { VerifyItem } from "../../workers/verifier/zk/service.js";
import "./zk-fixture-type.js";

const fixture = inject("zkFixture");

function groth16Items(): VerifyItem[] {
  const vk = encodeGroth16Key(groth16KeyFromJson(fixture.groth16.vk));
  return fixture.groth16.proofs.map((p) => ({
    protocol: "groth16",
    vk,
    proof: encodeGroth16Proof(groth16ProofFromJson(p.proof)),
    inputs: encodeInputs(inputsFromJson(p.publicSignals, 1024)),
  }));
}

function plonkItems(): VerifyItem[] {
  const vk = encodePlonkKey(plonkKeyFromJson(fixture.plonk.vk));
  return fixture.plonk.proofs.map((p) => ({
    protocol: "plonk",
    vk,
    proof: encodePlonkProof(plonkProofFromJson(p.proof)),
    inputs: encodeInputs(inputsFromJson(p.publicSignals, 1024)),
  }));
}

describe("ZK verification in workerd", () => {
  it("verifies snarkjs Groth16 and PLONK proofs from JSON, and rejects them with other inputs", () => {
    for (const protocol of ["groth16", "plonk"] as const) {
      const [a, b] = fixture[protocol].proofs;
      expect(
        verifySnarkjs({ vk: fixture[protocol].vk, proof: a!.proof, publicSignals: a!.publicSignals }),
      ).toBe(true);
      expect(
        verifySnarkjs({ vk: fixture[protocol].vk, proof: a!.proof, publicSignals: b!.publicSignals }),
      ).toBe(false);
    }
  });

  it("ProofVerifier.verifyBatch: a mixed batch, one Groth16 group combined, one bad proof named", async () => {
    const verifier = new ProofVerifier(createExecutionContext(), env);
    const items = [...groth16Items(), ...plonkItems()];
    const good = await verifier.verifyBatch({ items });
    expect(good).toMatchObject({ ok: true, valid: true, combinedGroups: 1 });
    if (!good.ok) throw new Error("unreachable");
    expect(good.results).toEqual(items.map(() => ({ valid: true })));

    // item 3 gets item 4's inputs; item 9 (PLONK) gets a truncated proof.
    const bad = items.map((it) => ({ ...it }));
    bad[3] = { ...bad[3]!, inputs: bad[4]!.inputs };
    bad[9] = { ...bad[9]!, proof: bad[9]!.proof.subarray(0, 700) };
    const reply = await verifier.verifyBatch({ items: bad });
    if (!reply.ok) throw new Error(`refused: ${reply.code}`);
    expect(reply.valid).toBe(false);
    expect(reply.combinedGroups).toBe(0);
    expect(reply.results.map((r) => r.valid)).toEqual(bad.map((_, i) => i !== 3 && i !== 9));
    expect(reply.results[9]).toMatchObject({ valid: false, code: "ZK_MALFORMED_PROOF" });
  });

  it("ProofVerifier refuses an oversized batch as data, not as a thrown error", async () => {
    const verifier = new ProofVerifier(createExecutionContext(), env);
    const one = groth16Items()[0]!;
    const reply = await verifier.verifyBatch({ items: Array(1025).fill(one) });
    expect(reply).toMatchObject({ ok: false, code: "ZK_BATCH_TOO_LARGE" });
  });
});
