// End to end: a 4-node devnet under `wrangler dev` (workerd, Durable Objects, SQLite), public
// transfers submitted over HTTP, seen in final blocks with the right balances on every node.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { AbiReader, AbiWriter } from "../../contracts/abi.js";
import { buildExample } from "../../contracts/build.js";
import { toHex } from "../../protocol/bytes.js";
import { devAccountKey } from "../../protocol/keys.js";
import {
  contractIdOf,
  encodeTransaction,
  signCall,
  signDeploy,
  signTransfer,
} from "../../protocol/transaction.js";
import { COUNTER_WAT } from "../fixtures/counter-wat.js";
import { wat } from "../fixtures/wat.js";
import { type Devnet, startDevnet } from "./devnet-process.js";
import { json, waitFor } from "./http.js";

function devnetVars(): Record<string, string> {
  const text = readFileSync("wrangler.jsonc", "utf8").replace(/^\s*\/\/.*$/gm, "");
  return JSON.parse(text).vars;
}

describe("devnet under wrangler dev", () => {
  let devnet: Devnet;
  const vars = devnetVars();
  const seed = vars.DEVNET_SEED!;
  const alice = devAccountKey(seed, 0);
  const bob = devAccountKey(seed, 1);

  beforeAll(async () => {
    devnet = await startDevnet({ nodes: 4 });
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  it("produces final blocks and settles transfers submitted over HTTP", async () => {
    const status = await json(`${devnet.url}/v1/node/status`);
    expect(status.status).toBe(200);
    const chainId: string = status.body.chainId;
    await waitFor(
      "two final blocks",
      async () => {
        const s = await json(`${devnet.url}/v1/node/status`);
        return s.body.finalizedHeight >= 2 ? s : undefined;
      },
      90_000,
    );

    const aliceHex = toHex(alice.publicKey);
    const bobHex = toHex(bob.publicKey);
    const before = await json(`${devnet.url}/v1/accounts/${aliceHex}`);
    const bobBefore = await json(`${devnet.url}/v1/accounts/${bobHex}`);
    expect(before.status).toBe(200);

    const bad = await json(`${devnet.url}/v1/transactions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tx: "00ff" }),
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("TX_MALFORMED");

    const nonce0 = BigInt(before.body.nonce);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const tx = signTransfer(alice.secretKey, {
        chainId,
        from: alice.publicKey,
        to: bob.publicKey,
        amount: 1_000n + BigInt(i),
        nonce: nonce0 + 1n + BigInt(i),
        gasLimit: 21_000n,
        gasPrice: 1n,
        memo: new Uint8Array(0),
      });
      // Each transfer enters at a different node: it must reach the others' mempools.
      const r = await json(`${devnet.url}/v1/transactions?node=${i}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tx: toHex(encodeTransaction(tx)) }),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      ids.push(r.body.id);
    }

    for (const id of ids) {
      await waitFor(
        `transaction ${id} final`,
        async () => {
          const r = await json(`${devnet.url}/v1/transactions/${id}`);
          return r.status === 200 && r.body.label === "final" ? r : undefined;
        },
        90_000,
      );
    }

    const spent = 1_000n + 1_001n + 1_002n;
    const fees = 3n * 21_000n;
    for (let node = 0; node < 4; node++) {
      const a = await json(`${devnet.url}/v1/accounts/${aliceHex}?node=${node}`);
      const b = await json(`${devnet.url}/v1/accounts/${bobHex}?node=${node}`);
      expect(BigInt(a.body.balance)).toBe(BigInt(before.body.balance) - spent - fees);
      expect(BigInt(a.body.nonce)).toBe(nonce0 + 3n);
      expect(BigInt(b.body.balance)).toBe(BigInt(bobBefore.body.balance) + spent);
    }

    const latest = await json(`${devnet.url}/v1/blocks/latest`);
    expect(latest.status).toBe(200);
    const one = await json(`${devnet.url}/v1/blocks/1`);
    expect(one.body.label).toBe("final");
  });

  it("deploys a contract over HTTP, calls it by transaction, and serves its state and events after finality", async () => {
    const carol = devAccountKey(seed, 2);
    const carolHex = toHex(carol.publicKey);
    const chainId: string = (await json(`${devnet.url}/v1/node/status`)).body.chainId;
    const account = await json(`${devnet.url}/v1/accounts/${carolHex}`);
    let nonce = BigInt(account.body.nonce);
    const submit = async (bytes: Uint8Array, node = 0): Promise<string> => {
      const r = await json(`${devnet.url}/v1/transactions?node=${node}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ tx: toHex(bytes) }),
      });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      return r.body.id;
    };
    const final = (id: string) =>
      waitFor(
        `transaction ${id} final`,
        async () => {
          const r = await json(`${devnet.url}/v1/transactions/${id}`);
          return r.status === 200 && r.body.label === "final" ? r.body : undefined;
        },
        90_000,
      );
    const u64 = (v: bigint) => toHex(new Uint8Array(new BigUint64Array([v]).buffer));

    const code = await wat(COUNTER_WAT);
    nonce += 1n;
    const deploy = signDeploy(carol.secretKey, {
      chainId,
      from: carol.publicKey,
      amount: 0n,
      nonce,
      gasLimit: 30_000_000n,
      gasPrice: 1n,
      code,
      init: new Uint8Array(0),
    });
    const contract = contractIdOf(carol.publicKey, nonce);
    const id = toHex(contract);
    const deployed = await final(await submit(encodeTransaction(deploy), 1));
    expect(deployed.receipt).toMatchObject({ status: "success", contract: id, error: null });
    expect(deployed.tx).toMatchObject({ kind: "deploy", contract: id, codeBytes: code.length });

    const info = await json(`${devnet.url}/v1/contracts/${id}`);
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ id, deployer: carolHex, codeBytes: code.length });

    // A call that the node refuses before it costs anything: no such function.
    nonce += 1n;
    const missing = signCall(carol.secretKey, {
      chainId,
      from: carol.publicKey,
      contract,
      fn: "nope",
      input: new Uint8Array(0),
      amount: 0n,
      nonce,
      gasLimit: 1_000_000n,
      gasPrice: 1n,
    });
    const refused = await json(`${devnet.url}/v1/transactions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tx: toHex(encodeTransaction(missing)) }),
    });
    expect([refused.status, refused.body.error.code]).toEqual([400, "CONTRACT_NO_SUCH_FUNCTION"]);

    const call = (by: bigint, n: bigint) =>
      signCall(carol.secretKey, {
        chainId,
        from: carol.publicKey,
        contract,
        fn: "increment",
        input: Uint8Array.from(Buffer.from(u64(by), "hex")),
        amount: 0n,
        nonce: n,
        gasLimit: 1_000_000n,
        gasPrice: 1n,
      });
    const ok = await final(await submit(encodeTransaction(call(7n, nonce)), 2));
    expect(ok.receipt.status).toBe("success");
    expect(ok.receipt.events).toEqual([
      { contract: id, topic: toHex(new TextEncoder().encode("inc")), data: u64(7n) },
    ]);
    nonce += 1n;
    const reverted = await final(await submit(encodeTransaction(call(101n, nonce)), 3));
    expect(reverted.receipt).toMatchObject({
      status: "reverted",
      error: { code: "CONTRACT_REVERTED", message: "too big" },
    });

    const key = toHex(new TextEncoder().encode("count"));
    for (let node = 0; node < 4; node++) {
      const v = await json(`${devnet.url}/v1/contracts/${id}/storage/${key}?node=${node}`);
      expect(v.body.value, `node ${node}`).toBe(u64(7n));
    }
    const events = await json(`${devnet.url}/v1/contracts/${id}/events?from=0`);
    expect(events.body.events).toHaveLength(1);
    expect(events.body.events[0]).toMatchObject({ txId: ok.id, data: u64(7n) });

    const query = await json(`${devnet.url}/v1/contracts/${id}/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fn: "get" }),
    });
    expect(query.body).toMatchObject({ ok: true, returnData: u64(7n) });

    // The same query over JSON-RPC, batched with a block lookup.
    const rpc = await json(`${devnet.url}/rpc`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "contract_query", params: { id, fn: "get" } },
        { jsonrpc: "2.0", id: 2, method: "tx_get", params: { id: ok.id } },
      ]),
    });
    expect(rpc.body[0].result).toMatchObject({ ok: true, returnData: u64(7n) });
    expect(rpc.body[1].result.receipt.status).toBe("success");

    const sim = await json(`${devnet.url}/v1/contracts/${id}/simulate`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ fn: "increment", input: u64(5n) }),
    });
    expect(sim.status, JSON.stringify(sim.body)).toBe(200);
    expect(sim.body).toMatchObject({ ok: true, events: [{ contract: id, data: u64(12n) }] });
    expect(sim.body.readSet.rounds).toBeGreaterThan(1);
    // Simulation changed nothing.
    const after = await json(`${devnet.url}/v1/contracts/${id}/storage/${key}`);
    expect(after.body.value).toBe(u64(7n));
  });

  it("an AssemblyScript token from contracts/ deploys and transfers over HTTP; balances and events read back after finality", async () => {
    const dave = devAccountKey(seed, 3);
    const erin = devAccountKey(seed, 4);
    const chainId: string = (await json(`${devnet.url}/v1/node/status`)).body.chainId;
    let nonce = BigInt((await json(`${devnet.url}/v1/accounts/${toHex(dave.publicKey)}`)).body.nonce);
    const post = (path: string, body: unknown) =>
      json(`${devnet.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const finalTx = async (bytes: Uint8Array) => {
      const r = await post("/v1/transactions", { tx: toHex(bytes) });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      return waitFor(
        `transaction ${r.body.id} final`,
        async () => {
          const t = await json(`${devnet.url}/v1/transactions/${r.body.id}`);
          return t.status === 200 && t.body.label === "final" ? t.body : undefined;
        },
        90_000,
      );
    };
    const { wasm } = await buildExample("token");
    nonce += 1n;
    const token = contractIdOf(dave.publicKey, nonce);
    const deployed = await finalTx(
      encodeTransaction(
        signDeploy(dave.secretKey, {
          chainId,
          from: dave.publicKey,
          amount: 0n,
          nonce,
          gasLimit: 30_000_000n,
          gasPrice: 1n,
          code: wasm,
          init: new AbiWriter().u64(1_000_000n).string("Edge").string("EDG").finish(),
        }),
      ),
    );
    expect(deployed.receipt.status).toBe("success");
    nonce += 1n;
    const sent = await finalTx(
      encodeTransaction(
        signCall(dave.secretKey, {
          chainId,
          from: dave.publicKey,
          contract: token,
          fn: "transfer",
          input: new AbiWriter().bytes32(erin.publicKey).u64(2_500n).finish(),
          amount: 0n,
          nonce,
          gasLimit: 1_000_000n,
          gasPrice: 1n,
        }),
      ),
    );
    expect(sent.receipt.status).toBe("success");
    const balanceOf = async (who: Uint8Array) => {
      const q = await post(`/v1/contracts/${toHex(token)}/query`, {
        fn: "balanceOf",
        input: toHex(new AbiWriter().bytes32(who).finish()),
      });
      expect(q.body.ok, JSON.stringify(q.body)).toBe(true);
      return new AbiReader(Uint8Array.from(Buffer.from(q.body.returnData, "hex"))).u64();
    };
    expect(await balanceOf(erin.publicKey)).toBe(2_500n);
    expect(await balanceOf(dave.publicKey)).toBe(1_000_000n - 2_500n);
    const events = await json(`${devnet.url}/v1/contracts/${toHex(token)}/events?from=0`);
    // The mint at init, then the transfer.
    expect(events.body.events.map((e: { txId: string }) => e.txId)).toEqual([deployed.id, sent.id]);
  });

  it("streams blocks and finality over /v1/ws, live and resumed from a height", async () => {
    const url = `${devnet.url.replace(/^http/, "ws")}/v1/ws`;
    // biome-ignore lint/suspicious/noExplicitAny: messages are checked field by field below
    const messages: any[] = [];
    const ws = new WebSocket(url);
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once("open", () => resolve());
        ws.once("error", reject);
      });
      ws.on("message", (data) => messages.push(JSON.parse(String(data))));
      ws.send(JSON.stringify({ op: "subscribe", topics: ["blocks", "finality"], from: 1 }));
      const subscribed = await waitFor(
        "subscribed",
        async () => messages.find((m) => m.type === "subscribed"),
        20_000,
      );
      const tipAtSubscribe: number = subscribed.height;
      // The replay covers blocks 1.. the tip, in order; then live blocks above it arrive.
      await waitFor(
        "a live block above the subscription tip and its finality",
        async () => {
          const live = messages.filter((m) => m.type === "block" && !m.replay);
          const liveFinal = messages.filter((m) => m.type === "final" && !m.replay);
          return live.some((m) => m.height > tipAtSubscribe) && liveFinal.length > 0 ? true : undefined;
        },
        60_000,
      );
      const replayed = messages.filter((m) => m.type === "block" && m.replay).map((m) => m.height);
      expect(replayed.slice(0, 3)).toEqual([1, 2, 3]);
      const heights = messages.filter((m) => m.type === "block" && !m.replay).map((m) => m.height);
      expect([...heights].sort((a, b) => a - b)).toEqual(heights);
      ws.send("not json");
      await waitFor(
        "an error for a bad message",
        async () => messages.find((m) => m.type === "error"),
        10_000,
      );
      expect(messages.find((m) => m.type === "error").code).toBe("INVALID_SUBSCRIPTION");
    } finally {
      ws.close();
    }
  });
});
