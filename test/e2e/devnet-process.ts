/**
 * Starts `wrangler dev` as a devnet on free loopback ports with its own state directory, waits
 * for readiness by polling the status endpoint with a deadline, and stops the whole process
 * group afterwards. Used by the end-to-end tests.
 */

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Devnet {
  readonly url: string;
  readonly output: () => string;
  stop(): Promise<void>;
  /** kill -9 of the whole process group (wrangler and workerd), as a crash; the state is kept. */
  kill(): Promise<void>;
}

export async function startDevnet(
  options: {
    nodes?: number;
    readyTimeoutMs?: number;
    /** Port to listen on (a free one by default). */
    port?: number;
    /** Reuse this state directory (a restart); it is then kept on stop. */
    stateDir?: string;
    /** Extra vars for wrangler dev (`--var NAME:value`: DEVNET_LOCAL_NODES, PUBLIC_URL, ...). */
    vars?: Record<string, string>;
    /**
     * A dev registry of its own (WRANGLER_REGISTRY_PATH): wrangler dev processes of one script
     * name otherwise find each other through ~/.config/.wrangler/registry, and one starting or
     * stopping elsewhere (another test, another worktree) makes the others reload.
     */
    isolateRegistry?: boolean;
  } = {},
): Promise<Devnet> {
  const port = options.port ?? (await freePort());
  const inspector = await freePort();
  const stateDir = options.stateDir ?? mkdtempSync(join(tmpdir(), "dusk-edge-e2e-"));
  const registryDir = options.isolateRegistry ? mkdtempSync(join(tmpdir(), "dusk-edge-registry-")) : null;
  const env = {
    ...process.env,
    WRANGLER_SEND_METRICS: "false",
    CI: "true",
    NO_COLOR: "1",
    ...(registryDir === null ? {} : { WRANGLER_REGISTRY_PATH: registryDir }),
  };
  // The archive's D1 migrations, as `npm start` applies them.
  const migrate = spawnSync(
    "npx",
    ["wrangler", "d1", "migrations", "apply", "dusk-edge-archive", "--local", "--persist-to", stateDir],
    { encoding: "utf8", env, timeout: 60_000 },
  );
  if (migrate.status !== 0) throw new Error(`archive migrations failed: ${migrate.stdout}${migrate.stderr}`);
  const args = [
    "wrangler",
    "dev",
    "--ip",
    "127.0.0.1",
    "--port",
    String(port),
    "--inspector-port",
    String(inspector),
    "--persist-to",
    stateDir,
    "--var",
    `DEVNET_NODES:${options.nodes ?? 4}`,
    ...Object.entries(options.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
    "--show-interactive-dev-session=false",
  ];
  let log = "";
  const child: ChildProcess = spawn("npx", args, {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  const keep = (chunk: Buffer) => {
    log += chunk.toString();
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(-child.pid, "SIGTERM");
      } catch {
        // already gone
      }
      const timer = setTimeout(() => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }, 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (options.stateDir === undefined) rmSync(stateDir, { recursive: true, force: true });
    if (registryDir !== null) rmSync(registryDir, { recursive: true, force: true });
  };
  const kill = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
    await exited;
  };
  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      // Ready when a node answers its status (any gateway request also wakes the nodes); with
      // API keys required the gateway's 401 is as far as an anonymous probe can see.
      const r = await fetch(`${url}/v1/node/status`, { signal: AbortSignal.timeout(2_000) });
      if (r.status === 200 || r.status === 401) return { url, output: () => log, stop, kill };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`devnet did not become ready on ${url}; wrangler output:\n${log.slice(-5_000)}`);
}
