import { describe, expect, it } from "vitest";
import { bucketIndex, compareDistance, ID_BYTES, randomIdInBucket } from "../../workers/routing/id.js";
import { SeededRng } from "../../workers/routing/rng.js";
import { makeContact, RoutingTable } from "../../workers/routing/routing-table.js";

const self = new Uint8Array(ID_BYTES).fill(0x11);
const rng = new SeededRng(5);
const inBucket = (i: number, name: string) => makeContact(randomIdInBucket(self, i, rng), name);

describe("routing table: bounds and eviction", () => {
  it("keeps at most K contacts per bucket and asks to probe the least recently seen", () => {
    const t = new RoutingTable(self, 4);
    const cs = Array.from({ length: 10 }, (_, j) => inBucket(200, `c${j}`));
    const results = cs.map((c, j) => t.observe(c, j).kind);
    expect(results.slice(0, 4)).toEqual(["added", "added", "added", "added"]);
    expect(results[4]).toBe("probe");
    // One pending replacement per bucket: later newcomers are dropped, not queued without bound.
    expect(results.slice(5)).toEqual(["dropped", "dropped", "dropped", "dropped", "dropped"]);
    expect(t.bucketSize(200)).toBe(4);
    expect(t.size).toBe(4);
  });

  it("keeps a live least-recently-seen contact and drops the newcomer", () => {
    const t = new RoutingTable(self, 2);
    const [a, b, c] = [inBucket(50, "a"), inBucket(50, "b"), inBucket(50, "c")];
    t.observe(a, 1);
    t.observe(b, 2);
    const r = t.observe(c, 3);
    expect(r).toEqual({ kind: "probe", probe: a });
    t.observe(a, 4); // a answered the ping
    t.resolveProbe(a, true, 4);
    expect(t.bucket(50).map((x) => x.address)).toEqual(["b", "a"]);
  });

  it("evicts a dead least-recently-seen contact for the newcomer", () => {
    const t = new RoutingTable(self, 2);
    const [a, b, c] = [inBucket(50, "a"), inBucket(50, "b"), inBucket(50, "c")];
    t.observe(a, 1);
    t.observe(b, 2);
    t.observe(c, 3);
    t.resolveProbe(a, false, 10);
    expect(t.bucket(50).map((x) => x.address)).toEqual(["b", "c"]);
    expect(t.has(a.key, a.id)).toBe(false);
  });

  it("evicts after consecutive failures; hearing from a contact resets its count", () => {
    const t = new RoutingTable(self, 20);
    const a = inBucket(9, "a");
    t.observe(a, 0);
    expect(t.recordFailure(a, 2)).toBe(false);
    t.observe(a, 1);
    expect(t.recordFailure(a, 2)).toBe(false);
    expect(t.recordFailure(a, 2)).toBe(true);
    expect(t.size).toBe(0);
  });

  it("ignores itself and answers closest contacts nearest first", () => {
    const t = new RoutingTable(self, 20);
    expect(t.observe(makeContact(self, "me"), 0).kind).toBe("self");
    for (let i = 0; i < 60; i++) t.observe(inBucket(i * 4, `n${i}`), 0);
    const target = randomIdInBucket(self, 77, rng);
    const got = t.closest(target, 8);
    expect(got).toHaveLength(8);
    for (let i = 1; i < got.length; i++) expect(compareDistance(target, got[i - 1]!.id, got[i]!.id)).toBe(-1);
    const all = t.all().sort((x, y) => compareDistance(target, x.id, y.id));
    expect(got.map((c) => c.key)).toEqual(all.slice(0, 8).map((c) => c.key));
    for (const c of t.all()) expect(bucketIndex(self, c.id)).toBeGreaterThanOrEqual(0);
  });
});
