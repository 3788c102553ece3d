// The D1 archive under `wrangler dev`: final blocks and their transactions are copied in by the
// ArchiverDO, history queries answer by account (REST and JSON-RPC) with cursors, and the same
// answers come back after the devnet is stopped and started again on the same state.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toHex } from "../../protocol/bytes.js";
import { devAccountKey } from "../../protocol/keys.js";
import { encodeTransaction, signTransfer } from "../../protocol/transaction.js";
import { type Devnet, startDevnet } from "./devnet-process.js";
import { json, waitFor } from "./http.js";

describe("archive (D1)", () => {
  const stateDir = mkdtempSync(join(tmpdir(), "dusk-edge-archive-"));
  let devnet: Devnet | undefined;
  afterAll(async () => {
    await devnet?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("archives final transfers, pages an account's history, and answers the same after a restart", async () => {
    devnet = await startDevnet({ nodes: 4, stateDir });
    const seed = "dusk-edge-devnet";
    const frank = devAccountKey(seed, 5);
    const grace = devAccountKey(seed, 6);
    const chainId: string = (await json(`${devnet.url}/v1/node/status`)).body.chainId;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const tx = signTransfer(frank.secretKey, {
        chainId,
        from: frank.publicKey,
        to: grace.publicKey,
        amount: 100n + BigInt(i),
        nonce: 1n + BigInt(i),
        gasLimit: 21_000n,
        gasPrice: 1n,
        memo: new Uint8Array(0),
      });
      const r = await json(`${devnet.url}/v1/transactions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tx: toHex(encodeTransaction(tx)) }),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      ids.push(r.body.id);
    }
    const graceHex = toHex(grace.publicKey);
    const history = `${devnet.url}/v1/archive/accounts/${graceHex}/transactions`;
    const all = await waitFor(
      "three archived transfers",
      async () => {
        const r = await json(`${history}?limit=10`);
        return r.status === 200 && r.body.transactions.length === 3 ? r.body : undefined;
      },
      120_000,
    );
    // Newest first; amounts and parties as sent.
    expect(all.transactions.map((t: { id: string }) => t.id)).toEqual([...ids].reverse());
    expect(all.transactions[2]).toMatchObject({
      sender: toHex(frank.publicKey),
      recipient: graceHex,
      amount: "100",
      status: "success",
    });
    expect(all.next).toBeNull();
    const page1 = await json(`${history}?limit=2`);
    expect(page1.body.transactions.map((t: { id: string }) => t.id)).toEqual([ids[2], ids[1]]);
    const page2 = await json(`${history}?limit=2&cursor=${page1.body.next}`);
    expect(page2.body.transactions.map((t: { id: string }) => t.id)).toEqual([ids[0]]);
    expect(page2.body.next).toBeNull();
    const bad = await json(`${history}?cursor=x`);
    expect([bad.status, bad.body.error.code]).toEqual([400, "INVALID_CURSOR"]);
    const status = await json(`${devnet.url}/v1/archive/status`);
    expect(status.body.archivedHeight).toBeGreaterThanOrEqual(all.transactions[0].height);

    await devnet.stop();
    devnet = await startDevnet({ nodes: 4, stateDir });
    const rpc = await json(`${devnet.url}/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "archive_accountHistory",
        params: { address: graceHex, limit: 10 },
      }),
    });
    expect(rpc.body.result.transactions).toEqual(all.transactions);
  });
});
