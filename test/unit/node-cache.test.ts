import { describe, expect, it } from "vitest";
import type { BlockJson } from "../../durable/node-views.js";
import { LIVE_TTL_MS, NodeCaches } from "../../workers/gateway/node-cache.js";
import type { NodeClient } from "../../workers/gateway/node-client.js";

const block = (height: number, label: string) =>
  ({ height, hash: `h${height}`, label }) as unknown as BlockJson;

function fakeNode(calls: string[], labels: Record<number, string>, fail = { on: false }): NodeClient {
  return {
    latestBlock: async () => {
      calls.push("latest");
      if (fail.on) throw new Error("down");
      return block(9, "accepted");
    },
    blockByHeight: async (h: number) => {
      calls.push(`height:${h}`);
      return block(h, labels[h] ?? "accepted");
    },
    account: async () => {
      calls.push("account");
      return { address: "a", balance: "1", nonce: "0" };
    },
  } as unknown as NodeClient;
}

describe("gateway node cache", () => {
  it("answers the tip from cache within the TTL and asks again after it", async () => {
    let now = 1_000;
    const calls: string[] = [];
    const node = new NodeCaches(() => now).wrap(fakeNode(calls, {}), 0);
    await node.latestBlock();
    await node.latestBlock();
    expect(calls).toEqual(["latest"]);
    now += LIVE_TTL_MS;
    await node.latestBlock();
    expect(calls).toEqual(["latest", "latest"]);
  });

  it("keeps final blocks only, and never a failed call", async () => {
    const calls: string[] = [];
    const fail = { on: true };
    const caches = new NodeCaches(() => 0);
    const node = caches.wrap(fakeNode(calls, { 3: "final" }, fail), 0);
    await node.blockByHeight(3);
    await node.blockByHeight(3);
    await node.blockByHeight(5);
    await node.blockByHeight(5);
    expect(calls).toEqual(["height:3", "height:5", "height:5"]);
    await expect(node.latestBlock()).rejects.toThrow("down");
    fail.on = false;
    expect((await node.latestBlock())?.height).toBe(9);
    // Uncached methods pass through; another node index has its own cache.
    await node.account("a");
    await caches.wrap(fakeNode(calls, { 3: "final" }), 1).blockByHeight(3);
    expect(calls.slice(-3)).toEqual(["latest", "account", "height:3"]);
  });
});
