/**
 * `npm run load -- [--url URL] [--seconds 60] [--start-rate 2] [--end-rate 40] [--query-rate 100]
 * [--settle-seconds 60]`: the load run of bench/load-run.ts against a devnet. Without --url it
 * starts its own 4-node devnet (wrangler dev on free loopback ports, as test/e2e does) and stops
 * it afterwards. Prints the report; exit 1 when a transfer was lost or applied twice, or the
 * balances and nonces do not reconcile.
 */

import { readFileSync } from "node:fs";
import { type Devnet, startDevnet } from "../test/e2e/devnet-process.js";
import { formatLoadReport, runLoad } from "./load-run.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const vars = JSON.parse(readFileSync("wrangler.jsonc", "utf8").replace(/^\s*\/\/.*$/gm, "")).vars;
const nodes = 4;
let devnet: Devnet | null = null;
let url = arg("url", "");
if (url === "") {
  console.log("starting a 4-node devnet (wrangler dev, loopback)...");
  devnet = await startDevnet({ nodes, isolateRegistry: true });
  url = devnet.url;
}
if (!/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(url))
  throw new Error("--url must be a loopback http URL");
try {
  const started = Date.now();
  const report = await runLoad({
    url,
    seed: vars.DEVNET_SEED,
    durationMs: Number(arg("seconds", "60")) * 1000,
    startRate: Number(arg("start-rate", "2")),
    endRate: Number(arg("end-rate", "40")),
    queryRate: Number(arg("query-rate", "100")),
    settleMs: Number(arg("settle-seconds", "60")) * 1000,
    // Accounts 4..15 send to account 3; 0..2 are left to the other tests and examples.
    senders: Array.from({ length: 12 }, (_, i) => i + 4),
    sink: 3,
    nodes,
    log: (line) => console.log(line),
  });
  console.log(formatLoadReport(report));
  console.log(`load run took ${((Date.now() - started) / 1000).toFixed(0)} s against ${url}`);
  const ok =
    report.lost.length === 0 && report.appliedTwice.length === 0 && report.reconciliation.length === 0;
  process.exitCode = ok ? 0 : 1;
} finally {
  await devnet?.stop();
}
