// The load run of `npm run load` (bench/load-run.ts), short: transfers at 2 rising to 10 tx/s
// and queries for 15 s against a 4-node devnet while consensus runs. Every accepted transfer
// must end in exactly one final block (none lost, none applied twice, none still pending after
// the settle time), and nonces and balances must reconcile with the final transfers.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatLoadReport, runLoad } from "../../bench/load-run.js";
import { type Devnet, startDevnet } from "./devnet-process.js";

describe("load: rising transfers and queries against a devnet", () => {
  let devnet: Devnet;
  const vars = JSON.parse(readFileSync("wrangler.jsonc", "utf8").replace(/^\s*\/\/.*$/gm, "")).vars;

  beforeAll(async () => {
    devnet = await startDevnet({ nodes: 4, isolateRegistry: true });
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  it("loses nothing and applies nothing twice", { timeout: 300_000 }, async () => {
    const report = await runLoad({
      url: devnet.url,
      seed: vars.DEVNET_SEED,
      durationMs: 15_000,
      startRate: 2,
      endRate: 10,
      queryRate: 20,
      settleMs: 90_000,
      senders: [9, 10, 11, 12, 13, 14, 15],
      sink: 3,
      nodes: 4,
    });
    console.log(formatLoadReport(report));
    expect(report.accepted).toBeGreaterThan(0);
    expect(report.lost).toEqual([]);
    expect(report.appliedTwice).toEqual([]);
    expect(report.reconciliation).toEqual([]);
    expect(report.pendingAtDeadline).toBe(0);
    expect(report.final).toBe(report.accepted);
    expect(report.heights.finalizedEnd).toBeGreaterThan(report.heights.finalizedStart);
  });
});
