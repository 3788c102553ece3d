import { describe, expect, it } from "vitest";
import { DEFAULT_BYZANTINE_KINDS } from "../../sim/byzantine.js";
import { DEFAULT_OPTIONS, type SimOptions } from "../../sim/options.js";
import { runSimulation, type SimResult } from "../../sim/simulator.js";

/**
 * The deterministic simulator in `npm test`: a modest sweep with the fast signature scheme and
 * every default byzantine behaviour (equivocation, double votes, votes for two candidates,
 * invalid candidates, unknown-block votes, silence, delays, replays, far-future messages).
 */
const BEHAVIOURS: SimOptions["behaviours"] = DEFAULT_BYZANTINE_KINDS;

function explain(r: SimResult): string {
  return `seed ${r.seed}: ${r.violations.join("; ")}\n${r.tail.join("\n")}`;
}

describe("deterministic simulation (fast signatures)", () => {
  it("10 seeds of 4-7 nodes with loss, duplication, reordering, partitions, crashes and byzantine actors pass", async () => {
    const failures: string[] = [];
    let injected = 0;
    let detected = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const nodes = 4 + (seed % 4);
      const r = await runSimulation({
        ...DEFAULT_OPTIONS,
        seed,
        nodes,
        provisioners: nodes,
        rounds: 8,
        loss: 0.03,
        byzantine: 0.2,
        behaviours: BEHAVIOURS,
      });
      if (!r.pass) failures.push(explain(r));
      expect(r.finalHeight).toBeGreaterThanOrEqual(r.pass ? 8 : 0);
      injected += Object.values(r.injected).reduce((a, b) => a + b, 0);
      detected += Object.values(r.detected).reduce((a, b) => a + b, 0);
    }
    expect(failures).toEqual([]);
    expect(injected).toBeGreaterThan(0);
    expect(detected).toBeGreaterThan(0);
  }, 120_000);

  it("replays a seed exactly", async () => {
    const options = { ...DEFAULT_OPTIONS, seed: 7, nodes: 5, provisioners: 5, rounds: 5, byzantine: 0.25 };
    const a = await runSimulation(options);
    const b = await runSimulation(options);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    const c = await runSimulation({ ...options, seed: 8 });
    expect(JSON.stringify(c)).not.toBe(JSON.stringify(a));
  }, 60_000);
});
