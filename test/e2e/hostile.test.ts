// End to end (issue 12: "the node keeps producing blocks throughout"): a batch of hostile
// requests thrown at a running 4-node devnet at once (oversized and deeply nested bodies, wrong
// types, garbage and wrong-chain transactions, bad signatures, replays, a WASM infinite loop, a
// peer link sending garbage) while finality is watched: every request gets its code, and the
// finalized height keeps advancing during and after the batch.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { toHex } from "../../protocol/bytes.js";
import { devAccountKey } from "../../protocol/keys.js";
import { encodeTransaction, signDeploy, signTransfer } from "../../protocol/transaction.js";
import { wat } from "../fixtures/wat.js";
import { type Devnet, startDevnet } from "./devnet-process.js";
import { type Body, json, waitFor } from "./http.js";

const INFINITE_INIT = `(module (memory (export "memory") 1) (func (export "init") (loop (br 0))))`;

describe("hostile requests against a running devnet", () => {
  let devnet: Devnet;
  const vars = JSON.parse(readFileSync("wrangler.jsonc", "utf8").replace(/^\s*\/\/.*$/gm, "")).vars;
  const seed: string = vars.DEVNET_SEED;

  beforeAll(async () => {
    devnet = await startDevnet({ nodes: 4, isolateRegistry: true });
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  it("answers each with its code while finality keeps advancing", async () => {
    const finalized = async () => (await json(`${devnet.url}/v1/node/status`)).body.finalizedHeight as number;
    await waitFor("a final block", async () => ((await finalized()) >= 1 ? true : undefined), 90_000);
    const status = (await json(`${devnet.url}/v1/node/status`)).body;
    const chainId: string = status.chainId;
    const before = await finalized();

    const mallory = devAccountKey(seed, 5);
    const account = (await json(`${devnet.url}/v1/accounts/${toHex(mallory.publicKey)}`)).body;
    const nonce = BigInt(account.nonce);
    const transfer = (n: bigint, over: Partial<Parameters<typeof signTransfer>[1]> = {}) =>
      signTransfer(mallory.secretKey, {
        chainId,
        from: mallory.publicKey,
        to: devAccountKey(seed, 6).publicKey,
        amount: 1n,
        nonce: n,
        gasLimit: 21_000n,
        gasPrice: 1n,
        memo: new Uint8Array(0),
        ...over,
      });
    const good = encodeTransaction(transfer(nonce + 1n));
    const tampered = good.slice();
    tampered[tampered.length - 1]! ^= 1;
    const bomb = signDeploy(mallory.secretKey, {
      chainId,
      from: mallory.publicKey,
      amount: 0n,
      nonce: nonce + 2n,
      gasLimit: 2_000_000n,
      gasPrice: 1n,
      code: await wat(INFINITE_INIT),
      init: new Uint8Array(0),
    });

    const post = (path: string, body: BodyInit, type = "application/json") =>
      json(`${devnet.url}${path}`, { method: "POST", headers: { "content-type": type }, body });
    const octet = (bytes: Uint8Array, node = 0) =>
      post(`/v1/transactions?node=${node}`, bytes, "application/octet-stream");
    const rpc = (params: string) =>
      post("/rpc", `{"jsonrpc":"2.0","id":1,"method":"block_byHeight","params":${params}}`);
    const code = (r: { status: number; body: Body }) => [r.status, r.body.error?.code ?? r.body.error];

    // The good transfer first, so its replays below are replays.
    const accepted = await octet(good);
    expect(accepted.status).toBe(202);

    // A peer link that sends garbage instead of its hello, then floods.
    const peer = new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`${devnet.url.replace("http", "ws")}/v1/p2p?node=1`);
      ws.on("open", () => {
        ws.send("not a hello");
        for (let i = 0; i < 500; i++) ws.send(new Uint8Array(1024).fill(i & 0xff));
      });
      ws.on("close", (closeCode) => resolve(closeCode));
      ws.on("error", reject);
    });

    const [oversized, deep, wrongType, garbage, wrongChain, badSig, replay, replayOther, farNonce, bombed] =
      await Promise.all([
        rpc(`{"height":1,"pad":"${"x".repeat(300_000)}"}`),
        rpc(`${"[".repeat(50_000)}${"]".repeat(50_000)}`),
        post("/v1/transactions", '{"tx":5}'),
        octet(new Uint8Array([0xde, 0xad, 0xbe, 0xef])),
        octet(encodeTransaction(transfer(nonce + 1n, { chainId: "another-chain" }))),
        octet(tampered, 2),
        octet(good),
        octet(good, 3),
        octet(encodeTransaction(transfer(nonce + 1_000n))),
        octet(encodeTransaction(bomb), 1),
      ]);
    expect(code(oversized)).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    expect([deep.status, deep.body.error.code, deep.body.error.data.code]).toEqual([
      200,
      -32602,
      "INVALID_PARAMS",
    ]);
    expect(code(wrongType)).toEqual([400, "INVALID_BODY"]);
    expect(code(garbage)).toEqual([400, "TX_MALFORMED"]);
    expect(code(wrongChain)).toEqual([400, "TX_WRONG_CHAIN"]);
    expect(code(badSig)).toEqual([400, "TX_BAD_SIGNATURE"]);
    // A replay is a duplicate while the transfer is pooled and a spent nonce once a block holds
    // it (blocks come fast on the devnet); on node 3 it may even be the first copy (same id).
    const spent = [
      [400, "TX_DUPLICATE"],
      [400, "TX_BAD_NONCE"],
    ];
    expect(spent).toContainEqual(code(replay));
    if (replayOther.status === 202) expect(replayOther.body.id).toBe(accepted.body.id);
    else expect(spent).toContainEqual(code(replayOther));
    expect(code(farNonce)).toEqual([400, "TX_NONCE_TOO_FAR"]);
    expect(await peer).toBe(4002);

    // The bomb is admitted (its code validates) and runs out of gas when executed in a block.
    expect(bombed.status, JSON.stringify(bombed.body)).toBe(202);
    const receipt = await waitFor(
      "the WASM bomb's receipt",
      async () => {
        const r = await json(`${devnet.url}/v1/transactions/${bombed.body.id}`);
        return r.body.label === "final" ? r.body.receipt : undefined;
      },
      90_000,
    );
    expect(receipt).toMatchObject({ status: "reverted", error: { code: "CONTRACT_OUT_OF_GAS" } });

    // A replay after finality: the nonce is spent.
    await waitFor(
      "the good transfer final",
      async () =>
        (await json(`${devnet.url}/v1/transactions/${accepted.body.id}`)).body.label === "final"
          ? true
          : undefined,
      90_000,
    );
    expect(code(await octet(good, 2))).toEqual([400, "TX_BAD_NONCE"]);

    // Finality advanced through the batch and keeps advancing.
    const during = await finalized();
    expect(during).toBeGreaterThan(before);
    await waitFor(
      "three more final blocks",
      async () => ((await finalized()) >= during + 3 ? true : undefined),
      90_000,
    );
    const after = await json(`${devnet.url}/v1/accounts/${toHex(mallory.publicKey)}`);
    expect(BigInt(after.body.nonce)).toBe(nonce + 2n);
  });
});
