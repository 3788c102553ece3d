// The CLI as a subprocess against a devnet under `wrangler dev` (issue 10): two wallets, one
// funded from the dev faucet, a public transfer followed to finality, and an AssemblyScript
// counter built, deployed, called and queried; secrets never printed without --show-secret.
// Then the shielded pool (issue 6's Done-when): a deposit, a shielded transfer between the two
// wallets and a withdrawal through the CLI; a double spend and a tampered proof sent over RPC
// are refused with their codes; the public view of a shielded transfer shows no amount or owner.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NodeHttp } from "../../cli/context.js";
import { proveTransfer } from "../../cli/shielded/build-tx.js";
import { shieldedKeys } from "../../cli/shielded/keys.js";
import { releaseProver } from "../../cli/shielded/prover.js";
import { loadCache, refreshSpent, syncNotes } from "../../cli/shielded/wallet.js";
import { WalletKeys } from "../../cli/wallet/keystore.js";
import { toHex } from "../../protocol/bytes.js";
import { encodeTransaction, signShieldedTransfer } from "../../protocol/transaction.js";
import { type Devnet, startDevnet } from "./devnet-process.js";
import { json, waitFor } from "./http.js";

const PASSPHRASE = "correct horse battery staple";
const OPERATOR_TOKEN = "cli-e2e-operator-token-0123456789";

describe("dusk-edge CLI against a devnet", () => {
  let devnet: Devnet;
  const home = mkdtempSync(join(tmpdir(), "dusk-edge-cli-"));
  beforeAll(async () => {
    devnet = await startDevnet({ nodes: 4, vars: { OPERATOR_TOKEN } });
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
    // The devnet's own output, for a failure's post-mortem (CI keeps test-results/).
    mkdirSync("test-results", { recursive: true });
    if (devnet !== undefined) writeFileSync("test-results/cli-devnet.log", devnet.output());
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
    // The archive copies final blocks a moment after they are final: wait for it, then read.
    const sentId = sent.stdout.match(/submitted ([0-9a-f]{64})/)![1];
    await waitFor(
      "the transfer in the archive",
      async () =>
        (await json(`${devnet.url}/v1/archive/accounts/${bob.address}/transactions`)).body.transactions
          ?.length > 0
          ? true
          : undefined,
      60_000,
    );
    const history = parsed(await cli("history", "bob", "--json"));
    expect(history.transactions[0]).toMatchObject({ id: sentId, amount: "1234", kind: "transfer" });
    expect((await cli("history", "alice")).stdout).toContain(`-1234 to ${bob.address}`);

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

  it("deposits, sends shielded between the wallets, withdraws, and refuses a double spend and a bad proof", async () => {
    const funded = await cli("faucet", "--to", "alice", "--amount", "200000000", "--json");
    expect(funded.code, said(funded)).toBe(0);
    const deposited = await cli("shielded", "deposit", "--from", "alice", "--amount", "60000000", "--yes");
    expect(deposited.code, said(deposited)).toBe(0);
    expect(deposited.stderr).toMatch(/proving deposit: \d+ s|submitted/);
    expect(deposited.stdout).toMatch(/final at height \d+/);
    const aliceNotes = parsed(await cli("shielded", "balance", "alice", "--json"));
    expect(aliceNotes).toMatchObject({ balance: "60000000", spentKnown: true });

    const bobAddress = parsed(await cli("shielded", "address", "bob", "--json")).address as string;
    expect(bobAddress).toMatch(/^zs[0-9a-f]{128}$/);
    const sent = await cli(
      "shielded",
      "send",
      "--from",
      "alice",
      "--to",
      bobAddress,
      "--amount",
      "20000000",
      "--yes",
      "--json",
    );
    expect(sent.code, said(sent)).toBe(0);
    const sentId = parsed(sent).id as string;
    const transferFee = 4_471_000n; // SHIELDED_GAS.transfer at gas price 1 (docs/SHIELDED.md)
    expect(parsed(await cli("shielded", "balance", "bob", "--json")).balance).toBe("20000000");
    expect(parsed(await cli("shielded", "balance", "alice", "--json")).balance).toBe(
      String(40_000_000n - transferFee),
    );

    // What the public sees of the shielded transfer: commitments, nullifiers, ciphertexts, the
    // fee; no amount and no owner key anywhere in the transaction or its block.
    const view = await json(`${devnet.url}/v1/transactions/${sentId}`);
    expect(view.body.tx).toMatchObject({ kind: "shielded-transfer", amount: "0" });
    const block = await json(`${devnet.url}/v1/blocks/${view.body.height}`);
    const publicText = JSON.stringify([view.body, block.body]);
    for (const hidden of ["20000000", String(40_000_000n - transferFee), bobAddress.slice(2, 66)]) {
      expect(publicText).not.toContain(hidden);
    }

    const bobBefore = BigInt(parsed(await cli("balance", "bob", "--json")).balance);
    const withdrawn = await cli(
      "shielded",
      "withdraw",
      "--from",
      "bob",
      "--to",
      "bob",
      "--amount",
      "5000000",
      "--yes",
    );
    expect(withdrawn.code, said(withdrawn)).toBe(0);
    expect(BigInt(parsed(await cli("balance", "bob", "--json")).balance)).toBe(bobBefore + 5_000_000n);
    expect(parsed(await cli("shielded", "balance", "bob", "--json")).balance).toBe(
      String(15_000_000n - transferFee),
    );
    // An auditor with bob's view key sees what bob received (not what he spent).
    const viewKey = parsed(await cli("shielded", "export-view-key", "bob", "--json")).viewKey as string;
    const audited = parsed(await cli("shielded", "balance", "--view-key", viewKey, "--json"));
    expect(audited.spentKnown).toBe(false);
    expect(audited.notes.map((n: { value: string }) => n.value)).toEqual([
      "20000000",
      String(15_000_000n - transferFee),
    ]);

    // Over RPC: a transfer made with the wallet library, submitted, final, then submitted again.
    const mnemonic = parsed(
      await cli("wallet", "export-mnemonic", "--name", "alice", "--show-secret", "--json"),
    ).mnemonic;
    const keys = shieldedKeys(new WalletKeys(mnemonic).shieldedSecret(0));
    const node = new NodeHttp(devnet.url);
    const status = await node.ok<{ chainId: string; genesisHash: string }>("/v1/node/status");
    const cache = loadCache(join(home, "rpc-cache.json"), status.genesisHash);
    await syncNotes(node, keys, cache, () => {});
    await refreshSpent(node, keys, cache);
    const { body, oneTimeKey } = await proveTransfer({
      chainId: status.chainId,
      keys,
      cache,
      gasPrice: 1n,
      amount: 1_000n,
      to: keys,
      withdrawal: 0n,
      withdrawTo: null,
    });
    await releaseProver();
    const submit = (bytes: Uint8Array) =>
      json(`${devnet.url}/v1/transactions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tx: toHex(bytes) }),
      });
    const tx = signShieldedTransfer(oneTimeKey.secretKey, body);
    // A proof byte changed, signed properly: the proof is what fails.
    const tamperedProof = body.proof.slice();
    tamperedProof[70]! ^= 1;
    const bad = await submit(
      encodeTransaction(signShieldedTransfer(oneTimeKey.secretKey, { ...body, proof: tamperedProof })),
    );
    expect([bad.status, bad.body.error.code]).toEqual([400, "SHIELDED_INVALID_PROOF"]);
    const first = await submit(encodeTransaction(tx));
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    await waitFor(
      "the RPC transfer final",
      async () => {
        const r = await json(`${devnet.url}/v1/transactions/${first.body.id}`);
        return r.body.label === "final" ? true : undefined;
      },
      120_000,
    );
    // Validators checked the block's proofs in the ProofVerifier entrypoint (VERIFIER binding).
    expect(devnet.output()).toContain("proofs-preverified");
    const again = await submit(encodeTransaction(tx));
    expect([again.status, again.body.error.code]).toEqual([400, "SHIELDED_NULLIFIER_SPENT"]);
  }, 600_000);

  it("stakes the wallet's provisioner key and reads provisioners through the operator API", async () => {
    const funded = await cli("faucet", "--to", "alice", "--amount", "2000000000000", "--json");
    expect(funded.code, said(funded)).toBe(0);
    const staked = await cli("stake", "add", "--from", "alice", "--amount", "1000000000000", "--json");
    expect(staked.code, said(staked)).toBe(0);
    expect(parsed(staked).receipt.status).toBe("success");
    const key = parsed(
      await cli("wallet", "address", "--name", "alice", "--provisioner", "--json"),
    ).provisionerKey;
    const info = await cli("stake", "info", key, "--json");
    expect(info.code, said(info)).toBe(0);
    expect(parsed(info).stake.value).toBe("1000000000000");
    // A second stake call is a top-up (no proof of possession needed, the wallet sends it anyway).
    const topUp = await cli("stake", "add", "--from", "alice", "--amount", "5", "--json");
    expect(topUp.code, said(topUp)).toBe(0);

    const noToken = await cli("operator", "provisioners");
    expect([noToken.code, noToken.stderr]).toEqual([2, expect.stringContaining("OPERATOR_TOKEN_REQUIRED")]);
    const wrong = await cli("operator", "provisioners", "--operator-token", "not-the-token-0123456789");
    expect([wrong.code, wrong.stderr]).toEqual([2, expect.stringContaining("OPERATOR_UNAUTHORIZED")]);
    const op = (...args: string[]) => cli("operator", ...args, "--operator-token", OPERATOR_TOKEN);
    const list = await op("provisioners", "--json");
    expect(list.code, said(list)).toBe(0);
    // The 4 genesis provisioners and the 4 empty operator slots (OPERATOR_SLOTS default).
    expect(parsed(list).provisioners.map((p: { index: number }) => p.index)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7,
    ]);
    const record = join(home, "protection.json");
    const exported = await op("export-protection", "0", "--out", record);
    expect(exported.code, said(exported)).toBe(0);
    expect(JSON.parse(readFileSync(record, "utf8"))).toHaveProperty("metadata");
    const imported = await op("import-protection", "0", "--file", record);
    expect(imported.code, said(imported)).toBe(0);
    const metrics = await op("metrics");
    expect(metrics.code, said(metrics)).toBe(0);
    expect(metrics.stdout).toMatch(/^# (HELP|TYPE) /m);
  }, 300_000);
});
