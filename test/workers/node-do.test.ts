// NodeDO in workerd: two nodes link over WebSockets, produce and finalize blocks through their
// alarms, and a node evicted from memory resumes from its SQLite state.
import { abortAllDurableObjects, evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StatusJson } from "../../durable/node-views.js";

const node = (i: number) => env.NODE.get(env.NODE.idFromName(`node-${i}`));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}${last === undefined ? "" : `: ${String(last)}`}`);
}

describe("NodeDO", () => {
  it("two nodes link up and finalize blocks", async () => {
    // Both nodes of this deployment are started (the gateway does this on its first request);
    // node-1 bootstraps from node-0, the first local node: one link each.
    await node(0).ensureStarted();
    await node(1).ensureStarted();
    const s0 = (await node(0).status()) as StatusJson;
    expect(s0.name).toBe("node-0");
    expect(s0.chainId).toBe("dusk-edge-workers-test");
    expect(s0.nodeId).toMatch(/^[0-9a-f]{96}$/);
    await waitFor("a link", async () => {
      const [a, b] = [(await node(0).status()) as StatusJson, (await node(1).status()) as StatusJson];
      return a.peers === 1 && b.peers === 1 ? true : undefined;
    });
    expect(((await node(1).status()) as StatusJson).peerIds).toEqual(["node-0"]);
    const done = await waitFor("finalized height 2", async () => {
      const s = (await node(1).status()) as StatusJson;
      return s.finalizedHeight >= 2 ? s : undefined;
    });
    expect(done.height).toBeGreaterThanOrEqual(2);
    const block = await node(0).blockByHeight(1);
    expect(block?.label).toBe("final");
    const same = await node(1).blockByHeight(1);
    expect(same?.hash).toBe(block?.hash);
  });

  it("resumes from SQLite after an abort and keeps producing blocks", async () => {
    const before = (await node(1).status()) as StatusJson;
    const hashBefore = (await node(1).blockByHeight(before.height))?.hash;
    // Both objects lose their memory and their links; storage stays (a crash-restart).
    await abortAllDurableObjects();
    const after = (await node(1).status()) as StatusJson;
    // Same chain from storage: the block at the old tip is unchanged.
    expect(after.height).toBeGreaterThanOrEqual(before.height);
    expect((await node(1).blockByHeight(before.height))?.hash).toBe(hashBefore);
    // The restarted nodes link up again (node-1 re-dials node-0) and consensus goes on.
    await waitFor("two more blocks after the restart", async () => {
      const s = (await node(1).status()) as StatusJson;
      return s.height >= after.height + 2 && s.peers === 1 ? s : undefined;
    });
  });

  it("keeps its inbound links across hibernation", async () => {
    const before = (await node(0).status()) as StatusJson;
    expect(before.peerIds).toEqual(["node-1"]);
    // node-0 only accepts links (node-1 dials it): they hibernate with it and come back.
    await evictDurableObject(node(0));
    const after = (await node(0).status()) as StatusJson;
    expect(after.peerIds).toEqual(["node-1"]);
    await waitFor("a block after waking", async () => {
      const s = (await node(0).status()) as StatusJson;
      return s.height >= after.height + 1 ? s : undefined;
    });
  });

  it("answers 404 to other paths and 426 without an upgrade", async () => {
    expect((await node(0).fetch("https://peer/other")).status).toBe(404);
    expect((await node(0).fetch("https://peer/peer/ws")).status).toBe(426);
  });
});
