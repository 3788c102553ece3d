#!/usr/bin/env node
/**
 * `npm start`: a local devnet under `wrangler dev` (workerd, one NodeDO per node, SQLite state).
 * Waits until the gateway answers, prints where to look, then one line per new block. Ctrl-C
 * stops wrangler (its whole process group).
 *
 * Environment: PORT (default 8787), NODES (default 4), FRESH=1 (wipe this devnet's state first),
 * INSPECTOR_PORT (wrangler's inspector; default: wrangler's choice). Several deployments of one
 * genesis: LOCAL_NODES ("0,1": the provisioners this one hosts) and BOOTSTRAP (comma separated
 * ws:// URLs of peers); PUBLIC_URL is then ws://127.0.0.1:<PORT> and the inspector port, unless
 * INSPECTOR_PORT says otherwise, PORT + 10000.
 * State persists in .wrangler/devnet/nodes-<N> (the genesis depends on N; -port-<PORT> added with
 * LOCAL_NODES); wrangler's own output goes to .wrangler/devnet/wrangler.log (wrangler-<PORT>.log).
 */

import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";

const PORT = Number(process.env.PORT ?? 8787);
const NODES = Number(process.env.NODES ?? 4);
const READY_TIMEOUT_MS = 120_000;
const POLL_INTERVAL_MS = 2_000;
const FETCH_TIMEOUT_MS = 5_000;
/** At most this many block lines per poll (a long catch-up prints a summary instead). */
const LINES_PER_POLL_MAX = 20;

if (!Number.isInteger(PORT) || PORT < 1 || PORT > 65_535)
  fail(`PORT must be 1..65535, got ${process.env.PORT}`);
if (!Number.isInteger(NODES) || NODES < 1 || NODES > 64)
  fail(`NODES must be 1..64, got ${process.env.NODES}`);

const base = `http://127.0.0.1:${PORT}`;
const LOCAL_NODES = process.env.LOCAL_NODES ?? "";
const BOOTSTRAP = process.env.BOOTSTRAP ?? "";
const shared = LOCAL_NODES !== "" || BOOTSTRAP !== "";
const stateDir = join(".wrangler", "devnet", shared ? `nodes-${NODES}-port-${PORT}` : `nodes-${NODES}`);
const logPath = join(".wrangler", "devnet", shared ? `wrangler-${PORT}.log` : "wrangler.log");
if (process.env.FRESH === "1") rmSync(stateDir, { recursive: true, force: true });
mkdirSync(stateDir, { recursive: true });
const log = createWriteStream(logPath, { flags: "w" });

// The archive's D1 migrations (migrations/, drizzle-kit) for this state directory: idempotent.
const migrate = spawnSync(
  join("node_modules", ".bin", "wrangler"),
  ["d1", "migrations", "apply", "dusk-edge-archive", "--local", "--persist-to", stateDir],
  {
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: `${resolve("node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
      CI: "true",
      WRANGLER_SEND_METRICS: "false",
    },
  },
);
if (migrate.status !== 0) fail(`applying the archive migrations failed:\n${migrate.stdout}${migrate.stderr}`);

const args = [
  "dev",
  "--ip",
  "127.0.0.1",
  "--port",
  String(PORT),
  "--persist-to",
  stateDir,
  "--var",
  `DEVNET_NODES:${NODES}`,
  "--show-interactive-dev-session=false",
];
// Operator API and keystore (docs/STAKING.md): handed to wrangler dev as vars when set.
// (A deployment keeps OPERATOR_TOKEN and KEYSTORE_SECRET as Workers secrets instead.)
for (const name of ["OPERATOR_TOKEN", "KEYSTORE_SECRET", "OPERATOR_SLOTS", "GENESIS_PARAMS"]) {
  const value = process.env[name];
  if (value !== undefined && value !== "") args.push("--var", `${name}:${value}`);
}
if (process.env.INSPECTOR_PORT) args.push("--inspector-port", process.env.INSPECTOR_PORT);
// Several deployments on one machine would all take wrangler's default inspector port (9229).
else if (shared && PORT + 10_000 <= 65_535) args.push("--inspector-port", String(PORT + 10_000));
if (shared) {
  args.push("--var", `PUBLIC_URL:ws://127.0.0.1:${PORT}`);
  if (LOCAL_NODES !== "") args.push("--var", `DEVNET_LOCAL_NODES:${LOCAL_NODES}`);
  if (BOOTSTRAP !== "") args.push("--var", `BOOTSTRAP_PEERS:${BOOTSTRAP}`);
}

console.log(
  `devnet: starting wrangler dev with ${NODES} nodes on ${base} (state ${stateDir}, log ${logPath})`,
);
const child = spawn(join("node_modules", ".bin", "wrangler"), args, {
  detached: true,
  stdio: ["ignore", "pipe", "pipe"],
  env: {
    ...process.env,
    // The project's own Node (the `node` devDependency, 22+) first, as under `npm start`.
    PATH: `${resolve("node_modules", ".bin")}${delimiter}${process.env.PATH ?? ""}`,
    WRANGLER_SEND_METRICS: "false",
    NO_COLOR: "1",
    FORCE_COLOR: "0",
  },
});
let tail = "";
const keep = (chunk) => {
  log.write(chunk);
  tail = (tail + chunk.toString()).slice(-8_000);
  // Surface the nodes' errors; everything else stays in the log file.
  for (const line of chunk.toString().split("\n")) {
    if (line.includes('"level":"error"') || line.startsWith("✘")) console.error(`wrangler: ${line}`);
  }
};
child.stdout.on("data", keep);
child.stderr.on("data", keep);

let stopping = false;
const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
exited.then(({ code, signal }) => {
  if (stopping) return;
  console.error(`devnet: wrangler exited (code ${code}, signal ${signal}); last output:\n${tail}`);
  process.exit(1);
});

async function stop(reason) {
  if (stopping) return;
  stopping = true;
  console.log(`\ndevnet: stopping (${reason})`);
  signalGroup("SIGINT");
  const timer = setTimeout(() => signalGroup("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
  log.end();
  process.exit(0);
}

function signalGroup(signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

process.on("SIGINT", () => void stop("Ctrl-C"));
process.on("SIGTERM", () => void stop("SIGTERM"));

async function getJson(path) {
  const r = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
  const body = await r.json();
  if (!r.ok)
    throw new Error(`${path}: HTTP ${r.status} ${body?.error?.code ?? ""} ${body?.error?.message ?? ""}`);
  return body;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitReady() {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let last = "";
  while (Date.now() < deadline && !stopping) {
    try {
      return await getJson("/v1/node/status");
    } catch (e) {
      last = String(e);
    }
    await sleep(500);
  }
  console.error(`devnet: not ready after ${READY_TIMEOUT_MS} ms (${last}); last wrangler output:\n${tail}`);
  await stop("not ready");
}

async function watch(status) {
  console.log(`devnet: ready, chain ${status.chainId}, genesis ${status.genesisHash}`);
  console.log(
    `  status   ${base}/v1/node/status        (?node=${LOCAL_NODES !== "" ? LOCAL_NODES : `0..${NODES - 1}`})`,
  );
  if (shared) console.log(`  peers    ws://127.0.0.1:${PORT}/v1/p2p?node=<i>   (${status.address})`);
  console.log(`  blocks   ${base}/v1/blocks/latest      ${base}/v1/blocks/<height>`);
  console.log(`  accounts ${base}/v1/accounts/<64 hex>  submit: POST ${base}/v1/transactions`);
  console.log("devnet: Ctrl-C to stop");
  let shown = status.height;
  for (;;) {
    await sleep(POLL_INTERVAL_MS);
    if (stopping) return;
    let s;
    try {
      s = await getJson("/v1/node/status");
    } catch (e) {
      console.error(`devnet: status failed: ${e}`);
      continue;
    }
    if (s.height <= shown) continue;
    const from = Math.max(shown + 1, s.height - LINES_PER_POLL_MAX + 1);
    if (from > shown + 1) console.log(`  ... ${from - shown - 1} blocks`);
    for (let h = from; h <= s.height; h++) {
      try {
        const b = await getJson(`/v1/blocks/${h}`);
        console.log(
          `height ${String(h).padStart(6)}  label ${b.label.padEnd(9)}  finalized ${String(s.finalizedHeight).padStart(6)}` +
            `  txs ${String(b.transactionCount).padStart(4)}  iteration ${b.header.iteration}  peers ${s.peers}`,
        );
      } catch (e) {
        console.error(`devnet: block ${h} failed: ${e}`);
      }
    }
    shown = s.height;
  }
}

function fail(message) {
  console.error(`devnet: ${message}`);
  process.exit(2);
}

const ready = await waitReady();
if (ready) await watch(ready);
