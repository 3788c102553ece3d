// The hosted-RPC client of issue 9 end to end under `wrangler dev` with API keys required: the
// operator creates a key; with it a client queries (REST and JSON-RPC), subscribes over
// /v1/ws and submits a transfer that becomes final; without it everything is 401; past its
// rate it gets 429 with Retry-After.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { toHex } from "../../protocol/bytes.js";
import { devAccountKey } from "../../protocol/keys.js";
import { encodeTransaction, signTransfer } from "../../protocol/transaction.js";
import { type Devnet, startDevnet } from "./devnet-process.js";
import { json } from "./http.js";

const TOKEN = "e2e-operator-token-0123456789abcdef";

describe("a client with an API key", () => {
  let devnet: Devnet;
  beforeAll(async () => {
    devnet = await startDevnet({ nodes: 4, vars: { OPERATOR_TOKEN: TOKEN, API_KEYS_REQUIRED: "true" } });
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  it("queries, subscribes and submits with its key; 401 without; 429 past its rate", async () => {
    const anonymous = await json(`${devnet.url}/v1/node/status`);
    expect([anonymous.status, anonymous.body.error.code]).toEqual([401, "API_KEY_REQUIRED"]);
    const created = await json(`${devnet.url}/v1/operator/api-keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "client", ratePerMinute: 600 }),
    });
    expect(created.status).toBe(201);
    const auth = { authorization: `Bearer ${created.body.key}` };

    const status = await json(`${devnet.url}/v1/node/status`, { headers: auth });
    expect(status.status).toBe(200);
    const chainId: string = status.body.chainId;

    // Subscribe with the key (header on the upgrade request), then submit and see it final.
    // biome-ignore lint/suspicious/noExplicitAny: messages are checked field by field below
    const messages: any[] = [];
    const ws = new WebSocket(`${devnet.url.replace(/^http/, "ws")}/v1/ws`, { headers: auth });
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    ws.on("message", (d) => messages.push(JSON.parse(String(d))));
    const alice = devAccountKey("dusk-edge-devnet", 7);
    const bob = devAccountKey("dusk-edge-devnet", 8);
    ws.send(JSON.stringify({ op: "subscribe", topics: [`account:${toHex(bob.publicKey)}`, "finality"] }));
    const tx = signTransfer(alice.secretKey, {
      chainId,
      from: alice.publicKey,
      to: bob.publicKey,
      amount: 5n,
      nonce: 1n,
      gasLimit: 21_000n,
      gasPrice: 1n,
      memo: new Uint8Array(0),
    });
    const submitted = await json(`${devnet.url}/rpc`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "tx_submit",
        params: { tx: toHex(encodeTransaction(tx)) },
      }),
    });
    const id: string = submitted.body.result.id;
    const deadline = Date.now() + 90_000;
    let seen: { height: number } | undefined;
    while (Date.now() < deadline) {
      seen = messages.find((m) => m.type === "tx" && m.id === id);
      if (seen !== undefined && messages.some((m) => m.type === "final" && m.height >= seen!.height)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    ws.close();
    expect(seen).toMatchObject({ type: "tx", topic: `account:${toHex(bob.publicKey)}`, status: "success" });
    expect(messages.some((m) => m.type === "final" && m.height >= seen!.height)).toBe(true);

    // A second key with a rate of 2 per minute: the third call is refused with Retry-After.
    const small = await json(`${devnet.url}/v1/operator/api-keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "small", ratePerMinute: 2 }),
    });
    const smallAuth = { headers: { "x-api-key": small.body.key } };
    expect((await json(`${devnet.url}/v1/blocks/latest`, smallAuth)).status).toBe(200);
    expect((await json(`${devnet.url}/v1/blocks/latest`, smallAuth)).status).toBe(200);
    const limited = await json(`${devnet.url}/v1/blocks/latest`, smallAuth);
    expect([limited.status, limited.body.error.code]).toEqual([429, "RATE_LIMITED"]);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});
