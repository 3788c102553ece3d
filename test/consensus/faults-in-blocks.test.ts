import { describe, expect, it } from "vitest";
import { FaultKind } from "../../protocol/fault.js";
import { devProvisionerKey } from "../../protocol/keys.js";
import { injectDoubleVote, SEED, TestNetwork } from "./harness.js";

describe("fault proofs through consensus", () => {
  it("a provisioner's double validation vote is proven in a later block that every node accepts", async () => {
    const net = await TestNetwork.start(5);
    const byzantine = devProvisionerKey(SEED, 2);
    // node-2 follows its first Valid validation vote with a NoCandidate vote for the same step.
    const injected = injectDoubleVote(net, "node-2", byzantine);
    const proven = () =>
      net.ids.every((_, i) => {
        const height = net.node(i).status().height;
        for (let h = 1; h <= height; h++) {
          if (
            net
              .node(i)
              .blockByHeight(h)!
              .block.faults.some((f) => f.kind === FaultKind.DoubleVote)
          )
            return true;
        }
        return false;
      });
    const ok = await net.runUntil(proven, 120_000);
    expect(injected()).toBe(1);
    expect(ok).toBe(true);
    expect(net.logs.some((l) => l.event === "fault-double-vote")).toBe(true);
    // Proven once: no block carries the same fault again.
    const h = net.node(0).status().height;
    let count = 0;
    for (let i = 1; i <= h; i++) count += net.node(0).blockByHeight(i)!.block.faults.length;
    expect(count).toBe(1);
  });
});
