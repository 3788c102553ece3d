import { describe, expect, it } from "vitest";
import { toHex } from "../../protocol/bytes.js";
import { TestNetwork } from "./harness.js";

describe("four provisioners on a stopped clock", () => {
  it("produce blocks that all nodes agree on and finalize", async () => {
    const net = await TestNetwork.start(4);
    const ok = await net.runUntil(() => Math.min(...net.heights()) >= 4, 120_000);
    const errors = net.logs.filter((l) => l.level === "error" || l.level === "warn");
    expect(errors).toEqual([]);
    expect(ok).toBe(true);
    for (let h = 1; h <= 4; h++) {
      const hashes = new Set(net.ids.map((id) => toHex(net.nodes.get(id)!.blockByHeight(h)!.hash)));
      expect(hashes.size).toBe(1);
    }
    const status = net.node(0).status();
    expect(status.finalizedHeight).toBeGreaterThanOrEqual(2);
    expect(net.node(0).blockByHeight(1)!.label).toBe(3); // Final
  });
});
