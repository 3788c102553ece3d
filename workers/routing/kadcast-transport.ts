/**
 * The consensus `Transport` port (workers/consensus/ports.ts) over the Kadcast core, for any link
 * layer that names its peers (NodeDO names, URLs): the piece that replaces the full mesh.
 *
 *   const t = new KadcastTransport({ publicKey }, { links, rng, clock });
 *   t.attach((peer, bytes) => node.onMessage(peer, bytes));
 *   links: on an authenticated link  -> t.linkUp(peer, peerPublicKey)   (LinkHandshake's result)
 *          on every binary frame     -> t.onFrame(peer, bytes)          (returns an error to log)
 *          on close                  -> t.linkDown(peer)
 *   host timer: t.nextWakeMs() / t.tick(now)
 *
 * `broadcast` goes by Kadcast (tree + announce + pull for large payloads, plain beta for small
 * ones), `send` as a DIRECT frame on the link. Handlers see the link name of the peer a payload
 * came from (its last hop), as with the mesh. A peer whose frames earn `strikesToDrop` errors with
 * the action `penalize` is disconnected (`links.disconnect`); its strikes outlive the link (bounded
 * map) and decay by one every `strikeDecayMs`, so a peer that misbehaved recently is dropped again
 * at its next bad frame while an old oddity is forgotten.
 *
 * Links follow the routing core: a frame for a contact without a link (a lookup's FIND_NODES to a
 * node learned from a NODES reply, a delegate) asks the link layer to `connect` and waits in a
 * bounded queue until the link is up with the key the contact claimed (dropped otherwise).
 * Tables are not symmetric: a peer may close a link it has no room for (idle), while we keep the
 * contact and dial again when we next need it.
 * Discovery: a new contact in the table (at most one lookup per 2 s), and every
 * `discoveryIntervalMs` while the table holds fewer than K contacts, start a lookup of our own id,
 * which links us to the nodes closest to us and, through their NODES replies, fills the table.
 */

import type { Clock, Transport } from "../consensus/ports.js";
import { BoundedMap } from "./bounded-map.js";
import type { RoutingError } from "./errors.js";
import { nodeIdFromPublicKey } from "./id.js";
import { KadcastNode } from "./kadcast.js";
import type { RoutingParams } from "./params.js";
import type { Rng } from "./rng.js";
import { type Contact, makeContact } from "./routing-table.js";

export interface LinkSender {
  /** Sends one binary frame on the authenticated link to `peer`. */
  send(peer: string, frame: Uint8Array): void;
  /** Closes the link to a misbehaving peer. */
  disconnect?(peer: string, reason: string): void;
  /** Asks for a link to `address`; false when it cannot be dialed now. */
  connect?(address: string): boolean;
}

export interface KadcastTransportOptions {
  readonly publicKey: Uint8Array;
  readonly address?: string;
  readonly params?: Partial<RoutingParams>;
  /** Penalizing errors after which a peer's link is closed (default 3). */
  readonly strikesToDrop?: number;
  /** One strike is forgotten per this many ms (default 10 min). */
  readonly strikeDecayMs?: number;
  /** Self-lookups while the table is not full, at most this often (default 30 s). */
  readonly discoveryIntervalMs?: number;
}

/** Contacts with frames waiting for a link, and frames per contact. */
const WAITING_CONTACTS_MAX = 64;
const WAITING_FRAMES_MAX = 32;
/** A lookup waits this long after a new contact so that links coming up together share one. */
const DISCOVERY_DELAY_MS = 200;
/** Lookups prompted by new contacts start at most this often. */
const DISCOVERY_GAP_MS = 2_000;

/** Peers whose strikes are remembered. */
const STRIKES_PEERS_MAX = 1_024;

export interface KadcastTransportDeps {
  readonly links: LinkSender;
  readonly rng: Rng;
  readonly clock: Clock;
}

/** May return a promise (the node's serial queue): `settle()` awaits the outstanding ones. */
export type MessageHandler = (peer: string, bytes: Uint8Array) => void | Promise<void>;

/** Deliveries awaited by `settle()` at most; past this, older ones are no longer tracked. */
const IN_FLIGHT_MAX = 1_024;

export class KadcastTransport implements Transport {
  readonly kadcast: KadcastNode;
  readonly stats = {
    framesToUnlinked: 0,
    framesFromUnlinked: 0,
    framesQueued: 0,
    framesQueueDropped: 0,
    peerErrors: 0,
    peersDropped: 0,
    lookups: 0,
  };
  /** Strikes per peer and when they were last decayed. */
  private readonly strikes = new BoundedMap<string, { n: number; atMs: number }>(STRIKES_PEERS_MAX);
  private readonly strikesToDrop: number;
  private readonly strikeDecayMs: number;
  private readonly discoveryIntervalMs: number;
  private readonly waiting = new BoundedMap<string, { key: string; frames: Uint8Array[] }>(
    WAITING_CONTACTS_MAX,
    () => {
      this.stats.framesQueueDropped++;
    },
  );
  private discoverAtMs: number | null = null;
  private lastLookupMs = Number.NEGATIVE_INFINITY;
  private readonly linked = new Map<string, Contact>();
  private handler: MessageHandler | undefined;
  private inFlight: Promise<void>[] = [];

  constructor(
    options: KadcastTransportOptions,
    private readonly deps: KadcastTransportDeps,
  ) {
    this.strikesToDrop = options.strikesToDrop ?? 3;
    this.strikeDecayMs = options.strikeDecayMs ?? 10 * 60_000;
    this.discoveryIntervalMs = options.discoveryIntervalMs ?? 30_000;
    this.kadcast = new KadcastNode(
      {
        id: nodeIdFromPublicKey(options.publicKey),
        address: options.address ?? "",
        ...(options.params ? { params: options.params } : {}),
      },
      {
        rng: deps.rng,
        io: {
          send: (to, bytes) => this.sendFrame(to, bytes),
          deliver: (payload, info) => this.hand(info.from.address, payload),
          direct: (from, body) => this.hand(from.address, body),
        },
      },
    );
  }

  attach(handler: MessageHandler): void {
    this.handler = handler;
  }

  /** Resolves when the handler has finished with everything delivered so far (errors included). */
  async settle(): Promise<void> {
    const pending = this.inFlight;
    this.inFlight = [];
    await Promise.all(pending);
  }

  private hand(peer: string, bytes: Uint8Array): void {
    const r = this.handler?.(peer, bytes);
    if (r === undefined) return;
    // Failures are the handler's to log; settle() must not reject on them.
    this.inFlight.push(r.catch(() => {}));
    if (this.inFlight.length > IN_FLIGHT_MAX) this.inFlight.shift();
  }

  /** An authenticated link to `peer`, whose node key is `publicKey`. */
  linkUp(peer: string, publicKey: Uint8Array): void {
    const contact = makeContact(nodeIdFromPublicKey(publicKey), peer);
    this.linked.set(peer, contact);
    const now = this.deps.clock.now();
    // Hearing from the peer is what admits it to the table; a link is as good as a frame.
    const added = this.kadcast.table.observe(contact, now).kind === "added";
    const queued = this.waiting.get(peer);
    if (queued !== undefined) {
      this.waiting.delete(peer);
      // Only for the node the routing core meant: another key at that address gets nothing.
      if (queued.key === contact.key) for (const f of queued.frames) this.deps.links.send(peer, f);
      else this.stats.framesQueueDropped += queued.frames.length;
    }
    // A new contact may know nodes we do not (Kademlia's join spreads this way): look again
    // soon, at most once per DISCOVERY_GAP_MS, while the table is not full.
    if (added && this.kadcast.table.size < this.kadcast.params.k) {
      const at = Math.max(now + DISCOVERY_DELAY_MS, this.lastLookupMs + DISCOVERY_GAP_MS);
      if (this.discoverAtMs === null || at < this.discoverAtMs) this.discoverAtMs = at;
    }
  }

  /** A dial the routing core asked for failed: its queued frames go, and so does the contact. */
  linkFailed(address: string): void {
    const queued = this.waiting.get(address);
    if (queued !== undefined) {
      this.waiting.delete(address);
      this.stats.framesQueueDropped += queued.frames.length;
    }
    if (this.linked.has(address)) return;
    for (const c of this.kadcast.table.all()) {
      if (c.address === address) this.kadcast.table.remove(c.key, c.id);
    }
  }

  /** Whether the routing table holds the peer of this link (links it does not hold may close). */
  wanted(peer: string): boolean {
    const c = this.linked.get(peer);
    return c !== undefined && this.kadcast.table.has(c.key, c.id);
  }

  /** Starts a lookup of our own id now (also run by `tick` on its schedule). */
  discover(nowMs: number): boolean {
    const started = this.kadcast.bootstrap([], nowMs);
    if (started) {
      this.stats.lookups++;
      this.lastLookupMs = nowMs;
    }
    return started;
  }

  /**
   * The link to `peer` closed. `keepContact` (an idle close: the peer had no use for the link)
   * keeps it in the table: the next frame for it dials again. Otherwise it leaves the table.
   */
  linkDown(peer: string, keepContact = false): void {
    const contact = this.linked.get(peer);
    if (contact === undefined) return;
    this.linked.delete(peer);
    if (!keepContact) this.kadcast.table.remove(contact.key, contact.id);
  }

  /** A binary frame from a linked peer; returns the error for the link layer to score the peer. */
  onFrame(peer: string, bytes: Uint8Array): RoutingError | undefined {
    const contact = this.linked.get(peer);
    if (contact === undefined) {
      this.stats.framesFromUnlinked++;
      return undefined;
    }
    const error = this.kadcast.receive(contact, bytes, this.deps.clock.now());
    if (error === undefined) return undefined;
    this.stats.peerErrors++;
    if (error.action === "penalize") {
      const now = this.deps.clock.now();
      const s = this.strikes.get(peer) ?? { n: 0, atMs: now };
      // Decay: one strike forgotten per strikeDecayMs since the last update.
      const decayed = Math.floor((now - s.atMs) / this.strikeDecayMs);
      const strikes = Math.max(0, s.n - decayed) + 1;
      this.strikes.set(peer, { n: strikes, atMs: decayed > 0 ? now : s.atMs });
      if (strikes >= this.strikesToDrop) {
        // One strike short of the limit: after a reconnect, one more bad frame drops it again.
        this.strikes.set(peer, { n: this.strikesToDrop - 1, atMs: now });
        this.stats.peersDropped++;
        this.linkDown(peer);
        this.deps.links.disconnect?.(peer, error.code);
      }
    }
    return error;
  }

  nextWakeMs(): number | null {
    const k = this.kadcast.nextWakeMs() ?? null;
    const d = this.discoverAtMs;
    if (k === null) return d;
    return d === null ? k : Math.min(k, d);
  }

  tick(nowMs: number): void {
    this.kadcast.tick(nowMs);
    if (this.discoverAtMs !== null && this.discoverAtMs <= nowMs) {
      this.discover(nowMs);
      // Keep looking while the table is not full and links exist to ask.
      const full = this.kadcast.table.size >= this.kadcast.params.k;
      this.discoverAtMs = full || this.linked.size === 0 ? null : nowMs + this.discoveryIntervalMs;
    }
  }

  // ---- Transport ----------------------------------------------------------------------

  broadcast(bytes: Uint8Array): void {
    this.kadcast.broadcast(bytes);
  }

  send(peer: string, bytes: Uint8Array): void {
    const contact = this.linked.get(peer);
    if (contact === undefined) {
      this.stats.framesToUnlinked++;
      return;
    }
    this.kadcast.direct(contact, bytes);
  }

  peers(): string[] {
    return [...this.linked.keys()];
  }

  private sendFrame(to: Contact, bytes: Uint8Array): void {
    const linked = this.linked.get(to.address);
    if (linked?.key === to.key) {
      this.deps.links.send(to.address, bytes);
      return;
    }
    // The id must match too: a contact learned from a NODES reply may claim a linked peer's name.
    if (linked !== undefined || this.deps.links.connect?.(to.address) !== true) {
      this.stats.framesToUnlinked++;
      return;
    }
    const queued = this.waiting.get(to.address);
    if (queued === undefined) {
      this.waiting.set(to.address, { key: to.key, frames: [bytes] });
    } else if (queued.key === to.key && queued.frames.length < WAITING_FRAMES_MAX) {
      queued.frames.push(bytes);
    } else {
      this.stats.framesQueueDropped++;
      return;
    }
    this.stats.framesQueued++;
  }
}
