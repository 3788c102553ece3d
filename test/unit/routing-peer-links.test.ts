// PeerLinks (workers/routing/peer-links.ts) with KadcastTransport on top, over in-memory sockets
// and a stopped clock: discovery from one bootstrap entry, the handshake refusals, crossing dials,
// reconnect backoff, on-demand dials, idle closes, the link limit and bans.
import { describe, expect, it } from "vitest";
import { type BlsKeyPair, blsKeyFromSeed } from "../../protocol/bls.js";
import { toHex } from "../../protocol/bytes.js";
import { StoppedClock } from "../../workers/consensus/ports.js";
import { KadcastTransport } from "../../workers/routing/kadcast-transport.js";
import {
  CLOSE_IDLE,
  CLOSE_MISBEHAVING,
  CLOSE_NOT_ADMITTED,
  type LinkHandler,
  type LinkSocket,
  PeerLinks,
  type PeerLinksOptions,
} from "../../workers/routing/peer-links.js";
import { SeededRng } from "../../workers/routing/rng.js";

const GENESIS = "ab".repeat(32);
const keyOf = (i: number): BlsKeyPair => blsKeyFromSeed(new Uint8Array(32).fill(i + 1));

interface Peer {
  readonly name: string;
  readonly links: PeerLinks;
  readonly kadcast: KadcastTransport;
  readonly delivered: Uint8Array[];
  readonly closes: Array<{ code: number; reason: string }>;
  /** Refusals of our dials, as logged. */
  readonly refused: Array<{ code: number; reason: string }>;
}

/** In-memory network: sockets deliver through one FIFO queue, drained explicitly. */
class Net {
  readonly clock = new StoppedClock(1_000);
  readonly peers = new Map<string, Peer>();
  private readonly queue: Array<() => Promise<void> | void> = [];
  /** Addresses that refuse to connect. */
  readonly down = new Set<string>();
  dials: Array<{ from: string; to: string; atMs: number }> = [];

  constructor(private readonly admitted: readonly number[]) {}

  add(
    i: number,
    options: Partial<PeerLinksOptions> & { chainId?: string; k?: number; refreshIntervalMs?: number } = {},
    handler: Partial<LinkHandler> = {},
  ): Peer {
    const name = `mem://node-${i}`;
    const key = keyOf(i);
    const admit = new Set(this.admitted.map((j) => toHex(keyOf(j).publicKey)));
    const rng = new SeededRng(100 + i);
    const delivered: Uint8Array[] = [];
    const closes: Array<{ code: number; reason: string }> = [];
    const refused: Array<{ code: number; reason: string }> = [];
    const links: PeerLinks = new PeerLinks(
      {
        chainId: "c",
        genesisHash: GENESIS,
        address: name,
        linkKey: key,
        admit: (k) => admit.has(toHex(k)),
        ...options,
      },
      {
        dial: async (to) => {
          this.dials.push({ from: name, to, atMs: this.clock.now() });
          const target = this.peers.get(to);
          if (target === undefined || this.down.has(to)) throw new Error(`${to} unreachable`);
          const [mine, theirs] = this.pair(peer, target);
          target.links.acceptInbound(theirs);
          return mine;
        },
        now: () => this.clock.now(),
        randomBytes: (n) => Uint8Array.from({ length: n }, () => rng.nextU32() & 0xff),
        rng,
        log: (level, event, data) => {
          void level;
          const entry = { code: data?.code as number, reason: String(data?.reason) };
          if (event === "peer-link-closed") closes.push(entry);
          if (event === "peer-refused-link") refused.push(entry);
        },
      },
    );
    const kadcast = new KadcastTransport(
      {
        publicKey: key.publicKey,
        address: name,
        params: {
          ...(options.k ? { k: options.k } : {}),
          ...(options.refreshIntervalMs ? { refreshIntervalMs: options.refreshIntervalMs } : {}),
        },
      },
      {
        clock: this.clock,
        rng,
        links: {
          send: (p, f) => links.send(p, f),
          disconnect: (p, r) => links.disconnect(p, r),
          connect: (a) => links.connect(a),
        },
      },
    );
    kadcast.attach((_p, bytes) => {
      delivered.push(bytes);
    });
    links.attach({
      onPeerConnected: async (p, k) => kadcast.linkUp(p, k),
      onPeerDisconnected: (p, code) => kadcast.linkDown(p, code === CLOSE_IDLE),
      onDialFailed: (a) => kadcast.linkFailed(a),
      wanted: (p) => kadcast.wanted(p),
      onMessage: async (p, bytes) => {
        kadcast.onFrame(p, bytes);
      },
      onScheduleChanged: () => {},
      ...handler,
    });
    const peer: Peer = { name, links, kadcast, delivered, closes, refused };
    this.peers.set(name, peer);
    return peer;
  }

  private pair(a: Peer, b: Peer): [LinkSocket, LinkSocket] {
    let closed = false;
    const make = (self: () => [Peer, LinkSocket], other: () => [Peer, LinkSocket]): LinkSocket => ({
      send: (data) => {
        if (closed) return;
        const [to, socket] = other();
        const copy = typeof data === "string" ? data : data.slice();
        this.queue.push(() => to.links.onFrame(socket, copy));
      },
      close: (code, reason) => {
        if (closed) return;
        closed = true;
        const [me, mine] = self();
        const [to, theirs] = other();
        this.queue.push(() => to.links.onClosed(theirs, code, reason));
        this.queue.push(() => me.links.onClosed(mine, code, reason));
      },
    });
    const sa: LinkSocket = make(
      () => [a, sa],
      () => [b, sb],
    );
    const sb: LinkSocket = make(
      () => [b, sb],
      () => [a, sa],
    );
    return [sa, sb];
  }

  async drain(): Promise<void> {
    for (let guard = 0; this.queue.length > 0 && guard < 200_000; guard++) await this.queue.shift()!();
  }

  /** Runs every peer's due work and delivers frames, in steps of `stepMs` up to `untilMs`. */
  async run(forMs: number, stepMs = 50): Promise<void> {
    const end = this.clock.now() + forMs;
    while (this.clock.now() <= end) {
      const now = this.clock.now();
      for (const p of this.peers.values()) {
        const w = p.kadcast.nextWakeMs();
        if (w !== null && w <= now) p.kadcast.tick(now);
        await p.links.runDue(now);
      }
      await this.drain();
      this.clock.advance(stepMs);
    }
  }
}

describe("PeerLinks + KadcastTransport: links follow the routing table", () => {
  it("links eight nodes from one bootstrap entry by discovery and broadcasts over the result", async () => {
    const n = 8;
    const net = new Net(Array.from({ length: n }, (_, i) => i));
    const peers = Array.from({ length: n }, (_, i) =>
      net.add(i, i === 0 ? {} : { bootstrap: ["mem://node-0"] }),
    );
    await net.run(3_000);
    for (const p of peers) {
      expect(p.links.peers().sort()).toEqual(
        peers
          .filter((q) => q !== p)
          .map((q) => q.name)
          .sort(),
      );
      expect(p.kadcast.kadcast.table.size).toBe(n - 1);
    }
    // Only node 0 was configured; the other links were dialed for the routing core's lookups.
    const configured = net.dials.filter((d) => d.to === "mem://node-0").length;
    expect(net.dials.length).toBeGreaterThan(configured);
    peers[5]!.kadcast.broadcast(new Uint8Array(3_000).fill(7));
    await net.run(1_000);
    for (const p of peers)
      expect(p.delivered.filter((b) => b.length === 3_000)).toHaveLength(p === peers[5] ? 0 : 1);
  });

  it("with K below the network size, tables stay bounded and broadcast still reaches everyone", async () => {
    // K = 2 and 12 nodes: at most two contacts per bucket instead of all 11 peers; a link the
    // table does not hold closes once idle (idleMs 2 s) and the contact is dialed again on use.
    const n = 12;
    const net = new Net(Array.from({ length: n }, (_, i) => i));
    const peers = Array.from({ length: n }, (_, i) =>
      net.add(i, {
        k: 2,
        idleMs: 2_000,
        // Self-lookups find only the K closest; the other buckets fill by refresh (10 min by default).
        refreshIntervalMs: 1_000,
        ...(i === 0 ? {} : { bootstrap: ["mem://node-0"] }),
      }),
    );
    await net.run(5_000, 100);
    for (const p of peers) {
      const table = p.kadcast.kadcast.table;
      expect(table.size).toBeGreaterThan(0);
      expect(table.size).toBeLessThan(n - 1);
      for (let b = 0; b < 256; b++) expect(table.bucketSize(b)).toBeLessThanOrEqual(2);
    }
    peers[3]!.kadcast.broadcast(new Uint8Array(100).fill(5));
    await net.run(500);
    for (const p of peers)
      expect(p.delivered.filter((b) => b.length === 100)).toHaveLength(p === peers[3] ? 0 : 1);
  });

  it("refuses a link beyond linksMax when every link is one the routing table holds (4007)", async () => {
    const net = new Net([0, 1, 2]);
    const a = net.add(0, { linksMax: 1 });
    net.add(1, { bootstrap: ["mem://node-0"] });
    net.add(2, { bootstrap: ["mem://node-0"] });
    await net.run(1_000);
    expect(a.links.peers()).toHaveLength(1);
    expect(a.links.stats.limitRefused).toBeGreaterThanOrEqual(1);
  });

  it("keeps one link when two nodes dial each other at once", async () => {
    const net = new Net([0, 1]);
    const a = net.add(0, { bootstrap: ["mem://node-1"] });
    const b = net.add(1, { bootstrap: ["mem://node-0"] });
    await net.run(2_000);
    expect(a.links.peers()).toEqual(["mem://node-1"]);
    expect(b.links.peers()).toEqual(["mem://node-0"]);
    a.kadcast.send("mem://node-1", new Uint8Array([1, 2, 3]));
    await net.drain();
    expect(b.delivered).toEqual([new Uint8Array([1, 2, 3])]);
    // No redial churn afterwards: both bootstrap entries count as linked.
    const dials = net.dials.length;
    await net.run(5_000);
    expect(net.dials.length).toBe(dials);
  });

  it("refuses a key that is not a genesis provisioner with 4006 and another genesis with 4001", async () => {
    const net = new Net([0]);
    const a = net.add(0);
    const stranger = net.add(9, { bootstrap: ["mem://node-0"], admit: () => true });
    const other = net.add(1, {
      bootstrap: ["mem://node-0"],
      genesisHash: "cd".repeat(32),
      admit: () => true,
    });
    await net.run(300);
    expect(a.links.peers()).toEqual([]);
    expect(a.links.stats.notAdmitted).toBeGreaterThanOrEqual(1);
    expect(a.links.stats.helloRejected).toBeGreaterThanOrEqual(1);
    expect(stranger.links.peers()).toEqual([]);
    expect(other.links.peers()).toEqual([]);
    // The refused dialers learn why from the close code and log it.
    expect(stranger.refused.map((r) => r.code)).toContain(CLOSE_NOT_ADMITTED);
    // Hellos cross: each side of a genesis mismatch refuses the other's at once.
    expect(other.links.stats.helloRejected).toBeGreaterThanOrEqual(1);
    expect(a.links.stats.refusedByPeer).toBe(0);
  });

  it("retries an unreachable bootstrap entry with growing delays and gives up an on-demand dial after two", async () => {
    const net = new Net([0, 1]);
    const failed: string[] = [];
    const a = net.add(0, { bootstrap: ["mem://node-1"] }, {});
    a.links.attach({
      onPeerConnected: async () => {},
      onMessage: async () => {},
      onDialFailed: (x) => failed.push(x),
      onScheduleChanged: () => {},
    });
    expect(a.links.connect("mem://node-7")).toBe(true);
    await net.run(20_000);
    const boot = net.dials.filter((d) => d.to === "mem://node-1").map((d) => d.atMs);
    expect(boot.length).toBeGreaterThanOrEqual(5);
    const gaps = boot.slice(1).map((t, i) => t - boot[i]!);
    // Backoff doubles (jitter at most 20%, steps of 50 ms).
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]! * 1.4);
    expect(net.dials.filter((d) => d.to === "mem://node-7")).toHaveLength(2);
    expect(failed).toEqual(["mem://node-7"]);
    // Once the peer is there, the next bootstrap attempt links.
    net.add(1);
    await net.run(35_000, 500);
    expect(a.links.peers()).toEqual(["mem://node-1"]);
  });

  it("closes an idle link the routing table does not hold, and keeps the ones it holds", async () => {
    const net = new Net([0, 1, 2]);
    const a = net.add(0, { idleMs: 1_000 });
    const b = net.add(1);
    net.add(2);
    // Dials the routing core asked for (not bootstrap entries, which the dialer keeps up).
    a.links.connect("mem://node-1");
    a.links.connect("mem://node-2");
    await net.run(500);
    expect(a.links.peers()).toHaveLength(2);
    // Take node 1 out of node 0's table (as if its bucket were full): its link goes idle.
    const c = a.kadcast.kadcast.table.all().find((x) => x.address === "mem://node-1")!;
    a.kadcast.kadcast.table.remove(c.key, c.id);
    await net.run(1_500);
    expect(a.links.peers()).toEqual(["mem://node-2"]);
    expect(a.links.stats.idleClosed).toBe(1);
    expect(a.closes.some((x) => x.code === CLOSE_IDLE)).toBe(true);
    expect(b.links.peers()).not.toContain("mem://node-0");
  });

  it("bans a dropped peer's key, refusing its redials until the ban expires", async () => {
    const net = new Net([0, 1]);
    const a = net.add(0, { banMs: 10_000 });
    const b = net.add(1, { bootstrap: ["mem://node-0"] });
    await net.run(500);
    expect(a.links.peers()).toEqual(["mem://node-1"]);
    a.links.disconnect("mem://node-1", "ROUTING_UNKNOWN_TYPE");
    await net.drain();
    expect(a.closes.at(-1)?.code).toBe(CLOSE_MISBEHAVING);
    await net.run(8_000);
    expect(a.links.peers()).toEqual([]);
    expect(a.links.stats.banned).toBeGreaterThanOrEqual(1);
    await net.run(40_000, 500);
    expect(a.links.peers()).toEqual(["mem://node-1"]);
    expect(b.links.peers()).toEqual(["mem://node-0"]);
  });
});

describe("KadcastTransport scoring", () => {
  it("forgets strikes over time: bad frames far apart do not drop a peer, three close together do", () => {
    const clock = new StoppedClock(0);
    const dropped: string[] = [];
    const t = new KadcastTransport(
      { publicKey: keyOf(0).publicKey, strikeDecayMs: 60_000 },
      { clock, rng: new SeededRng(1), links: { send: () => {}, disconnect: (p) => dropped.push(p) } },
    );
    t.linkUp("p", keyOf(1).publicKey);
    const bad = new Uint8Array([1, 99]);
    for (let i = 0; i < 6; i++) {
      expect(t.onFrame("p", bad)?.action).toBe("penalize");
      clock.advance(60_000);
    }
    expect(dropped).toEqual([]);
    for (let i = 0; i < 3; i++) t.onFrame("p", bad);
    expect(dropped).toEqual(["p"]);
  });
});
