// The provisioner part of the operator API and /metrics at the gateway (workerd): never open
// without OPERATOR_TOKEN (403), 401 without its bearer, slot allocation, the Prometheus text.
import { describe, expect, it } from "vitest";
import type { Env } from "../../durable/env.js";
import type { NodeMetricsJson } from "../../durable/operator-views.js";
import { createGateway } from "../../workers/gateway/app.js";
import type { NodeClient, NodeDirectory, OperatorClient } from "../../workers/gateway/node-client.js";
import { renderMetrics } from "../../workers/gateway/routes/metrics.js";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below
type Body = any;

const TOKEN = "operator-test-token-0123456789";
const taken = new Set<number>([3]);

const metrics = (node: string): NodeMetricsJson => ({
  node,
  provisioner: "aa".repeat(48),
  height: 10,
  finalizedHeight: 9,
  round: 11,
  iteration: 0,
  tipIteration: 1,
  mempoolSize: 2,
  peers: 3,
  syncing: false,
  eligibleProvisioners: 5,
  duties: {
    committeesServed: 13,
    rewards: "20",
    proposals: 1,
    validationVotes: 7,
    ratificationVotes: 6,
    blocksGenerated: 1,
    missedGenerations: 0,
    faults: 0,
    halted: false,
  },
  stake: "1000",
  transport: { sendFailures: 0 },
  voteVerifications: 42,
});

const operator = (index: number): OperatorClient => ({
  installKey: async () => {
    if (taken.has(index)) return { ok: false, code: "SLOT_TAKEN", message: `node-${index}` };
    taken.add(index);
    return { ok: true, publicKey: "bb".repeat(48), proofOfPossession: "cc".repeat(96) };
  },
  provisionerStatus: async () => ({ node: `node-${index}`, running: false, reason: "no key" }),
  exportSlashingProtection: async () => null,
  importSlashingProtection: async () => ({ ok: false, code: "INVALID_INTERCHANGE", message: "bad" }),
  resumeSigning: async () => ({ resumed: false }),
  metrics: async () => metrics(`node-${index}`),
});

const directory = (): NodeDirectory => ({
  size: 5,
  operatorSlots: [2, 3, 4],
  node: () => ({ ensureStarted: async () => undefined }) as unknown as NodeClient,
  operator,
});

const app = createGateway(directory);

function call(path: string, init: RequestInit = {}, extra: Partial<Env> = {}) {
  const e = { DEVNET_AUTOSTART: "false", OPERATOR_TOKEN: TOKEN, ...extra } as unknown as Env;
  return app.request(path, init, e);
}

const withToken = { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" };

describe("operator provisioners API", () => {
  it("is closed without the secret (403) and without the bearer (401), /metrics alike", async () => {
    for (const path of ["/v1/operator/provisioners", "/metrics"]) {
      const off = await call(path, {}, { OPERATOR_TOKEN: undefined } as Partial<Env>);
      expect(off.status).toBe(403);
      expect(((await off.json()) as Body).error.code).toBe("OPERATOR_API_DISABLED");
      const anonymous = await call(path);
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as Body).error.code).toBe("OPERATOR_UNAUTHORIZED");
      const wrong = await call(path, { headers: { authorization: "Bearer nope" } });
      expect(wrong.status).toBe(401);
    }
  });

  it("puts a new key in the first free slot, skipping taken ones, then reports none free", async () => {
    const post = () => call("/v1/operator/provisioners", { method: "POST", headers: withToken, body: "{}" });
    const first = await post();
    expect(first.status).toBe(201);
    expect(((await first.json()) as Body).node).toBe(2);
    expect(((await (await post()).json()) as Body).node).toBe(4);
    const full = await post();
    expect(full.status).toBe(409);
    expect(((await full.json()) as Body).error.code).toBe("NO_FREE_SLOT");
    const bad = await call("/v1/operator/provisioners", {
      method: "POST",
      headers: withToken,
      body: JSON.stringify({ secretKey: "xyz" }),
    });
    expect(bad.status).toBe(400);
    const unknown = await call("/v1/operator/provisioners/9", { headers: withToken });
    expect(unknown.status).toBe(404);
  });

  it("serves Prometheus text for every hosted node", async () => {
    const r = await call("/metrics", { headers: withToken });
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await r.text();
    expect(text).toContain("# TYPE dusk_chain_finality_lag_blocks gauge");
    expect(text).toContain('dusk_chain_finality_lag_blocks{node="node-4"} 1');
    expect(text).toContain(
      `dusk_provisioner_validation_votes_total{node="node-0",provisioner="${"aa".repeat(48)}"} 7`,
    );
    expect(
      renderMetrics([])
        .split("\n")
        .filter((l) => l.startsWith("# TYPE")).length,
    ).toBeGreaterThan(15);
  });
});
