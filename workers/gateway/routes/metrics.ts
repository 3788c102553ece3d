/**
 * GET /metrics: Prometheus text exposition (version 0.0.4) of every node this deployment hosts,
 * behind the operator bearer token. One label `node` per series (the NodeDO name), plus
 * `provisioner` (BLS key hex) on the per-provisioner duty series.
 */

import { Hono } from "hono";
import type { NodeMetricsJson } from "../../../durable/operator-views.js";
import type { GatewayEnv } from "../app.js";
import { ApiError } from "../errors.js";
import { withDeadline } from "../node-client.js";
import { requireOperator } from "./operator.js";

export const metricsRoutes = new Hono<GatewayEnv>();

type Kind = "gauge" | "counter";

/** The series, in exposition order: name, kind, help, value (undefined: not exposed for that node). */
const SERIES: ReadonlyArray<readonly [string, Kind, string, (m: NodeMetricsJson) => number | undefined]> = [
  ["dusk_chain_height", "gauge", "Height of the node's tip block", (m) => m.height],
  ["dusk_chain_finalized_height", "gauge", "Height of the last final block", (m) => m.finalizedHeight],
  [
    "dusk_chain_finality_lag_blocks",
    "gauge",
    "Blocks between the tip and the last final block",
    (m) => m.height - m.finalizedHeight,
  ],
  ["dusk_consensus_round", "gauge", "Round in progress", (m) => m.round],
  ["dusk_consensus_iteration", "gauge", "Iteration in progress within the round", (m) => m.iteration],
  [
    "dusk_consensus_tip_iterations",
    "gauge",
    "Iterations the tip block's round took (its iteration + 1)",
    (m) => m.tipIteration + 1,
  ],
  [
    "dusk_consensus_eligible_provisioners",
    "gauge",
    "Provisioners eligible in the next round",
    (m) => m.eligibleProvisioners,
  ],
  [
    "dusk_consensus_syncing",
    "gauge",
    "1 while the node waits for blocks from a peer",
    (m) => (m.syncing ? 1 : 0),
  ],
  ["dusk_peers", "gauge", "Peer links open", (m) => m.peers],
  ["dusk_mempool_transactions", "gauge", "Transactions in the mempool", (m) => m.mempoolSize],
  [
    "dusk_vote_verifications_total",
    "counter",
    "BLS verifications (single, aggregate, batch) since start",
    (m) => m.voteVerifications,
  ],
  [
    "dusk_link_send_failures_total",
    "counter",
    "Frames a peer link failed to send",
    (m) => m.transport.sendFailures,
  ],
  ["dusk_provisioner_proposals_total", "counter", "Candidates signed", (m) => m.duties?.proposals],
  [
    "dusk_provisioner_validation_votes_total",
    "counter",
    "Validation votes signed",
    (m) => m.duties?.validationVotes,
  ],
  [
    "dusk_provisioner_ratification_votes_total",
    "counter",
    "Ratification votes signed",
    (m) => m.duties?.ratificationVotes,
  ],
  [
    "dusk_provisioner_blocks_generated_total",
    "counter",
    "Blocks of this provisioner accepted",
    (m) => m.duties?.blocksGenerated,
  ],
  [
    "dusk_provisioner_missed_generations_total",
    "counter",
    "Missed generations (soft slashes) on chain",
    (m) => m.duties?.missedGenerations,
  ],
  [
    "dusk_provisioner_faults_total",
    "counter",
    "Proven equivocations (hard slashes) on chain",
    (m) => m.duties?.faults,
  ],
  [
    "dusk_provisioner_signing_halted",
    "gauge",
    "1 when a doppelganger halted signing",
    (m) => (m.duties === null ? undefined : m.duties.halted ? 1 : 0),
  ],
  [
    "dusk_provisioner_stake_weight",
    "gauge",
    "Sortition weight in the next round (lux)",
    (m) => (m.duties === null ? undefined : Number(m.stake)),
  ],
  [
    "dusk_provisioner_rewards",
    "gauge",
    "Rewards not yet withdrawn (lux)",
    (m) => (m.duties === null ? undefined : Number(m.duties.rewards)),
  ],
];

function label(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

export function renderMetrics(nodes: readonly NodeMetricsJson[]): string {
  const lines: string[] = [];
  for (const [name, kind, help, read] of SERIES) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${kind}`);
    for (const m of nodes) {
      const v = read(m);
      if (v === undefined || !Number.isFinite(v)) continue;
      const labels = name.startsWith("dusk_provisioner_")
        ? `node="${label(m.node)}",provisioner="${label(m.provisioner)}"`
        : `node="${label(m.node)}"`;
      lines.push(`${name}{${labels}} ${v}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

metricsRoutes.get("/", async (c) => {
  requireOperator(c);
  const d = c.get("directory");
  if (d.operator === undefined)
    throw new ApiError(503, "OPERATOR_UNAVAILABLE", "no operator access to nodes");
  const indexes = d.local ?? Array.from({ length: d.size }, (_, i) => i);
  const all = await Promise.all(indexes.map((i) => withDeadline("metrics", d.operator!(i).metrics())));
  c.header("content-type", "text/plain; version=0.0.4; charset=utf-8");
  return c.body(renderMetrics(all.filter((m): m is NodeMetricsJson => m !== null)));
});
