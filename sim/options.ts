/**
 * Options of one simulated run. A run is a pure function of (seed, options): replaying a seed
 * with the same options replays the run event for event.
 */

import { type ByzantineKind, DEFAULT_BYZANTINE_KINDS } from "./byzantine.js";

export type CryptoMode = "fast" | "bls";

export interface SimOptions {
  readonly seed: number;
  /** Nodes in the network; node i < provisioners holds provisioner key i, the rest follow. */
  readonly nodes: number;
  readonly provisioners: number;
  /** Target: every honest node finalizes at least this height. */
  readonly rounds: number;
  /** Probability that one message copy is lost. */
  readonly loss: number;
  /** Mean one-way latency; each link draws its own mean in [0.5, 1.5] x this. */
  readonly latencyMs: number;
  /** Each message's latency is its link's mean +- up to this. */
  readonly jitterMs: number;
  /** Probability that a message is delivered twice. */
  readonly duplicate: number;
  /** Probability that a message is held back (reordered) by up to 5 x latency. */
  readonly reorder: number;
  /** Fraction of stake held by byzantine actors (below 1/3 for a valid BFT setting). */
  readonly byzantine: number;
  /** Behaviours byzantine actors draw from (default: DEFAULT_BYZANTINE_KINDS). */
  readonly behaviours: readonly ByzantineKind[];
  readonly crypto: CryptoMode;
  readonly partitions: boolean;
  readonly crashes: boolean;
  /** Each node's clock is off the virtual time by a fixed amount drawn in [-this, +this]. */
  readonly clockSkewMs: number;
  /** Workload: transfers submitted per second of virtual time. */
  readonly txPerSecond: number;
  /** Liveness bound: after the last disruption heals, every honest node below the target must finalize a new block within this window. */
  readonly livenessWindowMs: number;
  /** Safety net against a runaway run (a FAIL, not a hang). */
  readonly maxEvents: number;
  /** Bound of the network's in-flight messages (bounded-memory check of the simulator itself). */
  readonly maxInFlight: number;
}

export const DEFAULT_OPTIONS: SimOptions = {
  seed: 1,
  nodes: 7,
  provisioners: 7,
  rounds: 12,
  loss: 0.02,
  latencyMs: 50,
  jitterMs: 20,
  duplicate: 0.01,
  reorder: 0.02,
  byzantine: 0,
  behaviours: DEFAULT_BYZANTINE_KINDS,
  crypto: "fast",
  partitions: true,
  crashes: true,
  clockSkewMs: 0,
  txPerSecond: 0.5,
  livenessWindowMs: 60_000,
  maxEvents: 3_000_000,
  maxInFlight: 1_000_000,
};
