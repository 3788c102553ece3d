/**
 * A deterministic network of `KadcastNode`s for tests and the routing benchmark: virtual time,
 * a seeded PRNG, per-message link latency (default 50 ms ± 20 ms, uniform) on reliable ordered
 * links (a frame never overtakes an earlier one on the same directed link, like a WebSocket), and
 * silent nodes that receive but never send. Any run replays exactly from its seed.
 *
 * Receivers count what reaches them by message type, so the benchmark's copies and bytes are the
 * encoded frames the real core produced.
 */

import { toHex } from "../../protocol/bytes.js";
import { type NodeId, nodeIdFromPublicKey } from "./id.js";
import { type DeliverInfo, KadcastNode } from "./kadcast.js";
import { MsgType } from "./messages.js";
import type { RoutingParams } from "./params.js";
import { type Rng, randomInt, SeededRng } from "./rng.js";
import { type Contact, makeContact } from "./routing-table.js";

export interface VirtualNetworkOptions {
  readonly n: number;
  readonly seed: number;
  readonly params?: Partial<RoutingParams>;
  /** Indexes of nodes that receive but never send. */
  readonly silent?: ReadonlySet<number>;
  /** One-way latency of one frame; default 50 ms ± 20 ms uniform. */
  readonly latencyMs?: (rng: Rng) => number;
  /**
   * true (default): every node has observed every other node at time 0, so tables are full up to
   * K per bucket (a settled Kademlia network). false: tables start empty (use `bootstrap`).
   */
  readonly fullTables?: boolean;
}

export interface Received {
  payloadCopies: number;
  payloadBytes: number;
  /** ANNOUNCE and PULL frames: the price of robustness in the tree scheme. */
  announceBytes: number;
  otherBytes: number;
}

export interface Delivery {
  readonly node: number;
  readonly atMs: number;
  readonly hops: number;
  readonly via: DeliverInfo["via"];
}

interface Event {
  readonly atMs: number;
  readonly seq: number;
  readonly to: number;
  /** -1 = a wake-up tick. */
  readonly from: number;
  readonly bytes: Uint8Array | undefined;
}

export const defaultLatencyMs = (rng: Rng): number => 30 + (rng.nextU32() / 4294967296) * 40;

export class VirtualNetwork {
  readonly nodes: KadcastNode[] = [];
  readonly contacts: Contact[] = [];
  readonly received: Received[] = [];
  /** Deliveries per payload hash (hex). */
  readonly deliveries = new Map<string, Delivery[]>();
  /** Point-to-point request handler for tests; the default echoes the body. */
  onRequest: (node: number, from: Contact, requestId: number, body: Uint8Array) => void;
  nowMs = 0;
  private readonly rng: SeededRng;
  private readonly latency: (rng: Rng) => number;
  private readonly silent: ReadonlySet<number>;
  private readonly byAddress = new Map<string, number>();
  private readonly linkLastMs = new Map<number, number>();
  private readonly wakeAtMs: Array<number | undefined> = [];
  private heap: Event[] = [];
  private seq = 0;

  constructor(options: VirtualNetworkOptions) {
    this.rng = new SeededRng(options.seed);
    this.latency = options.latencyMs ?? defaultLatencyMs;
    this.silent = options.silent ?? new Set();
    this.onRequest = (node, from, requestId, body) => this.nodes[node]!.respond(from, requestId, body);
    for (let i = 0; i < options.n; i++) {
      const key = new Uint8Array(8);
      new DataView(key.buffer).setUint32(0, options.seed >>> 0, true);
      new DataView(key.buffer).setUint32(4, i, true);
      const id: NodeId = nodeIdFromPublicKey(key);
      const contact = makeContact(id, String(i));
      this.contacts.push(contact);
      this.byAddress.set(contact.address, i);
      this.received.push({ payloadCopies: 0, payloadBytes: 0, announceBytes: 0, otherBytes: 0 });
      this.wakeAtMs.push(undefined);
      const index = i;
      this.nodes.push(
        new KadcastNode(
          { id, address: contact.address, ...(options.params ? { params: options.params } : {}) },
          {
            rng: new SeededRng(this.rng.nextU32()),
            io: {
              send: (to, bytes) => this.transmit(index, to, bytes),
              deliver: (payload, info) => this.record(index, payload, info),
              request: (from, requestId, body) => this.onRequest(index, from, requestId, body),
            },
          },
        ),
      );
    }
    if (options.fullTables ?? true) {
      for (let i = 0; i < options.n; i++) {
        // Insertion order shuffled so that which K of a crowded bucket a node keeps is random.
        const order = this.contacts.map((_, j) => j);
        for (let j = order.length - 1; j > 0; j--) {
          const r = randomInt(this.rng, j + 1);
          [order[j], order[r]] = [order[r]!, order[j]!];
        }
        for (const j of order) if (j !== i) this.nodes[i]!.table.observe(this.contacts[j]!, 0);
      }
    }
  }

  isSilent(i: number): boolean {
    return this.silent.has(i);
  }

  /** Broadcast from `origin` at the current virtual time; returns the payload hash (hex). */
  broadcast(origin: number, payload: Uint8Array, mode: "auto" | "plain" | "tree" = "auto"): string {
    const hash = toHex(this.nodes[origin]!.broadcast(payload, mode));
    if (!this.deliveries.has(hash)) this.deliveries.set(hash, []);
    this.schedule(origin);
    return hash;
  }

  /** Runs events up to and including `untilMs` (virtual); the clock ends at `untilMs`. */
  runUntil(untilMs: number): void {
    while (this.heap.length > 0 && this.heap[0]!.atMs <= untilMs) {
      const e = this.pop();
      this.nowMs = e.atMs;
      const node = this.nodes[e.to]!;
      if (e.bytes === undefined) {
        if (this.wakeAtMs[e.to] !== e.atMs) continue;
        this.wakeAtMs[e.to] = undefined;
        node.tick(e.atMs);
      } else {
        this.count(e.to, e.bytes);
        node.receive(this.contacts[e.from]!, e.bytes, e.atMs);
      }
      this.schedule(e.to);
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
  }

  runFor(ms: number): void {
    this.runUntil(this.nowMs + ms);
  }

  /** Lets node `i` act at the current time (after calling its API directly). */
  schedule(i: number): void {
    const next = this.nodes[i]!.nextWakeMs();
    if (next === undefined) return;
    const at = Math.max(next, this.nowMs);
    const current = this.wakeAtMs[i];
    if (current !== undefined && current <= at) return;
    this.wakeAtMs[i] = at;
    this.push({ atMs: at, seq: this.seq++, to: i, from: -1, bytes: undefined });
  }

  private transmit(from: number, to: Contact, bytes: Uint8Array): void {
    if (this.silent.has(from)) return;
    const j = this.byAddress.get(to.address);
    if (j === undefined) return;
    const link = from * this.nodes.length + j;
    const at = Math.max(this.nowMs + this.latency(this.rng), this.linkLastMs.get(link) ?? 0);
    this.linkLastMs.set(link, at);
    this.push({ atMs: at, seq: this.seq++, to: j, from, bytes });
  }

  private count(to: number, bytes: Uint8Array): void {
    const r = this.received[to]!;
    const type = bytes[1];
    if (type === MsgType.Broadcast || type === MsgType.Pulled) {
      r.payloadCopies++;
      r.payloadBytes += bytes.length;
    } else if (type === MsgType.Announce || type === MsgType.Pull) {
      r.announceBytes += bytes.length;
    } else {
      r.otherBytes += bytes.length;
    }
  }

  private record(node: number, _payload: Uint8Array, info: DeliverInfo): void {
    const key = toHex(info.hash);
    let list = this.deliveries.get(key);
    if (list === undefined) {
      list = [];
      this.deliveries.set(key, list);
    }
    list.push({ node, atMs: this.nowMs, hops: info.hops, via: info.via });
  }

  // Binary min-heap on (atMs, seq): equal times keep their scheduling order (determinism).
  private push(e: Event): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): Event {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l]!, h[m]!)) m = l;
        if (r < h.length && before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function before(a: Event, b: Event): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}
