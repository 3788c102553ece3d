import { describe, expect, it } from "vitest";
import { toHex } from "../../protocol/bytes.js";
import { MessageType } from "../../protocol/messages.js";
import { TestNetwork } from "./harness.js";

describe("fork choice", () => {
  it("a node that alone saw an iteration-0 quorum and the rest that moved on to a later iteration converge on the lower iteration", async () => {
    const net = await TestNetwork.start(5);
    await net.runUntil(() => Math.min(...net.heights()) >= 2, 60_000);
    const round = net.node(0).status().height + 1;
    // In `round`, iteration 0: ratification votes and quorum messages reach node-0 only, and
    // node-0 serves no blocks meanwhile (the others would otherwise sync its block before
    // their iteration 0 times out).
    net.drop = (from, to, m) => {
      if (from === "node-0" && m.type === MessageType.Blocks) return true;
      const r =
        m.type === MessageType.Ratification
          ? m.signed.header
          : m.type === MessageType.Quorum
            ? m.header
            : null;
      return r !== null && r.round === round && r.iteration === 0 && to !== "node-0";
    };
    await net.runUntil(() => net.heights().every((h) => h >= round), 120_000);
    const iterations = net.ids.map((_, i) => net.node(i).blockByHeight(round)!.block.header.iteration);
    net.drop = null;
    // Node-0 accepted iteration 0; the others never saw its quorum and accepted a later
    // iteration, all the same one (which one follows from the committees: deterministic).
    expect(iterations[0]).toBe(0);
    expect(iterations[1]).toBeGreaterThan(0);
    expect(new Set(iterations.slice(1)).size).toBe(1);
    const ok = await net.runUntil(() => {
      const hashes = new Set(
        net.ids.map((_, i) => toHex(net.node(i).blockByHeight(round)?.hash ?? new Uint8Array())),
      );
      return hashes.size === 1 && Math.min(...net.heights()) >= round + 2;
    }, 300_000);
    expect(ok).toBe(true);
    for (let i = 0; i < 5; i++) expect(net.node(i).blockByHeight(round)!.block.header.iteration).toBe(0);
    expect(net.logs.some((l) => l.event === "fallback")).toBe(true);
  });
});
