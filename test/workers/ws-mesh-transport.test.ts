// The WebSocket links: the hello and BLS key-proof handshake against a real NodeDO (refusals
// with close codes, frame limits), and the reconnect schedule with a fake host.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StatusJson } from "../../durable/node-views.js";
import {
  CLOSE_MISBEHAVING,
  CLOSE_MISMATCH,
  CLOSE_PROTOCOL,
  CLOSE_UNAUTHENTICATED,
  FRAME_BYTES_MAX,
  parseHello,
  type WsMeshHost,
  WsMeshTransport,
} from "../../durable/ws-mesh-transport.js";
import { blsKeyFromSeed } from "../../protocol/bls.js";
import { fromHex } from "../../protocol/bytes.js";
import { LinkHandshake, type LinkRole } from "../../workers/routing/link-auth.js";

const testKey = blsKeyFromSeed(new Uint8Array(32).fill(42));

/** Binary frames received on `ws`, in order, awaited one by one. */
function binaryInbox(ws: WebSocket): () => Promise<Uint8Array> {
  const frames: Uint8Array[] = [];
  const waiters: Array<(b: Uint8Array) => void> = [];
  ws.addEventListener("message", (e) => {
    if (typeof e.data === "string") return;
    const b = new Uint8Array(e.data as ArrayBuffer).slice();
    const w = waiters.shift();
    if (w) w(b);
    else frames.push(b);
  });
  return () => {
    const b = frames.shift();
    return b ? Promise.resolve(b) : new Promise((resolve) => waiters.push(resolve));
  };
}

/** Runs our side of the key proof after the JSON hellos; returns the peer's proven key. */
async function proveKey(
  ws: WebSocket,
  next: () => Promise<Uint8Array>,
  role: LinkRole,
  hello: { chainId: string; genesisHash: string },
  tamper = false,
): Promise<Uint8Array> {
  const hs = new LinkHandshake(
    role,
    { chainId: hello.chainId, genesisHash: fromHex(hello.genesisHash, 32, "genesis"), ...testKey },
    crypto.getRandomValues(new Uint8Array(32)),
  );
  ws.send(hs.hello());
  const proof = hs.onHello(await next());
  if (tamper) proof[10] = proof[10]! ^ 1;
  ws.send(proof);
  return hs.onProof(await next()).publicKey;
}

const node0 = () => env.NODE.get(env.NODE.idFromName("node-0"));

interface Peer {
  readonly ws: WebSocket;
  readonly next: () => Promise<Uint8Array>;
  readonly hello: Promise<{ chainId: string; genesisHash: string; nodeId: string }>;
  readonly closed: Promise<{ code: number; reason: string }>;
}

/** Opens a link to node-0 the way a NodeDO does, as a test peer. */
async function connect(): Promise<Peer> {
  const r = await node0().fetch("https://peer/peer/ws", { headers: { Upgrade: "websocket" } });
  const ws = r.webSocket!;
  expect(ws).toBeTruthy();
  ws.binaryType = "arraybuffer";
  const next = binaryInbox(ws);
  const hello = new Promise<{ chainId: string; genesisHash: string; nodeId: string }>((resolve) => {
    ws.addEventListener("message", (e) => {
      if (typeof e.data === "string") resolve(JSON.parse(e.data));
    });
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason }));
  });
  ws.accept();
  return { ws, next, hello, closed };
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

  it("refuses a key proof that does not verify with 4004", async () => {
    const p = await connect();
    const hello = await p.hello;
    p.ws.send(JSON.stringify({ ...hello, nodeId: "forger" }));
    // Both proofs cross on the wire: ours (tampered) is refused after node-0 sent its own.
    await proveKey(p.ws, p.next, "dialer", hello, true);
    const closed = await p.closed;
    expect(closed.code).toBe(CLOSE_UNAUTHENTICATED);
    expect(closed.reason).toBe("LINK_BAD_PROOF");
  });

  it("drops a peer whose frames keep failing to decode with 4005", async () => {
    const p = await connect();
    const hello = await p.hello;
    p.ws.send(JSON.stringify({ ...hello, nodeId: "babbler" }));
    await proveKey(p.ws, p.next, "dialer", hello);
    for (let i = 0; i < 3; i++) p.ws.send(new Uint8Array([1, 99]));
    const closed = await p.closed;
    expect(closed.code).toBe(CLOSE_MISBEHAVING);
    expect(closed.reason).toBe("ROUTING_UNKNOWN_TYPE");
  });

  it("accepts a matching hello and key proof as a peer, drops oversized frames and counts them", async () => {
    const p = await connect();
    const hello = await p.hello;
    p.ws.send(JSON.stringify({ ...hello, nodeId: "test-peer" }));
    const nodeKey = await proveKey(p.ws, p.next, "dialer", hello);
    expect(nodeKey).toHaveLength(48);
    const status = async () => (await node0().status()) as StatusJson;
    for (let i = 0; i < 50 && !(await status()).peerIds.includes("test-peer"); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await status()).peerIds).toContain("test-peer");
    const before = (await status()).transport.framesOversized!;
    p.ws.send(new Uint8Array(FRAME_BYTES_MAX + 1));
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
  const genesisHash = "ab".repeat(32);
  const options = {
    chainId: "c",
    genesisHash,
    nodeId: "node-1",
    dialPeers: ["node-0"],
    awaitPeers: ["node-2"],
    linkKey: blsKeyFromSeed(new Uint8Array(32).fill(7)),
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

  it("links up when the dialed peer answers with a matching hello and key proof", async () => {
    const clock = { ms: 0 };
    let server: WebSocket | null = null;
    const { host } = fakeHost(async () => {
      const pair = new WebSocketPair();
      server = pair[1];
      server.accept();
      return pair[0];
    }, clock);
    const t = new WsMeshTransport(options, host);
    const connected: Array<[string, number]> = [];
    const messages: Uint8Array[] = [];
    t.attach({
      onPeerConnected: async (p, key) => {
        connected.push([p, key.length]);
      },
      onMessage: async (_p, bytes) => {
        messages.push(bytes);
      },
      onScheduleChanged: () => {},
    });
    await t.runDue(0);
    const s = server as unknown as WebSocket;
    s.binaryType = "arraybuffer";
    const next = binaryInbox(s);
    const got = new Promise<string>((resolve) =>
      s.addEventListener("message", (e) => {
        if (typeof e.data === "string") resolve(e.data);
      }),
    );
    expect(JSON.parse(await got)).toEqual({ chainId: "c", genesisHash, nodeId: "node-1" });
    s.send(JSON.stringify({ chainId: "c", genesisHash, nodeId: "node-0" }));
    // Frames before the proof completes are refused; after it, they are the peer's messages.
    expect(t.peers()).toEqual([]);
    const proven = await proveKey(s, next, "acceptor", { chainId: "c", genesisHash });
    expect(proven).toEqual(options.linkKey.publicKey);
    s.send(new Uint8Array([7, 8]));
    for (let i = 0; i < 50 && messages.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(t.peers()).toEqual(["node-0"]);
    expect(connected).toEqual([["node-0", 48]]);
    expect(messages).toEqual([new Uint8Array([7, 8])]);
    // The dial slot is settled; only the wake of node-2 remains scheduled.
    s.close(1000, "bye");
    for (let i = 0; i < 50 && t.peers().length > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(t.peers()).toEqual([]);
    expect(t.stats.linksClosed).toBe(1);
  });
});
