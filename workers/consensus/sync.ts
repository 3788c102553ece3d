/**
 * Catch-up pipeline of a node that is behind (issue 11): which block ranges to ask which peers
 * for, responses that arrived ahead of the tip, and progress (height, target, blocks/s). Pure and
 * bounded: at most `maxInFlight` requests of `batchBlocks` blocks each are outstanding, as many
 * early responses are kept, and a request unanswered by its deadline is asked again elsewhere.
 *
 *   const sync = new SyncPipeline({ batchBlocks: 64, maxInFlight: 4, requestTimeoutMs: 2_000 });
 *   for (const r of sync.plan(tip, peers, now)) transport.send(r.peer, getBlocks(r.fromHeight, r.count));
 */

import type { Attestation } from "../../protocol/attestation.js";
import type { Block } from "../../protocol/block.js";

export interface SyncOptions {
  /** Blocks per request (and per batch verification). */
  readonly batchBlocks: number;
  /** Requests outstanding at once, each to the next peer in turn. */
  readonly maxInFlight: number;
  readonly requestTimeoutMs: number;
}

export const DEFAULT_SYNC_OPTIONS: SyncOptions = { batchBlocks: 64, maxInFlight: 4, requestTimeoutMs: 2_000 };

export interface BlockRequest {
  readonly peer: string;
  readonly fromHeight: number;
  readonly count: number;
}

export interface BlocksResponse {
  readonly peer: string;
  readonly blocks: readonly Block[];
  readonly tipAttestation: Attestation | null;
}

export interface SyncProgress {
  readonly height: number;
  /** Highest height a peer has shown (a block it sent, or a consensus message's round - 1). */
  readonly target: number;
  /** Blocks applied per second since catching up started (0 before the first block). */
  readonly blocksPerSecond: number;
}

export class SyncPipeline {
  private readonly inFlight = new Map<number, { peer: string; deadline: number; count: number }>();
  private readonly early = new Map<number, BlocksResponse>();
  private target = 0;
  /** Whether the last response suggested more blocks above it (a full batch). */
  private more = true;
  private started: { ms: number; height: number } | null = null;
  /** Rate of the last catch-up, shown until the next one moves it. */
  private rate = 0;
  private last: { ms: number; height: number } | null = null;
  private cursor = 0;

  constructor(readonly options: SyncOptions = DEFAULT_SYNC_OPTIONS) {}

  /** A peer showed it has blocks up to `height`. */
  observeTarget(height: number): void {
    if (height > this.target) {
      this.target = height;
      this.more = true;
    }
  }

  /**
   * Requests to send now: ranges above `tip` not yet asked for or answered, while the target is
   * above the tip or the last response was full, up to the in-flight bound.
   */
  plan(tip: number, peers: readonly string[], now: number): BlockRequest[] {
    for (const [from, r] of this.inFlight) if (now >= r.deadline || from <= tip) this.inFlight.delete(from);
    for (const from of this.early.keys()) if (from <= tip) this.early.delete(from);
    const out: BlockRequest[] = [];
    if (peers.length === 0) return out;
    this.begin(tip, now);
    const n = this.options.batchBlocks;
    // Up to the target, or speculatively one window above the tip while responses come back full.
    const limit = Math.max(this.target, this.more ? tip + n * this.options.maxInFlight : 0);
    // Walk up from the tip over what is asked for or kept, and ask for the gaps.
    let from = tip + 1;
    while (from <= limit && this.inFlight.size < this.options.maxInFlight) {
      const asked = this.inFlight.get(from);
      if (asked !== undefined) {
        from += asked.count;
        continue;
      }
      const kept = this.early.get(from);
      if (kept !== undefined) {
        from += kept.blocks.length;
        continue;
      }
      this.cursor = (this.cursor + 1) % peers.length;
      const peer = peers[this.cursor]!;
      this.inFlight.set(from, { peer, deadline: now + this.options.requestTimeoutMs, count: n });
      out.push({ peer, fromHeight: from, count: n });
      from += n;
    }
    return out;
  }

  /** Earliest request deadline (for the node's timer), or null. */
  nextDeadline(): number | null {
    let d: number | null = null;
    for (const r of this.inFlight.values()) if (d === null || r.deadline < d) d = r.deadline;
    return d;
  }

  get active(): boolean {
    return this.inFlight.size > 0 || this.early.size > 0;
  }

  /** A response arrived: its request is done; the target moves to its last block. */
  answered(response: BlocksResponse): void {
    const first = response.blocks[0];
    if (first === undefined) {
      this.more = false;
      for (const [from, r] of this.inFlight) if (r.peer === response.peer) this.inFlight.delete(from);
      return;
    }
    this.inFlight.delete(first.header.height);
    const last = response.blocks[response.blocks.length - 1]!;
    this.observeTarget(last.header.height);
    this.more = response.blocks.length >= this.options.batchBlocks;
  }

  /**
   * Keeps blocks above the tip for later: a response that arrived before the ones below it, or
   * the last block of an applied run, which waits for its attestation (carried by its child).
   * Bounded: one more than the in-flight bound.
   */
  stash(response: BlocksResponse): boolean {
    const first = response.blocks[0];
    if (first === undefined || this.early.size > this.options.maxInFlight) return false;
    this.early.set(first.header.height, response);
    return true;
  }

  /**
   * The kept blocks that start right above `tip`, joined with the kept responses that continue
   * them (so a run's last block meets the child that proves it), removed; or undefined.
   */
  takeRun(tip: number): BlocksResponse | undefined {
    const first = this.early.get(tip + 1);
    if (first === undefined) return undefined;
    this.early.delete(tip + 1);
    const blocks = [...first.blocks];
    let tipAttestation = first.tipAttestation;
    for (;;) {
      const next = this.early.get(tip + 1 + blocks.length);
      if (next === undefined || tipAttestation !== null) break;
      this.early.delete(tip + 1 + blocks.length);
      blocks.push(...next.blocks);
      tipAttestation = next.tipAttestation;
    }
    return { peer: first.peer, blocks, tipAttestation };
  }

  /** A request for blocks above `tip` went out at `now`: catching up starts (for blocks/s). */
  begin(tip: number, now: number): void {
    if (this.started === null) this.started = { ms: now, height: tip };
  }

  /** Records that the tip reached `height` at `now`; caught up, the next catch-up starts afresh. */
  applied(height: number, now: number): void {
    // Answers wait in the node's queue while it verifies and applies a run: that time is not the
    // peers' delay, so the requests still out get their full timeout from here.
    for (const r of this.inFlight.values())
      r.deadline = Math.max(r.deadline, now + this.options.requestTimeoutMs);
    this.last = { ms: now, height };
    this.rate = this.rateNow();
    if (height >= this.target && this.inFlight.size === 0 && this.early.size === 0) this.started = null;
  }

  progress(height: number): SyncProgress {
    return { height, target: Math.max(this.target, height), blocksPerSecond: this.rate };
  }

  /** Blocks per second of the catch-up in progress (one decimal), 0 before any time passed. */
  private rateNow(): number {
    const s = this.started;
    const l = this.last;
    if (s === null || l === null || l.ms <= s.ms) return this.rate;
    return Math.round(((l.height - s.height) / ((l.ms - s.ms) / 1_000)) * 10) / 10;
  }
}
