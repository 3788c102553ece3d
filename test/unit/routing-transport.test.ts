import { describe, expect, it } from "vitest";
import { blsKeyFromSeed } from "../../protocol/bls.js";
import { StoppedClock } from "../../workers/consensus/ports.js";
import { KadcastTransport } from "../../workers/routing/kadcast-transport.js";
import { SeededRng } from "../../workers/routing/rng.js";

/** n transports over in-memory links (every pair linked), frames queued and drained in order. */
function mesh(n: number) {
  const clock = new StoppedClock(1_000);
  const queue: Array<{ from: string; to: string; frame: Uint8Array }> = [];
  const keys = Array.from({ length: n }, (_, i) => blsKeyFromSeed(new Uint8Array(32).fill(i + 1)));
  const names = keys.map((_, i) => `node-${i}`);
  const inbox: Array<Array<[string, Uint8Array]>> = names.map(() => []);
  const ts = names.map(
    (name, i) =>
      new KadcastTransport(
        { publicKey: keys[i]!.publicKey, address: name },
        {
          clock,
          rng: new SeededRng(i + 1),
          links: { send: (peer, frame) => queue.push({ from: name, to: peer, frame }) },
        },
      ),
  );
  ts.forEach((t, i) => {
    t.attach((peer, bytes) => {
      inbox[i]!.push([peer, bytes]);
    });
    names.forEach((peer, j) => {
      if (j !== i) t.linkUp(peer, keys[j]!.publicKey);
    });
  });
  const drain = () => {
    for (let guard = 0; queue.length > 0 && guard < 100_000; guard++) {
      const f = queue.shift()!;
      const err = ts[names.indexOf(f.to)]!.onFrame(f.from, f.frame);
      expect(err).toBeUndefined();
    }
  };
  return { ts, names, inbox, drain, clock };
}

describe("KadcastTransport: the consensus Transport over Kadcast", () => {
  it("delivers large and small broadcasts to every other node exactly once", () => {
    const { ts, inbox, drain } = mesh(12);
    const large = new Uint8Array(5000).fill(9);
    const small = new Uint8Array(100).fill(8);
    ts[3]!.broadcast(large);
    ts[5]!.broadcast(small);
    drain();
    inbox.forEach((got, i) => {
      const bodies = got.map(([, b]) => b.length).sort((a, b) => a - b);
      if (i === 3) expect(bodies).toEqual([100]);
      else if (i === 5) expect(bodies).toEqual([5000]);
      else expect(bodies).toEqual([100, 5000]);
    });
    // A second broadcast of the same bytes is not sent again.
    ts[3]!.broadcast(large);
    drain();
    expect(inbox[0]!.filter(([, b]) => b.length === 5000)).toHaveLength(1);
  });

  it("sends directly on a link, naming the sender; drops frames for unlinked peers", () => {
    const { ts, inbox, drain } = mesh(3);
    ts[0]!.send("node-2", new Uint8Array([1, 2]));
    drain();
    expect(inbox[2]).toEqual([["node-0", new Uint8Array([1, 2])]]);
    ts[0]!.linkDown("node-2");
    expect(ts[0]!.peers().sort()).toEqual(["node-1"]);
    ts[0]!.send("node-2", new Uint8Array([3]));
    expect(ts[0]!.stats.framesToUnlinked).toBe(1);
    expect(ts[1]!.onFrame("stranger", new Uint8Array([1, 1]))).toBeUndefined();
    expect(ts[1]!.stats.framesFromUnlinked).toBe(1);
  });

  it("returns a penalizing error for a malformed frame from a linked peer", () => {
    const { ts } = mesh(2);
    const err = ts[0]!.onFrame("node-1", new Uint8Array([1, 99]));
    expect(err?.action).toBe("penalize");
    expect(ts[0]!.stats.peerErrors).toBe(1);
  });

  it("drops a peer after three penalizing errors, and after one more once it is back", () => {
    const dropped: string[] = [];
    const key = blsKeyFromSeed(new Uint8Array(32).fill(50));
    const peerKey = blsKeyFromSeed(new Uint8Array(32).fill(51));
    const t = new KadcastTransport(
      { publicKey: key.publicKey, address: "me" },
      {
        clock: new StoppedClock(0),
        rng: new SeededRng(1),
        links: { send: () => {}, disconnect: (peer, reason) => dropped.push(`${peer}:${reason}`) },
      },
    );
    t.linkUp("bad", peerKey.publicKey);
    const garbage = new Uint8Array([1, 99]);
    t.onFrame("bad", garbage);
    t.onFrame("bad", garbage);
    expect(dropped).toEqual([]);
    t.onFrame("bad", garbage);
    expect(dropped).toEqual(["bad:ROUTING_UNKNOWN_TYPE"]);
    expect(t.peers()).toEqual([]);
    t.linkUp("bad", peerKey.publicKey);
    t.onFrame("bad", garbage);
    expect(dropped).toHaveLength(2);
    expect(t.stats.peersDropped).toBe(2);
  });
});
