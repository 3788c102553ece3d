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
 * map), so after a reconnect one more bad frame drops it again. Frames for a contact without a link are dropped and
 * counted: dialing contacts learned from lookups is the link layer's job (see docs/ROUTING.md).
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
}

export interface KadcastTransportOptions {
  readonly publicKey: Uint8Array;
  readonly address?: string;
  readonly params?: Partial<RoutingParams>;
  /** Penalizing errors after which a peer's link is closed (default 3). */
  readonly strikesToDrop?: number;
}

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
  readonly stats = { framesToUnlinked: 0, framesFromUnlinked: 0, peerErrors: 0, peersDropped: 0 };
  private readonly strikes = new BoundedMap<string, number>(STRIKES_PEERS_MAX);
  private readonly strikesToDrop: number;
  private readonly linked = new Map<string, Contact>();
  private handler: MessageHandler | undefined;
  private inFlight: Promise<void>[] = [];

  constructor(
    options: KadcastTransportOptions,
    private readonly deps: KadcastTransportDeps,
  ) {
    this.strikesToDrop = options.strikesToDrop ?? 3;
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
    // Hearing from the peer is what admits it to the table; a link is as good as a frame.
    this.kadcast.table.observe(contact, this.deps.clock.now());
  }

  linkDown(peer: string): void {
    const contact = this.linked.get(peer);
    if (contact === undefined) return;
    this.linked.delete(peer);
    this.kadcast.table.remove(contact.key, contact.id);
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
      const strikes = (this.strikes.get(peer) ?? 0) + 1;
      this.strikes.set(peer, strikes);
      if (strikes >= this.strikesToDrop) {
        // One strike short of the limit: after a reconnect, one more bad frame drops it again.
        this.strikes.set(peer, this.strikesToDrop - 1);
        this.stats.peersDropped++;
        this.linkDown(peer);
        this.deps.links.disconnect?.(peer, error.code);
      }
    }
    return error;
  }

  nextWakeMs(): number | null {
    return this.kadcast.nextWakeMs() ?? null;
  }

  tick(nowMs: number): void {
    this.kadcast.tick(nowMs);
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
    // The id must match too: a contact learned from a NODES reply may claim a linked peer's name.
    if (this.linked.get(to.address)?.key !== to.key) {
      this.stats.framesToUnlinked++;
      return;
    }
    this.deps.links.send(to.address, bytes);
  }
}
