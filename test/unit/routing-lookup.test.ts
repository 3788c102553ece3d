import { describe, expect, it } from "vitest";
import { compareDistance, randomIdInBucket } from "../../workers/routing/id.js";
import type { RequestResult } from "../../workers/routing/kadcast.js";
import { SeededRng } from "../../workers/routing/rng.js";
import type { Contact } from "../../workers/routing/routing-table.js";
import { VirtualNetwork } from "../../workers/routing/virtual-network.js";

describe("routing: discovery, lookups, requests and liveness", () => {
  it("joins from one bootstrap contact and converges lookups on the true K closest", () => {
    const n = 150;
    const k = 8;
    const net = new VirtualNetwork({ n, seed: 11, fullTables: false, params: { k } });
    for (let i = 1; i < n; i++) {
      net.nodes[i]!.bootstrap([net.contacts[0]!], net.nowMs);
      net.schedule(i);
      net.runFor(1000);
    }
    // Everyone is known to someone, and tables stay within K per bucket.
    for (const node of net.nodes) {
      expect(node.table.size).toBeGreaterThan(0);
      for (let b = 0; b < 256; b++) expect(node.table.bucketSize(b)).toBeLessThanOrEqual(k);
    }
    const rng = new SeededRng(3);
    for (let t = 0; t < 10; t++) {
      const from = 1 + (rng.nextU32() % (n - 1));
      const target = randomIdInBucket(net.contacts[from]!.id, 200 + (t % 50), rng);
      let got: Contact[] | undefined;
      expect(net.nodes[from]!.lookup(target, net.nowMs, (c) => (got = c))).toBe(true);
      net.schedule(from);
      net.runFor(3000);
      const truth = net.contacts
        .filter((c) => c.key !== net.contacts[from]!.key)
        .sort((a, b) => compareDistance(target, a.id, b.id))
        .slice(0, k)
        .map((c) => c.key);
      expect(got?.map((c) => c.key)).toEqual(truth);
    }
  });

  it("answers point-to-point requests and times out on a silent peer", () => {
    const net = new VirtualNetwork({
      n: 10,
      seed: 2,
      silent: new Set([3]),
      params: { requestTimeoutMs: 500 },
    });
    const results: Array<{ at: number; r: RequestResult }> = [];
    const body = new Uint8Array([1, 2, 3]);
    net.nodes[0]!.request(net.contacts[1]!, body, net.nowMs, (r) => results.push({ at: net.nowMs, r }));
    net.nodes[0]!.request(net.contacts[3]!, body, net.nowMs, (r) => results.push({ at: net.nowMs, r }));
    net.schedule(0);
    net.runFor(2000);
    expect(results).toHaveLength(2);
    expect(results[0]!.r).toEqual({ ok: true, body });
    expect(results[0]!.at).toBeLessThan(200);
    expect(results[1]!.r).toEqual({ ok: false });
    expect(results[1]!.at).toBe(500);
    expect(net.nodes[0]!.stats.requestTimeouts).toBe(1);
  });

  it("bounds requests in flight", () => {
    const net = new VirtualNetwork({ n: 3, seed: 1, params: { pendingRequestsMax: 4 } });
    const sent = Array.from({ length: 10 }, () =>
      net.nodes[0]!.request(net.contacts[1]!, new Uint8Array(0), 0, () => {}),
    );
    expect(sent.filter(Boolean)).toHaveLength(4);
    expect(net.nodes[0]!.resourceUsage().pending).toEqual({ size: 4, max: 4 });
  });

  it("pings least-recently-seen contacts and evicts dead ones on refresh", () => {
    const silent = new Set([1, 2, 3]);
    const net = new VirtualNetwork({
      n: 12,
      seed: 4,
      silent,
      params: { refreshIntervalMs: 1000, requestTimeoutMs: 200, failuresToEvict: 1 },
    });
    expect(net.nodes[0]!.table.size).toBe(11);
    for (let i = 0; i < 12; i++) net.schedule(i);
    net.runFor(10_000);
    const keys = net.nodes[0]!.table.all().map((c) => c.address);
    for (const s of silent) expect(keys).not.toContain(String(s));
    expect(keys).toHaveLength(8);
  });
});
