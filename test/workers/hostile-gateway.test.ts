// Hostile RPC users against the gateway (issue 12 matrix, docs/SECURITY.md): oversized bodies,
// deep JSON, wrong types and oversized batches, through the real Hono app in workerd (app.request)
// in front of a node that records what reaches it. Each gets its JSON error code, and none of
// them reaches the node. The workerd suite (test/workers/gateway.test.ts) covers the other REST
// codes; this file adds the hostile shapes.
import { describe, expect, it } from "vitest";
import type { Env } from "../../durable/env.js";
import { createGateway } from "../../workers/gateway/app.js";
import type { NodeClient } from "../../workers/gateway/node-client.js";
import { RPC_BATCH_MAX, RPC_BODY_BYTES_MAX } from "../../workers/gateway/routes/rpc.js";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below
type Body = any;

/** A node that answers nothing: any call reaching it is recorded (and fails the test). */
function recordingApp() {
  const reached: string[] = [];
  const node = new Proxy({} as NodeClient, {
    get: (_, name) => async () => {
      reached.push(String(name));
      throw new Error(`the node was reached (${String(name)})`);
    },
  });
  const app = createGateway(() => ({ size: 1, node: () => node }));
  const env = { DEVNET_AUTOSTART: "false" } as unknown as Env;
  const send = async (path: string, body: BodyInit, type = "application/json") => {
    const r = await app.request(path, { method: "POST", headers: { "content-type": type }, body }, env);
    const text = await r.text();
    return { status: r.status, body: (text === "" ? null : JSON.parse(text)) as Body };
  };
  return { send, reached };
}

const deepArray = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
const rpc = (params: string) => `{"jsonrpc":"2.0","id":1,"method":"block_byHeight","params":${params}}`;

describe("hostile RPC input: a clear code, and the node is never reached", () => {
  it("oversized bodies: 413 PAYLOAD_TOO_LARGE on /rpc and /v1/transactions", async () => {
    const { send, reached } = recordingApp();
    const big = rpc(`{"height":1,"pad":"${"x".repeat(RPC_BODY_BYTES_MAX)}"}`);
    const r = await send("/rpc", big);
    expect([r.status, r.body.error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    const tx = await send("/v1/transactions", `{"tx":"${"00".repeat(300_000)}"}`);
    expect([tx.status, tx.body.error.code]).toEqual([413, "PAYLOAD_TOO_LARGE"]);
    expect(reached).toEqual([]);
  });

  it("deep JSON (25,000 to 50,000 levels, under the body caps): parse or params errors, no stack overflow", async () => {
    const { send, reached } = recordingApp();
    const depth = 50_000;
    // A batch holding one deeply nested array: the request is not an object.
    const batch = await send("/rpc", deepArray(depth));
    expect(batch.status).toBe(200);
    expect(batch.body).toEqual([
      expect.objectContaining({ error: expect.objectContaining({ code: -32600 }) }),
    ]);
    // Deep params: zod refuses them at the first level.
    for (const params of [deepArray(depth), deepObject(depth / 2)]) {
      const r = await send("/rpc", rpc(params));
      expect([r.status, r.body.error.code, r.body.error.data.code]).toEqual([200, -32602, "INVALID_PARAMS"]);
    }
    // REST bodies: not a JSON object, or a tx field that is not hex.
    const rest = await send("/v1/transactions", deepArray(depth));
    expect([rest.status, rest.body.error.code]).toEqual([400, "INVALID_BODY"]);
    const deepTx = await send("/v1/transactions", `{"tx":${deepObject(depth / 2)}}`);
    expect([deepTx.status, deepTx.body.error.code]).toEqual([400, "INVALID_BODY"]);
    expect(reached).toEqual([]);
  });

  it("wrong types: each field's code", async () => {
    const { send, reached } = recordingApp();
    const cases: Array<[string, string, number, string | number]> = [
      ["/rpc", rpc('{"height":"1"}'), 200, -32602],
      ["/rpc", rpc('{"height":-1}'), 200, -32602],
      ["/rpc", rpc('{"height":1e400}'), 200, -32602],
      ["/rpc", rpc("[1]"), 200, -32602],
      ["/rpc", '{"jsonrpc":"2.0","id":{},"method":"node_status"}', 200, -32600],
      ["/rpc", '{"jsonrpc":"1.0","id":1,"method":"node_status"}', 200, -32600],
      ["/rpc", '{"jsonrpc":"2.0","id":1,"method":7}', 200, -32600],
      ["/rpc", '{"jsonrpc":"2.0","id":1,"method":"__proto__"}', 200, -32601],
      ["/rpc", '{"jsonrpc":"2.0","id":1,"method":"toString"}', 200, -32601],
      ["/rpc", "\u0000{", 200, -32700],
      ["/rpc", "[]", 200, -32600],
      ["/v1/transactions", '{"tx":5}', 400, "INVALID_BODY"],
      ["/v1/transactions", '{"tx":["00"]}', 400, "INVALID_BODY"],
      ["/v1/transactions", '"00"', 400, "INVALID_BODY"],
      ["/v1/transactions", "null", 400, "INVALID_BODY"],
    ];
    for (const [path, body, status, code] of cases) {
      const r = await send(path, body);
      expect({ body, status: r.status, code: r.body.error?.code ?? r.body[0]?.error.code }).toEqual({
        body,
        status,
        code,
      });
    }
    expect(reached).toEqual([]);
  });

  it(`a batch over ${RPC_BATCH_MAX} requests: 413 BATCH_TOO_LARGE before any runs`, async () => {
    const { send, reached } = recordingApp();
    const one = '{"jsonrpc":"2.0","id":1,"method":"node_status"}';
    const r = await send(
      "/rpc",
      `[${Array(RPC_BATCH_MAX + 1)
        .fill(one)
        .join(",")}]`,
    );
    expect([r.status, r.body.error.code]).toEqual([413, "BATCH_TOO_LARGE"]);
    expect(reached).toEqual([]);
  });
});
