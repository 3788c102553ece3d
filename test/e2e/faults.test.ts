// Faults end to end (issue 12): a 4-node devnet with transfers flowing is killed with kill -9
// (the whole wrangler/workerd process group) three times: right after a new block appears (nodes
// are committing it and the next one), right after the archive grew (D1 writes under way), and
// right after a stake call landed in a block that is not final yet (a stake change). The
// moments are chosen by what the devnet shows, not by instrumenting the commit itself, so each
// kill lands near, not provably inside, a write. After each crash the persisted state must pass
// the consistency command (cli/commands/consistency.ts: re-executed from genesis, stored roots,
// archive rows), and a restart on the same state must finalize further blocks, archive them,
// and pass it again.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkConsistency } from "../../cli/commands/consistency.js";
import { main } from "../../cli/main.js";
import { devnetConfig, devnetGenesis } from "../../durable/devnet-config.js";
import { blsProvePossession } from "../../protocol/bls.js";
import { toHex } from "../../protocol/bytes.js";
import { devAccountKey, devProvisionerKey } from "../../protocol/keys.js";
import { STAKE_CONTRACT_ID, stakeInput } from "../../protocol/stake.js";
import { encodeTransaction, signCall, signTransfer } from "../../protocol/transaction.js";
import { type Devnet, freePort, startDevnet } from "./devnet-process.js";
import { json, waitFor } from "./http.js";

const vars = JSON.parse(readFileSync("wrangler.jsonc", "utf8").replace(/^\s*\/\/.*$/gm, "")).vars;
const NODES = 4;

describe("kill -9 during commits and archive writes", () => {
  it("leaves state and archive consistent; restarts resume finality", { timeout: 600_000 }, async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "dusk-edge-faults-"));
    const port = await freePort();
    const start = () => startDevnet({ nodes: NODES, stateDir, port, isolateRegistry: true });
    const consistent = async () => {
      const genesis = devnetGenesis(devnetConfig({ ...vars, DEVNET_NODES: String(NODES) })).genesis;
      const { findings, summary } = await checkConsistency(stateDir, genesis);
      expect(findings).toEqual([]);
      expect(summary.filter((l) => l.includes("re-executed from genesis")).length).toBe(NODES);
      return summary;
    };
    let devnet: Devnet | null = await start();
    const status = async () => (await json(`${devnet!.url}/v1/node/status`)).body;
    const archived = async () =>
      (await json(`${devnet!.url}/v1/archive/status`)).body.archivedHeight as number;

    // Transfers flowing the whole time, one in flight; failures while the devnet is down are
    // expected (the sender re-reads its nonce after each).
    const sender = devAccountKey(vars.DEVNET_SEED, 7);
    const to = devAccountKey(vars.DEVNET_SEED, 8).publicKey;
    let flowing = true;
    let sent = 0;
    const flow = (async () => {
      while (flowing) {
        try {
          const chainId = (await status()).chainId;
          const a = await json(`${devnet!.url}/v1/accounts/${toHex(sender.publicKey)}`);
          const tx = signTransfer(sender.secretKey, {
            chainId,
            from: sender.publicKey,
            to,
            amount: 1n,
            nonce: BigInt(a.body.nonce) + 1n,
            gasLimit: 21_000n,
            gasPrice: 1n,
            memo: new Uint8Array(0),
          });
          const r = await json(`${devnet!.url}/v1/transactions`, {
            method: "POST",
            headers: { "content-type": "application/octet-stream" },
            body: encodeTransaction(tx),
          });
          if (r.status === 202) sent++;
        } catch {
          // the devnet is down or restarting
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    })();

    try {
      await waitFor(
        "two final blocks archived",
        async () => ((await archived()) >= 2 ? true : undefined),
        120_000,
      );

      // Kill 1: as a new block appears.
      const h0 = (await status()).height;
      await waitFor("a new block", async () => ((await status()).height > h0 ? true : undefined), 60_000);
      await devnet.kill9();
      await consistent();

      // Restart: the chain resumes from what was stored.
      devnet = await start();
      const f1 = (await status()).finalizedHeight;
      await waitFor(
        "three more final blocks",
        async () => ((await status()).finalizedHeight >= f1 + 3 ? true : undefined),
        120_000,
      );

      // Kill 2: as the archive grows.
      const a1 = await archived();
      await waitFor("the archive growing", async () => ((await archived()) > a1 ? true : undefined), 60_000);
      await devnet.kill9();
      await consistent();

      // Kill 3: during a stake change, as soon as the stake call is in a block (not yet final).
      devnet = await start();
      const staker = devAccountKey(vars.DEVNET_SEED, 9);
      const provisioner = devProvisionerKey("faults-stake", 0);
      const stakeAmount = devnetGenesis(devnetConfig({ ...vars, DEVNET_NODES: String(NODES) })).genesis.params
        .consensus.minimumStake;
      const account = await json(`${devnet.url}/v1/accounts/${toHex(staker.publicKey)}`);
      const stakeTx = signCall(staker.secretKey, {
        chainId: (await status()).chainId,
        from: staker.publicKey,
        contract: STAKE_CONTRACT_ID,
        fn: "stake",
        input: stakeInput(provisioner.publicKey, blsProvePossession(provisioner)),
        amount: stakeAmount,
        nonce: BigInt(account.body.nonce) + 1n,
        gasLimit: 5_000_000n,
        gasPrice: 1n,
      });
      const submitted = await json(`${devnet.url}/v1/transactions`, {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body: encodeTransaction(stakeTx),
      });
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
      const stakeId = submitted.body.id as string;
      await waitFor(
        "the stake call in a block",
        async () =>
          (await json(`${devnet!.url}/v1/transactions/${stakeId}`)).body.status === "included"
            ? true
            : undefined,
        60_000,
      );
      await devnet.kill9();
      await consistent();

      // Restart again: the stake change is there (or comes back from the mempools of the rest),
      // finality and the archive move on, and a clean stop is consistent too.
      devnet = await start();
      await waitFor(
        "the stake call final",
        async () =>
          (await json(`${devnet!.url}/v1/transactions/${stakeId}`)).body.label === "final" ? true : undefined,
        120_000,
      );
      const stake = await json(`${devnet.url}/v1/node/stakes/${toHex(provisioner.publicKey)}`);
      expect(stake.body.stake.value).toBe(String(stakeAmount));
      const f2 = (await status()).finalizedHeight;
      await waitFor(
        "three more final blocks",
        async () => ((await status()).finalizedHeight >= f2 + 3 ? true : undefined),
        120_000,
      );
      await waitFor(
        "the archive catching up",
        async () => ((await archived()) >= f2 ? true : undefined),
        120_000,
      );
      flowing = false;
      await flow;
      await devnet.stop();
      devnet = null;
      const summary = await consistent();
      // The same through the command line, as an operator runs it.
      const argv = ["node", "dusk-edge", "consistency", "--state", stateDir, "--nodes", String(NODES)];
      expect(await main(argv)).toBe(0);
      expect(summary.some((l) => /archive .*: [1-9]\d* final blocks checked/.test(l))).toBe(true);
      expect(sent).toBeGreaterThan(0);
    } finally {
      flowing = false;
      await flow;
      await devnet?.stop();
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
