/**
 * `dusk-edge node start` (a Node-hosted peer: node/main.ts, the same node core over `ws` links)
 * and `dusk-edge devnet` (what `npm start` runs: scripts/devnet.mjs, a devnet under wrangler dev).
 * Both run in the foreground as child processes with their own output; Ctrl-C stops them.
 */

import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { EXIT } from "../exit.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

function runChild(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, ...env },
    });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("error", (e) => {
      process.stderr.write(`error: cannot start: ${e.message}\n`);
      resolve(EXIT.error);
    });
    child.on("close", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(signal !== null ? EXIT.ok : (code ?? EXIT.error));
    });
  });
}

export function addNodeCommands(program: Command, setExit: (code: number) => void): void {
  const node = program.command("node").description("run a node outside Cloudflare");
  node
    .command("start")
    .description("run a Node-hosted peer that joins a network from a bootstrap list (docs/ROUTING.md)")
    .requiredOption("--bootstrap <urls>", "comma-separated ws:// peer addresses")
    .requiredOption("--provisioner <i>", "which devnet provisioner key this node signs with")
    .option("--port <port>", "loopback port to listen on", "9700")
    .option("--nodes <n>", "provisioners in the devnet genesis", "4")
    .option("--verbose", "log every consensus event")
    .option("--data-dir <dir>", "keep the chain in a file there, so a restart resumes (default: memory)")
    .action(
      async (opts: {
        bootstrap: string;
        provisioner: string;
        port: string;
        nodes: string;
        verbose?: boolean;
        dataDir?: string;
      }) => {
        const args = [
          join(ROOT, "scripts", "node-host.mjs"),
          "--port",
          opts.port,
          "--bootstrap",
          opts.bootstrap,
          "--provisioner",
          opts.provisioner,
          "--nodes",
          opts.nodes,
          ...(opts.verbose ? ["--verbose"] : []),
          ...(opts.dataDir === undefined ? [] : ["--data-dir", opts.dataDir]),
        ];
        setExit(await runChild(args, {}));
      },
    );

  program
    .command("devnet")
    .description("run a local devnet under wrangler dev (what `npm start` runs; see README)")
    .option("--port <port>", "gateway port", "8787")
    .option("--nodes <n>", "nodes in the devnet", "4")
    .option("--fresh", "wipe this devnet's state first")
    .action(async (opts: { port: string; nodes: string; fresh?: boolean }) => {
      setExit(
        await runChild([join(ROOT, "scripts", "devnet.mjs")], {
          PORT: opts.port,
          NODES: opts.nodes,
          ...(opts.fresh ? { FRESH: "1" } : {}),
        }),
      );
    });
}
