/**
 * `npm run node -- --port P --bootstrap URL,... --provisioner I [--nodes N] [--data-dir D] [--verbose]`: one
 * Node-hosted node (node/host.ts) of the devnet genesis in wrangler.jsonc's vars (DEVNET_NODES
 * overridden by --nodes), listening on 127.0.0.1:P and dialing the bootstrap URLs. Prints one
 * JSON line `{"event":"node-host-ready", url, address}` once it listens, then one line per new
 * block; Ctrl-C stops it.
 */

import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { DevnetVars } from "../durable/devnet-config.js";
import { startNodeHost } from "./host.js";

function fail(message: string): never {
  console.error(`node-host: ${message}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    bootstrap: { type: "string", default: "" },
    provisioner: { type: "string" },
    nodes: { type: "string" },
    verbose: { type: "boolean", default: false },
    "data-dir": { type: "string" },
  },
});
if (values.provisioner === undefined) fail("--provisioner I is required");
const port = Number(values.port);
if (!Number.isSafeInteger(port) || port < 0 || port > 65_535) fail(`bad --port ${values.port}`);

const text = readFileSync(new URL("../wrangler.jsonc", import.meta.url), "utf8").replace(/^\s*\/\/.*$/gm, "");
const vars = { ...(JSON.parse(text) as { vars: DevnetVars }).vars } as Record<string, string>;
if (values.nodes !== undefined) vars.DEVNET_NODES = values.nodes;

const host = await startNodeHost({
  port,
  provisioner: Number(values.provisioner),
  bootstrap: values.bootstrap
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== ""),
  vars,
  logLevels: values.verbose ? ["info", "warn", "error"] : ["warn", "error"],
  ...(values["data-dir"] === undefined ? {} : { dataDir: values["data-dir"] }),
}).catch((e: unknown) => fail(String(e)));
console.log(JSON.stringify({ event: "node-host-ready", url: host.url, address: host.address }));

let lastHeight = -1;
const blocks = setInterval(() => {
  const s = host.node.status();
  if (s.height === lastHeight) return;
  lastHeight = s.height;
  console.log(
    JSON.stringify({ event: "block", height: s.height, finalizedHeight: s.finalizedHeight, peers: s.peers }),
  );
}, 500);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    clearInterval(blocks);
    void host.stop().then(() => process.exit(0));
  });
}
