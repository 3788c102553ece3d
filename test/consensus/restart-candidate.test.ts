import { describe, expect, it } from "vitest";
import { headerHash } from "../../protocol/block.js";
import { toHex } from "../../protocol/bytes.js";
import { MessageType } from "../../protocol/messages.js";
import { TestNetwork } from "./harness.js";

describe("a generator restarted within its iteration", () => {
  it("re-sends the candidate it signed before the restart, not a new one", async () => {
    const net = await TestNetwork.start(4);
    // Candidates of round 2 go nowhere, so its iteration 0 is still open when the generator crashes.
    const sent: Array<{ from: string; hash: string }> = [];
    net.drop = (from, _to, m) => {
      if (m.type !== MessageType.Candidate || m.block.header.height !== 2) return false;
      sent.push({ from, hash: toHex(headerHash(m.block.header)) });
      return true;
    };
    const proposed = await net.runUntil(() => sent.length > 0, 60_000);
    expect(proposed).toBe(true);
    const generator = Number(sent[0]!.from.slice("node-".length));
    const first = sent[0]!.hash;
    net.crash(generator);
    await net.step(); // what it queued before the crash is lost with it
    net.clock.set(net.clock.now() + 50); // a rebuilt candidate would carry another timestamp
    const before = sent.length;
    const restarted = await net.open(generator);
    await restarted.onTimer();
    await net.step();
    const again = sent.slice(before).filter((s) => s.from === `node-${generator}`);
    expect(again.length).toBeGreaterThan(0);
    expect(new Set(again.map((s) => s.hash))).toEqual(new Set([first]));
    const events = net.logs.filter((l) => l.node === `node-${generator}`).map((l) => l.event);
    expect(events).toContain("candidate-resent");
    expect(events).not.toContain("refused-double-candidate");
  });
});
