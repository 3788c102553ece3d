// The WebSocket links in workerd: the hello and BLS key-proof handshake against a real NodeDO
// (refusals with close codes, stake-bound admission, frame limits). The link policy itself
// (discovery, backoff, idle closes, bans) is tested over in-memory sockets in
// test/unit/routing-peer-links.test.ts.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { StatusJson } from "../../durable/node-views.js";
import {
  CLOSE_MISBEHAVING,
  CLOSE_MISMATCH,
  CLOSE_NOT_ADMITTED,
  CLOSE_PROTOCOL,
  CLOSE_UNAUTHENTICATED,
  FRAME_BYTES_MAX,
  parseHello,
} from "../../durable/ws-mesh-transport.js";
import { type BlsKeyPair, blsKeyFromSeed } from "../../protocol/bls.js";
import { fromHex } from "../../protocol/bytes.js";
import { devProvisionerKey } from "../../protocol/keys.js";
import { LinkHandshake, type LinkRole } from "../../workers/routing/link-auth.js";

/** Not a provisioner of the test genesis: refused after its proof. */
const strangerKey = blsKeyFromSeed(new Uint8Array(32).fill(42));
/** Provisioner 1 of the test genesis (DEVNET_NODES 2); node-1 itself is not started here. */
const provisionerKey = devProvisionerKey(env.DEVNET_SEED!, 1);

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
  key: BlsKeyPair = provisionerKey,
): Promise<Uint8Array> {
  const hs = new LinkHandshake(
    role,
    { chainId: hello.chainId, genesisHash: fromHex(hello.genesisHash, 32, "genesis"), ...key },
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

describe("peer link handshake (against node-0)", () => {
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

  it("refuses a proven key that is not a provisioner of the genesis with 4006", async () => {
    const p = await connect();
    const hello = await p.hello;
    p.ws.send(JSON.stringify({ ...hello, nodeId: "stranger" }));
    await proveKey(p.ws, p.next, "dialer", hello, false, strangerKey).catch(() => undefined);
    const closed = await p.closed;
    expect(closed.code).toBe(CLOSE_NOT_ADMITTED);
    expect(closed.reason).toContain("not a provisioner");
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
  // Last: the drop bans provisioner 1's key at node-0 for the rest of the file.
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
});

describe("gateway /v1/p2p", () => {
  it("hands a WebSocket upgrade to the chosen node and answers 426 without one", async () => {
    const r = await exports.default.fetch(
      new Request("https://gateway/v1/p2p?node=0", { headers: { Upgrade: "websocket" } }),
    );
    expect(r.status).toBe(101);
    const ws = r.webSocket!;
    const hello = new Promise<string>((resolve) =>
      ws.addEventListener("message", (e) => {
        if (typeof e.data === "string") resolve(e.data);
      }),
    );
    ws.accept();
    expect(JSON.parse(await hello).nodeId).toBe("node-0");
    ws.close(1000, "done");
    const plain = await exports.default.fetch(new Request("https://gateway/v1/p2p?node=0"));
    expect(plain.status).toBe(426);
    expect(((await plain.json()) as { error: { code: string } }).error.code).toBe("UPGRADE_REQUIRED");
    const other = await exports.default.fetch(
      new Request("https://gateway/v1/p2p?node=7", { headers: { Upgrade: "websocket" } }),
    );
    expect(other.status).toBe(400);
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
    expect(
      parseHello('{"chainId":"c","genesisHash":"ab","nodeId":"ws://127.0.0.1:8787/v1/p2p?node=3"}'),
    ).toEqual({
      chainId: "c",
      genesisHash: "ab",
      nodeId: "ws://127.0.0.1:8787/v1/p2p?node=3",
    });
    expect(parseHello(`{"chainId":"${"x".repeat(2000)}","genesisHash":"ab","nodeId":"n"}`)).toBeNull();
  });
});
