/**
 * Peer links: the runtime-neutral link layer under `KadcastTransport`, shared by the NodeDO
 * (workerd WebSockets: DO stubs inside a deployment, `fetch` + Upgrade to other deployments) and
 * the Node host (`ws`). The host owns the sockets and forwards their events; this class decides
 * which links exist and what may cross them. Pure: time, nonces and jitter come from the host.
 *
 *   const links = new PeerLinks({ chainId, genesisHash, address, linkKey, bootstrap }, host);
 *   links.attach(handler);                      // the node side: link up/down, frames
 *   host: inbound socket   -> links.acceptInbound(socket)
 *         every frame      -> links.onFrame(socket, data)   (string or bytes)
 *         close / error    -> links.onClosed(socket, code, reason)
 *         timer            -> links.nextDueMs() / links.runDue(now)
 *
 * - Addresses name peers: a DO name (`node-3`) inside a single deployment, or a URL
 *   (`ws://host:port/v1/p2p?node=3`) that any deployment or Node host can dial. A node sends its
 *   own address in its hello; NODES replies pass it on, so whoever learns a contact can dial it.
 * - Which links exist: the bootstrap list (kept up, redialed with backoff 250 ms doubling to 30 s,
 *   jittered) and the contacts the routing core asks for (`connect`, two attempts, not kept up).
 *   At most `linksMax` links: a link whose peer the routing table does not hold (`wanted`) and
 *   that carried nothing for `idleMs` is closed (4008), and is the first to go when a new link
 *   needs room; with no such link a new one is refused (4007).
 * - Handshake: JSON hello {chainId, genesisHash, nodeId: address} each way (another chain or
 *   genesis: 4001 with the reason), then link-auth.ts proves each side's BLS key (a failed proof:
 *   4004). Only keys `admit` accepts (the genesis provisioners) get a link (4006). A dialed peer
 *   must answer with the address dialed, except for bootstrap entries (the configured URL may be
 *   spelled differently from the peer's own address).
 * - One link per peer: two links to the same peer in the same direction mean it restarted (the
 *   newer replaces the older); crossing dials keep the link dialed by the smaller address, so both
 *   ends keep the same one. An address already linked under another key is refused (4003).
 * - Misbehaviour: `disconnect` (from the transport's scoring) closes with 4005 and bans the key
 *   for `banMs` (bounded map); a banned key is refused at the proof.
 */

import type { BlsKeyPair } from "../../protocol/bls.js";
import { bytesEqual, fromHex, toHex } from "../../protocol/bytes.js";
import { LIMITS } from "../../protocol/params.js";
import type { Logger } from "../consensus/node-options.js";
import { BoundedMap } from "./bounded-map.js";
import { RoutingError } from "./errors.js";
import { LINK_NONCE_BYTES, LinkHandshake } from "./link-auth.js";
import { type Rng, randomUnit } from "./rng.js";

/** Close codes (4000-4999 are the application's). */
export const CLOSE_MISMATCH = 4001;
export const CLOSE_PROTOCOL = 4002;
export const CLOSE_REPLACED = 4003;
export const CLOSE_UNAUTHENTICATED = 4004;
export const CLOSE_MISBEHAVING = 4005;
export const CLOSE_NOT_ADMITTED = 4006;
export const CLOSE_LINK_LIMIT = 4007;
export const CLOSE_IDLE = 4008;

/** Largest binary frame: a protocol message plus the routing frame around it (Kadcast header). */
export const FRAME_BYTES_MAX = LIMITS.messageBytes + 64;
/** A hello is a few hundred bytes; anything longer is not one. */
const HELLO_CHARS_MAX = 1_024;
/** Handshake frames (link-auth HELLO and PROOF) are below this. */
const AUTH_FRAME_BYTES_MAX = 1_024;
/** How long a link may take from open to proven key before it is dropped. */
export const HELLO_TIMEOUT_MS = 5_000;
const BACKOFF_INITIAL_MS = 250;
const BACKOFF_MAX_MS = 30_000;
/** Attempts after which the backoff is at its maximum (250 ms * 2^7 > 30 s). */
const BACKOFF_SLOW_ATTEMPTS = 8;
/** Attempts for a dial the routing core asked for (bootstrap entries retry forever). */
const ON_DEMAND_ATTEMPTS = 2;
/** WebSocket close reasons are limited to 123 bytes. */
const CLOSE_REASON_CHARS_MAX = 120;
/** A peer address: a DO name or a ws(s) URL (checked where it enters, in the hello). */
const ADDRESS_RE = /^[A-Za-z0-9._:/?=&%[\]-]{1,200}$/;

/**
 * Above a full table for the networks in view: K * (log2(N / K) + 1) is about 140 contacts at
 * N = 1000 with K = 20. A node at the limit with only wanted links refuses newcomers (4007).
 */
export const LINKS_MAX_DEFAULT = 192;
export const IDLE_MS_DEFAULT = 120_000;
export const BAN_MS_DEFAULT = 10 * 60_000;
/** Sockets between open and proven key, and dial entries, at most. */
const PENDING_MAX = 64;
const DIALS_MAX = 128;
const BANS_MAX = 1_024;

export interface Hello {
  readonly chainId: string;
  readonly genesisHash: string;
  /** The sender's address (how others dial it). */
  readonly nodeId: string;
}

/** What the host gives us of a socket: it forwards the socket's events itself. */
export interface LinkSocket {
  send(data: string | Uint8Array): void;
  close(code: number, reason: string): void;
}

/** What an inbound socket carries across hibernation (workerd attachments). */
export interface LinkAttachment {
  readonly peer: string;
  /** Hex of the BLS key the peer proved. */
  readonly publicKey: string;
}

export interface PeerLinksOptions {
  readonly chainId: string;
  readonly genesisHash: string;
  /** Our own address, sent in the hello. */
  readonly address: string;
  /** The node key each side proves on every link (the provisioner key). */
  readonly linkKey: BlsKeyPair;
  /** Addresses dialed at start and kept linked. */
  readonly bootstrap?: readonly string[];
  readonly linksMax?: number;
  readonly idleMs?: number;
  readonly banMs?: number;
  /** Stake-bound admission: false refuses the proven key (4006). Default: any key. */
  readonly admit?: (publicKey: Uint8Array) => boolean;
}

export interface PeerLinksHost {
  /** Opens a socket to `address` (resolves once it is open); its events come back to us. */
  dial(address: string): Promise<LinkSocket>;
  /** Keeps the peer of an inbound socket across hibernation (workerd); optional. */
  persist?(socket: LinkSocket, attachment: LinkAttachment): void;
  now(): number;
  /** Fresh randomness for the link-auth nonce. */
  randomBytes(n: number): Uint8Array;
  /** Reconnect jitter. */
  readonly rng: Rng;
  readonly log: Logger;
}

/** Where link events go: the node and its routing, once they exist. */
export interface LinkHandler {
  /** An authenticated link: `publicKey` is the key the peer proved. */
  onPeerConnected(peer: string, publicKey: Uint8Array): Promise<void>;
  /** The link to `peer` closed (and no newer one replaced it), with the close code. */
  onPeerDisconnected?(peer: string, code: number): void;
  onMessage(peer: string, bytes: Uint8Array): Promise<void>;
  /** A dial the routing core asked for failed for good. */
  onDialFailed?(address: string): void;
  /** Whether the routing table holds `peer`; links it does not hold may be closed when idle. */
  wanted?(peer: string): boolean;
  /** Links or due times changed: the host re-arms its timer. */
  onScheduleChanged(): void;
}

export interface PeerLinksStats {
  linksOpened: number;
  linksClosed: number;
  helloRejected: number;
  framesOversized: number;
  framesBeforeHello: number;
  framesUnexpected: number;
  sendFailures: number;
  dialFailures: number;
  authRejected: number;
  notAdmitted: number;
  banned: number;
  idleClosed: number;
  limitRefused: number;
  duplicatesClosed: number;
  refusedByPeer: number;
}

interface Link {
  readonly socket: LinkSocket;
  readonly publicKey: Uint8Array;
  readonly outbound: boolean;
  lastActivityMs: number;
}

interface SocketState {
  readonly outbound: boolean;
  /** The address dialed (outbound only). */
  readonly dialed?: string;
  /** Dialed from the bootstrap list: the peer may answer under its own spelling. */
  readonly bootstrap: boolean;
  readonly openedMs: number;
  /** Name and handshake once its JSON hello was accepted. */
  auth: { peer: string; handshake: LinkHandshake; helloSeen: boolean } | null;
  /** Name once the link is up. */
  peer: string | null;
  /** We closed it (a refusal of ours is not the peer refusing us). */
  closedByUs?: boolean;
}

interface Dial {
  readonly address: string;
  readonly persistent: boolean;
  dueMs: number | null;
  attempts: number;
  state: "idle" | "dialing" | "open";
  /** The name the peer answered with (differs from `address` only for bootstrap entries). */
  linkedAs: string | null;
}

export class PeerLinks {
  private readonly ready = new Map<string, Link>();
  private readonly sockets = new Map<LinkSocket, SocketState>();
  private readonly dials = new Map<string, Dial>();
  private readonly bans: BoundedMap<string, number>;
  private handler: LinkHandler | null = null;
  private readonly helloText: string;
  private readonly linksMax: number;
  private readonly idleMs: number;
  private readonly banMs: number;
  readonly stats: PeerLinksStats = {
    linksOpened: 0,
    linksClosed: 0,
    helloRejected: 0,
    framesOversized: 0,
    framesBeforeHello: 0,
    framesUnexpected: 0,
    sendFailures: 0,
    dialFailures: 0,
    authRejected: 0,
    notAdmitted: 0,
    banned: 0,
    idleClosed: 0,
    limitRefused: 0,
    duplicatesClosed: 0,
    refusedByPeer: 0,
  };

  constructor(
    private readonly options: PeerLinksOptions,
    private readonly host: PeerLinksHost,
  ) {
    const { chainId, genesisHash, address } = options;
    if (!ADDRESS_RE.test(address)) throw new RangeError(`not a peer address: ${address.slice(0, 64)}`);
    this.helloText = JSON.stringify({ chainId, genesisHash, nodeId: address } satisfies Hello);
    this.linksMax = options.linksMax ?? LINKS_MAX_DEFAULT;
    this.idleMs = options.idleMs ?? IDLE_MS_DEFAULT;
    this.banMs = options.banMs ?? BAN_MS_DEFAULT;
    this.bans = new BoundedMap(BANS_MAX);
    const now = host.now();
    for (const a of options.bootstrap ?? []) {
      if (a === address || this.dials.has(a) || this.dials.size >= DIALS_MAX) continue;
      this.dials.set(a, {
        address: a,
        persistent: true,
        dueMs: now,
        attempts: 0,
        state: "idle",
        linkedAs: null,
      });
    }
  }

  /** Connects the layer to the node; links restored from hibernation are announced now. */
  attach(handler: LinkHandler): void {
    this.handler = handler;
    for (const peer of this.ready.keys()) this.announce(peer);
  }

  /** An inbound link that survived hibernation (its key was proven before). */
  restore(socket: LinkSocket, attachment: LinkAttachment): void {
    if (!ADDRESS_RE.test(attachment.peer)) return;
    const publicKey = fromHex(attachment.publicKey, 48, "peer key");
    this.sockets.set(socket, {
      outbound: false,
      bootstrap: false,
      openedMs: this.host.now(),
      auth: null,
      peer: attachment.peer,
    });
    this.ready.set(attachment.peer, { socket, publicKey, outbound: false, lastActivityMs: this.host.now() });
  }

  get address(): string {
    return this.options.address;
  }

  // ---- links the node uses --------------------------------------------------------------

  send(peer: string, bytes: Uint8Array): void {
    const link = this.ready.get(peer);
    if (link === undefined) return;
    link.lastActivityMs = this.host.now();
    try {
      link.socket.send(bytes);
    } catch (e) {
      this.stats.sendFailures += 1;
      this.host.log("warn", "peer-send-failed", { peer, error: String(e) });
      this.drop(link.socket, 1011, "send failed");
    }
  }

  peers(): string[] {
    return [...this.ready.keys()];
  }

  publicKeyOf(peer: string): Uint8Array | undefined {
    return this.ready.get(peer)?.publicKey;
  }

  /** Closes the link to a misbehaving peer (4005) and bans its key for `banMs`. */
  disconnect(peer: string, reason: string): void {
    const link = this.ready.get(peer);
    if (link === undefined) return;
    this.bans.set(toHex(link.publicKey), this.host.now() + this.banMs);
    this.host.log("warn", "peer-dropped", { peer, reason, banMs: this.banMs });
    this.drop(link.socket, CLOSE_MISBEHAVING, reason);
  }

  /**
   * Asks for a link to `address` (a contact the routing core wants to reach). False when it
   * cannot be dialed now (not an address, ourselves, or the dial list is full).
   */
  connect(address: string): boolean {
    if (address === this.options.address || !ADDRESS_RE.test(address)) return false;
    if (this.ready.has(address) || this.dials.has(address)) return true;
    if (this.dials.size >= DIALS_MAX) return false;
    this.dials.set(address, {
      address,
      persistent: false,
      dueMs: this.host.now(),
      attempts: 0,
      state: "idle",
      linkedAs: null,
    });
    this.handler?.onScheduleChanged();
    return true;
  }

  // ---- schedule (driven by the host's timer) --------------------------------------------

  /** Earliest time `runDue` has work, or null. */
  nextDueMs(): number | null {
    let next: number | null = null;
    const consider = (t: number | null) => {
      if (t !== null && (next === null || t < next)) next = t;
    };
    for (const d of this.dials.values()) if (d.state === "idle") consider(d.dueMs);
    for (const s of this.sockets.values()) if (s.peer === null) consider(s.openedMs + HELLO_TIMEOUT_MS);
    if (this.handler?.wanted !== undefined) {
      for (const [peer, link] of this.ready) {
        if (!this.handler.wanted(peer)) consider(link.lastActivityMs + this.idleMs);
      }
    }
    return next;
  }

  /** Dials, handshake timeouts and idle closes due at `now`. */
  async runDue(now: number): Promise<void> {
    for (const [socket, s] of [...this.sockets]) {
      if (s.peer === null && s.openedMs + HELLO_TIMEOUT_MS <= now) {
        this.drop(socket, CLOSE_PROTOCOL, "no key proof in time");
      }
    }
    const wanted = this.handler?.wanted;
    if (wanted !== undefined) {
      for (const [peer, link] of [...this.ready]) {
        if (!wanted(peer) && link.lastActivityMs + this.idleMs <= now) {
          this.stats.idleClosed += 1;
          this.host.log("info", "peer-link-idle", { peer });
          this.drop(link.socket, CLOSE_IDLE, "idle");
        }
      }
    }
    const work: Promise<void>[] = [];
    for (const d of [...this.dials.values()]) {
      if (d.state !== "idle" || d.dueMs === null || d.dueMs > now) continue;
      if (this.linked(d)) {
        if (d.persistent) d.dueMs = null;
        else this.dials.delete(d.address);
        continue;
      }
      work.push(this.dial(d));
    }
    await Promise.all(work);
  }

  private linked(d: Dial): boolean {
    return this.ready.has(d.address) || (d.linkedAs !== null && this.ready.has(d.linkedAs));
  }

  private retryLater(d: Dial): void {
    d.state = "idle";
    d.attempts += 1;
    if (!d.persistent && d.attempts >= ON_DEMAND_ATTEMPTS) {
      this.dials.delete(d.address);
      this.handler?.onDialFailed?.(d.address);
      return;
    }
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** Math.min(d.attempts - 1, 16));
    // Up to 20% jitter so restarted nodes do not retry in lockstep.
    d.dueMs = this.host.now() + Math.round(delay * (1 + randomUnit(this.host.rng) * 0.2));
    this.handler?.onScheduleChanged();
  }

  private async dial(d: Dial): Promise<void> {
    d.state = "dialing";
    let socket: LinkSocket;
    try {
      socket = await this.host.dial(d.address);
    } catch (e) {
      this.stats.dialFailures += 1;
      this.host.log("warn", "peer-dial-failed", { peer: d.address, attempts: d.attempts, error: String(e) });
      this.retryLater(d);
      return;
    }
    if (this.dials.get(d.address) !== d) {
      socket.close(1000, "no longer wanted");
      return;
    }
    d.state = "open";
    this.sockets.set(socket, {
      outbound: true,
      dialed: d.address,
      bootstrap: d.persistent,
      openedMs: this.host.now(),
      auth: null,
      peer: null,
    });
    socket.send(this.helloText);
    this.handler?.onScheduleChanged();
  }

  // ---- socket events (forwarded by the host) --------------------------------------------

  /** A new inbound socket: sends our hello, or refuses when too many are half-open. */
  acceptInbound(socket: LinkSocket): void {
    let halfOpen = 0;
    for (const s of this.sockets.values()) if (s.peer === null) halfOpen++;
    if (halfOpen >= PENDING_MAX) {
      this.stats.limitRefused += 1;
      socket.close(CLOSE_LINK_LIMIT, "too many links in setup");
      return;
    }
    this.sockets.set(socket, {
      outbound: false,
      bootstrap: false,
      openedMs: this.host.now(),
      auth: null,
      peer: null,
    });
    socket.send(this.helloText);
  }

  /** A frame on any socket we know. */
  async onFrame(socket: LinkSocket, data: string | Uint8Array): Promise<void> {
    const s = this.sockets.get(socket);
    if (s === undefined) {
      this.stats.framesUnexpected += 1;
      return;
    }
    if (typeof data === "string") {
      if (s.peer === null && s.auth === null) this.onHello(socket, s, data);
      else this.stats.framesUnexpected += 1;
      return;
    }
    const peer = s.peer;
    if (peer === null) {
      if (s.auth !== null && data.byteLength <= AUTH_FRAME_BYTES_MAX) {
        this.onAuthFrame(socket, s, data);
        return;
      }
      this.stats.framesBeforeHello += 1;
      this.drop(socket, CLOSE_PROTOCOL, "binary frame before hello");
      return;
    }
    if (data.byteLength > FRAME_BYTES_MAX) {
      this.stats.framesOversized += 1;
      this.host.log("warn", "peer-frame-oversized", { peer, bytes: data.byteLength, limit: FRAME_BYTES_MAX });
      return;
    }
    const link = this.ready.get(peer);
    if (link === undefined || link.socket !== socket) return;
    link.lastActivityMs = this.host.now();
    await this.handler?.onMessage(peer, data);
  }

  /** A socket closed (or failed). */
  onClosed(socket: LinkSocket, code: number, reason: string): void {
    const s = this.sockets.get(socket);
    if (s === undefined) return;
    this.sockets.delete(socket);
    try {
      socket.close(1000, "closing");
    } catch {
      // Already closed.
    }
    const peer = s.peer;
    const refusal = code >= 4000 && code < 5000 && code !== CLOSE_REPLACED && code !== CLOSE_IDLE;
    if (s.outbound && !s.closedByUs && refusal) {
      // The peer refused us (another chain or genesis, not admitted, banned, full): say why here.
      // It may do so after our side already took its proof (both check at once).
      this.stats.refusedByPeer += 1;
      this.host.log("warn", "peer-refused-link", { peer: s.dialed, code, reason });
    }
    let wasReady = false;
    if (peer !== null && this.ready.get(peer)?.socket === socket) {
      wasReady = true;
      this.ready.delete(peer);
      this.stats.linksClosed += 1;
      this.host.log("info", "peer-link-closed", { peer, code, reason });
      this.handler?.onPeerDisconnected?.(peer, code);
    }
    // The dial that opened this socket, or the bootstrap dial whose link this was: retry.
    for (const d of [...this.dials.values()]) {
      const ownSocket = s.outbound && s.dialed === d.address && d.state === "open";
      const itsLink = wasReady && (d.address === peer || d.linkedAs === peer);
      if (!ownSocket && !itsLink) continue;
      if (this.linked(d)) {
        d.state = "idle";
        d.dueMs = null;
      } else if (d.persistent || (ownSocket && !wasReady)) {
        // The peer closed for lack of room or use: ask again at the slowest pace, not at once.
        if (code === CLOSE_IDLE || code === CLOSE_LINK_LIMIT)
          d.attempts = Math.max(d.attempts, BACKOFF_SLOW_ATTEMPTS);
        this.retryLater(d);
      } else {
        this.dials.delete(d.address);
      }
    }
  }

  // ---- internals ------------------------------------------------------------------------

  private onHello(socket: LinkSocket, s: SocketState, text: string): void {
    const hello = parseHello(text);
    const mine = this.options;
    let refusal: [number, string] | null = null;
    if (hello === null) refusal = [CLOSE_PROTOCOL, "malformed hello"];
    else if (hello.chainId !== mine.chainId)
      refusal = [CLOSE_MISMATCH, `chain id mismatch: expected ${mine.chainId}, got ${hello.chainId}`];
    else if (hello.genesisHash !== mine.genesisHash)
      refusal = [CLOSE_MISMATCH, `genesis mismatch: expected ${mine.genesisHash.slice(0, 16)}…`];
    else if (hello.nodeId === mine.address) refusal = [CLOSE_PROTOCOL, "link to self"];
    else if (s.outbound && !s.bootstrap && hello.nodeId !== s.dialed)
      refusal = [CLOSE_PROTOCOL, `dialed ${s.dialed}, answered by ${hello.nodeId}`];
    if (refusal !== null || hello === null) {
      this.stats.helloRejected += 1;
      this.host.log("warn", "peer-hello-rejected", { peer: s.dialed ?? hello?.nodeId, reason: refusal?.[1] });
      this.drop(socket, refusal![0], refusal![1]);
      return;
    }
    // The address is only claimed so far: the link becomes ready once the peer proves its key.
    const handshake = new LinkHandshake(
      s.outbound ? "dialer" : "acceptor",
      {
        chainId: mine.chainId,
        genesisHash: fromHex(mine.genesisHash, 32, "genesis hash"),
        publicKey: mine.linkKey.publicKey,
        secretKey: mine.linkKey.secretKey,
      },
      this.host.randomBytes(LINK_NONCE_BYTES),
    );
    s.auth = { peer: hello.nodeId, handshake, helloSeen: false };
    socket.send(handshake.hello());
  }

  /** HELLO then PROOF of link-auth.ts; the link is ready after a valid proof and admission. */
  private onAuthFrame(socket: LinkSocket, s: SocketState, bytes: Uint8Array): void {
    const auth = s.auth!;
    let publicKey: Uint8Array;
    try {
      if (!auth.helloSeen) {
        auth.helloSeen = true;
        socket.send(auth.handshake.onHello(bytes));
        return;
      }
      publicKey = auth.handshake.onProof(bytes).publicKey;
    } catch (e) {
      if (!(e instanceof RoutingError)) throw e;
      this.stats.authRejected += 1;
      this.host.log("warn", "peer-auth-rejected", { peer: auth.peer, code: e.code, reason: e.message });
      this.drop(socket, e.code === "LINK_CHAIN_MISMATCH" ? CLOSE_MISMATCH : CLOSE_UNAUTHENTICATED, e.code);
      return;
    }
    const peer = auth.peer;
    const refusal = this.admission(peer, publicKey, s.outbound);
    if (refusal !== null) {
      this.host.log("warn", "peer-refused", { peer, code: refusal[0], reason: refusal[1] });
      this.drop(socket, refusal[0], refusal[1]);
      return;
    }
    s.auth = null;
    s.peer = peer;
    if (!s.outbound) this.host.persist?.(socket, { peer, publicKey: toHex(publicKey) });
    for (const d of [...this.dials.values()]) {
      if (d.address !== peer && !(s.outbound && d.address === s.dialed)) continue;
      // Bootstrap entries stay (redialed when their link drops); on-demand dials are done.
      if (!d.persistent) {
        this.dials.delete(d.address);
        continue;
      }
      d.linkedAs = peer;
      d.attempts = 0;
      d.dueMs = null;
      d.state = "idle";
    }
    this.ready.set(peer, { socket, publicKey, outbound: s.outbound, lastActivityMs: this.host.now() });
    this.stats.linksOpened += 1;
    this.announce(peer);
    this.handler?.onScheduleChanged();
  }

  /**
   * Null when the proven link may become `peer`'s link (an older one may be closed for it), or
   * the close code and reason for the new one.
   */
  private admission(peer: string, publicKey: Uint8Array, outbound: boolean): [number, string] | null {
    const keyHex = toHex(publicKey);
    const bannedUntil = this.bans.get(keyHex);
    if (bannedUntil !== undefined && bannedUntil > this.host.now()) {
      this.stats.banned += 1;
      return [CLOSE_MISBEHAVING, "banned"];
    }
    if (this.options.admit !== undefined && !this.options.admit(publicKey)) {
      this.stats.notAdmitted += 1;
      return [CLOSE_NOT_ADMITTED, "not a provisioner of this genesis"];
    }
    for (const [name, link] of this.ready) {
      if (name !== peer && bytesEqual(link.publicKey, publicKey)) {
        this.stats.duplicatesClosed += 1;
        return [CLOSE_REPLACED, `key already linked as ${name}`];
      }
    }
    const old = this.ready.get(peer);
    if (old !== undefined) {
      if (!bytesEqual(old.publicKey, publicKey)) return [CLOSE_REPLACED, "address linked to another key"];
      // Same direction: the peer restarted, the newer link wins. Crossing dials: both ends keep
      // the link dialed by the smaller address.
      const keepOld =
        old.outbound !== outbound &&
        (old.outbound ? this.options.address < peer : peer < this.options.address);
      this.stats.duplicatesClosed += 1;
      if (keepOld) return [CLOSE_REPLACED, "duplicate link"];
      this.ready.delete(peer);
      this.sockets.get(old.socket)!.peer = null;
      this.sockets.delete(old.socket);
      try {
        old.socket.close(CLOSE_REPLACED, "replaced by a newer link");
      } catch {
        // Already closed.
      }
      return null;
    }
    if (this.ready.size >= this.linksMax) {
      // Room goes to the routing table's peers: the least recently active unwanted link leaves.
      const wanted = this.handler?.wanted;
      let victim: [string, Link] | null = null;
      for (const entry of this.ready) {
        if (wanted?.(entry[0]) ?? true) continue;
        if (victim === null || entry[1].lastActivityMs < victim[1].lastActivityMs) victim = entry;
      }
      if (victim === null) {
        this.stats.limitRefused += 1;
        return [CLOSE_LINK_LIMIT, `link limit ${this.linksMax} reached`];
      }
      this.drop(victim[1].socket, CLOSE_LINK_LIMIT, "room for a routing-table peer");
    }
    return null;
  }

  private announce(peer: string): void {
    const handler = this.handler;
    const link = this.ready.get(peer);
    if (handler === null || link === undefined) return;
    this.host.log("info", "peer-link-up", { peer, peers: this.ready.size });
    handler.onPeerConnected(peer, link.publicKey).catch((e: unknown) => {
      this.host.log("error", "peer-connected-failed", { peer, error: String(e) });
    });
  }

  private drop(socket: LinkSocket, code: number, reason: string): void {
    const s = this.sockets.get(socket);
    if (s !== undefined) s.closedByUs = true;
    try {
      socket.close(code, reason.slice(0, CLOSE_REASON_CHARS_MAX));
    } catch {
      // Already closed.
    }
    this.onClosed(socket, code, reason);
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
  if (!ADDRESS_RE.test(nodeId)) return null;
  return { chainId, genesisHash, nodeId };
}
