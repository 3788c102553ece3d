import { describe, expect, it } from "vitest";
import { DEFAULT_OPTIONS } from "../../sim/options.js";
import { runSimulation } from "../../sim/simulator.js";

/**
 * The simulator with real BLS12-381 (BlsVoteCrypto, the production default) and the noble
 * Ed25519 verifier: the fast scheme must not be what makes the sweep pass. Small on purpose
 * (about 17 ms per BLS signature): 2 seeds of 4 nodes, one equivocating byzantine actor.
 */
describe("deterministic simulation (real BLS)", () => {
  it("2 seeds of 4 nodes with partitions, crashes and an equivocating actor pass", async () => {
    for (const seed of [1, 2]) {
      const r = await runSimulation({
        ...DEFAULT_OPTIONS,
        seed,
        nodes: 4,
        provisioners: 4,
        rounds: 3,
        byzantine: 0.2,
        behaviours: ["equivocate", "double-vote"],
        crypto: "bls",
      });
      expect(r.violations, r.tail.join("\n")).toEqual([]);
      expect(r.finalHeight).toBeGreaterThanOrEqual(3);
      expect(r.crypto.verifyAggregate + r.crypto.verifySameMessage).toBeGreaterThan(0);
    }
  }, 240_000);
});
