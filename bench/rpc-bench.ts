/**
 * RPC throughput (issue 9): autocannon (in this process) against `wrangler dev` processes: the
 * devnet's `GET /v1/blocks/latest` and a JSON-RPC `block_latest`, side by side with a bare Hono
 * route on the same runtime (bench/bare-worker.ts). Prints requests/s and p99 latency of each
 * and the ratio to the bare route; goal >= 0.5x. Loopback only, bounded in time.
 *
 * Run: node --import tsx bench/rpc-bench.ts   (also `npm run bench`, section g)
 */

import { type ChildProcess, spawn } from "node:child_process";
import autocannon from "autocannon";
import { freePort, startDevnet } from "../test/e2e/devnet-process.js";

const DURATION_S = Number(process.env.RPC_BENCH_SECONDS ?? "8");
const CONNECTIONS = 16;
const GOAL = 0.5;

interface Result {
  readonly name: string;
  readonly rps: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
}

async function load(
  name: string,
  opts: Omit<autocannon.Options, "duration" | "connections">,
): Promise<Result> {
  // A short warm-up so the first isolate start is not measured.
  await autocannon({ ...opts, duration: 1, connections: 2 });
  const r = await autocannon({ ...opts, duration: DURATION_S, connections: CONNECTIONS });
  return {
    name,
    rps: r.requests.average,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

async function startBare(): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    "npx",
    [
      "wrangler",
      "dev",
      "--config",
      "bench/wrangler.bare.jsonc",
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--show-interactive-dev-session=false",
    ],
    { detached: true, stdio: "ignore", env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" } },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // gone
      }
    }
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/bare`, { signal: AbortSignal.timeout(2_000) })).ok) return { url, stop };
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error("the bare worker did not start");
}

const [devnet, bare] = await Promise.all([startDevnet({ nodes: 4 }), startBare()]);
try {
  // Let the devnet produce a few blocks first.
  await new Promise((r) => setTimeout(r, 5_000));
  const results = [
    await load("bare Hono route", { url: `${bare.url}/bare` }),
    await load("GET /v1/blocks/latest", { url: `${devnet.url}/v1/blocks/latest` }),
    await load("JSON-RPC block_latest", {
      url: `${devnet.url}/rpc`,
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "block_latest" }),
    }),
  ];
  const base = results[0]!;
  console.log(
    `  ${CONNECTIONS} connections, ${DURATION_S} s each (after a 1 s warm-up), autocannon in-process, wrangler dev`,
  );
  for (const r of results) {
    const ratio = r.rps / base.rps;
    const judged =
      r === base
        ? "reference"
        : `${ratio.toFixed(2)}x of bare, goal >= ${GOAL}x ${ratio >= GOAL ? "PASS" : "MISS"}`;
    console.log(
      `  ${r.name.padEnd(24)} ${r.rps.toFixed(0).padStart(6)} req/s  p99 ${String(r.p99).padStart(5)} ms  errors ${r.errors}, non-2xx ${r.non2xx}  ${judged}`,
    );
  }
} finally {
  await Promise.all([devnet.stop(), bare.stop()]);
}
