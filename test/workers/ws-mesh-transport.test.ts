// The WebSocket mesh: the hello handshake against a real NodeDO (refusals with close codes,
// frame limits), and the reconnect schedule with a fake host.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StatusJson } from "../../durable/node-views.js";
import {
  CLOSE_MISMATCH,
  CLOSE_PROTOCOL,
  parseHello,
  type WsMeshHost,
  WsMeshTransport,
} from "../../durable/ws-mesh-transport.js";
import { LIMITS } from "../../protocol/params.js";

const node0 = () => env.NODE.get(env.NODE.idFromName("node-0"));

interface Peer {
  readonly ws: WebSocket;
  readonly hello: Promise<Record<string, string>>;
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** Opens a link to node-0 the way a NodeDO does, as a test peer. */
async function connect(): Promise<Peer> {
  const r = await node0().fetch("https://peer/peer/ws", { headers: { Upgrade: "websocket" } });
  const ws = r.webSocket!;
  expect(ws).toBeTruthy();
  ws.binaryType = "arraybuffer";
  const hello = new Promise<Record<string, string>>((resolve) => {
    ws.addEventListener("message", (e) => {
      if (typeof e.data === "string") resolve(JSON.parse(e.data));
    });
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason }));
  });
  ws.accept();
  return { ws, hello, closed };
}

describe("WsMeshTransport handshake (against node-0)", () => {
  it("sends its hello first: chain id, genesis hash, node id", async () => {
    const p = await connect();
    const hello = await p.hello;
    expect(hello).toEqual({
      chainId: "dusk-edge-workers-test",
      genesisHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      nodeId: "node-0",
    });
    p.ws.close(1000, "done");
  });

  it("refuses another chain id with 4001", async () => {
    const p = await connect();
    const hello = await p.hello;
    p.ws.send(JSON.stringify({ ...hello, chainId: "other-chain", nodeId: "intruder" }));
    const closed = await p.closed;
    expect(closed.code).toBe(CLOSE_MISMATCH);
    expect(closed.reason).toContain("chain id mismatch");
  });

  it("refuses another genesis with 4001", async () => {
    const p = await connect();
    const hello = await p.hello;
    p.ws.send(JSON.stringify({ ...hello, genesisHash: "00".repeat(32), nodeId: "intruder" }));
    const closed = await p.closed;
    expect(closed.code).toBe(CLOSE_MISMATCH);
    expect(closed.reason).toContain("genesis mismatch");
  });

  it("refuses binary frames before the hello and malformed hellos with 4002", async () => {
    const a = await connect();
    a.ws.send(new Uint8Array([1, 2, 3]));
    expect((await a.closed).code).toBe(CLOSE_PROTOCOL);
    const b = await connect();
    b.ws.send("{not json");
    expect((await b.closed).code).toBe(CLOSE_PROTOCOL);
  });

  it("accepts a matching hello as a peer, drops oversized frames and counts them", async () => {
    const p = await connect();
    const hello = await p.hello;
    p.ws.send(JSON.stringify({ ...hello, nodeId: "test-peer" }));
    const status = async () => (await node0().status()) as StatusJson;
    for (let i = 0; i < 50 && !(await status()).peerIds.includes("test-peer"); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await status()).peerIds).toContain("test-peer");
    const before = (await status()).transport.framesOversized!;
    p.ws.send(new Uint8Array(LIMITS.messageBytes + 1));
    // Garbage within the limit goes to the node, which logs and ignores it; the link stays.
    p.ws.send(new Uint8Array([0xff]));
    for (let i = 0; i < 50 && (await status()).transport.framesOversized === before; i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const after = await status();
    expect(after.transport.framesOversized).toBe(before + 1);
    expect(after.peerIds).toContain("test-peer");
    p.ws.close(1000, "done");
    for (let i = 0; i < 50 && (await status()).peerIds.includes("test-peer"); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await status()).peerIds).not.toContain("test-peer");
  });
});

describe("parseHello", () => {
  it("takes only well-formed, short hellos", () => {
    expect(parseHello('{"chainId":"c","genesisHash":"ab","nodeId":"node-1"}')).toEqual({
      chainId: "c",
      genesisHash: "ab",
      nodeId: "node-1",
    });
    expect(parseHello("[]")).toBeNull();
    expect(parseHello('{"chainId":1,"genesisHash":"ab","nodeId":"n"}')).toBeNull();
    expect(parseHello('{"chainId":"c","genesisHash":"ab","nodeId":"bad id"}')).toBeNull();
    expect(parseHello(`{"chainId":"${"x".repeat(2000)}","genesisHash":"ab","nodeId":"n"}`)).toBeNull();
  });
});

describe("WsMeshTransport reconnect schedule", () => {
  function fakeHost(dial: WsMeshHost["dial"], clock: { ms: number }) {
    const wakes: string[] = [];
    const host: WsMeshHost = {
      dial,
      wake: async (peer) => {
        wakes.push(peer);
      },
      acceptWebSocket: () => {},
      getWebSockets: () => [],
      now: () => clock.ms,
      log: () => {},
    };
    return { host, wakes };
  }
  const options = {
    chainId: "c",
    genesisHash: "ab",
    nodeId: "node-1",
    dialPeers: ["node-0"],
    awaitPeers: ["node-2"],
  };

  it("retries a failing dial with growing delays and wakes peers that should dial in", async () => {
    const clock = { ms: 1_000 };
    const dialTimes: number[] = [];
    const { host, wakes } = fakeHost(async () => {
      dialTimes.push(clock.ms);
      throw new Error("unreachable");
    }, clock);
    const t = new WsMeshTransport(options, host);
    expect(t.nextDueMs()).toBe(1_000);
    for (let i = 0; i < 12; i++) {
      clock.ms = t.nextDueMs()!;
      await t.runDue(clock.ms);
    }
    expect(dialTimes.length).toBeGreaterThanOrEqual(4);
    expect(wakes.length).toBeGreaterThanOrEqual(4);
    expect(new Set(wakes)).toEqual(new Set(["node-2"]));
    expect(t.stats.dialFailures).toBe(dialTimes.length);
    expect(t.peers()).toEqual([]);
    // Exponential backoff (jitter is at most 20%): each gap at least 1.5 times the one before.
    const gaps = dialTimes.slice(1).map((at, i) => at - dialTimes[i]!);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]! * 1.5);
  });

  it("links up when the dialed peer answers with a matching hello", async () => {
    const clock = { ms: 0 };
    let server: WebSocket | null = null;
    const { host } = fakeHost(async () => {
      const pair = new WebSocketPair();
      server = pair[1];
      server.accept();
      return pair[0];
    }, clock);
    const t = new WsMeshTransport(options, host);
    const connected: string[] = [];
    const messages: Uint8Array[] = [];
    t.attach({
      onPeerConnected: async (p) => {
        connected.push(p);
      },
      onMessage: async (_p, bytes) => {
        messages.push(bytes);
      },
      onScheduleChanged: () => {},
    });
    await t.runDue(0);
    const s = server as unknown as WebSocket;
    const got = new Promise<string>((resolve) =>
      s.addEventListener("message", (e) => resolve(e.data as string)),
    );
    expect(JSON.parse(await got)).toEqual({ chainId: "c", genesisHash: "ab", nodeId: "node-1" });
    s.send(JSON.stringify({ chainId: "c", genesisHash: "ab", nodeId: "node-0" }));
    s.send(new Uint8Array([7, 8]));
    for (let i = 0; i < 50 && messages.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(t.peers()).toEqual(["node-0"]);
    expect(connected).toEqual(["node-0"]);
    expect(messages).toEqual([new Uint8Array([7, 8])]);
    // The dial slot is settled; only the wake of node-2 remains scheduled.
    s.close(1000, "bye");
    for (let i = 0; i < 50 && t.peers().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(t.peers()).toEqual([]);
    expect(t.stats.linksClosed).toBe(1);
  });
});
