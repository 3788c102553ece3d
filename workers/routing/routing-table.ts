/**
 * The Kademlia routing table: 256 buckets (one per bit, see id.ts) of at most K contacts each,
 * ordered least-recently-seen first. A contact enters only when the host has heard from it over
 * an authenticated link (never from hearsay in a NODES reply), which keeps a peer from filling
 * our table with ids it made up.
 *
 * Full bucket (Kademlia's rule, which favours long-lived peers): a newcomer waits as the bucket's
 * one pending replacement while the least-recently-seen contact is pinged; if that one answers,
 * the newcomer is dropped, otherwise it is evicted and the newcomer takes its place.
 */

import { bucketIndex, compareDistance, ID_BITS, idHex, type NodeId } from "./id.js";

export interface Contact {
  readonly id: NodeId;
  /** Hex of `id`: the key of every map in the core. */
  readonly key: string;
  /** Opaque to the core: how the host reaches the peer (DO name, URL, sim index). */
  readonly address: string;
}

export function makeContact(id: NodeId, address: string): Contact {
  return { id, key: idHex(id), address };
}

interface Entry {
  contact: Contact;
  lastSeenMs: number;
  failures: number;
}

export type ObserveResult =
  | { readonly kind: "self" | "added" | "updated" | "dropped" }
  /** The bucket is full: ping `probe`; report the outcome with `resolveProbe`. */
  | { readonly kind: "probe"; readonly probe: Contact };

export class RoutingTable {
  private readonly buckets: Entry[][] = Array.from({ length: ID_BITS }, () => []);
  private readonly replacements: Array<{ candidate: Contact; probe: string } | undefined> = new Array(
    ID_BITS,
  );
  private readonly touchedMs: number[] = new Array<number>(ID_BITS).fill(0);
  private count = 0;

  constructor(
    readonly self: NodeId,
    readonly k: number,
  ) {}

  get size(): number {
    return this.count;
  }

  /** Records that `contact` was heard from at `nowMs`. */
  observe(contact: Contact, nowMs: number): ObserveResult {
    const i = bucketIndex(this.self, contact.id);
    if (i < 0) return { kind: "self" };
    const bucket = this.buckets[i]!;
    this.touchedMs[i] = nowMs;
    const at = bucket.findIndex((e) => e.contact.key === contact.key);
    if (at >= 0) {
      const e = bucket[at]!;
      bucket.splice(at, 1);
      e.lastSeenMs = nowMs;
      e.failures = 0;
      bucket.push(e);
      return { kind: "updated" };
    }
    if (bucket.length < this.k) {
      bucket.push({ contact, lastSeenMs: nowMs, failures: 0 });
      this.count++;
      return { kind: "added" };
    }
    if (this.replacements[i] !== undefined) return { kind: "dropped" };
    const probe = bucket[0]!.contact;
    this.replacements[i] = { candidate: contact, probe: probe.key };
    return { kind: "probe", probe };
  }

  /** Outcome of the ping sent for a `probe` result. */
  resolveProbe(probe: Contact, alive: boolean, nowMs: number): void {
    const i = bucketIndex(this.self, probe.id);
    if (i < 0) return;
    const pending = this.replacements[i];
    if (pending === undefined || pending.probe !== probe.key) return;
    this.replacements[i] = undefined;
    if (alive) return;
    this.remove(probe.key, probe.id);
    this.observe(pending.candidate, nowMs);
  }

  /** One more consecutive failure (request timeout); returns true if the contact was evicted. */
  recordFailure(contact: Contact, failuresToEvict: number): boolean {
    const i = bucketIndex(this.self, contact.id);
    if (i < 0) return false;
    const e = this.buckets[i]!.find((x) => x.contact.key === contact.key);
    if (e === undefined) return false;
    e.failures++;
    if (e.failures < failuresToEvict) return false;
    this.remove(contact.key, contact.id);
    return true;
  }

  remove(key: string, id: NodeId): boolean {
    const i = bucketIndex(this.self, id);
    if (i < 0) return false;
    const bucket = this.buckets[i]!;
    const at = bucket.findIndex((e) => e.contact.key === key);
    if (at < 0) return false;
    bucket.splice(at, 1);
    this.count--;
    return true;
  }

  has(key: string, id: NodeId): boolean {
    const i = bucketIndex(this.self, id);
    return i >= 0 && this.buckets[i]!.some((e) => e.contact.key === key);
  }

  /** Contacts of bucket `i`, least-recently-seen first. */
  bucket(i: number): Contact[] {
    return (this.buckets[i] ?? []).map((e) => e.contact);
  }

  bucketSize(i: number): number {
    return this.buckets[i]?.length ?? 0;
  }

  /** Least-recently-seen entry of bucket `i` with its last-seen time. */
  oldest(i: number): { contact: Contact; lastSeenMs: number } | undefined {
    const e = this.buckets[i]?.[0];
    return e === undefined ? undefined : { contact: e.contact, lastSeenMs: e.lastSeenMs };
  }

  touchedAtMs(i: number): number {
    return this.touchedMs[i] ?? 0;
  }

  touch(i: number, nowMs: number): void {
    this.touchedMs[i] = nowMs;
  }

  /** Highest non-empty bucket index, or -1. */
  highestBucket(): number {
    for (let i = ID_BITS - 1; i >= 0; i--) if (this.buckets[i]!.length > 0) return i;
    return -1;
  }

  lowestBucket(): number {
    for (let i = 0; i < ID_BITS; i++) if (this.buckets[i]!.length > 0) return i;
    return -1;
  }

  /** Up to `n` contacts closest to `target` by XOR distance, nearest first. */
  closest(target: NodeId, n: number, exclude?: string): Contact[] {
    const all: Contact[] = [];
    for (const bucket of this.buckets) {
      for (const e of bucket) if (e.contact.key !== exclude) all.push(e.contact);
    }
    all.sort((a, b) => compareDistance(target, a.id, b.id));
    return all.slice(0, n);
  }

  all(): Contact[] {
    return this.buckets.flatMap((b) => b.map((e) => e.contact));
  }
}
