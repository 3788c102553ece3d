import { describe, expect, it } from "vitest";
import { toHex } from "../../protocol/bytes.js";
import { TestNetwork } from "./harness.js";

describe("faults a devnet must survive", () => {
  // Five, not four: the generator sits out its own committees, so with one of four silent only
  // two thirds of the committee credits are live, at the Valid quorum's edge (43 of 64).
  it("keeps finalizing with one of five provisioners silent", async () => {
    const net = await TestNetwork.start(5);
    net.down.add("node-4");
    const live = [0, 1, 2, 3];
    const ok = await net.runUntil(
      () => live.every((i) => net.node(i).status().finalizedHeight >= 4),
      300_000,
    );
    expect(ok).toBe(true);
    for (let h = 1; h <= 4; h++) {
      expect(new Set(live.map((i) => toHex(net.node(i).blockByHeight(h)!.hash))).size).toBe(1);
    }
  });

  it("a crashed node restarts from its store and catches up", async () => {
    const net = await TestNetwork.start(4);
    await net.runUntil(() => Math.min(...net.heights()) >= 2, 60_000);
    const heightAtCrash = net.node(3).status().height;
    const finalAtCrash = net.node(3).blockByHeight(1)!.hash;
    net.crash(3);
    const others = [0, 1, 2];
    await net.runUntil(() => others.every((i) => net.node(i).status().height >= heightAtCrash + 3), 300_000);
    const restarted = await net.open(3);
    expect(restarted.status().height).toBe(heightAtCrash);
    expect(toHex(restarted.blockByHeight(1)!.hash)).toBe(toHex(finalAtCrash));
    for (const peer of ["node-0", "node-1", "node-2"]) await restarted.onPeerConnected(peer);
    const target = net.node(0).status().height + 2;
    const ok = await net.runUntil(() => net.heights().every((h) => h >= target), 300_000);
    expect(ok).toBe(true);
    for (let h = 1; h <= target; h++) {
      expect(new Set([0, 1, 2, 3].map((i) => toHex(net.node(i).blockByHeight(h)!.hash))).size).toBe(1);
    }
    // No double signing across the restart; the crashed node's missed generations are soft faults.
    expect(
      net.logs.filter((l) => l.event.startsWith("refused-double") || l.event.startsWith("fault-double")),
    ).toEqual([]);
    expect(net.logs.some((l) => l.event === "fault-missed-generation")).toBe(true);
  });
});
