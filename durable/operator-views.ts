/**
 * JSON shapes of the operator API (per-provisioner status) and of the numbers behind /metrics,
 * built from the node core's views. Amounts are decimal strings (u64 does not fit a number).
 */

import { fromHex, toHex } from "../protocol/bytes.js";
import type { StakeRecord } from "../protocol/stake.js";
import type { Duties, StakeInfo } from "../workers/consensus/node.js";
import type { NodeApi, NodeStatus } from "../workers/consensus/node-api.js";

export interface StakeJson {
  readonly owner: string;
  readonly value: string;
  readonly eligibleFrom: number;
  readonly pending: string;
  readonly pendingFrom: number;
  readonly locked: string;
  readonly reward: string;
  readonly unbonding: string;
  readonly releaseAt: number;
  readonly suspendedUntil: number;
  readonly softFaults: number;
  readonly hardFaults: number;
}

export function stakeJson(r: StakeRecord): StakeJson {
  return {
    owner: toHex(r.owner),
    value: String(r.value),
    eligibleFrom: r.eligibleFrom,
    pending: String(r.pending),
    pendingFrom: r.pendingFrom,
    locked: String(r.locked),
    reward: String(r.reward),
    unbonding: String(r.unbonding),
    releaseAt: r.releaseAt,
    suspendedUntil: r.suspendedUntil,
    softFaults: r.softFaults,
    hardFaults: r.hardFaults,
  };
}

export interface StakeInfoJson {
  readonly publicKey: string;
  readonly stake: StakeJson;
  readonly eligible: boolean;
  /** Sortition weight in the next round. */
  readonly weight: string;
  readonly slashes: ReadonlyArray<{ kind: string; height: number; amount: string; suspendedUntil: number }>;
}

export function stakeInfoJson(publicKey: string, info: StakeInfo): StakeInfoJson {
  return {
    publicKey,
    stake: stakeJson(info.record),
    eligible: info.eligible,
    weight: String(info.weight),
    slashes: info.slashes.map((s) => ({ ...s, amount: String(s.amount) })),
  };
}

/** What a provisioner key did: signatures from the node holding it, faults and rewards from the chain. */
export interface DutiesJson {
  readonly committeesServed: number;
  readonly validationVotes: number;
  readonly ratificationVotes: number;
  readonly proposals: number;
  readonly blocksGenerated: number;
  readonly missedGenerations: number;
  readonly faults: number;
  readonly rewards: string;
  /** A doppelganger halted signing (signing-guard.ts). */
  readonly halted: boolean;
}

export function dutiesJson(d: Duties, info: StakeInfo | undefined): DutiesJson {
  return {
    committeesServed: d.validationVotes + d.ratificationVotes,
    validationVotes: d.validationVotes,
    ratificationVotes: d.ratificationVotes,
    proposals: d.proposals,
    blocksGenerated: d.blocksGenerated,
    missedGenerations: info?.record.softFaults ?? 0,
    faults: info?.record.hardFaults ?? 0,
    rewards: String(info?.record.reward ?? 0n),
    halted: d.halted !== null,
  };
}

export type ProvisionerStatusJson =
  | { readonly node: string; readonly running: false; readonly reason: string }
  | {
      readonly node: string;
      readonly running: true;
      readonly publicKey: string;
      readonly height: number;
      readonly finalizedHeight: number;
      /** Null until the key is staked. */
      readonly stake: StakeInfoJson | null;
      /** Null for a node without a provisioner key. */
      readonly duties: DutiesJson | null;
      /** A doppelganger halt (signing refused until resumed), or null. */
      readonly alert: { readonly reason: string; readonly round: number } | null;
    };

export function provisionerStatusJson(
  node: string,
  s: NodeStatus,
  info: StakeInfo | undefined,
  duties: Duties | null,
): ProvisionerStatusJson {
  return {
    node,
    running: true,
    publicKey: s.nodeId,
    height: s.height,
    finalizedHeight: s.finalizedHeight,
    stake: info === undefined ? null : stakeInfoJson(s.nodeId, info),
    duties: duties === null ? null : dutiesJson(duties, info),
    alert: duties?.halted == null ? null : { reason: duties.halted.reason, round: duties.halted.round },
  };
}

/** One node's numbers for the Prometheus exposition (workers/gateway/metrics.ts). */
export interface NodeMetricsJson {
  readonly node: string;
  readonly provisioner: string;
  readonly height: number;
  readonly finalizedHeight: number;
  readonly round: number;
  readonly iteration: number;
  /** Iteration of the tip block (0 when its round needed one iteration). */
  readonly tipIteration: number;
  readonly mempoolSize: number;
  readonly peers: number;
  readonly syncing: boolean;
  readonly eligibleProvisioners: number;
  readonly duties: DutiesJson | null;
  readonly stake: string;
  readonly transport: Readonly<Record<string, number>>;
  /** Signature verifications the node asked its vote crypto for (BLS pairings). */
  readonly voteVerifications: number;
}

export function nodeMetricsJson(
  node: string,
  api: NodeApi,
  transport: Readonly<Record<string, number>>,
  voteVerifications: number,
): NodeMetricsJson {
  const s = api.status();
  const key = s.nodeId;
  const info = key === "" ? undefined : api.stakeInfo(fromHex(key, 48, "provisioner key"));
  const d = api.duties();
  return {
    node,
    provisioner: key,
    height: s.height,
    finalizedHeight: s.finalizedHeight,
    round: s.round,
    iteration: s.iteration,
    tipIteration: api.blockByHeight(s.height)?.block.header.iteration ?? 0,
    mempoolSize: s.mempoolSize,
    peers: s.peers,
    syncing: s.syncing,
    eligibleProvisioners: api.provisionerList().length,
    duties: d === null ? null : dutiesJson(d, info),
    stake: String(info?.weight ?? 0n),
    transport: { ...transport },
    voteVerifications,
  };
}
