// API keys end to end in workerd: the operator API creates keys in ApiKeyDOs, the gateway
// meters requests with them (429 + Retry-After, 403 allowlist, 401 revoked / required), CORS.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../durable/env.js";
import { createGateway } from "../../workers/gateway/app.js";
import type { NodeClient, NodeDirectory } from "../../workers/gateway/node-client.js";

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field below
type Body = any;

const directory = (): NodeDirectory => ({
  size: 1,
  node: () =>
    ({
      status: async () => ({ height: 1 }),
      latestBlock: async () => ({ height: 1 }),
      ensureStarted: async () => undefined,
    }) as unknown as NodeClient,
});

const TOKEN = "operator-test-token-0123456789";
const app = createGateway(directory);

function call(path: string, init: RequestInit = {}, extra: Partial<Env> = {}) {
  const e = {
    DEVNET_AUTOSTART: "false",
    API_KEYS: env.API_KEYS,
    OPERATOR_TOKEN: TOKEN,
    ...extra,
  } as unknown as Env;
  return app.request(path, init, e);
}

const operator = (path: string, init: RequestInit = {}) =>
  call(`/v1/operator${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      "content-type": "application/json",
      ...(init.headers ?? {}),
    },
  });

async function createKey(body: object): Promise<{ id: string; key: string }> {
  const r = await operator("/api-keys", { method: "POST", body: JSON.stringify(body) });
  expect(r.status).toBe(201);
  return (await r.json()) as { id: string; key: string };
}

describe("API keys", () => {
  it("the operator API is closed without its secret and refuses wrong tokens", async () => {
    const off = await call("/v1/operator/api-keys", {}, { OPERATOR_TOKEN: undefined } as Partial<Env>);
    expect([off.status, ((await off.json()) as Body).error.code]).toEqual([403, "OPERATOR_API_DISABLED"]);
    const wrong = await call("/v1/operator/api-keys", { headers: { authorization: "Bearer nope" } });
    expect([wrong.status, ((await wrong.json()) as Body).error.code]).toEqual([401, "OPERATOR_UNAUTHORIZED"]);
    const bad = await operator("/api-keys", {
      method: "POST",
      body: JSON.stringify({ name: "x", ratePerMinute: 0 }),
    });
    expect([bad.status, ((await bad.json()) as Body).error.code]).toEqual([400, "INVALID_BODY"]);
  });

  it("meters a key: 429 with Retry-After past its rate, usage counted, then revoked", async () => {
    const { id, key } = await createKey({ name: "small", ratePerMinute: 2 });
    const auth = { headers: { authorization: `Bearer ${key}` } };
    expect((await call("/v1/node/status", auth)).status).toBe(200);
    const second = await call("/v1/blocks/latest", auth);
    expect(second.headers.get("x-ratelimit-remaining")).toBe("0");
    const third = await call("/v1/node/status", auth);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await third.json()) as Body).error.code).toBe("RATE_LIMITED");
    const info = (await (await operator(`/api-keys/${id}`)).json()) as Body;
    expect(info.usage).toMatchObject({
      total: 2,
      rejected: 1,
      byMethod: { node_status: 1, block_latest: 1 },
    });
    const listed = (await (await operator("/api-keys")).json()) as Body;
    expect(listed.keys.map((k: Body) => k.id)).toContain(id);
    expect((await operator(`/api-keys/${id}`, { method: "DELETE" })).status).toBe(200);
    const revoked = await call("/v1/node/status", { headers: { "x-api-key": key } });
    expect([revoked.status, ((await revoked.json()) as Body).error.code]).toEqual([401, "API_KEY_REVOKED"]);
  });

  it("applies the method allowlist to REST and JSON-RPC batches alike", async () => {
    const { key } = await createKey({ name: "blocks-only", ratePerMinute: 100, methods: ["block_*"] });
    const auth = { authorization: `Bearer ${key}`, "content-type": "application/json" };
    expect((await call("/v1/blocks/latest", { headers: auth })).status).toBe(200);
    const status = await call("/v1/node/status", { headers: auth });
    expect([status.status, ((await status.json()) as Body).error.code]).toEqual([403, "METHOD_NOT_ALLOWED"]);
    const batch = await call("/rpc", {
      method: "POST",
      headers: auth,
      body: JSON.stringify([
        { jsonrpc: "2.0", id: 1, method: "block_latest" },
        { jsonrpc: "2.0", id: 2, method: "node_status" },
      ]),
    });
    expect([batch.status, ((await batch.json()) as Body).error.code]).toEqual([403, "METHOD_NOT_ALLOWED"]);
  });

  it("unknown and malformed keys get 401; keys can be required; CORS answers preflights", async () => {
    const unknown = await call("/v1/node/status", {
      headers: { authorization: "Bearer dek_unknownkey_0123456789" },
    });
    expect([unknown.status, ((await unknown.json()) as Body).error.code]).toEqual([401, "API_KEY_INVALID"]);
    const malformed = await call("/v1/node/status", { headers: { "x-api-key": "short" } });
    expect(malformed.status).toBe(401);
    const required = await call("/v1/node/status", {}, { API_KEYS_REQUIRED: "true" });
    expect([required.status, ((await required.json()) as Body).error.code]).toEqual([
      401,
      "API_KEY_REQUIRED",
    ]);
    // The OpenAPI document is never metered.
    expect((await call("/v1/openapi.json", {}, { API_KEYS_REQUIRED: "true" })).status).toBe(200);
    const preflight = await call(
      "/v1/node/status",
      {
        method: "OPTIONS",
        headers: { origin: "https://app.example", "access-control-request-method": "GET" },
      },
      { CORS_ORIGINS: "https://app.example" },
    );
    expect(preflight.headers.get("access-control-allow-origin")).toBe("https://app.example");
    const other = await call(
      "/v1/node/status",
      { headers: { origin: "https://evil.example" } },
      { CORS_ORIGINS: "https://app.example" },
    );
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});
