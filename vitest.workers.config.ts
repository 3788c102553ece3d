// workerd tests (Durable Objects, SQLite, the gateway) via @cloudflare/vitest-pool-workers.
// Two nodes keep it light: with two equal provisioners every quorum needs both, so blocks only
// appear when the WebSocket mesh between the two NodeDOs works.
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.jsonc" },
      miniflare: {
        bindings: { DEVNET_NODES: "2", DEVNET_AUTOSTART: "false", CHAIN_ID: "dusk-edge-workers-test" },
      },
    }),
  ],
  test: {
    include: ["test/workers/**/*.test.ts"],
    // snarkjs fixtures for the ZK tests are made in Node and provided to workerd.
    globalSetup: ["./test/workers/zk-global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // Nodes log every round at info level; keep warnings and errors only.
    onConsoleLog: (log) => !log.includes('"level":"info"'),
  },
});
