import { describe, expect, it } from "vitest";
import { toHex } from "../../protocol/bytes.js";
import { payloadHash } from "../../workers/routing/kadcast.js";
import { BroadcastMode, encodeMessage, MsgType } from "../../workers/routing/messages.js";
import { randomInt, SeededRng } from "../../workers/routing/rng.js";
import { VirtualNetwork } from "../../workers/routing/virtual-network.js";

function silentSet(n: number, count: number, seed: number, keep: number): Set<number> {
  const rng = new SeededRng(seed);
  const s = new Set<number>();
  while (s.size < count) {
    const i = randomInt(rng, n);
    if (i !== keep) s.add(i);
  }
  return s;
}

describe("routing: Kadcast broadcast", () => {
  it("height delegation with one delegate per bucket reaches every node exactly once", () => {
    const n = 300;
    for (const mode of ["plain", "tree"] as const) {
      const net = new VirtualNetwork({ n, seed: 21, params: { beta: 1, betaOrigin: 1, betaPayload: 1 } });
      const hash = net.broadcast(17, new Uint8Array(4096).fill(1), mode);
      net.runFor(5000);
      const d = net.deliveries.get(hash)!;
      expect(d).toHaveLength(n - 1);
      expect(new Set(d.map((x) => x.node)).size).toBe(n - 1);
      expect(d.some((x) => x.node === 17)).toBe(false);
      for (let i = 0; i < n; i++) {
        expect(net.received[i]!.payloadCopies).toBe(i === 17 ? 0 : 1);
        expect(net.received[i]!.announceBytes).toBe(0);
      }
      expect(Math.max(...d.map((x) => x.hops))).toBeLessThanOrEqual(Math.log2(n) + 2);
    }
  });

  it("plain beta = 3 reaches everyone despite 20% silent nodes, de-duplicating copies", () => {
    const n = 300;
    const silent = silentSet(n, 60, 3, 0);
    const net = new VirtualNetwork({ n, seed: 22, silent });
    const hash = net.broadcast(0, new Uint8Array(200).fill(2), "auto"); // small: plain
    net.runFor(5000);
    const reached = new Set(net.deliveries.get(hash)!.map((x) => x.node));
    for (let i = 1; i < n; i++) if (!silent.has(i)) expect(reached.has(i)).toBe(true);
    const dups = net.nodes.reduce((a, x) => a + x.stats.duplicates, 0);
    expect(dups).toBeGreaterThan(0);
    expect(net.deliveries.get(hash)!.length).toBe(n - 1 - [...silent].filter((s) => !reached.has(s)).length);
  });

  it("recovers the payload by announcement and pull when tree delegates are silent", () => {
    const n = 400;
    const silent = silentSet(n, 80, 4, 0);
    const net = new VirtualNetwork({ n, seed: 23, silent });
    const hash = net.broadcast(0, new Uint8Array(8192).fill(3), "auto"); // large: tree
    net.runFor(10_000);
    const d = net.deliveries.get(hash)!;
    const honest = d.filter((x) => !silent.has(x.node));
    expect(honest).toHaveLength(n - 1 - silent.size);
    expect(honest.some((x) => x.via === "pull")).toBe(true);
    expect(honest.some((x) => x.via === "tree")).toBe(true);
    let copies = 0;
    for (let i = 1; i < n; i++) if (!silent.has(i)) copies += net.received[i]!.payloadCopies;
    expect(copies / (n - 1 - silent.size)).toBeLessThan(1.2);
    const pullsSent = net.nodes.reduce((a, x) => a + x.stats.pullsSent, 0);
    expect(pullsSent).toBeGreaterThan(0);
  });

  it("retries a pull on another announcer when the first one never answers", () => {
    // Node 2 hears the announcement first from silent node 1, then from node 3, which holds the
    // payload. Its pull to node 1 times out; the retry goes to node 3.
    const params = { pullDelayMs: 100, pullTimeoutMs: 150 };
    const net = new VirtualNetwork({ n: 4, seed: 24, silent: new Set([1]), params });
    const payload = new Uint8Array(4096).fill(4);
    const limits = net.nodes[0]!.params;
    const tree = encodeMessage(
      { type: MsgType.Broadcast, mode: BroadcastMode.Tree, height: 0, hops: 1, payload },
      limits,
    );
    net.nodes[3]!.receive(net.contacts[0]!, tree, 0); // height 0: node 3 relays nothing
    const hash = payloadHash(payload);
    const ann = encodeMessage({ type: MsgType.Announce, height: 0, hops: 1, hash, size: 4096 }, limits);
    net.nodes[2]!.receive(net.contacts[1]!, ann, 0);
    net.nodes[2]!.receive(net.contacts[3]!, ann, 0);
    net.schedule(2);
    net.runFor(2000);
    const got = net.deliveries.get(toHex(hash))!.filter((x) => x.node === 2);
    expect(got).toHaveLength(1);
    expect(got[0]!.via).toBe("pull");
    expect(got[0]!.atMs).toBeGreaterThanOrEqual(250); // 100 ms delay + 150 ms timeout first
    expect(net.nodes[2]!.stats.pullsSent).toBe(2);
    expect(net.nodes[3]!.stats.pullsServed).toBe(1);
    expect(net.received[2]!.payloadCopies).toBe(1);
  });

  it("keeps the de-duplication cache and stored payloads within their bounds", () => {
    const net = new VirtualNetwork({ n: 30, seed: 25, params: { seenMax: 16, storedPayloadsMax: 4 } });
    for (let m = 0; m < 100; m++) {
      net.broadcast(m % 30, new Uint8Array([m, m >> 8, 1, 2, 3]));
      net.runFor(20);
    }
    net.runFor(2000);
    for (const node of net.nodes) {
      const u = node.resourceUsage();
      expect(u.seen!.size).toBeLessThanOrEqual(16);
      expect(u.storedPayloads!.size).toBeLessThanOrEqual(4);
      expect(u.pulling!.size).toBe(0);
      expect(u.pending!.size).toBe(0);
    }
    // Every message reached everyone (each within the cache window while it travelled).
    for (const list of net.deliveries.values()) expect(list).toHaveLength(29);
  });
});

describe("routing: announcers without the payload, hostile frames", () => {
  it("an announcer without the payload keeps the pull waiting and answers when it arrives", () => {
    const net = new VirtualNetwork({ n: 4, seed: 31, params: { pullDelayMs: 50, pullTimeoutMs: 5000 } });
    const payload = new Uint8Array(3000).fill(5);
    const hash = payloadHash(payload);
    const limits = net.nodes[0]!.params;
    const ann = encodeMessage({ type: MsgType.Announce, height: 0, hops: 1, hash, size: 3000 }, limits);
    // Node 1 knows of the payload only by announcement; node 2 heard of it from node 1 and pulls.
    net.nodes[1]!.receive(net.contacts[0]!, ann, 0);
    net.nodes[2]!.receive(net.contacts[1]!, ann, 0);
    net.schedule(2);
    net.runFor(200);
    expect(net.nodes[2]!.stats.pullsSent).toBe(1);
    expect(net.deliveries.get(toHex(hash))).toBeUndefined();
    // The payload reaches node 1 by the tree later: node 1 serves node 2's waiting pull at once.
    const tree = encodeMessage(
      { type: MsgType.Broadcast, mode: BroadcastMode.Tree, height: 0, hops: 1, payload },
      limits,
    );
    net.nodes[1]!.receive(net.contacts[0]!, tree, net.nowMs);
    net.runFor(200);
    const got = net.deliveries.get(toHex(hash))!.map((x) => [x.node, x.via]);
    expect(got).toEqual([
      [1, "tree"],
      [2, "pull"],
    ]);
    expect(net.nodes[1]!.stats.pullsServed).toBe(1);
  });

  it("returns a penalizing error for a malformed frame and ignores unsolicited replies", () => {
    const net = new VirtualNetwork({ n: 3, seed: 32 });
    const err = net.nodes[0]!.receive(net.contacts[1]!, new Uint8Array([1, 250]), 0);
    expect(err?.code).toBe("ROUTING_UNKNOWN_TYPE");
    expect(err?.action).toBe("penalize");
    expect(net.nodes[0]!.stats.malformed).toBe(1);
    const limits = net.nodes[0]!.params;
    const pulled = encodeMessage({ type: MsgType.Pulled, hops: 1, payload: new Uint8Array(5) }, limits);
    expect(net.nodes[0]!.receive(net.contacts[1]!, pulled, 0)).toBeUndefined();
    const response = encodeMessage(
      { type: MsgType.Response, requestId: 42, body: new Uint8Array(1) },
      limits,
    );
    net.nodes[0]!.receive(net.contacts[1]!, response, 0);
    expect(net.nodes[0]!.stats.unsolicited).toBe(2);
    expect(net.deliveries.size).toBe(0);
  });
});
