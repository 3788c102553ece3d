/**
 * The Node.js host: the same node core as a NodeDO (workers/consensus openNode + Kadcast over
 * workers/routing PeerLinks), outside Cloudflare. A memory `ChainStore`, or with `dataDir` an
 * append-only file (node/file-chain-store.ts) that a restarted host resumes from; the real clock,
 * one timer re-armed at the earliest of the node's, Kadcast's and the links' due times, and `ws`
 * for links: it listens on a loopback port (`/v1/p2p`, the same path as a deployment's gateway) and dials
 * its bootstrap list. A small read-only HTTP API on the same port answers
 * `GET /v1/node/status` and `GET /v1/blocks/:height` in the gateway's JSON shapes.
 *
 *   const host = await startNodeHost({ port: 0, provisioner: 3, bootstrap: ["ws://127.0.0.1:8787/v1/p2p?node=0"], vars });
 *   ...; await host.stop();
 */

import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type RawData, WebSocket, WebSocketServer } from "ws";
import { type DevnetVars, devnetConfig, devnetGenesis, linkAdmission } from "../durable/devnet-config.js";
import { blockJson, type StatusJson } from "../durable/node-views.js";
import { toHex } from "../protocol/bytes.js";
import { devProvisionerKey } from "../protocol/keys.js";
import { LIMITS } from "../protocol/params.js";
import { MemoryChainStore } from "../workers/consensus/memory-chain-store.js";
import { openNode } from "../workers/consensus/node.js";
import type { NodeApi } from "../workers/consensus/node-api.js";
import type { Logger, LogLevel } from "../workers/consensus/node-options.js";
import { KadcastTransport } from "../workers/routing/kadcast-transport.js";
import { CLOSE_IDLE, type LinkSocket, PeerLinks } from "../workers/routing/peer-links.js";
import type { Rng } from "../workers/routing/rng.js";
import { WebCryptoSignatureVerifier } from "../workers/verifier/ed25519-webcrypto.js";
import { FileChainStore } from "./file-chain-store.js";

export interface NodeHostOptions {
  /** Loopback port to listen on; 0 picks a free one. */
  readonly port: number;
  /** Provisioner index this host signs as (devProvisionerKey(seed, i)). */
  readonly provisioner: number;
  /** Peer addresses (ws:// URLs) to dial at start and keep linked. */
  readonly bootstrap: readonly string[];
  /** Genesis parameters, as the deployments' vars (DEVNET_SEED, DEVNET_NODES, CHAIN_ID, ...). */
  readonly vars: DevnetVars;
  /** Log levels printed (default warn and error). */
  readonly logLevels?: readonly LogLevel[];
  /**
   * Directory of the node's chain file (`node-<provisioner>.log`, node/file-chain-store.ts): a
   * restarted host resumes from it. Without it the chain is kept in memory only.
   */
  readonly dataDir?: string;
}

export interface NodeHost {
  /** http://127.0.0.1:port */
  readonly url: string;
  /** The address peers dial (ws://127.0.0.1:port/v1/p2p). */
  readonly address: string;
  readonly node: NodeApi;
  readonly links: PeerLinks;
  readonly kadcast: KadcastTransport;
  stop(): Promise<void>;
}

const P2P_PATH = "/v1/p2p";
/** A dial that has not opened after this long fails (the links retry with backoff). */
const DIAL_TIMEOUT_MS = 5_000;

const rng: Rng = { nextU32: () => randomBytes(4).readUInt32LE(0) };

export async function startNodeHost(options: NodeHostOptions): Promise<NodeHost> {
  const config = devnetConfig({ ...options.vars, PUBLIC_URL: undefined, BOOTSTRAP_PEERS: undefined });
  if (
    !Number.isSafeInteger(options.provisioner) ||
    options.provisioner < 0 ||
    options.provisioner >= config.nodes
  ) {
    throw new Error(`provisioner must be in 0..${config.nodes - 1}, got ${options.provisioner}`);
  }
  const levels = new Set(options.logLevels ?? ["warn", "error"]);
  const label = `node-host-${options.provisioner}`;
  const log: Logger = (level, event, data) => {
    if (!levels.has(level)) return;
    const line = JSON.stringify({ level, class: "NodeHost", object: label, event, ...data }, (_k, v) =>
      typeof v === "bigint" ? String(v) : v instanceof Uint8Array ? toHex(v) : v,
    );
    if (level === "error" || level === "warn") console.error(line);
    else console.log(line);
  };

  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: LIMITS.messageBytes + 1_024 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const address = `ws://127.0.0.1:${port}${P2P_PATH}`;

  const { genesis, hashHex } = devnetGenesis(config);
  const provisionerKey = devProvisionerKey(config.seed, options.provisioner);
  /** The node, once open: link admission asks it who is staked. */
  let nodeRef: NodeApi | null = null;
  const clock = { now: () => Date.now() };
  const sockets = new Map<WebSocket, LinkSocket>();

  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let running = false;
  const after = () => schedule();

  const wire = (ws: WebSocket): LinkSocket => {
    const socket: LinkSocket = {
      send: (data) => ws.send(data),
      close: (code, reason) => {
        // ws refuses to send reserved codes (1005, 1006): close plainly then.
        if (code === 1000 || (code >= 3000 && code <= 4999) || code === 1011) ws.close(code, reason);
        else ws.close();
      },
    };
    sockets.set(ws, socket);
    ws.on("message", (data: RawData, isBinary: boolean) => {
      const frame = isBinary ? copyBytes(data) : data.toString();
      links
        .onFrame(socket, frame)
        .catch((e: unknown) => log("error", "handler-failed", { handler: "frame", error: String(e) }))
        .finally(after);
    });
    ws.on("close", (code: number, reason: Buffer) => {
      sockets.delete(ws);
      links.onClosed(socket, code, reason.toString());
      after();
    });
    ws.on("error", () => {
      // "close" follows.
    });
    return socket;
  };

  const links = new PeerLinks(
    {
      chainId: genesis.chainId,
      genesisHash: hashHex,
      address,
      linkKey: provisionerKey,
      bootstrap: options.bootstrap,
      admit: linkAdmission(
        genesis,
        provisionerKey.publicKey,
        (key) => nodeRef?.isStaked(key) ?? false,
        (key) => log("error", "doppelganger-link", { publicKey: toHex(key) }),
      ),
    },
    {
      dial: (to) =>
        new Promise<LinkSocket>((resolve, reject) => {
          if (!/^wss?:\/\//.test(to)) {
            reject(new Error(`cannot dial ${to.slice(0, 64)}: not a ws(s) URL`));
            return;
          }
          const ws = new WebSocket(to, {
            handshakeTimeout: DIAL_TIMEOUT_MS,
            maxPayload: LIMITS.messageBytes + 1_024,
          });
          ws.once("open", () => resolve(wire(ws)));
          ws.once("error", (e) => reject(e));
        }),
      now: clock.now,
      randomBytes: (n) => new Uint8Array(randomBytes(n)),
      rng,
      log,
    },
  );
  const kadcast = new KadcastTransport(
    {
      publicKey: provisionerKey.publicKey,
      address,
      params: { maxPayloadBytes: LIMITS.messageBytes, maxRequestBytes: LIMITS.messageBytes },
    },
    {
      links: {
        send: (peer, frame) => links.send(peer, frame),
        disconnect: (peer, reason) => links.disconnect(peer, reason),
        connect: (to) => links.connect(to),
      },
      rng,
      clock,
    },
  );
  const store =
    options.dataDir === undefined
      ? new MemoryChainStore()
      : FileChainStore.open(join(options.dataDir, `node-${options.provisioner}.log`));
  if (store instanceof FileChainStore)
    log("info", "store-opened", { ...store.report, tip: store.tipHeight() });
  const node = await openNode(
    { genesis, provisionerKey, relay: false },
    {
      clock,
      store,
      transport: kadcast,
      txVerifier: new WebCryptoSignatureVerifier(),
      log,
    },
  );
  nodeRef = node;
  kadcast.attach((peer, bytes) => node.onMessage(peer, bytes));
  links.attach({
    onPeerConnected: (peer, publicKey) => {
      kadcast.linkUp(peer, publicKey);
      return node.onPeerConnected(peer);
    },
    // An idle close keeps the contact in the table: it is dialed again when needed.
    onPeerDisconnected: (peer, code) => kadcast.linkDown(peer, code === CLOSE_IDLE),
    onDialFailed: (to) => kadcast.linkFailed(to),
    wanted: (peer) => kadcast.wanted(peer),
    onMessage: async (peer, bytes) => {
      const error = kadcast.onFrame(peer, bytes);
      if (error !== undefined) log("warn", "peer-frame-rejected", { peer, code: error.code });
      await kadcast.settle();
    },
    onScheduleChanged: after,
  });

  /** One timer for everything: the earliest due time of the node, Kadcast and the links. */
  function schedule(): void {
    if (stopped) return;
    const times = [node.nextWakeMs(), kadcast.nextWakeMs(), links.nextDueMs()].filter(
      (t): t is number => t !== null,
    );
    clearTimeout(timer);
    if (times.length === 0) return;
    timer = setTimeout(() => void run(), Math.max(0, Math.min(...times) - Date.now()));
  }

  async function run(): Promise<void> {
    if (stopped || running) return;
    running = true;
    try {
      const now = Date.now();
      const wake = node.nextWakeMs();
      if (wake !== null && wake <= now) await node.onTimer();
      const routingWake = kadcast.nextWakeMs();
      if (routingWake !== null && routingWake <= now) {
        kadcast.tick(now);
        await kadcast.settle();
      }
      await links.runDue(now);
    } catch (e) {
      log("error", "handler-failed", { handler: "timer", error: String(e) });
    } finally {
      running = false;
      schedule();
    }
  }

  server.on("upgrade", (req: IncomingMessage, socket, head) => {
    if (new URL(req.url ?? "/", url).pathname !== P2P_PATH) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      links.acceptInbound(wire(ws));
      after();
    });
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    try {
      serveHttp(req, res);
    } catch (e) {
      sendJson(res, 500, { error: { code: "INTERNAL", message: String(e), data: {} } });
    }
  });

  function serveHttp(req: IncomingMessage, res: ServerResponse): void {
    const [status, body] = route(req.method ?? "GET", new URL(req.url ?? "/", url).pathname);
    sendJson(res, status, body);
  }

  /** The read-only API: status and blocks, in the gateway's JSON shapes and error format. */
  function route(method: string, path: string): [number, unknown] {
    const error = (status: number, code: string, message: string): [number, unknown] => [
      status,
      { error: { code, message, data: {} } },
    ];
    if (method !== "GET") return error(405, "METHOD_NOT_ALLOWED", "GET only");
    if (path === "/v1/node/status") {
      const status: StatusJson & Record<string, unknown> = {
        ...node.status(),
        name: label,
        address,
        peerIds: links.peers().sort(),
        transport: { ...links.stats },
        routing: { ...kadcast.stats, table: kadcast.kadcast.table.size },
      };
      return [200, status];
    }
    const m = /^\/v1\/blocks\/(latest|0|[1-9][0-9]{0,15})$/.exec(path);
    if (m === null) return error(404, "NOT_FOUND", `no route ${path}`);
    const height = m[1] === "latest" ? node.status().height : Number(m[1]);
    const view = node.blockByHeight(height);
    if (view === undefined) return error(404, "BLOCK_NOT_FOUND", `no block at ${height}`);
    return [200, blockJson(view)];
  }

  schedule();
  log("info", "node-started", { address, genesis: hashHex, provisioner: options.provisioner });

  return {
    url,
    address,
    node,
    links,
    kadcast,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (store instanceof FileChainStore) store.close();
    },
  };
}

function copyBytes(data: RawData): Uint8Array {
  const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
  return new Uint8Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, (_k, v) => (typeof v === "bigint" ? String(v) : v));
  res.writeHead(status, { "content-type": "application/json" });
  res.end(text);
}
