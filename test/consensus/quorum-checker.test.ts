import { describe, expect, it } from "vitest";
import { toHex } from "../../protocol/bytes.js";
import { designMajority, designValidQuorum, QuorumChecker } from "../../sim/quorum-checker.js";
import { TestNetwork } from "./harness.js";

describe("simulator quorum checks", () => {
  it("restate DESIGN.md's thresholds: 43 of 64 for Valid, 33 of 64 otherwise", () => {
    expect(designValidQuorum(64)).toBe(43);
    expect(designMajority(64)).toBe(33);
    // The overlap two Valid quorums of 64 credits must share: 2 * 43 - 64.
    expect(2 * designValidQuorum(64) - 64).toBe(22);
  });

  it("pass real blocks and catch a thinned attestation and two quorums in one iteration", async () => {
    const net = await TestNetwork.start(4);
    expect(await net.runUntil(() => net.node(0).status().height >= 3, 120_000)).toBe(true);
    const view = (h: number) => net.node(0).blockByHeight(h)!;
    const [b1, b2, b3] = [view(1), view(2), view(3)];
    const violations: string[] = [];
    const honest = new QuorumChecker(net.genesis, new Set(), (v) => violations.push(v));
    honest.onBlock("node-0", b2.block, toHex(b2.hash), b1.block, null);
    honest.onBlock("node-0", b3.block, toHex(b3.hash), b2.block, b1.block);
    expect(violations).toEqual([]);

    // The parent attestation with a single ratification signer left: below the quorum.
    const att = b3.block.header.prevAttestation!;
    const lowest = att.ratification.bitset & -att.ratification.bitset;
    const thin = {
      ...b3.block,
      header: {
        ...b3.block.header,
        prevAttestation: { ...att, ratification: { ...att.ratification, bitset: lowest } },
      },
    };
    honest.onBlock("node-1", thin, "thin", b2.block, b1.block);
    expect(violations.join("\n")).toMatch(
      /safety: .*Ratification votes hold \d+ credits, below the quorum of 43 of 64/,
    );

    // Another block accepted in block 3's round and iteration, on the same parent.
    violations.length = 0;
    honest.onBlock("node-2", b3.block, "another-block", b2.block, b1.block);
    expect(violations.join("\n")).toMatch(/safety: two blocks with Valid quorums in round 3 iteration/);

    // The same conflict with every provisioner byzantine: the overlap is theirs, counted not failed.
    const everyone = new Set(net.genesis.provisioners.map((p) => toHex(p.publicKey)));
    const byzantine = new QuorumChecker(net.genesis, everyone, (v) => violations.push(v));
    violations.length = 0;
    byzantine.onBlock("node-0", b3.block, toHex(b3.hash), b2.block, b1.block);
    byzantine.onBlock("node-2", b3.block, "another-block", b2.block, b1.block);
    expect(violations).toEqual([]);
    expect(byzantine.conflictsWithinByzantineCredits).toBe(1);
  }, 60_000);
});
