/**
 * `Transport` over WebSockets between NodeDOs: a full mesh for now (Kadcast replaces it later
 * behind the same port). Each pair of nodes shares one link, opened by one side only (the DO
 * decides who dials whom; here the dialer also owns reconnection), so two nodes never race to
 * open duplicate links.
 *
 * - Outbound: the host's `dial(peer)` returns the client end of an upgraded `stub.fetch`;
 *   inbound: the hibernatable API (`ctx.acceptWebSocket`), whose per-socket attachment keeps the
 *   peer id across hibernation, so a woken object rebuilds its links from `getWebSockets()`.
 * - Handshake: each side's first frame is a JSON hello {chainId, genesisHash, nodeId}. A hello
 *   from another chain or genesis closes the link with 4001 and the reason. Then each side proves
 *   its BLS node key with workers/routing/link-auth.ts (binary HELLO and PROOF frames, a
 *   signature bound to this link's nonces); a failed proof closes with 4004. Binary frames are
 *   protocol messages only once the peer is authenticated; frames above LIMITS.messageBytes are
 *   dropped and counted (untrusted bytes are checked where they enter, STYLE.md rule 7). A
 *   handshake cut by hibernation is not resumed: the dialer's hello timeout redials.
 * - Reconnection: a dropped or failed outbound link is retried with exponential backoff. Peers
 *   that dial us are "woken" on the same schedule while no link from them exists. The transport
 *   owns no timer: `nextDueMs()` goes into the DO's single alarm and `runDue(now)` runs from it.
 */

import type { BlsKeyPair } from "../protocol/bls.js";
import { fromHex, toHex } from "../protocol/bytes.js";
import { LIMITS } from "../protocol/params.js";
import type { Logger } from "../workers/consensus/node-options.js";
import type { Transport } from "../workers/consensus/ports.js";
import { RoutingError } from "../workers/routing/errors.js";
import { LINK_NONCE_BYTES, LinkHandshake } from "../workers/routing/link-auth.js";

/** Close codes (4000-4999 are the application's). */
export const CLOSE_MISMATCH = 4001;
export const CLOSE_PROTOCOL = 4002;
export const CLOSE_REPLACED = 4003;
export const CLOSE_UNAUTHENTICATED = 4004;
export const CLOSE_MISBEHAVING = 4005;

/** Largest binary frame: a protocol message plus the routing frame around it (Kadcast header). */
export const FRAME_BYTES_MAX = LIMITS.messageBytes + 64;
/** A hello is a few hundred bytes; anything longer is not one. */
const HELLO_CHARS_MAX = 1_024;
/** How long a dialed link may wait for the peer's hello before it is dropped and retried. */
const HELLO_TIMEOUT_MS = 5_000;
const BACKOFF_INITIAL_MS = 250;
const BACKOFF_MAX_MS = 30_000;
/** WebSocket close reasons are limited to 123 bytes. */
const CLOSE_REASON_CHARS_MAX = 120;
const NODE_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

export interface Hello {
  readonly chainId: string;
  readonly genesisHash: string;
  readonly nodeId: string;
}

export interface WsMeshOptions extends Hello {
  /** Peers this node opens links to (and re-opens when they drop). */
  readonly dialPeers: readonly string[];
  /** Peers that open links to this node; woken while no link from them exists. */
  readonly awaitPeers: readonly string[];
  /** The node key each side proves on every link (the provisioner key in the devnet). */
  readonly linkKey: BlsKeyPair;
}

/** What the transport needs from its Durable Object. */
export interface WsMeshHost {
  /** Opens an upgraded, not yet accepted WebSocket to `peer`. */
  dial(peer: string): Promise<WebSocket>;
  /** Makes sure `peer` runs (it will then dial this node). */
  wake(peer: string): Promise<void>;
  acceptWebSocket(ws: WebSocket): void;
  getWebSockets(): WebSocket[];
  now(): number;
  readonly log: Logger;
}

/** Where frames and link events go: the node, once it exists. */
export interface WsMeshHandler {
  /** An authenticated link: `publicKey` is the key the peer proved. */
  onPeerConnected(peer: string, publicKey: Uint8Array): Promise<void>;
  /** The link to `peer` closed (and no newer one replaced it). */
  onPeerDisconnected?(peer: string): void;
  onMessage(peer: string, bytes: Uint8Array): Promise<void>;
  /** Links or reconnect times changed: the host re-arms its alarm. */
  onScheduleChanged(): void;
}

export interface WsMeshStats {
  linksOpened: number;
  linksClosed: number;
  helloRejected: number;
  framesOversized: number;
  framesBeforeHello: number;
  framesUnexpected: number;
  sendFailures: number;
  dialFailures: number;
  authRejected: number;
}

interface Attachment {
  /** Peer id once it is authenticated; null before. */
  readonly peer: string | null;
  /** Hex of the BLS key the peer proved. */
  readonly publicKey?: string;
}

/** A link whose JSON hello was accepted and whose key proof is in progress. */
interface Authenticating {
  readonly peer: string;
  readonly handshake: LinkHandshake;
  helloSeen: boolean;
}

interface Slot {
  readonly peer: string;
  readonly role: "dial" | "wake";
  /** When the next attempt (dial, wake or hello timeout check) is due; null: nothing to do. */
  dueMs: number | null;
  attempts: number;
  /** "dialing" while `host.dial` runs; then the dialed link until the peer's hello arrives. */
  pending: WebSocket | "dialing" | null;
}

export class WsMeshTransport implements Transport {
  private readonly ready = new Map<string, WebSocket>();
  private readonly readyKeys = new Map<string, Uint8Array>();
  private readonly authenticating = new Map<WebSocket, Authenticating>();
  /** Peer of each open outbound socket (inbound sockets carry theirs in the attachment). */
  private readonly outbound = new Map<WebSocket, string>();
  private readonly slots = new Map<string, Slot>();
  private handler: WsMeshHandler | null = null;
  private readonly helloText: string;
  readonly stats: WsMeshStats = {
    linksOpened: 0,
    linksClosed: 0,
    helloRejected: 0,
    framesOversized: 0,
    framesBeforeHello: 0,
    framesUnexpected: 0,
    sendFailures: 0,
    dialFailures: 0,
    authRejected: 0,
  };

  constructor(
    private readonly options: WsMeshOptions,
    private readonly host: WsMeshHost,
  ) {
    const { chainId, genesisHash, nodeId } = options;
    this.helloText = JSON.stringify({ chainId, genesisHash, nodeId } satisfies Hello);
    const now = host.now();
    for (const peer of options.dialPeers) {
      if (peer !== nodeId)
        this.slots.set(peer, { peer, role: "dial", dueMs: now, attempts: 0, pending: null });
    }
    for (const peer of options.awaitPeers) {
      if (peer !== nodeId && !this.slots.has(peer)) {
        this.slots.set(peer, { peer, role: "wake", dueMs: now, attempts: 0, pending: null });
      }
    }
    // Inbound links that survived hibernation: their hello was accepted before.
    for (const ws of host.getWebSockets()) {
      const a = attachmentOf(ws);
      if (a.peer !== null && a.publicKey !== undefined) {
        this.markReady(a.peer, ws, fromHex(a.publicKey, 48, "peer key"));
      }
    }
  }

  /** Connects the transport to the node; restored links are announced now. */
  attach(handler: WsMeshHandler): void {
    this.handler = handler;
    for (const peer of this.ready.keys()) this.announce(peer);
  }

  // ---- Transport ------------------------------------------------------------------------

  broadcast(bytes: Uint8Array): void {
    for (const peer of [...this.ready.keys()]) this.send(peer, bytes);
  }

  send(peer: string, bytes: Uint8Array): void {
    const ws = this.ready.get(peer);
    if (ws === undefined) return;
    try {
      ws.send(bytes);
    } catch (e) {
      this.stats.sendFailures += 1;
      this.host.log("warn", "peer-send-failed", { peer, error: String(e) });
      this.drop(ws, 1011, "send failed");
    }
  }

  peers(): string[] {
    return [...this.ready.keys()];
  }

  /** Closes the link to a misbehaving peer (4005); a dialed peer is redialed with backoff. */
  disconnect(peer: string, reason: string): void {
    const ws = this.ready.get(peer);
    if (ws === undefined) return;
    this.host.log("warn", "peer-dropped", { peer, reason });
    this.drop(ws, CLOSE_MISBEHAVING, reason);
  }

  // ---- schedule (driven by the host's alarm) --------------------------------------------

  /** Earliest time `runDue` has work, or null. */
  nextDueMs(): number | null {
    let next: number | null = null;
    for (const s of this.slots.values()) {
      if (s.dueMs !== null && (next === null || s.dueMs < next)) next = s.dueMs;
    }
    return next;
  }

  /** Dials, wakes and hello timeouts that are due at `now`. */
  async runDue(now: number): Promise<void> {
    const work: Promise<void>[] = [];
    for (const slot of this.slots.values()) {
      if (slot.dueMs === null || slot.dueMs > now) continue;
      if (this.ready.has(slot.peer)) {
        slot.dueMs = null;
        continue;
      }
      if (slot.pending === "dialing") continue;
      if (slot.pending !== null) {
        // A dialed link still without the peer's hello: give up on it and retry later.
        this.drop(slot.pending, CLOSE_PROTOCOL, "no hello in time");
        continue;
      }
      work.push(slot.role === "dial" ? this.dial(slot) : this.wake(slot));
    }
    await Promise.all(work);
  }

  private retryLater(slot: Slot): void {
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** Math.min(slot.attempts, 16));
    slot.attempts += 1;
    // Up to 20% jitter so restarted nodes do not retry in lockstep.
    slot.dueMs = this.host.now() + Math.round(delay * (1 + Math.random() * 0.2));
    this.handler?.onScheduleChanged();
  }

  private async wake(slot: Slot): Promise<void> {
    this.retryLater(slot);
    try {
      await this.host.wake(slot.peer);
    } catch (e) {
      this.host.log("warn", "peer-wake-failed", {
        peer: slot.peer,
        attempts: slot.attempts,
        error: String(e),
      });
    }
  }

  private async dial(slot: Slot): Promise<void> {
    const peer = slot.peer;
    slot.pending = "dialing";
    // Checked again after the hello timeout; dialing slots are skipped until then.
    slot.dueMs = this.host.now() + HELLO_TIMEOUT_MS;
    let ws: WebSocket;
    try {
      ws = await this.host.dial(peer);
    } catch (e) {
      slot.pending = null;
      this.stats.dialFailures += 1;
      this.host.log("warn", "peer-dial-failed", { peer, attempts: slot.attempts, error: String(e) });
      this.retryLater(slot);
      return;
    }
    slot.pending = ws;
    slot.dueMs = this.host.now() + HELLO_TIMEOUT_MS;
    this.outbound.set(ws, peer);
    // Recent compatibility dates default to the standard "blob"; frames must be ArrayBuffers.
    ws.binaryType = "arraybuffer";
    ws.addEventListener("message", (event) => {
      void this.onFrame(ws, event.data as string | ArrayBuffer);
    });
    ws.addEventListener("close", (event) => this.onClosed(ws, event.code, event.reason));
    ws.addEventListener("error", () => this.onClosed(ws, 1006, "error"));
    ws.accept();
    ws.send(this.helloText);
    this.handler?.onScheduleChanged();
  }

  // ---- inbound (hibernatable) -----------------------------------------------------------

  /** Answers an upgrade request from a peer: accepts the socket and sends our hello. */
  acceptInbound(): Response {
    const pair = new WebSocketPair();
    const server = pair[1];
    this.host.acceptWebSocket(server);
    server.serializeAttachment({ peer: null } satisfies Attachment);
    server.send(this.helloText);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** A frame on any link (the DO forwards hibernatable `webSocketMessage` here). */
  async onFrame(ws: WebSocket, data: string | ArrayBuffer): Promise<void> {
    const peer = this.peerOf(ws);
    if (typeof data === "string") {
      if (peer === null) this.onHello(ws, data);
      else this.stats.framesUnexpected += 1;
      return;
    }
    if (!(data instanceof ArrayBuffer)) {
      // Neither text nor ArrayBuffer (a Blob if binaryType was not set): not ours to decode.
      this.stats.framesUnexpected += 1;
      return;
    }
    if (peer === null) {
      const auth = this.authenticating.get(ws);
      if (auth !== undefined && data.byteLength <= 1_024) {
        this.onAuthFrame(ws, auth, new Uint8Array(data));
        return;
      }
      this.stats.framesBeforeHello += 1;
      this.drop(ws, CLOSE_PROTOCOL, "binary frame before hello");
      return;
    }
    if (data.byteLength > FRAME_BYTES_MAX) {
      this.stats.framesOversized += 1;
      this.host.log("warn", "peer-frame-oversized", {
        peer,
        bytes: data.byteLength,
        limit: FRAME_BYTES_MAX,
      });
      return;
    }
    // Copy now: the node decodes later, from its serial queue, and the runtime may reuse or
    // detach the event's buffer once the handler returns (seen on outbound sockets).
    await this.handler?.onMessage(peer, new Uint8Array(data).slice());
  }

  /** A link closed (the DO forwards hibernatable `webSocketClose` / `webSocketError` here). */
  onClosed(ws: WebSocket, code: number, reason: string): void {
    const dialed = this.outbound.get(ws);
    const peer = this.peerOf(ws) ?? dialed ?? null;
    this.outbound.delete(ws);
    this.authenticating.delete(ws);
    try {
      ws.close(1000, "closing");
    } catch {
      // Already closed.
    }
    if (peer === null) return;
    const wasReady = this.ready.get(peer) === ws;
    if (wasReady) {
      this.ready.delete(peer);
      this.readyKeys.delete(peer);
      this.stats.linksClosed += 1;
      this.host.log("info", "peer-link-closed", { peer, code, reason });
      this.handler?.onPeerDisconnected?.(peer);
    }
    const slot = this.slots.get(peer);
    if (slot === undefined) return;
    if (slot.pending === ws) slot.pending = null;
    if (!this.ready.has(peer) && (wasReady || dialed !== undefined)) this.retryLater(slot);
  }

  // ---- internals ------------------------------------------------------------------------

  private peerOf(ws: WebSocket): string | null {
    if (this.outbound.has(ws)) {
      const peer = this.outbound.get(ws)!;
      return this.ready.get(peer) === ws ? peer : null;
    }
    return attachmentOf(ws).peer;
  }

  private onHello(ws: WebSocket, text: string): void {
    const dialed = this.outbound.get(ws);
    const hello = parseHello(text);
    const mine = this.options;
    let refusal: [number, string] | null = null;
    if (hello === null) refusal = [CLOSE_PROTOCOL, "malformed hello"];
    else if (hello.chainId !== mine.chainId)
      refusal = [CLOSE_MISMATCH, `chain id mismatch: expected ${mine.chainId}, got ${hello.chainId}`];
    else if (hello.genesisHash !== mine.genesisHash)
      refusal = [CLOSE_MISMATCH, `genesis mismatch: expected ${mine.genesisHash.slice(0, 16)}…`];
    else if (hello.nodeId === mine.nodeId) refusal = [CLOSE_PROTOCOL, "link to self"];
    else if (dialed !== undefined && hello.nodeId !== dialed)
      refusal = [CLOSE_PROTOCOL, `dialed ${dialed}, answered by ${hello.nodeId}`];
    if (refusal !== null || hello === null) {
      this.stats.helloRejected += 1;
      this.host.log("warn", "peer-hello-rejected", { peer: dialed ?? hello?.nodeId, reason: refusal?.[1] });
      this.drop(ws, refusal![0], refusal![1]);
      return;
    }
    // The name is only claimed so far: the link becomes ready once the peer proves its key.
    const handshake = new LinkHandshake(
      dialed === undefined ? "acceptor" : "dialer",
      {
        chainId: mine.chainId,
        genesisHash: fromHex(mine.genesisHash, 32, "genesis hash"),
        publicKey: mine.linkKey.publicKey,
        secretKey: mine.linkKey.secretKey,
      },
      crypto.getRandomValues(new Uint8Array(LINK_NONCE_BYTES)),
    );
    this.authenticating.set(ws, { peer: hello.nodeId, handshake, helloSeen: false });
    ws.send(handshake.hello());
  }

  /** HELLO then PROOF of workers/routing/link-auth.ts; the link is ready after a valid proof. */
  private onAuthFrame(ws: WebSocket, auth: Authenticating, bytes: Uint8Array): void {
    let publicKey: Uint8Array;
    try {
      if (!auth.helloSeen) {
        auth.helloSeen = true;
        ws.send(auth.handshake.onHello(bytes));
        return;
      }
      publicKey = auth.handshake.onProof(bytes).publicKey;
    } catch (e) {
      if (!(e instanceof RoutingError)) throw e;
      this.stats.authRejected += 1;
      this.host.log("warn", "peer-auth-rejected", { peer: auth.peer, code: e.code, reason: e.message });
      this.drop(ws, e.code === "LINK_CHAIN_MISMATCH" ? CLOSE_MISMATCH : CLOSE_UNAUTHENTICATED, e.code);
      return;
    }
    this.authenticating.delete(ws);
    const peer = auth.peer;
    if (!this.outbound.has(ws)) {
      ws.serializeAttachment({ peer, publicKey: toHex(publicKey) } satisfies Attachment);
    }
    const slot = this.slots.get(peer);
    if (slot !== undefined) {
      if (slot.pending === ws) slot.pending = null;
      slot.attempts = 0;
      slot.dueMs = null;
    }
    this.markReady(peer, ws, publicKey);
    this.announce(peer);
    this.handler?.onScheduleChanged();
  }

  private markReady(peer: string, ws: WebSocket, publicKey: Uint8Array): void {
    const old = this.ready.get(peer);
    this.ready.set(peer, ws);
    this.readyKeys.set(peer, publicKey);
    this.stats.linksOpened += 1;
    // A newer link from the same peer (it restarted) replaces the old one.
    if (old !== undefined && old !== ws) {
      this.outbound.delete(old);
      try {
        old.close(CLOSE_REPLACED, "replaced by a newer link");
      } catch {
        // Already closed.
      }
    }
  }

  private announce(peer: string): void {
    const handler = this.handler;
    if (handler === null) return;
    this.host.log("info", "peer-link-up", { peer, peers: this.ready.size });
    handler.onPeerConnected(peer, this.readyKeys.get(peer)!).catch((e: unknown) => {
      this.host.log("error", "peer-connected-failed", { peer, error: String(e) });
    });
  }

  private drop(ws: WebSocket, code: number, reason: string): void {
    try {
      ws.close(code, reason.slice(0, CLOSE_REASON_CHARS_MAX));
    } catch {
      // Already closed.
    }
    this.onClosed(ws, code, reason);
  }
}

function attachmentOf(ws: WebSocket): Attachment {
  try {
    const a = ws.deserializeAttachment() as Attachment | null;
    if (a === null || typeof a !== "object" || typeof a.peer !== "string") return { peer: null };
    return typeof a.publicKey === "string" ? { peer: a.peer, publicKey: a.publicKey } : { peer: null };
  } catch {
    return { peer: null };
  }
}

/** Parses an untrusted hello; null when it is not one. */
export function parseHello(text: string): Hello | null {
  if (text.length > HELLO_CHARS_MAX) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { chainId, genesisHash, nodeId } = value as Record<string, unknown>;
  if (typeof chainId !== "string" || typeof genesisHash !== "string" || typeof nodeId !== "string")
    return null;
  if (!NODE_ID_RE.test(nodeId)) return null;
  return { chainId, genesisHash, nodeId };
}
