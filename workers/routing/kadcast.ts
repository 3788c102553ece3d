/**
 * The Kadcast node: a pure state machine over (peer, bytes) inputs and clock ticks.
 *
 *   const node = new KadcastNode({ id, params }, { io, rng });
 *   node.receive(fromContact, bytes, nowMs);   // every frame from an authenticated link
 *   node.tick(nowMs);                          // at node.nextWakeMs() (timeouts, pulls, refresh)
 *   node.broadcast(payload);                   // delivered to every other node via io.deliver
 *
 * Outputs go through the injected `RoutingIo`: frames to send to a contact, payloads delivered,
 * point-to-point requests and responses. Nothing here reads a clock or draws randomness itself.
 *
 * Broadcast (Kadcast, ../shared/DESIGN.md "Network"): the origin sends to delegates in every
 * bucket i with height i; a receiver at height h relays to delegates in each bucket below h.
 * Buckets partition the id space, so each node lies in exactly one relayer's subtree: with one
 * delegate per bucket and no failures, every node receives exactly one copy.
 *
 * Two ways (docs/ROUTING.md):
 *   - plain: the payload goes to beta delegates per bucket (small consensus messages);
 *   - tree (payloads >= largePayloadBytes): the payload goes to betaPayload (1) delegate per bucket
 *     and a 40-byte ANNOUNCE(hash, size) to beta - betaPayload others, announcements are relayed
 *     with beta per bucket. A node that has an announcement but no payload after pullDelayMs pulls
 *     it from an announcer, retrying another one after pullTimeoutMs, at most pullAttemptsMax times.
 *     The origin announces to betaOrigin delegates per bucket: its first hop has no redundancy.
 *     An announcer that lacks the payload itself keeps the pull waiting (bounded) and answers when
 *     the payload arrives. A pulled payload is not pushed further: nodes below pull too.
 */

import { toHex } from "../../protocol/bytes.js";
import { domainHash } from "../../protocol/hash.js";
import { BoundedMap } from "./bounded-map.js";
import { RoutingError } from "./errors.js";
import { ID_BITS, type NodeId, randomIdInBucket } from "./id.js";
import { BroadcastMode, decodeMessage, encodeMessage, MsgType, type RoutingMessage } from "./messages.js";
import { DEFAULT_ROUTING_PARAMS, type RoutingParams } from "./params.js";
import { type Rng, sample } from "./rng.js";
import { type Contact, makeContact, RoutingTable } from "./routing-table.js";

export interface DeliverInfo {
  readonly hash: Uint8Array;
  /** Payload transmissions from the origin to here (informative: a peer may lie). */
  readonly hops: number;
  readonly from: Contact;
  readonly via: "plain" | "tree" | "pull";
}

export type RequestResult = { readonly ok: true; readonly body: Uint8Array } | { readonly ok: false };

export interface RoutingIo {
  send(to: Contact, bytes: Uint8Array): void;
  deliver(payload: Uint8Array, info: DeliverInfo): void;
  /** A point-to-point request; answer with `node.respond(from, requestId, body)`. */
  request?(from: Contact, requestId: number, body: Uint8Array): void;
  /** A one-way message from a linked peer (`node.direct`). */
  direct?(from: Contact, body: Uint8Array): void;
}

export interface KadcastOptions {
  readonly id: NodeId;
  readonly address?: string;
  readonly params?: Partial<RoutingParams>;
}

export interface KadcastDeps {
  readonly io: RoutingIo;
  readonly rng: Rng;
}

type Pending =
  | { kind: "find"; to: Contact; deadlineMs: number; lookup: Lookup }
  | { kind: "ping"; to: Contact; deadlineMs: number; probe: boolean }
  | { kind: "request"; to: Contact; deadlineMs: number; done: (r: RequestResult) => void };

interface Lookup {
  readonly target: NodeId;
  /** Candidates nearest first, bounded by 3k. */
  shortlist: Contact[];
  readonly queried: Set<string>;
  inFlight: number;
  queries: number;
  readonly done?: (closest: Contact[]) => void;
}

interface Item {
  readonly hash: Uint8Array;
  /** Payload size as announced (untrusted until the payload arrives) or as received. */
  size: number;
  /** Announcements were relayed to the buckets below this height (0: none yet). */
  annHeight: number;
  payload: Uint8Array | undefined;
  have: boolean;
  hops: number;
  announcers: Contact[];
  tried: Set<string>;
  pullAtMs: number | undefined;
  pullAttempts: number;
  waiting: Contact[];
}

export interface KadcastStats {
  delivered: number;
  duplicates: number;
  pullsSent: number;
  pullsServed: number;
  pullsGivenUp: number;
  unsolicited: number;
  malformed: number;
  requestTimeouts: number;
  evicted: number;
}

const PAYLOAD_DOMAIN = "kadcast-payload";

export function payloadHash(payload: Uint8Array): Uint8Array {
  return domainHash(PAYLOAD_DOMAIN, payload);
}

export class KadcastNode {
  readonly params: RoutingParams;
  readonly table: RoutingTable;
  readonly self: Contact;
  readonly stats: KadcastStats = {
    delivered: 0,
    duplicates: 0,
    pullsSent: 0,
    pullsServed: 0,
    pullsGivenUp: 0,
    unsolicited: 0,
    malformed: 0,
    requestTimeouts: 0,
    evicted: 0,
  };
  private readonly io: RoutingIo;
  private readonly rng: Rng;
  private readonly pending: Map<number, Pending> = new Map();
  private readonly lookups = new Set<Lookup>();
  private readonly items: BoundedMap<string, Item>;
  /** Items waiting for a pull deadline (a subset of `items`). */
  private readonly pulling = new Map<string, Item>();
  /** Items holding a payload, oldest first (the payload is dropped past storedPayloadsMax). */
  private readonly stored: BoundedMap<string, Item>;
  private nextRequestId: number;
  /** Contacts with a liveness ping in flight (not rescheduled until it resolves). */
  private readonly livenessPings = new Set<string>();

  constructor(options: KadcastOptions, deps: KadcastDeps) {
    this.params = { ...DEFAULT_ROUTING_PARAMS, ...options.params };
    this.self = makeContact(options.id, options.address ?? "");
    this.table = new RoutingTable(options.id, this.params.k);
    this.io = deps.io;
    this.rng = deps.rng;
    this.nextRequestId = deps.rng.nextU32();
    this.stored = new BoundedMap(this.params.storedPayloadsMax, (_k, item) => {
      item.payload = undefined;
    });
    this.items = new BoundedMap(this.params.seenMax, (key) => {
      this.pulling.delete(key);
      this.stored.delete(key);
    });
  }

  /** Sizes and bounds of every map, for resource checks. */
  resourceUsage(): Record<string, { size: number; max: number }> {
    return {
      table: { size: this.table.size, max: this.params.k * ID_BITS },
      pending: { size: this.pending.size, max: this.params.pendingRequestsMax },
      lookups: { size: this.lookups.size, max: this.params.lookupsMax },
      seen: { size: this.items.size, max: this.params.seenMax },
      storedPayloads: { size: this.stored.size, max: this.params.storedPayloadsMax },
      pulling: { size: this.pulling.size, max: this.params.seenMax },
    };
  }

  // ---------------------------------------------------------------- inputs

  /**
   * One frame from `from` over an authenticated link. Returns the error for the host to score
   * the peer (`action`), or undefined.
   */
  receive(from: Contact, bytes: Uint8Array, nowMs: number): RoutingError | undefined {
    if (from.key === this.self.key) return undefined;
    let m: RoutingMessage;
    try {
      m = decodeMessage(bytes, this.params);
    } catch (e) {
      if (e instanceof RoutingError) {
        this.stats.malformed++;
        return e;
      }
      throw e;
    }
    this.heard(from, nowMs);
    this.handle(from, m, nowMs);
    return undefined;
  }

  /** Advances timeouts, pull deadlines, liveness pings and bucket refreshes to `nowMs`. */
  tick(nowMs: number): void {
    for (const [id, p] of this.pending) {
      if (p.deadlineMs > nowMs) continue;
      this.pending.delete(id);
      this.stats.requestTimeouts++;
      this.timedOut(p, nowMs);
    }
    for (const item of [...this.pulling.values()]) {
      if (item.pullAtMs !== undefined && item.pullAtMs <= nowMs) this.pull(item, nowMs);
    }
    this.refresh(nowMs);
  }

  /** Earliest time at which `tick` has work, or undefined. */
  nextWakeMs(): number | undefined {
    let next: number | undefined;
    const consider = (t: number | undefined) => {
      if (t !== undefined && (next === undefined || t < next)) next = t;
    };
    for (const p of this.pending.values()) consider(p.deadlineMs);
    for (const item of this.pulling.values()) consider(item.pullAtMs);
    if (this.table.size > 0) consider(this.nextRefreshMs());
    return next;
  }

  // ---------------------------------------------------------------- API

  /**
   * Sends `payload` to every node; `mode` auto picks tree for large payloads. A payload this node
   * has already seen (sent or received) is not sent again: the network has it or is getting it.
   */
  broadcast(payload: Uint8Array, mode: "auto" | "plain" | "tree" = "auto"): Uint8Array {
    if (payload.length > this.params.maxPayloadBytes) {
      throw new RoutingError(
        "ROUTING_PAYLOAD_TOO_LARGE",
        "ignore",
        `payload of ${payload.length} bytes exceeds ${this.params.maxPayloadBytes}`,
        { got: payload.length, limit: this.params.maxPayloadBytes },
      );
    }
    const hash = payloadHash(payload);
    const key = toHex(hash);
    const known = this.items.get(key);
    if (known?.have) return hash;
    const item = known ?? this.newItem(key, hash);
    this.keep(key, item, payload, 0);
    const tree = mode === "tree" || (mode === "auto" && payload.length >= this.params.largePayloadBytes);
    if (tree) this.relayTree(item, ID_BITS, this.params.betaOrigin);
    else this.relayPlain(payload, ID_BITS, 0);
    return hash;
  }

  /** Seeds the table from known contacts and looks up our own id (Kademlia join). */
  bootstrap(seeds: readonly Contact[], nowMs: number, done?: (closest: Contact[]) => void): boolean {
    return this.lookup(this.self.id, nowMs, done, seeds);
  }

  /** Iterative FIND_NODES towards `target`; false when lookupsMax lookups already run. */
  lookup(
    target: NodeId,
    nowMs: number,
    done?: (closest: Contact[]) => void,
    seeds: readonly Contact[] = [],
  ): boolean {
    if (this.lookups.size >= this.params.lookupsMax) return false;
    const lookup: Lookup = {
      target,
      shortlist: [],
      queried: new Set(),
      inFlight: 0,
      queries: 0,
      ...(done ? { done } : {}),
    };
    this.merge(lookup, [...this.table.closest(target, this.params.k), ...seeds]);
    this.lookups.add(lookup);
    this.step(lookup, nowMs);
    return true;
  }

  /** A point-to-point request; `done` gets the response or `{ok: false}` on timeout. */
  request(to: Contact, body: Uint8Array, nowMs: number, done: (r: RequestResult) => void): boolean {
    const id = this.register({ kind: "request", to, deadlineMs: nowMs + this.params.requestTimeoutMs, done });
    if (id === undefined) return false;
    this.send(to, { type: MsgType.Request, requestId: id, body });
    return true;
  }

  /** A one-way message to `to` (no routing, no de-duplication). */
  direct(to: Contact, body: Uint8Array): void {
    this.send(to, { type: MsgType.Direct, body });
  }

  respond(to: Contact, requestId: number, body: Uint8Array): void {
    this.send(to, { type: MsgType.Response, requestId, body });
  }

  ping(to: Contact, nowMs: number, probe = false): boolean {
    const id = this.register({ kind: "ping", to, deadlineMs: nowMs + this.params.requestTimeoutMs, probe });
    if (id === undefined) return false;
    this.send(to, { type: MsgType.Ping, nonce: id });
    return true;
  }

  // ---------------------------------------------------------------- handling

  private handle(from: Contact, m: RoutingMessage, nowMs: number): void {
    switch (m.type) {
      case MsgType.Ping:
        this.send(from, { type: MsgType.Pong, nonce: m.nonce });
        return;
      case MsgType.Pong: {
        const p = this.take(m.nonce, from, "ping");
        this.livenessPings.delete(from.key);
        if (p?.kind === "ping" && p.probe) this.table.resolveProbe(from, true, nowMs);
        return;
      }
      case MsgType.FindNodes:
        this.send(from, {
          type: MsgType.Nodes,
          requestId: m.requestId,
          contacts: this.table.closest(m.target, this.params.k, from.key),
        });
        return;
      case MsgType.Nodes: {
        const p = this.take(m.requestId, from, "find");
        if (p?.kind !== "find") return;
        p.lookup.inFlight--;
        const learned = m.contacts.map((c) => makeContact(c.id, c.address));
        this.merge(p.lookup, learned);
        this.step(p.lookup, nowMs);
        return;
      }
      case MsgType.Broadcast:
        this.onBroadcast(from, m.mode, m.height, m.hops, m.payload);
        return;
      case MsgType.Announce:
        this.onAnnounce(from, m.height, m.hash, m.size, nowMs);
        return;
      case MsgType.Pull:
        this.onPull(from, m.hash);
        return;
      case MsgType.Pulled:
        this.onPulled(from, m.hops, m.payload);
        return;
      case MsgType.Request:
        this.io.request?.(from, m.requestId, m.body);
        return;
      case MsgType.Response: {
        const p = this.take(m.requestId, from, "request");
        if (p?.kind === "request") p.done({ ok: true, body: m.body });
        return;
      }
      case MsgType.Direct:
        this.io.direct?.(from, m.body);
        return;
    }
  }

  private onBroadcast(
    from: Contact,
    mode: BroadcastMode,
    height: number,
    hops: number,
    payload: Uint8Array,
  ): void {
    const hash = payloadHash(payload);
    const key = toHex(hash);
    const known = this.items.get(key);
    if (known?.have) {
      this.stats.duplicates++;
      return;
    }
    const item = known ?? this.newItem(key, hash);
    this.keep(key, item, payload, hops);
    this.deliver(item, payload, from, mode === BroadcastMode.Tree ? "tree" : "plain");
    if (mode === BroadcastMode.Plain) {
      this.relayPlain(payload, height, hops);
    } else {
      this.relayTree(item, height, this.params.beta);
    }
  }

  private onAnnounce(from: Contact, height: number, hash: Uint8Array, size: number, nowMs: number): void {
    const key = toHex(hash);
    const known = this.items.get(key);
    if (known !== undefined) {
      if (!known.have) this.addAnnouncer(known, from);
      else this.stats.duplicates++;
      return;
    }
    const item = this.newItem(key, hash);
    item.size = size;
    this.addAnnouncer(item, from);
    item.pullAtMs = nowMs + this.params.pullDelayMs;
    this.pulling.set(key, item);
    this.relayAnnounce(item, height);
  }

  private onPull(from: Contact, hash: Uint8Array): void {
    const item = this.items.get(toHex(hash));
    if (item === undefined) return;
    if (item.payload !== undefined) {
      this.stats.pullsServed++;
      this.send(from, { type: MsgType.Pulled, hops: Math.min(item.hops + 1, 255), payload: item.payload });
      return;
    }
    // We were announced the payload but do not hold it yet: answer when it arrives.
    if (!item.have && item.waiting.length < this.params.waitingPullsMax) {
      if (!item.waiting.some((c) => c.key === from.key)) item.waiting.push(from);
    }
  }

  private onPulled(from: Contact, hops: number, payload: Uint8Array): void {
    const hash = payloadHash(payload);
    const key = toHex(hash);
    const item = this.items.get(key);
    if (item === undefined || item.pullAttempts === 0) {
      this.stats.unsolicited++;
      return;
    }
    if (item.have) {
      this.stats.duplicates++;
      return;
    }
    this.keep(key, item, payload, hops);
    this.deliver(item, payload, from, "pull");
  }

  // ---------------------------------------------------------------- broadcast internals

  private newItem(key: string, hash: Uint8Array): Item {
    const item: Item = {
      hash,
      size: 0,
      annHeight: 0,
      payload: undefined,
      have: false,
      hops: 0,
      announcers: [],
      tried: new Set(),
      pullAtMs: undefined,
      pullAttempts: 0,
      waiting: [],
    };
    this.items.set(key, item);
    return item;
  }

  /** Marks the payload held, stores it for pulls, answers waiting pulls. */
  private keep(key: string, item: Item, payload: Uint8Array, hops: number): void {
    item.have = true;
    item.payload = payload;
    item.size = payload.length;
    item.hops = hops;
    item.pullAtMs = undefined;
    item.announcers = [];
    this.pulling.delete(key);
    this.stored.set(key, item);
    const waiting = item.waiting;
    item.waiting = [];
    for (const c of waiting) {
      this.stats.pullsServed++;
      this.send(c, { type: MsgType.Pulled, hops: Math.min(hops + 1, 255), payload });
    }
  }

  private deliver(item: Item, payload: Uint8Array, from: Contact, via: DeliverInfo["via"]): void {
    this.stats.delivered++;
    this.io.deliver(payload, { hash: item.hash, hops: item.hops, from, via });
  }

  private addAnnouncer(item: Item, from: Contact): void {
    if (item.announcers.length >= this.params.announcersMax) return;
    if (item.announcers.some((c) => c.key === from.key)) return;
    item.announcers.push(from);
  }

  private pull(item: Item, nowMs: number): void {
    const key = toHex(item.hash);
    const untried = item.announcers.filter((c) => !item.tried.has(c.key));
    if (item.pullAttempts >= this.params.pullAttemptsMax || item.announcers.length === 0) {
      item.pullAtMs = undefined;
      this.pulling.delete(key);
      this.stats.pullsGivenUp++;
      return;
    }
    // Prefer an announcer not asked yet; when all were, ask again in order (a slow one may answer).
    const to = untried[0] ?? item.announcers[item.pullAttempts % item.announcers.length]!;
    item.tried.add(to.key);
    item.pullAttempts++;
    item.pullAtMs = nowMs + this.params.pullTimeoutMs;
    this.stats.pullsSent++;
    this.send(to, { type: MsgType.Pull, hash: item.hash });
  }

  private relayPlain(payload: Uint8Array, height: number, hops: number): void {
    const top = Math.min(height, ID_BITS);
    for (let i = 0; i < top; i++) {
      const bucket = this.table.bucket(i);
      if (bucket.length === 0) continue;
      const bytes = encodeMessage(
        {
          type: MsgType.Broadcast,
          mode: BroadcastMode.Plain,
          height: i,
          hops: Math.min(hops + 1, 255),
          payload,
        },
        this.params,
      );
      for (const c of sample(this.rng, bucket, this.params.beta)) this.io.send(c, bytes);
    }
  }

  /**
   * Payload to betaPayload delegates per bucket below `height`; announcements to `beta` -
   * betaPayload others in the buckets not yet announced to. When an announcement came first at a lower
   * height, the buckets between the two heights still get announcements here: without them a
   * silent payload delegate there would cut its whole subtree off.
   */
  private relayTree(item: Item, height: number, beta: number): void {
    const payload = item.payload!;
    const top = Math.min(height, ID_BITS);
    const hops = Math.min(item.hops + 1, 255);
    for (let i = 0; i < top; i++) {
      const bucket = this.table.bucket(i);
      if (bucket.length === 0) continue;
      const delegates = sample(this.rng, bucket, Math.max(beta, this.params.betaPayload));
      const bytes = encodeMessage(
        { type: MsgType.Broadcast, mode: BroadcastMode.Tree, height: i, hops, payload },
        this.params,
      );
      for (const c of delegates.slice(0, this.params.betaPayload)) this.io.send(c, bytes);
      if (i < item.annHeight) continue;
      const rest = delegates.slice(this.params.betaPayload);
      if (rest.length === 0) continue;
      const ann = encodeMessage(
        { type: MsgType.Announce, height: i, hops, hash: item.hash, size: payload.length },
        this.params,
      );
      for (const c of rest) this.io.send(c, ann);
    }
    item.annHeight = Math.max(item.annHeight, top);
  }

  private relayAnnounce(item: Item, height: number): void {
    const top = Math.min(height, ID_BITS);
    item.annHeight = Math.max(item.annHeight, top);
    for (let i = 0; i < top; i++) {
      const bucket = this.table.bucket(i);
      if (bucket.length === 0) continue;
      // Passes on the size as announced to us: the hash, not the size, identifies the payload.
      const ann = encodeMessage(
        { type: MsgType.Announce, height: i, hops: 0, hash: item.hash, size: item.size },
        this.params,
      );
      for (const c of sample(this.rng, bucket, this.params.beta)) this.io.send(c, ann);
    }
  }

  // ---------------------------------------------------------------- table, lookups, requests

  private heard(from: Contact, nowMs: number): void {
    const r = this.table.observe(from, nowMs);
    if (r.kind === "probe") this.ping(r.probe, nowMs, true);
  }

  private register(p: Pending): number | undefined {
    if (this.pending.size >= this.params.pendingRequestsMax) return undefined;
    let id = this.nextRequestId;
    while (this.pending.has(id)) id = (id + 1) >>> 0;
    this.nextRequestId = (id + 1) >>> 0;
    this.pending.set(id, p);
    return id;
  }

  /** The pending request `id`, if it was sent to `from` (a reply from anyone else is ignored). */
  private take(id: number, from: Contact, kind: Pending["kind"]): Pending | undefined {
    const p = this.pending.get(id);
    if (p === undefined || p.kind !== kind || p.to.key !== from.key) {
      this.stats.unsolicited++;
      return undefined;
    }
    this.pending.delete(id);
    return p;
  }

  private timedOut(p: Pending, nowMs: number): void {
    if (p.kind === "ping") this.livenessPings.delete(p.to.key);
    if (p.kind === "ping" && p.probe) {
      this.table.resolveProbe(p.to, false, nowMs);
      this.stats.evicted++;
      return;
    }
    if (this.table.recordFailure(p.to, this.params.failuresToEvict)) this.stats.evicted++;
    if (p.kind === "find") {
      p.lookup.inFlight--;
      this.step(p.lookup, nowMs);
    } else if (p.kind === "request") {
      p.done({ ok: false });
    }
  }

  private merge(lookup: Lookup, contacts: readonly Contact[]): void {
    const known = new Set(lookup.shortlist.map((c) => c.key));
    for (const c of contacts) {
      if (c.key === this.self.key || known.has(c.key)) continue;
      known.add(c.key);
      lookup.shortlist.push(c);
    }
    const target = lookup.target;
    lookup.shortlist.sort((a, b) => {
      for (let i = 0; i < a.id.length; i++) {
        const da = a.id[i]! ^ target[i]!;
        const db = b.id[i]! ^ target[i]!;
        if (da !== db) return da - db;
      }
      return 0;
    });
    if (lookup.shortlist.length > 3 * this.params.k) lookup.shortlist.length = 3 * this.params.k;
  }

  private step(lookup: Lookup, nowMs: number): void {
    const k = this.params.k;
    while (lookup.inFlight < this.params.alpha && lookup.queries < this.params.lookupQueriesMax) {
      const next = lookup.shortlist.slice(0, k).find((c) => !lookup.queried.has(c.key));
      if (next === undefined) break;
      lookup.queried.add(next.key);
      const id = this.register({
        kind: "find",
        to: next,
        deadlineMs: nowMs + this.params.requestTimeoutMs,
        lookup,
      });
      if (id === undefined) break;
      lookup.inFlight++;
      lookup.queries++;
      this.send(next, { type: MsgType.FindNodes, requestId: id, target: lookup.target });
    }
    if (lookup.inFlight === 0) {
      this.lookups.delete(lookup);
      lookup.done?.(lookup.shortlist.filter((c) => lookup.queried.has(c.key)).slice(0, k));
    }
  }

  /** Earliest refresh or liveness ping that can actually start (never a due time it cannot act on). */
  private nextRefreshMs(): number | undefined {
    const lo = this.table.lowestBucket();
    const hi = this.table.highestBucket();
    const canLookup = this.lookups.size < this.params.lookupsMax;
    const canPing = this.pending.size < this.params.pendingRequestsMax;
    let next = Number.POSITIVE_INFINITY;
    for (let i = Math.max(lo, 0); i <= hi; i++) {
      if (canLookup) next = Math.min(next, this.table.touchedAtMs(i) + this.params.refreshIntervalMs);
      const old = this.table.oldest(i);
      if (canPing && old !== undefined && !this.livenessPings.has(old.contact.key)) {
        next = Math.min(next, old.lastSeenMs + this.params.refreshIntervalMs);
      }
    }
    return Number.isFinite(next) ? next : undefined;
  }

  /**
   * Bucket refresh and liveness: a bucket untouched for refreshIntervalMs gets a lookup of a
   * random id inside it; a least-recently-seen contact silent that long gets a ping (a timeout
   * counts towards eviction).
   */
  private refresh(nowMs: number): void {
    const lo = this.table.lowestBucket();
    const hi = this.table.highestBucket();
    if (hi < 0) return;
    for (let i = lo; i <= hi; i++) {
      if (
        nowMs - this.table.touchedAtMs(i) >= this.params.refreshIntervalMs &&
        this.lookups.size < this.params.lookupsMax
      ) {
        this.table.touch(i, nowMs);
        this.lookup(randomIdInBucket(this.self.id, i, this.rng), nowMs);
      }
      const old = this.table.oldest(i);
      if (
        old !== undefined &&
        nowMs - old.lastSeenMs >= this.params.refreshIntervalMs &&
        !this.livenessPings.has(old.contact.key) &&
        this.ping(old.contact, nowMs)
      ) {
        this.livenessPings.add(old.contact.key);
      }
    }
  }

  private send(to: Contact, m: RoutingMessage): void {
    this.io.send(to, encodeMessage(m, this.params));
  }
}
