// Pure-logic tests in Node: protocol, consensus (in-memory multi-node), routing, executor.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/consensus/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
