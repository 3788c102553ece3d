#!/usr/bin/env node
/**
 * `npm run node -- --port P --bootstrap URL,... --provisioner I [--nodes N] [--verbose]`: runs the
 * Node host (node/main.ts, node/host.ts) with tsx in a child process and passes the options
 * through. Exit code: the host's (2 for bad options).
 */

import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const child = spawn("npx", ["tsx", "node/main.ts", ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: "inherit",
});
child.on("error", (e) => {
  console.error(`could not start the node host: ${e.message}`);
  process.exit(2);
});
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("close", (code, signal) => process.exit(signal !== null ? 1 : (code ?? 1)));
