// The CLI as a subprocess against a devnet under `wrangler dev` (issue 10): two wallets, one
// funded from the dev faucet, a public transfer followed to finality, and an AssemblyScript
// counter built, deployed, called and queried; secrets never printed without --show-secret.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Devnet, startDevnet } from "./devnet-process.js";
import { json, waitFor } from "./http.js";

const PASSPHRASE = "correct horse battery staple";

describe("dusk-edge CLI against a devnet", () => {
  let devnet: Devnet;
  const home = mkdtempSync(join(tmpdir(), "dusk-edge-cli-"));
  beforeAll(async () => {
    devnet = await startDevnet({ nodes: 4 });
    // Readiness: the nodes run and finalize blocks before the first command.
    await waitFor(
      "a final block",
      async () => {
        const s = await json(`${devnet.url}/v1/node/status`);
        return s.status === 200 && s.body.finalizedHeight >= 1 ? true : undefined;
      },
      120_000,
    );
  }, 240_000);
  afterAll(async () => {
    await devnet?.stop();
    rmSync(home, { recursive: true, force: true });
  });

  /** Runs `node cli/bin.mjs ...args` (plain Node, as a user would) and collects its output. */
  function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["cli/bin.mjs", ...args], {
        env: {
          ...process.env,
          DUSK_EDGE_HOME: home,
          DUSK_EDGE_URL: devnet.url,
          DUSK_EDGE_PASSPHRASE: PASSPHRASE,
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => {
        stdout += d;
      });
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? -1, stdout, stderr });
      });
    });
  }
  const parsed = (out: { stdout: string }) => JSON.parse(out.stdout.trim().split("\n").pop() as string);
  const said = (out: { stdout: string; stderr: string }) => `${out.stdout}${out.stderr}`;

  it("creates wallets, funds, transfers, and deploys and calls a contract", async () => {
    const a = await cli("wallet", "create", "--name", "alice", "--json");
    expect(a.code, said(a)).toBe(0);
    const alice = parsed(a);
    expect(alice.mnemonic).toBeUndefined();
    expect(readFileSync(alice.path, "utf8")).not.toMatch(/\b[a-z]+ [a-z]+ [a-z]+ [a-z]+\b/);
    const b = await cli("wallet", "create", "--name", "bob", "--json");
    const bob = parsed(b);
    const list = parsed(await cli("wallet", "list", "--json"));
    expect(list.wallets.map((w: { name: string }) => w.name)).toEqual(["alice", "bob"]);
    const dup = await cli("wallet", "create", "--name", "alice");
    expect([dup.code, dup.stderr]).toEqual([2, expect.stringContaining("WALLET_EXISTS")]);

    const funded = await cli("faucet", "--to", "alice", "--amount", "50000000", "--json");
    expect(funded.code, said(funded)).toBe(0);
    expect(parsed(await cli("balance", "alice", "--json")).balance).toBe("50000000");

    const sent = await cli("transfer", "--from", "alice", "--to", "bob", "--amount", "1234", "--yes");
    expect(sent.code, said(sent)).toBe(0);
    // Labels as they change, ending final.
    expect(sent.stdout).toMatch(/submitted [0-9a-f]{64}/);
    expect(sent.stdout).toMatch(/final at height \d+/);
    expect(parsed(await cli("balance", bob.address, "--json")).balance).toBe("1234");

    const wrongPass = await cli(
      "transfer",
      "--from",
      "alice",
      "--to",
      "bob",
      "--amount",
      "1",
      "--yes",
      "--passphrase-file",
      "/dev/null",
    );
    expect([wrongPass.code, wrongPass.stderr]).toEqual([
      2,
      expect.stringContaining("WALLET_WRONG_PASSPHRASE"),
    ]);

    const wasm = join(home, "counter.wasm");
    expect((await cli("contract", "build", "counter", "--out", wasm)).code).toBe(0);
    const deployed = await cli(
      "contract",
      "deploy",
      "--from",
      "alice",
      "--wasm",
      wasm,
      "--gas-limit",
      "20000000",
      "--json",
    );
    expect(deployed.code, said(deployed)).toBe(0);
    const id = parsed(deployed).contract;
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const called = await cli(
      "contract",
      "call",
      "--from",
      "alice",
      "--id",
      id,
      "--fn",
      "increment",
      "--args",
      "u64:5",
      "--json",
    );
    expect(called.code, said(called)).toBe(0);
    expect(parsed(called).receipt.events).toHaveLength(1);
    const q = parsed(await cli("contract", "query", "--id", id, "--fn", "get", "--json"));
    expect(q).toMatchObject({ ok: true, returnData: "0500000000000000" });
    const events = await cli("contract", "events", "--id", id);
    expect(events.stdout).toMatch(/height \d+ tx [0-9a-f]{64}/);

    const secret = await cli("wallet", "export-mnemonic", "--name", "bob");
    expect(secret.code).toBe(2);
    const shown = parsed(await cli("wallet", "export-mnemonic", "--name", "bob", "--show-secret", "--json"));
    expect(shown.mnemonic.split(" ")).toHaveLength(24);
  });
});
