// `dusk-edge node start` hands its options to the Node host: a bad provisioner index comes back
// as the host's own error and exit 2; a missing option is commander's usage error, exit 2.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const run = (...args: string[]) =>
  spawnSync(process.execPath, ["cli/bin.mjs", ...args], { encoding: "utf8", timeout: 60_000 });

describe("dusk-edge node start", () => {
  it("passes options to the Node host and reports its refusal", () => {
    const bad = run("node", "start", "--bootstrap", "ws://127.0.0.1:1", "--provisioner", "9", "--nodes", "4");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("provisioner must be in 0..3");
    const missing = run("node", "start", "--provisioner", "1");
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("--bootstrap");
  }, 90_000);
});
