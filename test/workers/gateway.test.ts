// Gateway routes: every error code against a fake node directory (app.request), then the real
// worker (exports.default.fetch) in front of two NodeDOs.
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../durable/env.js";
import type { BlockJson, StatusJson, SubmitResult } from "../../durable/node-views.js";
import { toHex } from "../../protocol/bytes.js";
import { devAccountKey } from "../../protocol/keys.js";
import { LIMITS } from "../../protocol/params.js";
import { encodeTransaction, signTransfer } from "../../protocol/transaction.js";
import { createGateway } from "../../workers/gateway/app.js";
import type { NodeClient, NodeDirectory } from "../../workers/gateway/node-client.js";

const HASH = "ab".repeat(32);
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below
type Body = any;

function fakeBlock(height: number): BlockJson {
  return {
    height,
    hash: HASH,
    label: "final",
    header: {
      version: 1,
      height,
      timestampMs: 0,
      prevHash: HASH,
      seed: "00",
      generator: "00",
      txRoot: HASH,
      stateRoot: HASH,
      faultRoot: HASH,
      gasUsed: "0",
      iteration: 0,
      prevAttestation: null,
      failedIterations: [],
      signature: "00",
    },
    transactionCount: 0,
    transactions: [],
    faults: [],
  };
}

function fakeDirectory(submit: (bytes: Uint8Array) => SubmitResult, calls: string[] = []): NodeDirectory {
  const node = (index: number): NodeClient => ({
    status: async () => ({ name: `node-${index}`, height: 3 }) as unknown as StatusJson,
    latestBlock: async () => fakeBlock(3),
    blockByHeight: async (h) => (h <= 3 ? fakeBlock(h) : null),
    blockByHash: async (hash) => (hash === HASH ? fakeBlock(2) : null),
    blockRange: async (from, to) =>
      Array.from({ length: Math.max(0, Math.min(to, 3) - from + 1) }, (_, i) => fakeBlock(from + i)),
    gasPrice: async () => ({ minimum: "1", suggested: "1" }),
    committees: async () => ({ round: 4, iteration: 0, generator: "00", validation: [], ratification: [] }),
    provisioners: async () => [{ publicKey: "ab", stake: "1000" }],
    stakeInfo: async () => null,
    account: async (a) => ({ address: a, balance: "5", nonce: "1" }),
    transaction: async (id) => (id === HASH ? { id, status: "pending", tx: {} as never } : null),
    submitTransaction: async (bytes) => {
      calls.push(`submit:${index}:${bytes.length}`);
      return submit(bytes);
    },
    ensureStarted: async () => {
      calls.push(`start:${index}`);
    },
    contract: async (id) => (id === HASH ? ({ id } as never) : null),
    contractStorage: async () => null,
    contractEvents: async () => [],
    shieldedInfo: async () => ({ enabled: true, noteCount: 2 }) as never,
    shieldedNotes: async (from) => ({
      count: 2,
      notes: from < 2 ? [{ position: from, commitment: HASH, encryptedNote: "00", height: 1, tx: HASH }] : [],
    }),
    nullifiersSpent: async (ns) => ns.map((n) => n === HASH),
    queryContract: async (_id, fn) =>
      fn === "missing" ? { code: "CONTRACT_NO_SUCH_FUNCTION", message: "no" } : ({ ok: true } as never),
    // Like a node with no contracts: every asked key is absent.
    readState: async (keys) => ({
      entries: Object.fromEntries(keys.map((k) => [k, null])),
      accounts: {},
      block: { chainId: "x", height: 1, timestampMs: 0 },
    }),
  });
  return { size: 3, node };
}

const TEST_ENV = { DEVNET_AUTOSTART: "false" } as unknown as Env;

function fakeApp(
  submit: (bytes: Uint8Array) => SubmitResult = () => ({ ok: true, id: HASH }),
  calls?: string[],
) {
  const app = createGateway(() => fakeDirectory(submit, calls));
  return async (path: string, init?: RequestInit, e: Env = TEST_ENV) => {
    const r = await app.request(path, init, e);
    return { status: r.status, body: (await r.json()) as Body };
  };
}

const octet = (bytes: Uint8Array): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/octet-stream" },
  body: bytes,
});
const jsonBody = (value: unknown): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(value),
});

describe("gateway routes (fake nodes)", () => {
  it("serves status, blocks and accounts of the chosen node", async () => {
    const get = fakeApp();
    expect((await get("/v1/node/status")).body.name).toBe("node-0");
    expect((await get("/v1/node/status?node=2")).body.name).toBe("node-2");
    expect((await get("/v1/node/status", { headers: { "x-dusk-node": "1" } })).body.name).toBe("node-1");
    expect((await get("/v1/blocks/latest")).body.height).toBe(3);
    expect((await get("/v1/blocks/2")).body).toMatchObject({ height: 2, label: "final" });
    const account = await get(`/v1/accounts/${"AB".repeat(32)}`);
    expect(account).toEqual({ status: 200, body: { address: "ab".repeat(32), balance: "5", nonce: "1" } });
    expect((await get(`/v1/transactions/${HASH}`)).body.status).toBe("pending");
  });

  it("answers every client error with its JSON code", async () => {
    const get = fakeApp();
    const cases: Array<[string, RequestInit | undefined, number, string]> = [
      ["/v1/blocks/99", undefined, 404, "BLOCK_NOT_FOUND"],
      ["/v1/blocks/1.5", undefined, 400, "INVALID_HEIGHT"],
      ["/v1/blocks/-1", undefined, 400, "INVALID_HEIGHT"],
      ["/v1/blocks/01", undefined, 400, "INVALID_HEIGHT"],
      ["/v1/blocks/99999999999999999999", undefined, 400, "INVALID_HEIGHT"],
      ["/v1/accounts/abc", undefined, 400, "INVALID_ADDRESS"],
      [`/v1/accounts/${"zz".repeat(32)}`, undefined, 400, "INVALID_ADDRESS"],
      ["/v1/transactions/xyz", undefined, 400, "INVALID_TRANSACTION_ID"],
      [`/v1/transactions/${"cd".repeat(32)}`, undefined, 404, "TRANSACTION_NOT_FOUND"],
      ["/v1/node/status?node=3", undefined, 400, "INVALID_NODE"],
      ["/v1/node/status?node=x", undefined, 400, "INVALID_NODE"],
      ["/v1/nope", undefined, 404, "NOT_FOUND"],
      ["/v2", undefined, 404, "NOT_FOUND"],
      [
        "/v1/transactions",
        { method: "POST", headers: { "content-type": "text/plain" }, body: "00" },
        415,
        "UNSUPPORTED_MEDIA_TYPE",
      ],
      [
        "/v1/transactions",
        { method: "POST", headers: { "content-type": "application/json" }, body: "{" },
        400,
        "INVALID_BODY",
      ],
      ["/v1/transactions", jsonBody({ nottx: "00" }), 400, "INVALID_BODY"],
      ["/v1/transactions", jsonBody({ tx: "abc" }), 400, "TX_MALFORMED"],
      ["/v1/transactions", jsonBody({ tx: "zz" }), 400, "TX_MALFORMED"],
      ["/v1/transactions", octet(new Uint8Array(LIMITS.transactionBytes * 2 + 65)), 413, "PAYLOAD_TOO_LARGE"],
      [
        "/v1/transactions",
        jsonBody({ tx: "00".repeat(LIMITS.transactionBytes + 30) }),
        413,
        "PAYLOAD_TOO_LARGE",
      ],
      ["/v1/contracts/xyz", undefined, 400, "INVALID_CONTRACT_ID"],
      [`/v1/contracts/${"cd".repeat(32)}`, undefined, 404, "CONTRACT_NOT_FOUND"],
      [`/v1/contracts/${HASH}/storage/zz`, undefined, 400, "INVALID_STORAGE_KEY"],
      [`/v1/contracts/${HASH}/storage/${"00".repeat(257)}`, undefined, 400, "INVALID_STORAGE_KEY"],
      [`/v1/contracts/${HASH}/events?from=-1`, undefined, 400, "INVALID_HEIGHT"],
      [`/v1/contracts/${HASH}/events?limit=101`, undefined, 400, "INVALID_LIMIT"],
      [`/v1/contracts/${HASH}/events?limit=0`, undefined, 400, "INVALID_LIMIT"],
      [`/v1/contracts/${HASH}/query`, jsonBody({ fn: "a-b" }), 400, "INVALID_BODY"],
      [`/v1/contracts/${HASH}/query`, jsonBody([1]), 400, "INVALID_BODY"],
      [`/v1/contracts/${HASH}/query`, jsonBody({ fn: "get", input: "abc" }), 400, "INVALID_BODY"],
      [`/v1/contracts/${HASH}/query`, jsonBody({ fn: "get", caller: "00" }), 400, "INVALID_BODY"],
      [`/v1/contracts/${HASH}/query`, jsonBody({ fn: "get", value: "-5" }), 400, "INVALID_BODY"],
      [`/v1/contracts/${HASH}/query`, jsonBody({ fn: "missing" }), 400, "CONTRACT_NO_SUCH_FUNCTION"],
      [
        `/v1/contracts/${HASH}/query`,
        jsonBody({ fn: "get", input: "00".repeat(16 * 1024 + 1) }),
        413,
        "PAYLOAD_TOO_LARGE",
      ],
      [`/v1/contracts/${HASH}/simulate`, jsonBody({ fn: "get" }), 404, "CONTRACT_NOT_FOUND"],
    ];
    for (const [path, init, status, code] of cases) {
      const r = await get(path, init);
      expect({ path, status: r.status, code: r.body.error?.code }).toEqual({ path, status, code });
      expect(typeof r.body.error.message).toBe("string");
      expect(typeof r.body.error.data).toBe("object");
    }
  });

  it("refuses an oversized streamed body without a content-length", async () => {
    const get = fakeApp();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        // One chunk more than the cap (hex of the largest transaction) allows.
        const chunks = Math.ceil((LIMITS.transactionBytes * 2 + 64) / 1_000) + 1;
        for (let i = 0; i < chunks; i++) controller.enqueue(new Uint8Array(1_000));
        controller.close();
      },
    });
    const r = await get("/v1/transactions", {
      method: "POST",
      headers: { "content-type": "application/octet-stream" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("accepts raw bytes and JSON hex, and maps the node's protocol codes to statuses", async () => {
    const calls: string[] = [];
    let next: SubmitResult = { ok: true, id: HASH };
    const post = fakeApp(() => next, calls);
    expect(await post("/v1/transactions", octet(new Uint8Array([1, 2, 3])))).toEqual({
      status: 202,
      body: { id: HASH },
    });
    expect(await post("/v1/transactions?node=1", jsonBody({ tx: "0x0a0b" }))).toEqual({
      status: 202,
      body: { id: HASH },
    });
    expect(calls).toEqual(["submit:0:3", "submit:1:2"]);
    const codes: Array<[string, number]> = [
      ["TX_MALFORMED", 400],
      ["TX_BAD_SIGNATURE", 400],
      ["TX_BAD_NONCE", 400],
      ["TX_FEE_TOO_LOW", 400],
      ["TX_OVERSIZED", 400],
      ["TX_WRONG_CHAIN", 400],
      ["TX_INSUFFICIENT_BALANCE", 400],
      ["MEMPOOL_FULL", 503],
      ["MEMPOOL_SENDER_FULL", 429],
    ];
    for (const [code, status] of codes) {
      next = { ok: false, code, message: `m ${code}`, data: { field: "x" } };
      const r = await post("/v1/transactions", octet(new Uint8Array([1])));
      expect({ code, status: r.status, body: r.body }).toEqual({
        code,
        status,
        body: { error: { code, message: `m ${code}`, data: { field: "x" } } },
      });
    }
  });

  it("wakes every node once per isolate unless autostart is off", async () => {
    const calls: string[] = [];
    const get = fakeApp(undefined, calls);
    await get("/v1/node/status", undefined, {} as Env);
    await new Promise((r) => setTimeout(r, 10));
    await get("/v1/node/status", undefined, {} as Env);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls.sort()).toEqual(["start:0", "start:1", "start:2"]);
    const quiet: string[] = [];
    await fakeApp(undefined, quiet)("/v1/node/status");
    expect(quiet).toEqual([]);
  });

  it("answers 500 INTERNAL when a node call fails", async () => {
    const app = createGateway(() => ({
      size: 1,
      node: () =>
        ({
          status: async () => Promise.reject(new Error("node unavailable: boom")),
        }) as unknown as NodeClient,
    }));
    const r = await app.request("/v1/node/status", undefined, TEST_ENV);
    expect(r.status).toBe(500);
    expect(((await r.json()) as Body).error).toMatchObject({
      code: "INTERNAL",
      message: "node unavailable: boom",
    });
  });
});

describe("JSON-RPC and the OpenAPI document (fake nodes)", () => {
  const rpc = (body: unknown) => fakeApp()("/rpc", { ...jsonBody(body) });

  it("answers single requests, batches in order, and nothing for notifications", async () => {
    const one = await rpc({ jsonrpc: "2.0", id: 7, method: "block_byHeight", params: { height: 2 } });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ jsonrpc: "2.0", id: 7, result: { height: 2 } });
    const batch = await rpc([
      { jsonrpc: "2.0", id: "a", method: "node_status" },
      { jsonrpc: "2.0", method: "node_status" },
      { jsonrpc: "2.0", id: "b", method: "block_range", params: { from: 1, to: 3 } },
      { jsonrpc: "2.0", id: "c", method: "block_byHash", params: { hash: `0x${HASH}` } },
    ]);
    expect(batch.body.map((r: Body) => r.id)).toEqual(["a", "b", "c"]);
    expect(batch.body[1].result.map((b: Body) => b.height)).toEqual([1, 2, 3]);
    expect(batch.body[2].result.height).toBe(2);
    const provisioners = await rpc({ jsonrpc: "2.0", id: 9, method: "consensus_provisioners" });
    expect(provisioners.body.result).toEqual([{ publicKey: "ab", stake: "1000" }]);
    const rest = await fakeApp()("/v1/node/provisioners");
    expect(rest.body).toEqual({ provisioners: [{ publicKey: "ab", stake: "1000" }] });
    const app = createGateway(() => fakeDirectory(() => ({ ok: true, id: HASH })));
    const quiet = await app.request("/rpc", jsonBody({ jsonrpc: "2.0", method: "node_status" }), TEST_ENV);
    expect(quiet.status).toBe(204);
  });

  it("maps every failure to its JSON-RPC code, with the REST code in data", async () => {
    const cases: Array<[unknown, number, string | undefined]> = [
      [{ jsonrpc: "2.0", id: 1, method: "nope" }, -32601, undefined],
      [{ jsonrpc: "1.0", id: 1, method: "node_status" }, -32600, undefined],
      [{ jsonrpc: "2.0", id: {}, method: "node_status" }, -32600, undefined],
      [[], -32600, undefined],
      [{ jsonrpc: "2.0", id: 1, method: "block_byHeight", params: { height: -1 } }, -32602, "INVALID_PARAMS"],
      [
        { jsonrpc: "2.0", id: 1, method: "block_byHeight", params: { height: 1, extra: 1 } },
        -32602,
        "INVALID_PARAMS",
      ],
      [
        { jsonrpc: "2.0", id: 1, method: "block_range", params: { from: 0, to: 64 } },
        -32602,
        "INVALID_PARAMS",
      ],
      [
        { jsonrpc: "2.0", id: 1, method: "block_range", params: { from: 5, to: 4 } },
        -32602,
        "INVALID_PARAMS",
      ],
      [{ jsonrpc: "2.0", id: 1, method: "tx_submit", params: { tx: "abc" } }, -32602, "INVALID_PARAMS"],
      [
        { jsonrpc: "2.0", id: 1, method: "block_byHeight", params: { height: 99 } },
        -32000,
        "BLOCK_NOT_FOUND",
      ],
      [
        { jsonrpc: "2.0", id: 1, method: "contract_query", params: { id: HASH, fn: "missing" } },
        -32000,
        "CONTRACT_NO_SUCH_FUNCTION",
      ],
    ];
    for (const [body, code, dataCode] of cases) {
      const r = await rpc(body);
      expect({ body, code: r.body.error?.code, dataCode: r.body.error?.data?.code }).toEqual({
        body,
        code,
        dataCode,
      });
    }
    const app = createGateway(() => fakeDirectory(() => ({ ok: true, id: HASH })));
    const parse = await app.request(
      "/rpc",
      { method: "POST", headers: { "content-type": "application/json" }, body: "{" },
      TEST_ENV,
    );
    expect(((await parse.json()) as Body).error.code).toBe(-32700);
    const tooMany = await rpc(
      Array.from({ length: 21 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "node_status" })),
    );
    expect([tooMany.status, tooMany.body.error.code]).toEqual([413, "BATCH_TOO_LARGE"]);
  });

  it("submits through tx_submit with the node's protocol codes", async () => {
    const refuse = fakeApp(() => ({ ok: false, code: "TX_BAD_NONCE", message: "nonce", data: {} }));
    const r = await refuse(
      "/rpc",
      jsonBody({ jsonrpc: "2.0", id: 1, method: "tx_submit", params: { tx: "00ff" } }),
    );
    expect(r.body.error).toMatchObject({ code: -32000, data: { code: "TX_BAD_NONCE", status: 400 } });
    const ok = await rpc({ jsonrpc: "2.0", id: 1, method: "tx_submit", params: { tx: "00ff" } });
    expect(ok.body.result).toEqual({ id: HASH });
  });

  it("serves the shielded pool: info, note pages, nullifier lookups, with input errors named", async () => {
    const call = fakeApp();
    expect((await call("/v1/shielded")).body).toMatchObject({ enabled: true, noteCount: 2 });
    const page = await call("/v1/shielded/notes?from=1&limit=5");
    expect(page.body).toMatchObject({ from: 1, count: 2, next: 2, complete: true });
    expect((await call("/v1/shielded/notes?from=-1")).body.error.code).toBe("INVALID_POSITION");
    expect((await call("/v1/shielded/notes?limit=1001")).body.error.code).toBe("INVALID_LIMIT");
    const other = "11".repeat(32);
    const spent = await call("/v1/shielded/nullifiers", jsonBody({ nullifiers: [HASH, other] }));
    expect(spent.body.spent).toEqual({ [HASH]: true, [other]: false });
    const bad = await call("/v1/shielded/nullifiers", jsonBody({ nullifiers: ["zz"] }));
    expect([bad.status, bad.body.error.code]).toEqual([400, "INVALID_BODY"]);
    const tooMany = await call(
      "/v1/shielded/nullifiers",
      jsonBody({ nullifiers: Array.from({ length: 257 }, () => other) }),
    );
    expect(tooMany.body.error.code).toBe("INVALID_BODY");
    const rpc = await call(
      "/rpc",
      jsonBody({ jsonrpc: "2.0", id: 1, method: "shielded_nullifiers", params: { nullifiers: [HASH] } }),
    );
    expect(rpc.body.result).toEqual({ spent: { [HASH]: true } });
  });

  it("serves an OpenAPI 3.1 document listing every JSON-RPC method with its params schema", async () => {
    const r = await fakeApp()("/v1/openapi.json");
    expect(r.status).toBe(200);
    expect(r.body.openapi).toBe("3.1.0");
    const variants = r.body.paths["/rpc"].post.requestBody.content["application/json"].schema.oneOf[0].oneOf;
    const names = variants.map((v: Body) => v.properties.method.const);
    expect(names).toContain("block_range");
    expect(names).toContain("contract_query");
    const range = variants.find((v: Body) => v.title === "block_range");
    expect(range.properties.params.properties.from.type).toBe("integer");
    expect(Object.keys(r.body.paths)).toContain("/v1/contracts/{id}/simulate");
  });
});

describe("the worker in front of real NodeDOs", () => {
  const call = async (path: string, init?: RequestInit) => {
    const r = await exports.default.fetch(new Request(`https://gateway${path}`, init));
    return { status: r.status, body: (await r.json()) as Body };
  };

  async function waitFor<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    timeoutMs = 40_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const v = await probe();
      if (v !== undefined) return v;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  it("serves status, genesis, accounts and the error codes of a real node", async () => {
    // Autostart is off in tests: wake node-1 directly so the two nodes link.
    await env.NODE.get(env.NODE.idFromName("node-1")).ensureStarted();
    const status = await call("/v1/node/status");
    expect(status.status).toBe(200);
    expect(status.body).toMatchObject({ chainId: "dusk-edge-workers-test", name: "node-0" });
    for (const key of ["height", "finalizedHeight", "round", "iteration", "mempoolSize", "peers"]) {
      expect(typeof status.body[key], key).toBe("number");
    }
    expect(status.body.genesisHash).toMatch(/^[0-9a-f]{64}$/);
    expect(status.body.nodeId).toMatch(/^[0-9a-f]{96}$/);
    const genesis = await call("/v1/blocks/0");
    expect(genesis.body).toMatchObject({ height: 0, label: "final", transactionCount: 0, transactions: [] });
    expect(genesis.body.hash).toBe(status.body.genesisHash);
    expect((await call("/v1/blocks/999999")).body.error.code).toBe("BLOCK_NOT_FOUND");
    const alice = devAccountKey(env.DEVNET_SEED!, 0);
    const account = await call(`/v1/accounts/${toHex(alice.publicKey)}`);
    expect(account.status).toBe(200);
    expect(BigInt(account.body.balance)).toBeGreaterThan(0n);
    const nobody = await call(`/v1/accounts/${"00".repeat(32)}`);
    expect(nobody.body).toMatchObject({ balance: "0", nonce: "0" });
    const malformed = await call("/v1/transactions", octet(new Uint8Array([1, 2, 3])));
    expect([malformed.status, malformed.body.error.code]).toEqual([400, "TX_MALFORMED"]);
    const oversized = await call("/v1/transactions", octet(new Uint8Array(LIMITS.transactionBytes + 1)));
    expect([oversized.status, oversized.body.error.code]).toEqual([400, "TX_OVERSIZED"]);
  });

  it("takes a signed transfer to a final block; bad ones get their protocol code", async () => {
    const seed = env.DEVNET_SEED!;
    const alice = devAccountKey(seed, 2);
    const bob = devAccountKey(seed, 3);
    const chainId = (await call("/v1/node/status")).body.chainId as string;
    const body = {
      chainId,
      from: alice.publicKey,
      to: bob.publicKey,
      amount: 1_000n,
      nonce: 1n,
      gasLimit: 21_000n,
      gasPrice: 1n,
      memo: new Uint8Array(0),
    };
    const submit = (tx: Uint8Array, node = 0) =>
      call(`/v1/transactions?node=${node}`, jsonBody({ tx: toHex(tx) }));
    const good = encodeTransaction(signTransfer(alice.secretKey, body));
    const badSig = good.slice();
    badSig[badSig.length - 1]! ^= 1;
    const expectCode = async (tx: Uint8Array, code: string) => {
      const r = await submit(tx);
      expect([r.status, r.body.error?.code], JSON.stringify(r.body)).toEqual([400, code]);
    };
    await expectCode(badSig, "TX_BAD_SIGNATURE");
    await expectCode(
      encodeTransaction(signTransfer(alice.secretKey, { ...body, chainId: "other" })),
      "TX_WRONG_CHAIN",
    );
    await expectCode(
      encodeTransaction(signTransfer(alice.secretKey, { ...body, gasPrice: 0n })),
      "TX_FEE_TOO_LOW",
    );
    await expectCode(
      encodeTransaction(signTransfer(alice.secretKey, { ...body, nonce: 0n })),
      "TX_BAD_NONCE",
    );
    await expectCode(
      encodeTransaction(signTransfer(alice.secretKey, { ...body, amount: 1n << 63n })),
      "TX_INSUFFICIENT_BALANCE",
    );
    const accepted = await submit(good, 1);
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(202);
    const id = accepted.body.id as string;
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const final = await waitFor("the transfer in a final block", async () => {
      const r = await call(`/v1/transactions/${id}`);
      return r.status === 200 && r.body.label === "final" ? r.body : undefined;
    });
    expect(final).toMatchObject({ id, status: "included", tx: { amount: "1000", nonce: "1" } });
    const block = await call(`/v1/blocks/${final.height}`);
    expect(block.body.transactions).toContain(id);
    expect(block.body.transactionCount).toBe(block.body.transactions.length);
    const latest = await call("/v1/blocks/latest");
    expect(latest.body.height).toBeGreaterThanOrEqual(final.height);
    const bobAccount = await call(`/v1/accounts/${toHex(bob.publicKey)}?node=1`);
    const before = BigInt(
      (await call(`/v1/accounts/${toHex(devAccountKey(seed, 4).publicKey)}`)).body.balance,
    );
    expect(BigInt(bobAccount.body.balance)).toBe(before + 1_000n);
  });
});
